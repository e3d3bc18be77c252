"""The ManEx Purchase Order document's own examples, judged by the contract (contracts/manex_po).

The examples are kept verbatim, and most are not JSON: single-quoted request bodies, answers copied
from a browser's JSON viewer. A small tolerant reader reads what it can; what even it cannot read is
asserted to stay unreadable, so that a corrected document shows up here. Where an example breaks the
vendor's own rule, the finding is expected by name (examples/judging.yaml), so the discrepancy stays
visible and a change in either the document or the rules shows up here. An example following
another reading of a rule the document supports is recorded as a discrepancy (expected_discrepancies),
never as a failure.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from b2bconform.apis.manex_po import review as manex_po
from b2bconform.apis.manex_po.review import JSON_HEADERS, pairing_exchange, read_body, url
from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Request
from b2bconform.review import ExampleCase, judge_case
from example_verdicts import assert_judged_as_recorded
from vendor_documents import vendor_doc

API = "manex_po"
EXAMPLES = manex_po.load()
INDEX = list(EXAMPLES.index)
JUDGING = EXAMPLES.judging
BY_FILE = {entry["file"]: entry for entry in INDEX}
CASES = manex_po.cases(EXAMPLES)

# The fault-backed rules of the shared plan: their ids are fixed, and so is what they check.
FAULT_BACKED: dict[str, dict[str, Any]] = {
    "MANEX_PO-AUTH-001": {"check": None, "direction": "auth"},
    "MANEX_PO-AUTH-002": {"check": "equals", "params": {"path": "/IsValidUser", "value": False}},
    "MANEX_PO-URL-001": {"check": "required", "params": {"path": "/MessageDetail"}, "statuses": (404,)},
    "MANEX_PO-ENV-001": {"check": "required", "params": {"path": "/SessionId"}},
    "MANEX_PO-PO-001": {"check": "required", "params": {"path": "/supname"}, "operations": ("POAdd",)},
    "MANEX_PO-PO-002": {"check": "format", "params": {"path": "/deliverytime", "format": "hh-mm-24h"}},
    "MANEX_PO-PO-003": {"check": "enum", "path": "/terms"},
    "MANEX_PO-PO-004": {"check": "implies", "path": "/shippingtaxpct"},
    "MANEX_PO-ITM-001": {"check": "enum", "path": "/poittype"},
    "MANEX_PO-ITM-002": {"check": "pattern", "path": "/pur_ltime"},
    "MANEX_PO-ITM-003": {"check": "implies", "path": "/part_no"},
    "MANEX_PO-ITM-004": {"check": "enum", "path": "/u_of_meas"},
    "MANEX_PO-ITM-005": {"check": "enum", "path": "/package"},
    "MANEX_PO-SCH-001": {"check": None, "operations": ("POScheduleAdd", "POScheduleEdit")},
    "MANEX_PO-SCH-002": {"check": "format", "path": "/schd_date"},
    "MANEX_PO-RES-001": {"check": "pattern", "path": "/ResponseObject/PONUM"},
    "MANEX_PO-RES-002": {"check": "pattern", "path": "/ResponseObject/UNIQDETNO"},
}


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract.load(API)


# ── the contract itself ──────────────────────────────────────────────────────────────────────


def test_the_contract_loads_with_its_rules_and_operations(contract: Contract) -> None:
    assert len(contract.rules) > 100
    assert {op.id for op in contract.operations} == {
        "POAdd",
        "POEdit",
        "POGet",
        "POItemAdd",
        "POItemEdit",
        "POItemDelete",
        "POItemGet",
        "POScheduleAdd",
        "POScheduleEdit",
        "POScheduleDelete",
        "POScheduleGet",
    }
    assert contract.rules.read_only_operations == {"POGet", "POItemGet", "POScheduleGet"}


def test_every_operation_has_rules_of_its_own(contract: Contract) -> None:
    named = {op for rule in contract.rules for op in rule.operations}
    assert [op.id for op in contract.operations if op.id not in named] == []


@pytest.mark.parametrize("rule_id", sorted(FAULT_BACKED))
def test_each_fault_backed_rule_exists_with_the_plans_meaning(contract: Contract, rule_id: str) -> None:
    rule = contract.rules.get(rule_id)
    expected = FAULT_BACKED[rule_id]
    assert rule.check == expected["check"]
    for key, value in (expected.get("params") or {}).items():
        assert rule.params[key] == value, f"{rule_id}.params.{key}"
    if "path" in expected:
        paths = rule.params.get("path") or rule.params.get("when_path")
        assert expected["path"] in ([paths] if isinstance(paths, str) else paths)
    if "operations" in expected:
        assert set(expected["operations"]) <= set(rule.operations)
    if "statuses" in expected:
        assert rule.statuses == expected["statuses"]
    if "direction" in expected:
        assert rule.direction.value == expected["direction"]


def test_the_api_key_path_parameter_is_marked_secret(contract: Contract) -> None:
    parameter = contract.spec["components"]["parameters"]["apiKey"]
    assert parameter["in"] == "path" and parameter["x-b2bconform-secret"] is True
    for item in contract.spec["paths"].values():
        assert {"$ref": "#/components/parameters/apiKey"} in item["post"]["parameters"]


def test_the_fault_backed_rules_catch_what_their_faults_do(contract: Contract) -> None:
    """Each request fault of the plan, sent as a request, breaks its rule (a sanity check of the params)."""
    cases = {
        "MANEX_PO-PO-002": ("POAdd", {"deliveryTime": "1:00 PM"}),
        "MANEX_PO-PO-003": ("POAdd", {"Terms": "NET 60"}),
        "MANEX_PO-PO-004": ("POAdd", {"shippingTaxPct": "8.25", "isShippingTaxable": "0"}),
        "MANEX_PO-ITM-001": ("POItemAdd", {"POITTYPE": "Widget"}),
        "MANEX_PO-ITM-002": ("POItemAdd", {"pur_ltime": "two weeks"}),
        "MANEX_PO-ITM-003": ("POItemAdd", {"part_no": "416-242424"}),
        "MANEX_PO-ITM-004": ("POItemAdd", {"U_OF_MEAS": "BARREL"}),
        "MANEX_PO-ITM-005": ("POItemAdd", {"package": "CRATE"}),
        "MANEX_PO-SCH-002": ("POScheduleAdd", {"schd_date": "2014-11-07"}),
    }
    for rule_id, (operation, body) in cases.items():
        request = Request("POST", url(operation), JSON_HEADERS, json.dumps(body).encode())
        judgement = contract.check(Exchange(api=API, request=request), side="client")
        assert rule_id in {f.rule for f in judgement.findings}, rule_id
    # a query string and lower-case names reach the same rules as the JSON body
    request = Request("GET", url("POAdd", [("DELIVERYTIME", "1:00 PM")]))
    judgement = contract.check(Exchange(api=API, request=request), side="client")
    assert "MANEX_PO-PO-002" in {f.rule for f in judgement.findings}


# ── the examples ─────────────────────────────────────────────────────────────────────────────


def test_every_example_is_indexed_and_judged() -> None:
    on_disk = {p.name for p in EXAMPLES.folder.iterdir() if p.name not in ("index.yaml", "judging.yaml")}
    assert on_disk == set(BY_FILE)
    judged = (
        {e["file"] for e in JUDGING["requests"]}
        | {p["response"] for p in JUDGING["pairings"]}
        | {u["file"] for u in JUDGING["unreadable"]}
    )
    assert judged == set(BY_FILE)
    assert {p["response"] for p in JUDGING["pairings"]} == {
        e["file"] for e in INDEX if e["kind"] == "response"
    }


@pytest.mark.parametrize("entry", INDEX, ids=lambda e: e["file"])
def test_every_example_cites_its_section_of_the_document(entry: dict[str, Any]) -> None:
    source = entry["source"]
    assert source["file"] == Contract.load(API).rules.document
    assert re.fullmatch(r"1\.[123]\.[1-4]\. PO .+", source["section"])
    document = vendor_doc(source["file"])
    text = " ".join(document.read_text(encoding="utf-8").split()).casefold()
    section_at = text.find(source["section"].casefold())
    assert section_at >= 0
    assert text.find(source["heading"].casefold(), section_at) >= 0, "the heading follows its section"
    # the example is the document's own text, as printed
    printed = " ".join(EXAMPLES.text(entry["file"]).split()).casefold()
    assert printed in text[section_at:]


@pytest.mark.parametrize("entry", JUDGING["unreadable"], ids=lambda e: e["file"])
def test_unreadable_examples_stay_unreadable(entry: dict[str, Any]) -> None:
    """If the document is corrected, move the example to `requests` and judge it."""
    with pytest.raises(ValueError):
        read_body(EXAMPLES, entry["file"])


@pytest.mark.parametrize("case", [pytest.param(c, id=c.example) for c in CASES if c.kind == "request"])
def test_request_example_has_exactly_its_recorded_discrepancies(case: ExampleCase) -> None:
    judgement = judge_case(case)
    assert judgement is not None, case.reading_drift or "the audit judged nothing"
    assert judgement.exchange.operation == BY_FILE[case.entry["file"]]["operation"]
    assert_judged_as_recorded(case, judgement)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.example) for c in CASES if c.kind == "pairing"])
def test_response_example_has_exactly_its_recorded_discrepancies(case: ExampleCase) -> None:
    judgement = judge_case(case)
    assert judgement is not None, case.reading_drift or "the audit judged nothing"
    assert judgement.exchange.operation == BY_FILE[case.entry["response"]]["operation"]
    assert_judged_as_recorded(case, judgement)
    assert judgement.outcomes, "no rule judged the example"


@pytest.mark.parametrize(
    "pairing", [p for p in JUDGING["pairings"] if "request_url" in p], ids=lambda p: p["response"]
)
def test_url_error_example_quotes_the_uri_it_answers(pairing: dict[str, Any]) -> None:
    """The quoted URI is the request's; whether it aims at its section's action is recorded (URL-008)."""
    message = read_body(EXAMPLES, pairing["response"])["Message"]
    uri = re.search(r"'(.+)'", message).group(1)  # type: ignore[union-attr]
    assert uri == pairing["request_url"]
    segment = urlsplit(uri).path.rstrip("/").split("/")[-2]
    aimed = segment[2:] if segment.lower().startswith("po") else segment
    aims = pairing["section_action"].lower().startswith(aimed.lower())
    assert aims == pairing["aims_at_section_action"]
    if not aims:
        assert pairing.get("discrepancy")


def test_refusals_of_the_api_key_are_judged_by_the_auth_rules_only(contract: Contract) -> None:
    """An example answer refusing the key is a refusal before the parameters were read (auth_refused)."""
    for pairing in JUDGING["pairings"]:
        if pairing["response"].endswith("invalid-key.json"):
            judgement = contract.check(pairing_exchange(EXAMPLES, pairing))
            assert contract.refused_credentials(judgement.exchange.response)  # type: ignore[arg-type]
            assert judgement.outcomes["MANEX_PO-AUTH-002"] == "passed"
            assert not judgement.broken_by_request & {
                r.id for r in contract.rules if r.direction.value == "request"
            }

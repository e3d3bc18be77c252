"""The Westcon REST document's own examples, judged by the harness as recorded traffic is.

Each request example is paired with the response printed after it, written to a cassette and audited;
the request examples are also audited as a caller's requests. Where the document's example reads a rule
otherwise than the harness adopts, as the document itself allows (it masks its values, prints
placeholders, spells one number two ways), the example judges as a discrepancy expected by name
(contracts/westcon_rest/examples/judging.yaml), never as a failure; a change in either the document or
the rules shows up here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import yaml

from b2bconform.apis.westcon_rest import review as westcon_rest
from b2bconform.apis.westcon_rest.review import example_exchange
from b2bconform.engine.contract import Contract, Judgement
from b2bconform.locations import APIS_DIR, contract_dir
from b2bconform.review import ExampleCase, judge_case
from example_verdicts import assert_judged_as_recorded
from vendor_documents import vendor_doc

API = "westcon_rest"
ROOT = Path(__file__).resolve().parents[1]
CONTRACT_DIR = contract_dir(API)
EXAMPLES = westcon_rest.load()
INDEX: list[dict[str, Any]] = [dict(e) for e in EXAMPLES.index]
JUDGING: dict[str, Any] = dict(EXAMPLES.judging)
OPENAPI: dict[str, Any] = yaml.safe_load((CONTRACT_DIR / "openapi.yaml").read_text(encoding="utf-8"))
CONFIGURATION_LINE = re.compile(r'< add key="([^"]+)" value="([^"]*)" />')
# Where a sample credential must never appear: the harness's code, its suites and its target profiles
# (all under src/). The one copy allowed is the vendor document's own sample among the contract's examples.
NO_SAMPLE_CREDENTIALS_UNDER = ("src",)
SAMPLE_ALLOWED_UNDER = CONTRACT_DIR / "examples"

CASES = westcon_rest.cases(EXAMPLES)
PAIRING_CASES = [
    pytest.param(c, id=f"{c.entry['request']}+{c.example}") for c in CASES if c.kind == "pairing"
]
REQUEST_CASES = [pytest.param(c, id=c.example) for c in CASES if c.kind == "request"]
PAIRINGS = [pytest.param(p, id=f"{p['request']}+{p['response']}") for p in JUDGING["pairings"]]
REQUEST_ENTRIES = [pytest.param(e, id=e["file"]) for e in JUDGING["requests"]]
ALL_ENTRIES = [*PAIRINGS, *REQUEST_ENTRIES]


def indexed(name: str) -> dict[str, Any]:
    return next(e for e in INDEX if e["file"] == name)


def rules_of(judgement: Judgement) -> tuple[list[str], list[str]]:
    """The rules failed, and the rules read otherwise than adopted (discrepancies)."""
    return sorted({f.rule for f in judgement.findings}), sorted({f.rule for f in judgement.discrepancies})


def recorded(entry: dict[str, Any]) -> tuple[list[str], list[str]]:
    return sorted(entry["expected_findings"]), sorted(entry.get("expected_discrepancies") or [])


def configuration() -> list[tuple[str, str]]:
    """The sample configuration's (key, value) pairs, every line read strictly."""
    pairs = []
    for line in EXAMPLES.text(JUDGING["configuration"]["file"]).splitlines():
        match = CONFIGURATION_LINE.fullmatch(line)
        assert match, f"not an <add key value> line: {line!r}"
        pairs.append((match.group(1), match.group(2)))
    return pairs


# ── the examples are the document's ─────────────────────────────────────────────────────────


def test_every_example_file_is_indexed_and_judged() -> None:
    files = {p.name for p in EXAMPLES.folder.iterdir() if p.name not in ("index.yaml", "judging.yaml")}
    assert files == {e["file"] for e in INDEX}
    by_kind = {kind: {e["file"] for e in INDEX if e["kind"] == kind} for kind in ("request", "response")}
    assert by_kind["request"] == {e["file"] for e in JUDGING["requests"]}
    assert by_kind["request"] == {p["request"] for p in JUDGING["pairings"]}
    assert by_kind["response"] == {p["response"] for p in JUDGING["pairings"]}
    assert {e["file"] for e in INDEX if e["kind"] == "configuration"} == {JUDGING["configuration"]["file"]}


def test_the_index_names_known_operations_and_a_status_for_each_response() -> None:
    operations = {
        definition["operationId"]
        for item in OPENAPI["paths"].values()
        for definition in item.values()
        if isinstance(definition, dict) and "operationId" in definition
    }
    for entry in INDEX:
        assert entry["kind"] in ("request", "response", "configuration"), entry["file"]
        assert entry["operation"] in operations, entry["file"]
        assert ("status" in entry) == (entry["kind"] == "response"), entry["file"]
        assert set(entry["source"]) == {"file", "section"}, entry["file"]
    for pairing in JUDGING["pairings"]:
        assert indexed(pairing["request"])["operation"] == indexed(pairing["response"])["operation"]


@pytest.mark.parametrize("entry", INDEX, ids=lambda e: e["file"])
def test_example_is_the_documents_text_verbatim(entry: dict[str, Any]) -> None:
    doc = vendor_doc(entry["source"]["file"])
    printed = doc.read_bytes()
    copied = EXAMPLES.bytes(entry["file"])
    assert copied.endswith(b"\n") and not copied.endswith(b"\n\n"), "the text as printed plus one newline"
    assert printed.count(copied[:-1]) == 1, f"{entry['file']} is not found verbatim in {doc.name}"
    # ... and it is exactly the line(s) its section names
    lines = re.match(r"lines? (\d+)(?:-(\d+))?:", entry["source"]["section"])
    assert lines, f"{entry['file']}: section must start with 'line N:' or 'lines N-M:'"
    first = int(lines.group(1))
    last = int(lines.group(2) or first)
    assert copied == b"\n".join(printed.split(b"\n")[first - 1 : last]) + b"\n"


@pytest.mark.parametrize("name", [e["file"] for e in INDEX if e["file"].endswith(".json")])
def test_json_example_parses_as_printed(name: str) -> None:
    assert isinstance(json.loads(EXAMPLES.bytes(name)), dict)


# ── judged by the engine ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("entry", ALL_ENTRIES)
def test_every_recorded_finding_and_discrepancy_is_explained(entry: dict[str, Any]) -> None:
    expected = {*entry["expected_findings"], *(entry.get("expected_discrepancies") or [])}
    unexplained = [rule for rule in expected if rule.split("-", 1)[1] not in entry.get("discrepancy", "")]
    assert not unexplained, f"the discrepancy text does not explain {unexplained}"


@pytest.mark.parametrize("case", PAIRING_CASES)
def test_vendor_example_pairing_judges_as_recorded(case: ExampleCase) -> None:
    pairing = case.entry
    judgement = judge_case(case)  # audited exactly as recorded traffic is (a cassette, redacted)
    assert judgement is not None and len(case.exchanges) == 1
    assert [judgement.exchange.operation] == [indexed(pairing["request"])["operation"]]
    assert_judged_as_recorded(case, judgement)


def test_no_vendor_example_fails_a_rule() -> None:
    """The document contradicts itself or is silent where its examples break a rule: never a failure."""
    assert all(not entry["expected_findings"] for entry in [*JUDGING["pairings"], *JUDGING["requests"]])


@pytest.mark.parametrize("pairing", PAIRINGS)
def test_vendor_example_pairing_judged_as_sent_has_the_same_verdicts_as_recorded(
    pairing: dict[str, Any],
) -> None:
    """Redaction ("Bearer ***", "client_secret=***") never changes a verdict."""
    exchange = example_exchange(EXAMPLES, pairing["request"], pairing["response"])
    judgement = Contract.load(API).check(exchange)
    assert rules_of(judgement) == recorded(pairing)


@pytest.mark.parametrize("case", REQUEST_CASES)
def test_vendor_request_example_judged_as_a_callers_request_judges_as_recorded(
    case: ExampleCase,
) -> None:
    assert case.side == "client"
    assert_judged_as_recorded(case, judge_case(case))


@pytest.mark.parametrize("entry", REQUEST_ENTRIES)
def test_vendor_request_example_judged_as_sent_has_the_same_verdicts_as_recorded(
    entry: dict[str, Any],
) -> None:
    exchange = example_exchange(EXAMPLES, entry["file"], entry["response"])
    judgement = Contract.load(API).check(exchange, side="client")
    assert rules_of(judgement) == recorded(entry)


# ── the discrepancies no finding shows ──────────────────────────────────────────────────────


def test_token_request_example_sends_no_resource_while_the_sample_configuration_names_one() -> None:
    """TOK-006's two readings in the document's own words (the rule is not checked: see its decision)."""
    (entry,) = [e for e in JUDGING["requests"] if indexed(e["file"])["operation"] == "getAccessToken"]
    form = dict(parse_qsl(EXAMPLES.text(entry["file"]).strip()))
    assert sorted(form) == ["client_id", "client_secret", "grant_type"]
    assert ("resource" in form) == entry["sends_resource"]
    assert "resource" in dict(configuration())


def test_order_status_sample_billing_document_is_one_character_shorter_than_the_order_numbers() -> None:
    """The 9-character billingDocument that RES-018 tolerates (1 to 10 digits) rather than judges."""
    (pairing,) = [p for p in JUDGING["pairings"] if indexed(p["response"])["operation"] == "getOrderStatus"]
    lines = json.loads(EXAMPLES.bytes(pairing["response"]))["MT_OrderStatus_Response"]
    billed = [line for line in lines if line["billingDocument"]]
    assert billed, "the sample has invoiced lines"
    assert {len(line["billingDocument"]) for line in billed} == {pairing["billing_document_length"]}
    assert {len(line["eRPOrderNumber"]) for line in lines} == {10}


# ── the sample configuration ────────────────────────────────────────────────────────────────


def test_sample_configuration_has_the_client_id_secret_resource_and_subscription_key() -> None:
    keys = [key for key, _ in configuration()]
    assert keys == JUDGING["configuration"]["keys"]
    assert keys == ["client_id", "client_secret", "resource", "subscriptionKey"]


def test_sample_configuration_values_are_no_default_anywhere_in_the_harness() -> None:
    pairs = configuration()
    assert len(pairs) == 4 and all(value for _, value in pairs)
    scanned = 0
    folders = [ROOT / folder for folder in NO_SAMPLE_CREDENTIALS_UNDER]
    for shipped in (APIS_DIR,):
        assert any(shipped.resolve().is_relative_to(folder) for folder in folders), (
            f"{shipped} is not scanned"
        )
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.is_relative_to(SAMPLE_ALLOWED_UNDER.resolve()):
                continue
            scanned += 1
            content = path.read_bytes()
            leaked = [key for key, value in pairs if value.encode("utf-8") in content]
            assert not leaked, f"{path.relative_to(ROOT)} holds the sample configuration's {leaked}"
    assert scanned, "nothing was scanned"

"""The ManEx Sales Order contract, and the vendor document's own examples judged by it.

Most of the document's examples are not JSON as printed (single quotes, bare keys, keys broken across
lines). Each one is read as strictly as it allows (contracts/manex_so/examples/judging.yaml says how,
and a corrected document shows up here), then judged with the contract through the audit engine:
requests as a caller's, answers on the vendor's side. Where the vendor's example breaks the vendor's
rule it is expected by name, as a discrepancy where the document supports the reading the example
follows (the rule's ``readings``), else as a finding, so it stays visible and a change in either the
document or the rules shows up here. The reading and the exchanges are b2bconform.apis.manex_so.review's,
the same ones `b2bconform review` lists for the vendor.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import schemathesis
import yaml
from referencing import Registry, Resource

from b2bconform.apis.manex_so import review as manex_so
from b2bconform.apis.manex_so.review import (
    ACTIONS,
    BASE,
    JSON_HEADERS,
    entry,
    parses,
    read_example,
    tolerant_json,
)
from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Request, Response
from b2bconform.locations import contract_dir
from b2bconform.review import ExampleCase, judge_case
from example_verdicts import assert_judged_as_recorded
from vendor_documents import VENDOR_DOCS, needs_vendor_docs

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_DIR = contract_dir("manex_so")
EXAMPLES = manex_so.load()
VENDOR_DOC = VENDOR_DOCS / "002_308d514f6d7e564e.txt"
JUDGING = EXAMPLES.judging
INDEX = list(EXAMPLES.index)
OPENAPI = yaml.safe_load((CONTRACT_DIR / "openapi.yaml").read_text(encoding="utf-8"))
CASES = manex_so.cases(EXAMPLES)

needs_vendor_doc = needs_vendor_docs


@cache
def contract() -> Contract:
    return Contract.load("manex_so")


# ── the examples ──────────────────────────────────────────────────────────────────────────────

EXAMPLE_ENTRIES = [pytest.param(e, id=e["file"]) for e in JUDGING["examples"]]


@pytest.mark.parametrize("example", EXAMPLE_ENTRIES)
def test_example_reads_exactly_as_recorded(example: dict[str, Any]) -> None:
    name, mode = example["file"], example["read"]
    strict, tolerant = parses(EXAMPLES, name, "strict"), parses(EXAMPLES, name, "tolerant")
    if mode == "strict":
        assert strict, f"{name} no longer parses as printed"
    elif mode == "tolerant":
        assert not strict, f"{name} now parses as printed: record read: strict"
        assert tolerant, f"{name} no longer parses even with the tolerant reader"
    else:
        assert mode == "unparseable"
        assert not strict and not tolerant, f"{name} now parses: record how it reads and judge it"
        assert example.get("discrepancy"), "an unparseable example must say what the document does"
    if ".query." not in name:
        assert name.endswith(".json") == strict, f"{name}: .json is for examples that parse as printed"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.example) for c in CASES if c.kind == "request"])
def test_request_example_has_exactly_its_recorded_discrepancies(case: ExampleCase) -> None:
    example = case.entry
    judgement = judge_case(case)
    assert judgement is not None, f"{example['file']}: {case.reading_drift or 'the audit judged nothing'}"
    assert judgement.exchange.operation == example["operation"]
    assert_judged_as_recorded(case, judgement)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.example) for c in CASES if c.kind == "pairing"])
def test_response_example_has_exactly_its_recorded_discrepancies(case: ExampleCase) -> None:
    example = case.entry
    judgement = judge_case(case)
    assert judgement is not None, f"{example['file']}: {case.reading_drift or 'the audit judged nothing'}"
    assert judgement.exchange.operation == example.get("operation")
    assert_judged_as_recorded(case, judgement)
    # the example was judged, not skipped: the envelope (or URL error) rules ran on it
    assert any(rule.split("-")[1] in ("ENV", "URL") for rule in judgement.outcomes)


def test_every_example_file_is_indexed_and_judged() -> None:
    files = {p.name for p in EXAMPLES.folder.iterdir() if p.suffix in (".json", ".txt")}
    assert files == {e["file"] for e in INDEX}
    assert files == {e["file"] for e in JUDGING["examples"]}
    for example in JUDGING["examples"]:
        assert example["judge"] in ("request", "response", "none")
        if example["judge"] == "response" and not example["file"].startswith("url-error."):
            paired = entry(EXAMPLES, example["request"])
            assert paired["judge"] == "request", f"{example['file']} pairs with {example['request']}"


def test_the_index_agrees_with_the_judging() -> None:
    for indexed in INDEX:
        judged = entry(EXAMPLES, indexed["file"])
        assert indexed["kind"] == ("request" if ".request." in indexed["file"] else "response")
        assert judged.get("operation") == indexed["operation"], indexed["file"]


@needs_vendor_doc
@pytest.mark.parametrize("indexed", INDEX, ids=lambda e: e["file"])
def test_example_is_the_documents_text_verbatim(indexed: dict[str, Any]) -> None:
    lines = VENDOR_DOC.read_text(encoding="utf-8").split("\n")
    first, last = map(int, str(indexed["lines"]).split("-"))
    assert EXAMPLES.text(indexed["file"]) == "\n".join(lines[first - 1 : last]) + "\n"
    section = " ".join(indexed["source"]["section"].split()).casefold()
    assert section in " ".join(VENDOR_DOC.read_text(encoding="utf-8").split()).casefold()


def test_the_tolerant_reader_keeps_quotes_and_negative_numbers() -> None:
    text = "{\n\nMessage: \"Sales Order item with uniqueLn:'' does not exits\",\n\n-Obj: {a: -12,}\n\n}"
    assert tolerant_json(text) == {
        "Message": "Sales Order item with uniqueLn:'' does not exits",
        "Obj": {"a": -12},
    }


# ── the contract ──────────────────────────────────────────────────────────────────────────────

EXPECTED_OPERATIONS = {f"/API/SO/{action}/{{apiKey}}": op for op, action in ACTIONS.items()}


def test_contract_loads_with_the_wire_decisions() -> None:
    rules = contract().rules
    assert len(rules) > 150
    assert rules.request_parameters == "query_and_json"
    assert rules.status_path == "/Code"
    assert rules.operation_match == "path"
    assert rules.auth_refused is not None and rules.auth_refused.path == "/IsValidUser"
    assert rules.read_only_operations == {"SOGet", "SOItemGet", "SOPriceGet", "SODueDateGet"}
    assert {rule.rejects_with for rule in rules if rule.direction.value == "request"} == {(403,)}


def test_openapi_has_the_fifteen_actions_posted_with_a_secret_key() -> None:
    assert OPENAPI["openapi"] == "3.1.0"
    found = {path: item["post"]["operationId"] for path, item in OPENAPI["paths"].items()}
    assert found == EXPECTED_OPERATIONS
    assert all(list(item) == ["post"] for item in OPENAPI["paths"].values())
    key = OPENAPI["components"]["parameters"]["apiKey"]
    assert key["in"] == "path" and key["x-b2bconform-secret"] is True
    schema = schemathesis.openapi.from_path(str(CONTRACT_DIR / "openapi.yaml"))
    loaded = {op.ok().definition.raw["operationId"] for op in schema.get_all_operations()}
    assert loaded == set(ACTIONS)


def test_openapi_lists_every_parameter_in_the_query_and_in_the_body() -> None:
    components = OPENAPI["components"]
    for item in OPENAPI["paths"].values():
        operation = item["post"]
        query = [
            components["parameters"][ref["$ref"].rsplit("/", 1)[1]]
            for ref in operation["parameters"]
            if not ref["$ref"].endswith("/apiKey")
        ]
        assert query and all(p["in"] == "query" and p["required"] is False for p in query)
        body = components["schemas"][
            operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        ]
        assert sorted(body["properties"]) == sorted(p["name"] for p in query), operation["operationId"]
        assert set(operation["responses"]) == {"200", "404"}


def test_openapi_validates_against_the_openapi_3_1_meta_schema_and_its_refs_resolve() -> None:
    definitions = pytest.importorskip("schemathesis.specs.openapi.definitions")
    meta_schema = getattr(definitions, "OPENAPI_31", None)
    if meta_schema is None:
        pytest.skip("bundled OpenAPI 3.1 meta-schema not available")
    errors = list(jsonschema.Draft202012Validator(meta_schema).iter_errors(OPENAPI))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    uri = "urn:b2bconform:manex-so:openapi"
    resolver = Registry().with_resource(uri, Resource.opaque(OPENAPI)).resolver(base_uri=uri)
    refs = set(re.findall(r"'\$ref': '([^']+)'", repr(OPENAPI)))
    assert refs
    for ref in sorted(refs):
        resolver.lookup(f"{uri}{ref}")


def test_every_operation_has_rules_naming_it() -> None:
    rules = contract().rules
    for operation in ACTIONS:
        named = [r.id for r in rules if operation in r.operations]
        checked = [r.id for r in rules if operation in r.operations and r.check]
        assert named and checked, f"{operation} has no rule of its own"


def test_every_client_only_rule_records_why() -> None:
    for rule in contract().rules:
        if rule.judged == ("client",):
            assert rule.decision, rule.id


# Rules no check can judge (vendor state, several calls, the key's validity): suites/manex_so/ verifies
# each with a test marked @pytest.mark.rules("<id>"). Listed so that a new one is added deliberately.
SUITE_VERIFIED = {
    "MANEX_SO-TRN-003", "MANEX_SO-TRN-004", "MANEX_SO-TRN-005", "MANEX_SO-URL-005", "MANEX_SO-AUTH-001",
    "MANEX_SO-SO-010", "MANEX_SO-SO-017", "MANEX_SO-SO-018", "MANEX_SO-SO-019", "MANEX_SO-SO-020",
    "MANEX_SO-SO-021", "MANEX_SO-SO-022", "MANEX_SO-SO-023", "MANEX_SO-SO-024", "MANEX_SO-ITM-024",
    "MANEX_SO-DUE-002", "MANEX_SO-DUE-021",
    *(f"MANEX_SO-MSG-{n:03d}" for n in range(18, 29)),
}  # fmt: skip


def test_the_suite_verified_rules_are_the_recorded_ones() -> None:
    assert {rule.id for rule in contract().rules if rule.check is None} == SUITE_VERIFIED


# The rules the sandbox faults depend on (plan: fixed ids, fixed meanings).
FAULT_RULES: dict[str, tuple[str | None, dict[str, Any], tuple[str, ...]]] = {
    "MANEX_SO-AUTH-001": (None, {}, ("*",)),
    "MANEX_SO-AUTH-002": ("equals", {"path": "/IsValidUser", "value": False}, ("*",)),
    "MANEX_SO-URL-001": ("required", {"path": "/MessageDetail"}, ("*",)),
    "MANEX_SO-ENV-001": ("required", {"path": "/SessionId"}, ("*",)),
    "MANEX_SO-SO-001": ("any_present", {"paths": ["/custno"]}, ("SOAdd",)),
    "MANEX_SO-SO-002": ("format", {"path": "/custno", "format": "custno-10"}, ("SOAdd", "SOEdit")),
    "MANEX_SO-SO-003": ("format", {"path": "/orderdate", "format": "mm-dd-yyyy"}, ("SOAdd", "SOEdit")),
    "MANEX_SO-SO-004": ("enum", {"path": "/fob"}, ("SOAdd", "SOEdit")),
    "MANEX_SO-SO-005": ("implies", {"when_path": "/soapproval", "then_path": "/soapprvinit"}, ("SOAdd", "SOEdit")),
    "MANEX_SO-ITM-001": ("enum", {"path": "/status"}, ("SOItemAdd", "SOItemEdit")),
    "MANEX_SO-ITM-002": ("compare", {"path": "/eachqty", "op": "lt", "than": "/ord_qty"}, ("SOItemAdd", "SOItemEdit")),
    "MANEX_SO-ITM-003": ("any_present", {"paths": ["/line_no", "/uniqueln"]}, ("SOItemEdit",)),
    "MANEX_SO-DUE-001": ("compare", {"path": "/ship_dts", "op": "lt", "than": "/due_dts1"}, ("SODueDateAdd", "SODueDateEdit")),
    "MANEX_SO-DUE-002": (None, {}, ("SODueDateAdd", "SODueDateEdit")),
    "MANEX_SO-RES-001": ("pattern", {"regex": "[0-9]{10}"}, ("*",)),
    "MANEX_SO-RES-002": ("pattern", {"regex": "[A-Z0-9_]{10}"}, ("*",)),
}  # fmt: skip


@pytest.mark.parametrize("rule_id", sorted(FAULT_RULES))
def test_fault_backed_rule_exists_with_its_meaning(rule_id: str) -> None:
    check, params, operations = FAULT_RULES[rule_id]
    rule = contract().rules.get(rule_id)
    assert rule.check == check
    assert {k: rule.params[k] for k in params} == params
    assert rule.operations == operations
    assert set(rule.judged) == {"vendor", "client"}


# ── the faults, as exchanges: each breaks its rule and only that one ─────────────────────────


def envelope(message: str, code: int = 200, response_object: Any = None, **extra: Any) -> dict[str, Any]:
    body = {"$id": "1", "Code": code, "Message": message, "SessionId": None, "IsValidUser": True}
    body["ResponseObject"] = response_object
    body.update(extra)
    return body


def judge(operation: str, params: dict[str, Any], answer: dict[str, Any], status: int = 200) -> set[str]:
    request = Request("POST", f"{BASE}/{ACTIONS[operation]}/KEY", JSON_HEADERS, json.dumps(params).encode())
    response = Response(status, JSON_HEADERS, json.dumps(answer).encode())
    judgement = contract().check(Exchange("manex_so", request, response))
    return {f.rule for f in judgement.findings}


SO_ADD = {"SoNo": "", "custNo": "0000000008", "orderDate": "10-23-2014", "FOB": "ORIGIN-SHIP"}
ITEM_ADD = {"SONO": "0000000789", "part_num": "P-100", "revision": "A", "uOfMeas": "EACH", "soDet_Desc": "Loud",
            "deliv_time": "15:30", "status": "Standard", "ord_qty": "20", "eachQty": "2"}  # fmt: skip
DUE_ADD = {"SONO": "0000000789", "UNIQUELN": "A6WDVN62YM", "QTY": "5", "Due_DTS1": "11-28-2014", "Ship_Dts": "11-26-2014"}  # fmt: skip
ADDED = envelope("Sales Order added successfully.")
ITEM_ADDED = envelope("Sales Order Item added successfully.")
REFUSED = envelope("Sales Order add failed.custNo 10 digits expected.", code=403)


def get_answer(name: str) -> dict[str, Any]:
    return dict(read_example(EXAMPLES, name, entry(EXAMPLES, name)["read"]))


FAULTS = [
    ("accepts-add-without-custno", "MANEX_SO-SO-001", "SOAdd", {k: v for k, v in SO_ADD.items() if k != "custNo"}, ADDED),
    ("accepts-unpadded-custno", "MANEX_SO-SO-002", "SOAdd", {**SO_ADD, "custNo": "8"}, ADDED),
    ("accepts-iso-order-date", "MANEX_SO-SO-003", "SOAdd", {**SO_ADD, "orderDate": "2014-10-23"}, ADDED),
    ("accepts-unknown-fob", "MANEX_SO-SO-004", "SOAdd", {**SO_ADD, "FOB": "FREIGHT ON BOARD"}, ADDED),
    ("approves-without-initials", "MANEX_SO-SO-005", "SOAdd", {**SO_ADD, "SOAPPROVAL": "1"}, ADDED),
    ("accepts-unknown-item-status", "MANEX_SO-ITM-001", "SOItemAdd", {**ITEM_ADD, "status": "Admin Hold"}, ITEM_ADDED),
    ("accepts-each-qty-above-ordered", "MANEX_SO-ITM-002", "SOItemAdd", {**ITEM_ADD, "eachQty": "30"}, ITEM_ADDED),
    ("edits-item-without-line", "MANEX_SO-ITM-003", "SOItemEdit", {"SoNo": "0000000789", "part_num": "P-100", "revision": "A", "ord_qty": "40"},
     envelope("Sales Order Item edited successfully.")),
    ("accepts-ship-after-due", "MANEX_SO-DUE-001", "SODueDateAdd", {**DUE_ADD, "Ship_Dts": "12-01-2014"},
     envelope("$$Sales Order Due Date added successfully.")),
    ("drops-session-id", "MANEX_SO-ENV-001", "SOAdd", SO_ADD, {k: v for k, v in ADDED.items() if k != "SessionId"}),
    ("valid-user-on-bad-key", "MANEX_SO-AUTH-002", "SOAdd", SO_ADD, envelope("Invalid API Key.", code=403)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fault", "rule_id", "operation", "params", "answer"), FAULTS, ids=[f[0] for f in FAULTS]
)
def test_a_sandbox_fault_breaks_its_rule_and_only_that_one(
    fault: str, rule_id: str, operation: str, params: dict[str, Any], answer: dict[str, Any]
) -> None:
    assert judge(operation, params, answer) == {rule_id}, fault


def test_the_faithful_answers_to_the_fault_requests_break_nothing() -> None:
    assert judge("SOAdd", SO_ADD, ADDED) == set()
    assert judge("SOAdd", {**SO_ADD, "custNo": "8"}, REFUSED) == set()
    assert judge("SOItemAdd", ITEM_ADD, ITEM_ADDED) == set()
    assert judge("SOItemAdd", {**ITEM_ADD, "eachQty": "30"}, envelope("Sales Order Item add failed.eachQty below ord_qty expected.", 403)) == set()  # fmt: skip
    assert judge("SODueDateAdd", DUE_ADD, envelope("Sales Order Due Date added successfully.")) == set()
    refusal = envelope("Invalid API Key.", code=403, IsValidUser=False)
    assert judge("SOAdd", SO_ADD, refusal) == set()


def test_read_faults_break_their_response_rule_only() -> None:
    so = get_answer("so-get.response.200.txt")
    assert judge("SOGet", {"SoNo": "0000000789"}, so) == set()
    so["ResponseObject"]["SONO"] = "789"
    for line in so["ResponseObject"]["SODETAILList"]:
        line["SONO"] = "789"
    assert judge("SOGet", {"SoNo": "0000000789"}, so) == {"MANEX_SO-RES-001"}  # unpadded-sono-in-get
    price = get_answer("so-price-get.response.200.txt")
    assert judge("SOPriceGet", {"UNIQUELN": "A6WDVN62YM"}, price) == set()
    price["ResponseObject"]["PLPRICELNK"] = "GAWG8ODL"
    assert judge("SOPriceGet", {"UNIQUELN": "A6WDVN62YM"}, price) == {"MANEX_SO-RES-002"}  # short-price-link


def test_a_url_error_without_detail_breaks_url_001_only() -> None:
    body = {
        "$id": "1",
        "Message": "No HTTP resource was found that matches the request URI 'https://h/API/SO/Nope/K'.",
    }
    request = Request("POST", "https://manex.example.com/API/SO/Nope/KEY", JSON_HEADERS, b"{}")
    judgement = contract().check(
        Exchange("manex_so", request, Response(404, JSON_HEADERS, json.dumps(body).encode()))
    )
    assert judgement.exchange.operation is None
    assert {f.rule for f in judgement.findings} == {"MANEX_SO-URL-001"}


def test_parameters_are_read_from_the_query_and_the_body_whatever_their_case() -> None:
    query = Request("GET", f"{BASE}/Add/KEY?sono=&CUSTNO=0000000008&fob=origin-cust%20p/u")
    response = Response(200, JSON_HEADERS, json.dumps(ADDED).encode())
    assert contract().check(Exchange("manex_so", query, response)).findings == []
    route = Request(
        "POST", "https://manex.example.com/api/so/itemadd/KEY", JSON_HEADERS, json.dumps(ITEM_ADD).encode()
    )
    assert contract().operation_for(route) == "SOItemAdd"

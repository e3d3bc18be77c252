"""The engine on the real ModusLink catalogue: request rules judged by behaviour, response rules per
status, the client side, history-based rules, operation classification, and catalogue load errors."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.model import Direction, Exchange, Headers, Request, Response
from b2bconform.errors import ContractLoadError, InputFileError
from b2bconform.locations import contract_dir

API = "moduslink_po"
BASE = "https://api-uat.moduslink.com"
ORDERS = "/purchaseapi/v1/orders"
EXAMPLES = contract_dir(API) / "examples"
CREDENTIALS = {
    "ClientConfigId": "cfg-0001",
    "ClientAuthKey": "key-0001-abcdef",
    "Ocp-Apim-Subscription-Key": "sub-0001-abcdef",
    "Content-Type": "application/json",
}
LONG_REFERENCE = "R" * 26
REQ_012 = "MODUSLINK_PO-REQ-012"
REQ_013 = "MODUSLINK_PO-REQ-013"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


ORDER: dict[str, Any] = example("request.create-order.json")
HEADER = ORDER["clientRequest"]["requestHeader"]


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract.load(API)


# ── builders ─────────────────────────────────────────────────────────────────────────────────


def order(**header: Any) -> dict[str, Any]:
    document = copy.deepcopy(ORDER)
    for key, value in header.items():
        if value is None:
            document["clientRequest"]["requestHeader"].pop(key, None)
        else:
            document["clientRequest"]["requestHeader"][key] = value
    return document


def envelope(status: int, sent: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """The vendor's example body for ``status``, echoing the references of ``sent``."""
    body: dict[str, Any] = example(f"response.{status}.json")
    if sent is not None and status not in (401, 500):
        header = sent["clientRequest"]["requestHeader"]
        body["requestReference"] = header["requestReference"]
        body["externalMessageReference"] = header["externalMessageReference"]
    body.update(changes)
    return body


def post(
    document: dict[str, Any],
    status: int,
    body: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
    index: int | None = None,
) -> Exchange:
    return Exchange(
        api=API,
        request=Request(
            "POST", BASE + ORDERS, Headers(headers or CREDENTIALS), json.dumps(document).encode()
        ),
        response=Response(status, Headers({"Content-Type": "application/json"}), json.dumps(body).encode()),
        index=index,
    )


def get(path: str, status: int, body: dict[str, Any]) -> Exchange:
    return Exchange(
        api=API,
        request=Request("GET", BASE + path, Headers(CREDENTIALS)),
        response=Response(status, Headers({"Content-Type": "application/json"}), json.dumps(body).encode()),
    )


def accepted(document: dict[str, Any], request_id: str = "3201413", index: int | None = None) -> Exchange:
    return post(document, 202, envelope(202, document, requestId=request_id), index=index)


def rules_of(judgement: Judgement) -> list[str]:
    return [finding.rule for finding in judgement.findings]


def read_back(document: dict[str, Any]) -> dict[str, Any]:
    """What a faithful vendor shows when the order created from ``document`` is read."""
    header = document["clientRequest"]["requestHeader"]
    return {
        "requestControl": {"externalMessageReference": header["externalMessageReference"]},
        "requestHeader": {
            "requestType": "PO",
            "requestStatus": "created",
            "client": header["client"],
            "requestReference": header["requestReference"],
            "dateTimeSent": header["dateTimeSent"],
            "dateTimeCreated": "2026-11-21T10:00:00Z",
        },
        "order": {**copy.deepcopy(document["clientRequest"]["order"]), "status": "created"},
        "item": copy.deepcopy(document["clientRequest"]["item"]),
    }


# ── request rules judged by behaviour ────────────────────────────────────────────────────────


def test_a_conforming_order_accepted_with_the_documented_202_has_no_findings(contract: Contract) -> None:
    judgement = contract.check(accepted(ORDER))
    assert judgement.findings == []
    assert judgement.conforms
    assert judgement.exchange.operation == "createPurchaseOrder"
    assert judgement.outcomes[REQ_012] == "passed"
    assert "failed" not in judgement.outcomes.values()


def test_a_26_character_request_reference_accepted_with_202_is_exactly_a_req_012_finding(
    contract: Contract,
) -> None:
    sent = order(requestReference=LONG_REFERENCE)
    judgement = contract.check(accepted(sent))
    assert rules_of(judgement) == [REQ_012]
    finding = judgement.findings[0]
    assert finding.direction is Direction.REQUEST
    assert finding.path == "/clientRequest/requestHeader/requestReference"
    assert "25" in finding.expected
    assert "26 characters" in finding.received and "202" in finding.received
    assert finding.message.startswith("Accepted (HTTP 202)")
    assert judgement.outcomes[REQ_012] == "failed"


def test_a_26_character_request_reference_rejected_with_the_documented_412_passes(contract: Contract) -> None:
    sent = order(requestReference=LONG_REFERENCE)
    body = envelope(412, sent)
    body["message"][0].update(
        message="String exceeds maximum length of 25.",
        path="#/clientRequest.requestHeader.requestReference",
        errorType="MaxLength",
    )
    judgement = contract.check(post(sent, 412, body))
    assert judgement.findings == []
    assert judgement.outcomes[REQ_012] == "passed"


def test_a_26_character_request_reference_answered_500_is_a_req_012_finding_naming_the_status(
    contract: Contract,
) -> None:
    sent = order(requestReference=LONG_REFERENCE)
    judgement = contract.check(post(sent, 500, envelope(500)))
    findings = [f for f in judgement.findings if f.rule == REQ_012]
    assert len(findings) == 1
    assert "500" in findings[0].message and "500" in findings[0].received
    assert "412" in findings[0].message  # what the document says instead
    assert judgement.outcomes[REQ_012] == "failed"


def test_a_wrong_credential_401_for_a_duplicate_reference_is_not_judged_on_the_body(
    contract: Contract,
) -> None:
    history = [contract.classify(accepted(ORDER, index=0))]
    headers = {**CREDENTIALS, "ClientAuthKey": "b2bconform-wrong-key"}
    judgement = contract.check(post(ORDER, 401, envelope(401), headers=headers), history=history)
    assert REQ_013 not in rules_of(judgement)
    assert REQ_013 not in judgement.outcomes  # refused before the body was read: not evaluated at all
    assert judgement.findings == []


def test_a_missing_credential_header_answered_202_is_an_auth_finding(contract: Contract) -> None:
    headers = {k: v for k, v in CREDENTIALS.items() if k != "ClientAuthKey"}
    judgement = contract.check(post(ORDER, 202, envelope(202, ORDER), headers=headers))
    assert rules_of(judgement) == ["MODUSLINK_PO-AUTH-002"]
    assert judgement.findings[0].direction is Direction.AUTH


def test_a_missing_credential_header_refused_with_401_passes(contract: Contract) -> None:
    headers = {k: v for k, v in CREDENTIALS.items() if k != "ClientAuthKey"}
    judgement = contract.check(post(ORDER, 401, envelope(401), headers=headers))
    assert judgement.findings == []
    assert judgement.outcomes["MODUSLINK_PO-AUTH-002"] == "passed"


def test_a_transport_error_yields_no_finding(contract: Contract) -> None:
    failed = Exchange(
        api=API,
        request=Request(
            "POST",
            BASE + ORDERS,
            Headers(CREDENTIALS),
            json.dumps(order(requestReference=LONG_REFERENCE)).encode(),
        ),
        error="timed out",
    )
    judgement = contract.check(failed)
    assert judgement.findings == [] and judgement.outcomes == {}


# ── response rules ───────────────────────────────────────────────────────────────────────────


def test_a_412_whose_message_entry_lacks_path_is_an_err_006_finding(contract: Contract) -> None:
    sent = order(requestReference=LONG_REFERENCE)
    body = envelope(412, sent)
    del body["message"][0]["path"]
    judgement = contract.check(post(sent, 412, body))
    assert rules_of(judgement) == ["MODUSLINK_PO-ERR-006"]
    finding = judgement.findings[0]
    assert finding.direction is Direction.RESPONSE
    assert finding.path == "/message/0"
    assert finding.received == "without path"
    assert judgement.outcomes[REQ_012] == "passed"  # the rejection itself was right


def test_a_202_rule_is_not_applied_to_a_412(contract: Contract) -> None:
    sent = order(requestReference=LONG_REFERENCE)
    judgement = contract.check(post(sent, 412, envelope(412, sent)))
    assert "MODUSLINK_PO-ACC-001" not in judgement.outcomes  # when.status [202]
    assert judgement.outcomes["MODUSLINK_PO-ERR-001"] == "passed"  # when.status includes 412


def test_a_202_with_an_empty_request_reference_is_an_acc_004_finding(contract: Contract) -> None:
    judgement = contract.check(post(ORDER, 202, envelope(202, ORDER, requestReference="")))
    assert rules_of(judgement) == ["MODUSLINK_PO-ACC-004"]


def test_a_202_answering_another_request_reference_is_an_acc_004_discrepancy(contract: Contract) -> None:
    """The 202 example answers "API_DEMOUS_1" to "API_DEMOUS_PO_1": the document shows no echo."""
    judgement = contract.check(post(ORDER, 202, envelope(202, ORDER, requestReference="API_DEMOUS_1")))
    assert rules_of(judgement) == []
    assert [f.rule for f in judgement.discrepancies] == ["MODUSLINK_PO-ACC-004"]
    assert judgement.outcomes["MODUSLINK_PO-ACC-004"] == "discrepancy"


def test_a_conforming_order_rejected_with_412_is_a_res_013_finding(contract: Contract) -> None:
    judgement = contract.check(post(ORDER, 412, envelope(412, ORDER)))
    assert rules_of(judgement) == ["MODUSLINK_PO-RES-013"]


# ── client side ──────────────────────────────────────────────────────────────────────────────


def test_the_client_side_flags_an_order_without_client_and_evaluates_no_response_rule(
    contract: Contract,
) -> None:
    judgement = contract.check(accepted(order(client=None)), side="client")
    assert rules_of(judgement) == ["MODUSLINK_PO-REQ-009"]
    assert judgement.findings[0].message.startswith("The request breaks this rule.")
    response_rules = {rule.id for rule in contract.rules if not rule.is_request_side}
    assert not response_rules & set(judgement.outcomes)


def test_the_vendor_is_not_judged_on_a_client_only_rule(contract: Contract) -> None:
    judgement = contract.check(accepted(order(client=None)), side="vendor")
    assert judgement.findings == []
    assert "MODUSLINK_PO-REQ-009" not in judgement.outcomes


def test_the_client_side_judges_a_request_without_any_response(contract: Contract) -> None:
    unanswered = Exchange(
        api=API,
        request=Request(
            "POST", "http://api-uat.moduslink.com" + ORDERS, Headers(CREDENTIALS), json.dumps(ORDER).encode()
        ),
        error="connection refused",
    )
    judgement = contract.check(unanswered, side="client")
    assert rules_of(judgement) == ["MODUSLINK_PO-TRN-001"]


# ── operation classification ─────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("method", "url", "operation"),
    [
        ("POST", BASE + ORDERS, "createPurchaseOrder"),
        ("POST", ORDERS + "/", "createPurchaseOrder"),
        ("GET", BASE + "/purchaseapi/V1/orders/3201413", "getPurchaseOrder"),
        ("get", BASE + "/PURCHASEAPI/v1/ORDERS/3201413?x=1", "getPurchaseOrder"),
        ("GET", BASE + "/purchaseapi/v2/orders/3201413", None),
        ("GET", BASE + ORDERS, None),
        ("DELETE", BASE + "/purchaseapi/v1/orders/3201413", None),
        ("GET", BASE + "/purchaseapi/v1/orders/3201413/items", None),
    ],
)
def test_operation_for_classifies_requests_case_insensitively_and_none_for_unknown(
    contract: Contract, method: str, url: str, operation: str | None
) -> None:
    assert contract.operation_for(Request(method, url)) == operation


# ── history ──────────────────────────────────────────────────────────────────────────────────


def test_a_second_accepted_order_with_the_same_request_reference_is_a_req_013_finding(
    contract: Contract,
) -> None:
    history = [contract.classify(accepted(ORDER, index=0))]
    judgement = contract.check(accepted(order(externalMessageReference="OTHER"), index=1), history=history)
    assert rules_of(judgement) == [REQ_013]
    finding = judgement.findings[0]
    assert finding.path == "/clientRequest/requestHeader/requestReference"
    assert "accepted in interaction 0" in finding.received
    assert "409" in finding.message


def test_a_repeated_request_reference_refused_with_the_documented_409_passes(contract: Contract) -> None:
    history = [contract.classify(accepted(ORDER, index=0))]
    judgement = contract.check(post(ORDER, 409, envelope(409, ORDER)), history=history)
    assert judgement.findings == []
    assert judgement.outcomes[REQ_013] == "passed"


def test_a_repeated_external_reference_with_a_new_request_reference_refused_409_is_a_res_014_finding(
    contract: Contract,
) -> None:
    history = [contract.classify(accepted(ORDER, index=0))]
    sent = order(requestReference="API_DEMOUS_PO_2")
    judgement = contract.check(post(sent, 409, envelope(409, sent)), history=history)
    assert rules_of(judgement) == ["MODUSLINK_PO-RES-014"]


def test_reading_back_a_different_sku_than_was_posted_is_a_get_014_finding(contract: Contract) -> None:
    history = [contract.classify(accepted(ORDER, request_id="3201413", index=0))]
    shown = read_back(ORDER)
    shown["item"][0]["sku"] = "999999"
    judgement = contract.check(get("/purchaseapi/V1/orders/3201413", 200, shown), history=history)
    assert rules_of(judgement) == ["MODUSLINK_PO-GET-014"]
    finding = judgement.findings[0]
    assert finding.path == "/item/*/sku"
    assert "503001" in finding.expected and "999999" in finding.received


def test_reading_back_what_was_posted_has_no_findings(contract: Contract) -> None:
    history = [contract.classify(accepted(ORDER, request_id="3201413", index=0))]
    judgement = contract.check(get("/purchaseapi/v1/orders/3201413", 200, read_back(ORDER)), history=history)
    assert judgement.findings == []
    assert judgement.outcomes["MODUSLINK_PO-GET-014"] == "passed"


# ── catalogue load errors ────────────────────────────────────────────────────────────────────

RULE = """\
  - id: MODUSLINK_PO-REQ-001
    statement: requestHeader.requestReference is at most 25 characters.
    source: {file: doc.txt, section: "Request body"}
    direction: request
    severity: critical
    kind: length
    operations: [createPurchaseOrder]
    check: max_length
    params: {path: /clientRequest/requestHeader/requestReference, max: 25}
"""


def write_contract(root: Path, rules: str) -> Path:
    """A contract directory under ``root`` with the real spec and the given rules.yaml."""
    folder = root / API
    folder.mkdir(parents=True)
    shutil.copy(contract_dir(API) / "openapi.yaml", folder / "openapi.yaml")
    (folder / "rules.yaml").write_text(rules, encoding="utf-8")
    return folder / "rules.yaml"


def catalogue(*rules: str) -> str:
    return "api: moduslink_po\ndocument: doc.txt\nrules:\n" + "".join(rules)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


def load_error(tmp_path: Path, rules: str) -> tuple[InputFileError, Path]:
    path = write_contract(tmp_path, rules)
    with pytest.raises(InputFileError) as caught:
        Contract.load(API, contracts_dir=tmp_path)
    return caught.value, path


def assert_names_file_and_line(error: InputFileError, path: Path, line: int) -> None:
    message = str(error)
    assert str(path.resolve()) in message or str(path) in message, message
    assert re.search(rf"\bline {line}\b", message), f"expected line {line} in: {message}"


def test_a_valid_temporary_catalogue_loads(tmp_path: Path) -> None:
    write_contract(tmp_path, catalogue(RULE))
    loaded = Contract.load(API, contracts_dir=tmp_path)
    assert loaded.rules.ids == ("MODUSLINK_PO-REQ-001",)
    assert {op.id for op in loaded.operations} == {"createPurchaseOrder", "getPurchaseOrder"}


def test_an_unknown_check_name_is_a_load_error_naming_file_line_and_the_check(tmp_path: Path) -> None:
    text = catalogue(RULE.replace("check: max_length", "check: max_lenght"))
    error, path = load_error(tmp_path, text)
    assert isinstance(error, ContractLoadError)
    assert "unknown check 'max_lenght'" in str(error)
    assert_names_file_and_line(error, path, line_of(text, "check: max_lenght"))


def test_a_parameter_the_check_does_not_take_is_a_load_error_naming_file_and_line(tmp_path: Path) -> None:
    text = catalogue(RULE.replace("max: 25}", "max: 25, min: 1}"))
    error, path = load_error(tmp_path, text)
    assert isinstance(error, ContractLoadError)
    assert "takes no parameter min" in str(error) and "MODUSLINK_PO-REQ-001" in str(error)
    assert_names_file_and_line(error, path, line_of(text, "params:"))


def test_a_duplicate_rule_id_is_a_load_error_at_the_second_occurrence(tmp_path: Path) -> None:
    text = catalogue(RULE, RULE)
    error, path = load_error(tmp_path, text)
    assert "duplicate rule id 'MODUSLINK_PO-REQ-001'" in str(error)
    assert_names_file_and_line(error, path, line_of(text, "id: MODUSLINK_PO-REQ-001", occurrence=2))


def test_a_rule_id_with_another_apis_prefix_is_a_load_error(tmp_path: Path) -> None:
    text = catalogue(RULE.replace("MODUSLINK_PO-REQ-001", "MANEX_PO-REQ-001"))
    error, path = load_error(tmp_path, text)
    assert "must start with 'MODUSLINK_PO-'" in str(error)
    assert_names_file_and_line(error, path, line_of(text, "id: MANEX_PO-REQ-001"))


def test_invalid_yaml_is_a_load_error_naming_line_and_column(tmp_path: Path) -> None:
    text = catalogue(RULE.replace("kind: length", "kind: [length"))
    error, path = load_error(tmp_path, text)
    assert "not valid YAML" in str(error)
    assert re.search(r"line \d+, column \d+", str(error)), str(error)
    assert str(path) in str(error) or str(path.resolve()) in str(error)


def test_a_rule_without_source_is_a_load_error_naming_the_missing_key(tmp_path: Path) -> None:
    text = catalogue(RULE.replace('    source: {file: doc.txt, section: "Request body"}\n', ""))
    error, path = load_error(tmp_path, text)
    assert "expected key 'source'" in str(error)
    assert_names_file_and_line(error, path, line_of(text, "id: MODUSLINK_PO-REQ-001"))


def test_a_catalogue_declaring_another_api_is_a_load_error(tmp_path: Path) -> None:
    text = catalogue(RULE.replace("MODUSLINK_PO-", "MANEX_PO-")).replace("api: moduslink_po", "api: manex_po")
    error, path = load_error(tmp_path, text)
    assert isinstance(error, ContractLoadError) and "declares api 'manex_po'" in str(error)
    assert str(path) in str(error) or str(path.resolve()) in str(error)


def test_a_length_rule_without_max_takes_the_specs_max_length_at_its_path(tmp_path: Path) -> None:
    write_contract(tmp_path, catalogue(RULE.replace(", max: 25}", "}")))
    [rule] = Contract.load(API, contracts_dir=tmp_path).rules
    assert rule.params["max"] == 25  # openapi.yaml: requestReference maxLength 25


def test_an_enum_rule_without_values_takes_the_specs_enum_at_its_path(tmp_path: Path) -> None:
    text = catalogue(
        RULE.replace("check: max_length", "check: enum").replace(
            "requestHeader/requestReference, max: 25}", "item/*/quantity/uom}"
        )
    )
    write_contract(tmp_path, text)
    [rule] = Contract.load(API, contracts_dir=tmp_path).rules
    assert rule.params["values"] == ["EA", "BX", "CS"]


def test_a_written_max_is_kept_even_where_the_spec_says_another(tmp_path: Path) -> None:
    write_contract(tmp_path, catalogue(RULE.replace("max: 25", "max: 20")))
    [rule] = Contract.load(API, contracts_dir=tmp_path).rules
    assert rule.params["max"] == 20


def test_a_length_rule_without_max_where_the_spec_has_none_is_a_load_error_at_its_line(
    tmp_path: Path,
) -> None:
    text = catalogue(RULE.replace("requestReference, max: 25}", "dateTimeSent}"))
    error, path = load_error(tmp_path, text)
    assert isinstance(error, ContractLoadError)
    assert (
        "no 'max'" in str(error) and "no 'maxLength'" in str(error) and "MODUSLINK_PO-REQ-001" in str(error)
    )
    assert_names_file_and_line(error, path, line_of(text, "params:"))


def test_a_length_rule_without_max_over_paths_the_spec_bounds_differently_is_a_load_error(
    tmp_path: Path,
) -> None:
    both = "[/clientRequest/requestHeader/requestReference, /clientRequest/item/*/sku]"
    text = catalogue(RULE.replace("/clientRequest/requestHeader/requestReference, max: 25", both))
    error, _ = load_error(tmp_path, text)
    assert "differing (18, 25)" in str(error)


SOAP_RULE = """\
  - id: WESTCON_SOAP-REQ-001
    statement: CustomerAccountNumber is at most ten characters.
    source: {file: doc.txt, section: "Request"}
    direction: request
    severity: normal
    kind: length
    operations: [GetOrderStatus]
    check: max_length
    params: {path: /Envelope/Body/GetOrderStatus/request/WestconOrderStatus/CustomerAccountNumber}
"""


def _soap_contract(root: Path, rule: str) -> Path:
    folder = root / "westcon_soap"
    shutil.copytree(
        contract_dir("westcon_soap"), folder, ignore=shutil.ignore_patterns("examples", "rules.yaml")
    )
    text = "api: westcon_soap\ndocument: doc.txt\nrules:\n" + rule
    (folder / "rules.yaml").write_text(text, encoding="utf-8")
    return folder / "rules.yaml"


def test_a_soap_length_rule_without_max_takes_the_xsds_max_length(tmp_path: Path) -> None:
    _soap_contract(tmp_path, SOAP_RULE)
    [rule] = Contract.load("westcon_soap", contracts_dir=tmp_path).rules
    assert rule.params["max"] == 10  # OrderStatus.xsd: CustomerAccountNumber maxLength 10


def test_a_soap_enum_rule_without_values_takes_the_xsds_enumeration(tmp_path: Path) -> None:
    rule = SOAP_RULE.replace("check: max_length", "check: enum").replace(
        "CustomerAccountNumber}", "OrderNumberType}"
    )
    _soap_contract(tmp_path, rule)
    [loaded] = Contract.load("westcon_soap", contracts_dir=tmp_path).rules
    assert loaded.params["values"] == ["W", "C"]


def test_a_soap_length_rule_the_xsd_does_not_bound_is_a_load_error_at_its_line(tmp_path: Path) -> None:
    path = _soap_contract(tmp_path, SOAP_RULE.replace("CustomerAccountNumber}", "OrderNumberType}"))
    with pytest.raises(ContractLoadError) as caught:
        Contract.load("westcon_soap", contracts_dir=tmp_path)
    assert "no 'maxLength'" in str(caught.value) and "(or XSD)" in str(caught.value)
    assert_names_file_and_line(caught.value, path, line_of(path.read_text(encoding="utf-8"), "params:"))


def test_an_operation_is_found_by_its_id_and_an_unknown_one_is_a_contract_error() -> None:
    contract = Contract.load(API)
    assert contract.operation("getPurchaseOrder").template == "/purchaseapi/v1/orders/{requestId}"
    with pytest.raises(ContractLoadError, match="no operation 'nope'"):
        contract.operation("nope")

"""APIs that bind parameters by name (ManEx): parameters from the query string and a JSON body, the
envelope's status, credentials refused in the body, body-conditioned rules, operations matched by
path alone, and an API key in the URL path that never reaches a record."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from b2bconform.audit import audit
from b2bconform.cli import _render_text
from b2bconform.engine.checks import CheckContext, get_check
from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.documents import effective_status, request_parameters
from b2bconform.engine.model import Direction, Exchange, Headers, Request, Response, Severity
from b2bconform.engine.rules import BodyCondition, Rule, Source
from b2bconform.errors import InputFileError
from b2bconform.locations import PATH_VARIABLE, contract_dir
from b2bconform.targets import with_credentials_applied
from b2bconform.traffic.cassettes import write_cassette
from b2bconform.traffic.redaction import MASK, Redactor
from user_apis import user_folder_of

API = "manex_x"
ROOT = "https://manex.example"
KEY = "SECRETKEY123"
ADD = f"{ROOT}/API/X/Add/{KEY}"  # the document writes /API, the spec /api: routes compare case-insensitively
GET = f"{ROOT}/api/X/Get/{KEY}"

REQUIRED_CUSTNO = "MANEX_X-REQ-001"
NO_KEY_PARAMETER = "MANEX_X-AUTH-001"
HTTPS = "MANEX_X-TRN-001"
REFUSAL_SAYS_WHY = "MANEX_X-RSP-001"
CONFORMING_ACCEPTED = "MANEX_X-RES-002"

SPEC = """\
openapi: 3.1.0
info: {title: ManEx-like test API, version: '1'}
paths:
  /api/X/Add/{apiKey}:
    post:
      operationId: XAdd
      parameters:
      - {name: apiKey, in: path, required: true, x-b2bconform-secret: true, schema: {type: string}}
  /api/X/Get/{apiKey}:
    parameters:
    - {name: apiKey, in: path, required: true, x-b2bconform-secret: true, schema: {type: string}}
    post:
      operationId: XGet
  /api/X/Docs/{page}:
    post:
      operationId: XDocs
      parameters:
      - {name: page, in: path, required: true, schema: {type: string}}
"""

HEADER = """\
api: manex_x
document: doc.txt
rejection_statuses: [403]
read_only_operations: [XGet, XDocs]
request_parameters: query_and_json
status_path: /Code
auth_refused: {path: /IsValidUser, in: [false]}
operation_match: path
rules:
"""

RULES = """\
- id: MANEX_X-REQ-001
  statement: Every action needs the customer number CustNo.
  source: {file: doc.txt, section: "1.1"}
  direction: request
  severity: critical
  kind: required
  check: required
  params: {path: /custno}
- id: MANEX_X-AUTH-001
  statement: The API key travels in the URL path, never as a parameter.
  source: {file: doc.txt, section: "1"}
  direction: auth
  severity: critical
  kind: auth
  check: absent
  params: {path: /apikey}
- id: MANEX_X-TRN-001
  statement: The API is reached over HTTPS only.
  source: {file: doc.txt, section: "1"}
  direction: transport
  severity: critical
  kind: transport
  check: https
- id: MANEX_X-RSP-001
  statement: An answer refusing the user says why in its Message.
  source: {file: doc.txt, section: "1"}
  direction: response
  severity: normal
  kind: required
  check: required
  params: {path: /Message}
  when: {body: {path: /IsValidUser, in: [false]}}
- id: MANEX_X-RES-002
  statement: A request that breaks no rule is not answered with Code 403 or HTTP 404.
  source: {file: doc.txt, section: "1"}
  direction: response
  severity: critical
  kind: acceptance
  check: accepts_conforming
  params: {rejection_statuses: [403, 404], unless_path: /Message, unless_pattern: does not exist}
"""


# ── builders ─────────────────────────────────────────────────────────────────────────────────


def write_contract(root: Path, *, header: str = HEADER, rules: str = RULES, spec: str = SPEC) -> Path:
    folder = root / API
    folder.mkdir(parents=True)
    (folder / "openapi.yaml").write_text(spec, encoding="utf-8")
    (folder / "rules.yaml").write_text(header + rules, encoding="utf-8")
    return folder / "rules.yaml"


@pytest.fixture
def contract(tmp_path: Path) -> Contract:
    write_contract(tmp_path)
    return Contract.load(API, contracts_dir=tmp_path)


def envelope(code: Any = 200, *, valid_user: Any = True, message: str = "", **more: Any) -> dict[str, Any]:
    """A ManEx answer: HTTP 200 whatever happened, the outcome in the envelope."""
    body: dict[str, Any] = {"$id": "1", "Code": code, "Message": message, "IsValidUser": valid_user}
    body.update(more)
    return body


def answer(document: Any, status: int = 200) -> Response:
    return Response(status, Headers({"Content-Type": "application/json"}), json.dumps(document).encode())


def call(url: str = ADD, body: Any = None, *, method: str = "POST", raw: bytes | None = None) -> Request:
    payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    return Request(method, url, Headers({"Content-Type": "application/json"} if payload else {}), payload)


def judge(contract: Contract, sent: Request, received: Response | dict[str, Any]) -> Judgement:
    response = received if isinstance(received, Response) else answer(received)
    return contract.check(Exchange(api=API, request=sent, response=response))


def rules_with_findings(judgement: Judgement) -> set[str]:
    return {f.rule for f in judgement.findings}


# ── request_parameters: what an API binding by name reads ──────────────────────────────────────


def test_parameters_come_from_the_query_string_alone() -> None:
    assert request_parameters(f"{ADD}?CustNo=0000000001&PoNum=42", None) == {
        "custno": "0000000001",
        "ponum": "42",
    }


def test_parameters_come_from_a_json_object_body_alone() -> None:
    assert request_parameters(ADD, b'{"CustNo": "0000000001"}') == {"custno": "0000000001"}


def test_parameters_merge_query_and_body_and_the_body_wins_a_clash() -> None:
    merged = request_parameters(f"{ADD}?custno=FROM-QUERY&SoNo=7", b'{"CUSTNO": "FROM-BODY", "Qty": "1"}')
    assert merged == {"custno": "FROM-BODY", "sono": "7", "qty": "1"}


def test_parameter_names_are_lower_cased_whatever_their_case() -> None:
    assert request_parameters(f"{ADD}?PONUM=1&poNUM=2", None) == {"ponum": "2"}
    assert set(request_parameters(ADD, b'{"PoNum": "1", "SUPNAME": "x", "uniqlnno": "y"}')) == {
        "ponum",
        "supname",
        "uniqlnno",
    }


def test_parameter_names_are_lower_cased_inside_nested_objects_and_lists() -> None:
    body = b'{"POItemsList": [{"PartNo": "A", "Schedules": [{"SchdQty": "2"}]}], "Ship": {"Via": "UPS"}}'
    assert request_parameters(ADD, body) == {
        "poitemslist": [{"partno": "A", "schedules": [{"schdqty": "2"}]}],
        "ship": {"via": "UPS"},
    }


def test_parameter_values_in_a_body_are_read_as_text_like_the_query_string() -> None:
    body = b'{"Qty": 5, "Price": 1.5, "Taxable": true, "Hold": false, "List": [0, true]}'
    assert request_parameters(ADD, body) == {
        "qty": "5",
        "price": "1.5",
        "taxable": "true",
        "hold": "false",
        "list": ["0", "true"],
    }
    # the same value, sent either way, reads the same
    assert request_parameters(f"{ADD}?Qty=5", None) == request_parameters(ADD, b'{"qty": 5}')


@pytest.mark.parametrize("body", [b"CustNo=1", b"[1, 2]", b'"text"', b"{not json", b"\xff\xfe"], ids=repr)
def test_a_body_that_is_not_a_json_object_adds_no_parameter(body: bytes) -> None:
    assert request_parameters(f"{ADD}?SoNo=7", body) == {"sono": "7"}


def test_no_query_and_no_body_is_an_empty_set_of_parameters() -> None:
    assert request_parameters(ADD, None) == {}
    assert request_parameters(ADD, b"") == {}


def test_an_empty_value_is_no_value_as_asp_net_binds_it() -> None:
    assert request_parameters(f"{ADD}?CustNo=&SoNo=7", None) == {"sono": "7"}
    assert request_parameters(ADD, b'{"CustNo": "", "SoNo": null, "PoNo": "1"}') == {"pono": "1"}
    assert request_parameters(ADD, b'{"Items": [{"Qty": "", "Part": "P"}]}') == {"items": [{"part": "P"}]}


# ── a `required` rule on /custno, through the engine ─────────────────────────────────────────


@pytest.mark.parametrize(
    "sent",
    [call(ADD), call(ADD, raw=b""), call(f"{ADD}?SoNo=7"), call(ADD, {"SoNo": "7"})],
    ids=["no-query-no-body", "empty-body", "query-without-it", "body-without-it"],
)
def test_required_parameter_fires_when_neither_form_carries_it(contract: Contract, sent: Request) -> None:
    judgement = judge(contract, sent, envelope(200))
    assert judgement.outcomes[REQUIRED_CUSTNO] == "failed"
    [finding] = [f for f in judgement.findings if f.rule == REQUIRED_CUSTNO]
    assert finding.path == "/custno" and finding.received.startswith("absent")


@pytest.mark.parametrize(
    "sent",
    [call(f"{ADD}?CustNo=0000000001"), call(ADD, {"CUSTNO": "0000000001"}), call(ADD, {"custNo": 1})],
    ids=["query-CustNo", "body-CUSTNO", "body-number"],
)
def test_required_parameter_holds_for_the_query_or_the_body_in_any_case(
    contract: Contract, sent: Request
) -> None:
    judgement = judge(contract, sent, envelope(200))
    assert judgement.outcomes[REQUIRED_CUSTNO] == "passed"
    assert REQUIRED_CUSTNO not in judgement.broken_by_request
    assert not judgement.findings


def test_with_body_parameters_the_same_query_request_is_not_read() -> None:
    # the default (`request_parameters: body`) reads only the body: the query string is invisible
    rule = Rule(
        id="MANEX_X-REQ-001",
        statement="Every action needs CustNo.",
        source=Source("doc.txt", "1.1"),
        direction=Direction.REQUEST,
        severity=Severity.CRITICAL,
        kind="required",
        check="required",
        params={"path": "/custno"},
    )
    exchange = Exchange(api=API, request=call(f"{ADD}?CustNo=1", {"SoNo": "7"}), response=answer(envelope()))
    by_name = CheckContext(rule=rule, exchange=exchange, request_parameters="query_and_json")
    by_body = CheckContext(rule=rule, exchange=exchange)
    assert by_name.request_document == {"custno": "1", "sono": "7"}
    assert by_body.request_document == {"SoNo": "7"}


# ── effective status: the envelope's Code ────────────────────────────────────────────────────


def test_an_http_200_carrying_code_403_is_a_rejection(contract: Contract) -> None:
    judgement = judge(contract, call(ADD, {"SoNo": "7"}), envelope(403, message="Customer number missing."))
    assert contract.status_of(answer(envelope(403))) == 403
    assert judgement.outcomes[REQUIRED_CUSTNO] == "passed"
    assert REQUIRED_CUSTNO in judgement.broken_by_request
    assert not judgement.findings


def test_code_200_on_a_rule_breaking_request_is_a_finding_documenting_code_403(contract: Contract) -> None:
    judgement = judge(contract, call(ADD, {"SoNo": "7"}), envelope(200))
    assert judgement.outcomes[REQUIRED_CUSTNO] == "failed"
    [finding] = [f for f in judgement.findings if f.rule == REQUIRED_CUSTNO]
    assert finding.message.startswith("Accepted (")
    assert "documented: rejected with Code 403." in finding.message


def test_code_200_in_an_http_200_is_named_as_the_envelopes_code(contract: Contract) -> None:
    judgement = judge(contract, call(ADD, {"SoNo": "7"}), envelope(200))
    [finding] = [f for f in judgement.findings if f.rule == REQUIRED_CUSTNO]
    assert "Code 200 (HTTP 200)" in finding.message
    assert "Code 403" in finding.message


def context(response: Response, status_path: str | None = "/Code") -> CheckContext:
    rule = Rule(
        id="MANEX_X-RES-009",
        statement="A statement long enough.",
        source=Source("doc.txt", "1"),
        direction=Direction.RESPONSE,
        severity=Severity.NORMAL,
        kind="x",
    )
    return CheckContext(
        rule=rule, exchange=Exchange(api=API, request=call(), response=response), status_path=status_path
    )


def test_a_check_reads_the_effective_status_and_names_both_statuses() -> None:
    envelope_403 = context(answer(envelope(403)))
    assert envelope_403.status == 403
    assert envelope_403.status_text() == "Code 403 (HTTP 200)"
    assert context(answer(envelope(403)), status_path=None).status == 200
    assert context(answer({"Message": "gone"}, status=404)).status_text() == "HTTP 404"


def test_a_check_names_an_envelope_code_equal_to_the_http_status_as_a_code() -> None:
    assert context(answer(envelope(200))).status_text() == "Code 200 (HTTP 200)"


def test_code_403_in_an_http_200_is_named_as_code_and_http(contract: Contract) -> None:
    # a conforming request refused: the behaviour rule names the envelope's code and the HTTP status
    judgement = judge(contract, call(ADD, {"CustNo": "1"}), envelope(403, message="Invalid SONO."))
    [finding] = [f for f in judgement.findings if f.rule == CONFORMING_ACCEPTED]
    assert finding.received.startswith("rejected with Code 403 (HTTP 200)")
    assert "Invalid SONO." in finding.received


def test_a_state_dependent_refusal_is_not_a_finding(contract: Contract) -> None:
    judgement = judge(contract, call(ADD, {"CustNo": "1"}), envelope(403, message="SO does not exists."))
    assert CONFORMING_ACCEPTED not in judgement.outcomes
    assert not judgement.findings


def test_a_body_without_code_falls_back_to_the_http_status(contract: Contract) -> None:
    url_error = {"$id": "1", "Message": f"No HTTP resource was found that matches the request URI '{ADD}'."}
    response = answer(url_error, status=404)
    assert contract.status_of(response) == 404
    judgement = judge(contract, call(ADD, {"SoNo": "7"}), response)
    [finding] = [f for f in judgement.findings if f.rule == REQUIRED_CUSTNO]
    assert "Answered HTTP 404" in finding.message


@pytest.mark.parametrize(
    "code", [True, False, "403", 403.0, None, [403]], ids=["true", "false", "text", "float", "null", "list"]
)
def test_a_code_that_is_not_an_integer_is_not_a_status(code: Any) -> None:
    assert effective_status(answer({"Code": code}, status=200), "/Code") == 200


def test_without_a_status_path_the_code_is_ignored() -> None:
    assert effective_status(answer({"Code": 403}, status=200), None) == 200
    assert effective_status(Response(502, Headers(), b"Bad gateway"), "/Code") == 502


def test_history_counts_an_http_200_with_code_403_as_not_accepted(contract: Contract) -> None:
    # `unique` (state.py) reads earlier acceptances by the effective status
    rule = Rule(
        id="MANEX_X-REQ-002",
        statement="A sales order number is used once.",
        source=Source("doc.txt", "1"),
        direction=Direction.REQUEST,
        severity=Severity.NORMAL,
        kind="unique",
        check="unique",
        params={"path": "/sono"},
    )
    earlier = Exchange(
        api=API, request=call(f"{ADD}?SoNo=7"), response=answer(envelope(403)), operation="XAdd"
    )
    now = Exchange(
        api=API, request=call(ADD, {"SONO": "7"}), response=answer(envelope(200)), operation="XAdd"
    )
    refused = CheckContext(
        rule=rule, exchange=now, history=[earlier], request_parameters="query_and_json", status_path="/Code"
    )
    assert get_check("unique")(refused, path="/sono") == []
    accepted = Exchange(
        api=API, request=earlier.request, response=answer(envelope(200)), operation="XAdd", index=3
    )
    repeated = CheckContext(
        rule=rule, exchange=now, history=[accepted], request_parameters="query_and_json", status_path="/Code"
    )
    outcome = get_check("unique")(repeated, path="/sono")
    assert outcome is not None and len(outcome) == 1 and "interaction 3" in outcome[0].received


# ── auth_refused: credentials refused inside the envelope ────────────────────────────────────


def test_is_valid_user_false_judges_only_auth_and_transport_request_rules(contract: Contract) -> None:
    # breaks the request rule (no CustNo), the auth rule (ApiKey parameter) and the transport rule (http)
    sent = call(f"http://manex.example/API/X/Add/{KEY}", {"ApiKey": KEY})
    judgement = judge(contract, sent, envelope(200, valid_user=False, message="Invalid API Key."))
    assert REQUIRED_CUSTNO not in judgement.outcomes
    assert REQUIRED_CUSTNO not in judgement.broken_by_request
    assert REQUIRED_CUSTNO not in rules_with_findings(judgement)
    assert judgement.broken_by_request == {NO_KEY_PARAMETER, HTTPS}
    assert rules_with_findings(judgement) == {NO_KEY_PARAMETER, HTTPS}


def test_is_valid_user_false_with_code_403_settles_the_auth_rules(contract: Contract) -> None:
    sent = call(ADD, {"ApiKey": KEY})
    judgement = judge(contract, sent, envelope(403, valid_user=False, message="Invalid API Key."))
    assert judgement.outcomes[NO_KEY_PARAMETER] == "passed"
    assert REQUIRED_CUSTNO not in judgement.outcomes
    assert not judgement.findings


def test_is_valid_user_true_is_not_a_refusal(contract: Contract) -> None:
    judgement = judge(contract, call(ADD, {"SoNo": "7"}), envelope(200, valid_user=True))
    assert not contract.refused_credentials(answer(envelope(200, valid_user=True)))
    assert REQUIRED_CUSTNO in rules_with_findings(judgement)


@pytest.mark.parametrize("value", [0, "false", None, "False"], ids=["zero", "text", "null", "Text"])
def test_only_the_boolean_false_refuses_credentials(contract: Contract, value: Any) -> None:
    assert contract.refused_credentials(answer(envelope(403, valid_user=False)))
    assert not contract.refused_credentials(answer(envelope(403, valid_user=value)))


def test_a_refusal_by_auth_status_still_counts_without_the_body_condition(tmp_path: Path) -> None:
    write_contract(
        tmp_path, header=HEADER.replace("rejection_statuses", "auth_statuses: [401]\nrejection_statuses")
    )
    loaded = Contract.load(API, contracts_dir=tmp_path)
    assert loaded.refused_credentials(answer({"Code": 401, "IsValidUser": True}))
    judgement = judge(loaded, call(ADD, {"SoNo": "7"}), envelope(401))
    assert REQUIRED_CUSTNO not in judgement.outcomes


# ── when.body: response rules for some answers only ──────────────────────────────────────────


def test_a_when_body_rule_applies_to_answers_holding_the_value(contract: Contract) -> None:
    without_message = {"Code": 403, "IsValidUser": False}
    judgement = judge(contract, call(ADD, {"CustNo": "1"}), without_message)
    assert judgement.outcomes[REFUSAL_SAYS_WHY] == "failed"
    [finding] = [f for f in judgement.findings if f.rule == REFUSAL_SAYS_WHY]
    assert finding.path == "/Message"
    judgement = judge(contract, call(ADD, {"CustNo": "1"}), envelope(403, valid_user=False, message="No."))
    assert judgement.outcomes[REFUSAL_SAYS_WHY] == "passed"


@pytest.mark.parametrize(
    "document",
    [{"Code": 200, "IsValidUser": True}, {"Code": 200, "IsValidUser": 0}, {"Code": 200}],
    ids=["true", "zero", "absent"],
)
def test_a_when_body_rule_does_not_apply_to_other_answers(
    contract: Contract, document: dict[str, Any]
) -> None:
    judgement = judge(contract, call(ADD, {"CustNo": "1"}), document)
    assert REFUSAL_SAYS_WHY not in judgement.outcomes
    assert not judgement.findings


def test_body_conditions_compare_type_and_value() -> None:
    refused = BodyCondition("/IsValidUser", (False,))
    assert refused.holds({"IsValidUser": False})
    assert not refused.holds({"IsValidUser": 0})
    assert not refused.holds({"IsValidUser": "false"})
    one = BodyCondition("/Code", (1,))
    assert one.holds({"Code": 1}) and not one.holds({"Code": True})
    assert BodyCondition("/items/*/ok", (False,)).holds({"items": [{"ok": True}, {"ok": False}]})
    assert not refused.holds("not a document")


def test_a_request_rule_with_when_body_is_judged_as_a_response_rule() -> None:
    rule = Rule(
        id="MANEX_X-REQ-009",
        statement="A statement long enough.",
        source=Source("doc.txt", "1"),
        direction=Direction.REQUEST,
        severity=Severity.NORMAL,
        kind="x",
        when_body=BodyCondition("/IsValidUser", (False,)),
    )
    assert not rule.is_request_side
    assert rule.applies_to_answer(200, {"IsValidUser": False})
    assert not rule.applies_to_answer(200, {"IsValidUser": True})


def test_a_malformed_when_body_fails_to_load_naming_file_and_line(tmp_path: Path) -> None:
    broken = RULES.replace(
        "when: {body: {path: /IsValidUser, in: [false]}}", "when: {body: {path: /IsValidUser}}"
    )
    path = write_contract(tmp_path, rules=broken)
    with pytest.raises(InputFileError) as caught:
        Contract.load(API, contracts_dir=tmp_path)
    message = str(caught.value)
    line = next(n for n, text in enumerate((HEADER + broken).splitlines(), 1) if "when: {body:" in text)
    assert str(path) in message or str(path.resolve()) in message, message
    assert re.search(rf"\bline {line}\b", message), message
    assert "'in'" in message


@pytest.mark.parametrize(
    "condition",
    [
        "{path: /IsValidUser, in: []}",
        "{path: IsValidUser, in: [false]}",
        "{path: /x, in: [false], not_in: [1]}",
    ],
    ids=["empty-in", "path-not-a-pointer", "unknown-key"],
)
def test_a_malformed_auth_refused_fails_to_load(tmp_path: Path, condition: str) -> None:
    write_contract(tmp_path, header=HEADER.replace("{path: /IsValidUser, in: [false]}", condition))
    with pytest.raises(InputFileError, match=r"line 7\b"):
        Contract.load(API, contracts_dir=tmp_path)


# ── operation_match: by path alone ───────────────────────────────────────────────────────────


def test_matching_by_path_classifies_any_method(contract: Contract) -> None:
    assert contract.operation_for(call(f"{ADD}?CustNo=1", method="GET")) == "XAdd"
    assert contract.operation_for(call(ADD, method="PUT")) == "XAdd"
    assert contract.operation_for(call(f"{ROOT}/api/x/get/{KEY}/", method="GET")) == "XGet"
    assert contract.operation_for(call(f"{ROOT}/api/X/Nope/{KEY}")) is None


def test_matching_by_path_a_write_is_any_operation_not_read_only(contract: Contract) -> None:
    assert contract.writes(call(f"{ADD}?CustNo=1", method="GET"))
    assert contract.writes(call(ADD, method="POST"))
    assert not contract.writes(call(GET, method="POST"))
    assert not contract.writes(call(GET, method="GET"))
    assert not contract.writes(call(f"{ROOT}/api/X/Docs/1", method="DELETE"))


def test_matching_by_path_an_unknown_action_counts_as_a_write(contract: Contract) -> None:
    assert contract.writes(call(f"{ROOT}/api/X/Delete/{KEY}", method="GET"))
    assert contract.writes(call(f"{ROOT}/elsewhere", method="HEAD"))


def test_matching_by_method_and_path_ignores_a_get_to_a_post_path(tmp_path: Path) -> None:
    write_contract(tmp_path, header=HEADER.replace("operation_match: path\n", ""))
    loaded = Contract.load(API, contracts_dir=tmp_path)
    assert loaded.rules.operation_match == "method_and_path"
    assert loaded.operation_for(call(f"{ADD}?CustNo=1", method="GET")) is None
    assert loaded.operation_for(call(ADD, method="POST")) == "XAdd"
    assert not loaded.writes(call(f"{ADD}?CustNo=1", method="GET"))
    assert loaded.writes(call(ADD, method="POST"))
    assert not loaded.writes(call(GET, method="POST"))


def test_an_unknown_operation_match_fails_to_load(tmp_path: Path) -> None:
    write_contract(tmp_path, header=HEADER.replace("operation_match: path", "operation_match: method"))
    with pytest.raises(InputFileError, match="operation_match"):
        Contract.load(API, contracts_dir=tmp_path)


# ── the API key in the URL path ──────────────────────────────────────────────────────────────


def test_a_secret_path_parameter_yields_a_url_pattern(contract: Contract) -> None:
    patterns = contract.secret_url_patterns
    # Add (operation-level), Get (path-level), and any undocumented action of their shape; Docs' page
    # is no secret
    assert len(patterns) == 3
    assert all(re.compile(p).groups == 1 for p in patterns)


def test_a_contract_without_secret_parameters_yields_no_pattern(tmp_path: Path) -> None:
    write_contract(tmp_path, spec=SPEC.replace(", x-b2bconform-secret: true", ""))
    assert Contract.load(API, contracts_dir=tmp_path).secret_url_patterns == ()


REF_SPEC = """\
openapi: 3.1.0
info: {title: ManEx-like test API, version: '1'}
paths:
  /api/X/Add/{apiKey}:
    post:
      operationId: XAdd
      parameters:
      - $ref: '#/components/parameters/apiKey'
components:
  parameters:
    apiKey: {name: apiKey, in: path, required: true, x-b2bconform-secret: true, schema: {type: string}}
"""


def test_a_secret_path_parameter_declared_by_reference_yields_a_url_pattern(tmp_path: Path) -> None:
    write_contract(tmp_path, spec=REF_SPEC)
    loaded = Contract.load(API, contracts_dir=tmp_path)
    assert Redactor(url_patterns=loaded.secret_url_patterns).text(ADD) == f"{ROOT}/API/X/Add/{MASK}"


def test_the_manex_po_spec_masks_its_api_key(tmp_path: Path) -> None:
    folder = tmp_path / "manex_po"
    folder.mkdir()
    shutil.copy(contract_dir("manex_po") / "openapi.yaml", folder / "openapi.yaml")
    (folder / "rules.yaml").write_text(
        "api: manex_po\ndocument: doc.txt\noperation_match: path\nrules:\n"
        + RULES.split("- id: MANEX_X-AUTH-001")[0].replace("MANEX_X-", "MANEX_PO-"),
        encoding="utf-8",
    )
    loaded = Contract.load("manex_po", contracts_dir=tmp_path)
    assert KEY not in Redactor(url_patterns=loaded.secret_url_patterns).text(f"{ROOT}/api/PO/Add/{KEY}")


@pytest.fixture
def redactor(contract: Contract) -> Redactor:
    return Redactor(url_patterns=contract.secret_url_patterns)


@pytest.mark.parametrize(
    "url",
    [ADD, GET, f"{ROOT}/API/x/ADD/{KEY}", f"{ROOT}/api/X/Add/{KEY}?CustNo=1", f"{ROOT}/api/X/Get/{KEY}/"],
    ids=["upper-API", "lower-api", "mixed-case", "with-query", "trailing-slash"],
)
def test_the_key_in_the_url_path_is_masked_whatever_the_case(redactor: Redactor, url: str) -> None:
    masked = redactor.text(url)
    assert KEY not in masked
    assert MASK in masked
    assert masked.replace(MASK, KEY) == url  # only the key changed


def test_the_key_is_masked_where_a_body_quotes_the_uri(redactor: Redactor) -> None:
    body = json.dumps({"Message": f"No HTTP resource was found that matches the request URI '{ADD}'."})
    masked = redactor.body(body.encode())
    assert masked is not None and KEY.encode() not in masked
    assert f"'{ROOT}/API/X/Add/{MASK}'".encode() in masked


@pytest.mark.parametrize(
    "url",
    [
        f"{ROOT}/api/X/Docs/{KEY}",
        f"{ROOT}/api/X/Add",
        f"{ROOT}/purchaseapi/v1/orders?ref={KEY}",
    ],
    ids=["no-secret-parameter", "no-key", "query"],
)
def test_other_urls_are_left_alone(redactor: Redactor, url: str) -> None:
    assert redactor.text(url) == url


@pytest.mark.parametrize(
    "path",
    ["api/X/Addition", "api/Y/Add", "API/X/NoSuchAction"],
    ids=["longer-action", "other-controller", "unknown"],
)
def test_a_key_ending_an_undocumented_url_of_the_same_shape_is_masked(redactor: Redactor, path: str) -> None:
    assert redactor.text(f"{ROOT}/{path}/{KEY}?n=1") == f"{ROOT}/{path}/{MASK}?n=1"


def test_a_redacted_exchange_masks_the_key_in_url_and_bodies(redactor: Redactor) -> None:
    exchange = Exchange(
        api=API,
        request=call(f"{ADD}?CustNo=1", {"Note": f"see {GET}"}),
        response=answer({"Message": f"URI '{ADD}'"}, status=404),
    )
    assert KEY not in repr(redactor.exchange(exchange))


def test_the_path_credential_goes_into_the_url_and_never_into_a_header() -> None:
    sent = with_credentials_applied(
        Request("POST", "/api/X/Add/{apiKey}?CustNo=1", Headers(), b"{}"), {"{apiKey}": KEY}
    )
    assert sent.url == f"/api/X/Add/{KEY}?CustNo=1"
    assert "{apiKey}" not in sent.headers and "{apikey}" not in sent.headers
    assert KEY not in dict(sent.headers.pairs()).values()


def test_header_credentials_are_still_added_beside_a_path_credential() -> None:
    sent = with_credentials_applied(
        Request("POST", "/api/X/Get/{apiKey}", Headers({"Accept": "application/json"})),
        {"{apiKey}": KEY, "X-Site": "site-1"},
    )
    assert sent.url == f"/api/X/Get/{KEY}"
    assert sent.headers.pairs() == (("Accept", "application/json"), ("X-Site", "site-1"))


def test_a_header_the_request_already_sets_keeps_its_value() -> None:
    sent = with_credentials_applied(
        Request("POST", "/api/X/Get/{apiKey}", Headers({"x-site": "chosen-by-test"})),
        {"{apiKey}": KEY, "X-Site": "site-1"},
    )
    assert sent.headers.pairs() == (("x-site", "chosen-by-test"),)


# ── audit: recorded ManEx traffic never shows the key ────────────────────────────────────────


def test_an_audit_of_traffic_with_the_key_in_the_url_never_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_contract(tmp_path / "contracts")
    user = user_folder_of(tmp_path / "contracts", tmp_path / "mine")
    monkeypatch.setenv(PATH_VARIABLE, str(user))  # a user folder holding manex_x/contract/
    cassette = tmp_path / "manex.yaml"
    url_error = {"$id": "1", "Message": f"No resource at /API/X/Add/{KEY}"}  # a short echo: shown whole
    exchanges = [
        Exchange(
            api="", request=call(f"{ADD}?SoNo=7"), response=answer(envelope(200))
        ),  # no CustNo: accepted
        Exchange(api="", request=call(ADD, {"CustNo": "1"}), response=answer(url_error, status=404)),
    ]
    write_cassette(cassette, exchanges, Redactor())  # recorded as sent: the key is in the file
    assert KEY in cassette.read_text(encoding="utf-8")

    report = audit([cassette], API)

    assert report.interactions == 2
    assert REQUIRED_CUSTNO in report.rules
    assert any(MASK in f.received for f in report.findings), "the echoed URI should show, masked"
    rendered = [json.dumps(report.as_dict()), _render_text(report), *map(str, report.findings)]
    rendered += [repr(j.exchange) for j in report.judgements]
    for text in rendered:
        assert KEY not in text

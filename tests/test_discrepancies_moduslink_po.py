"""ModusLink vendor behaviours its own document shows are discrepancies, never failures; the same
breach with no support in the document is still a failed finding. Also: the rules that complete the
catalogue (presence of the envelope's members, orderId's type, the quantity's pattern) fail on a
violating exchange, and the two checks the readings use fail where they should."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from b2bconform.engine.checks import CheckContext, get_check
from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.engine.rules import Rule
from test_contract_engine import API, BASE, CREDENTIALS, ORDER, ORDERS, example, post

RES_013 = "MODUSLINK_PO-RES-013"
# Azure API Management's own refusals (its standard wording; the 401 example quotes the second).
APIM_MISSING_KEY = {
    "statusCode": 401,
    "message": "Access denied due to missing subscription key. Make sure to include subscription key "
    "when making requests to an API.",
}
APIM_INVALID_KEY = {
    "statusCode": 401,
    "message": "Access denied due to invalid subscription key. Make sure to provide a valid key for an "
    "active subscription.",
}
# What an APIM-shaped 401 breaks of the transaction envelope (the members it lacks, and message as a
# string): each of these rules reads that body as the gateway's.
NOT_AN_ENVELOPE = [
    "MODUSLINK_PO-RES-004",
    "MODUSLINK_PO-RES-009",
    "MODUSLINK_PO-RES-012",
    "MODUSLINK_PO-RES-015",
    "MODUSLINK_PO-RES-016",
    "MODUSLINK_PO-RES-017",
    "MODUSLINK_PO-RES-018",
]


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract.load(API)


# ── builders ─────────────────────────────────────────────────────────────────────────────────


def order_with(path: str, value: Any) -> dict[str, Any]:
    """The request example with the member at a slash path set (``None``: removed)."""
    document = copy.deepcopy(ORDER)
    *parents, key = path.strip("/").split("/")
    node: Any = document
    for step in parents:
        node = node[int(step)] if isinstance(node, list) else node[step]
    if value is None:
        node.pop(key)
    else:
        node[key] = value
    return document


def envelope(status: int, sent: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """The vendor's example body for ``status``, echoing the references of ``sent``."""
    body: dict[str, Any] = example(f"response.{status}.json")
    if sent is not None:
        header = sent["clientRequest"]["requestHeader"]
        body["requestReference"] = header["requestReference"]
        body["externalMessageReference"] = header["externalMessageReference"]
    body.update(changes)
    return body


def get(request_id: str, body: dict[str, Any]) -> Exchange:
    return Exchange(
        api=API,
        request=Request("GET", f"{BASE}{ORDERS}/{request_id}", Headers(CREDENTIALS)),
        response=Response(200, Headers({"Content-Type": "application/json"}), json.dumps(body).encode()),
    )


def refused_412(document: dict[str, Any], member: str) -> Exchange:
    """A 412 like the document's, pointing at ``member`` (dotted, after #/clientRequest.)."""
    body = envelope(412, document)
    body["message"][0].update(path=f"#/clientRequest.{member}")
    return post(document, 412, body)


def failed(judgement: Judgement) -> list[str]:
    return sorted({f.rule for f in judgement.findings})


def discrepant(judgement: Judgement) -> list[str]:
    return sorted({f.rule for f in judgement.discrepancies})


def readings_of(judgement: Judgement, rule: str) -> list[dict[str, Any]]:
    return [r for f in judgement.discrepancies if f.rule == rule for r in f.readings]


def rule(contract: Contract, rule_id: str) -> Rule:
    return next(r for r in contract.rules if r.id == rule_id)


# ── a 412 for an item without uom (REQ-034's stricter reading) ───────────────────────────────


def test_a_412_for_an_item_without_uom_is_a_res_013_discrepancy_reading_uom_as_required(
    contract: Contract,
) -> None:
    sent = order_with("/clientRequest/item/0/quantity/uom", None)
    judgement = contract.check(refused_412(sent, "item[0].quantity.uom"))
    assert failed(judgement) == []
    assert discrepant(judgement) == [RES_013]
    readings = readings_of(judgement, RES_013)
    assert any(r["rule"] == "MODUSLINK_PO-REQ-034" and not r["adopted"] for r in readings)
    assert judgement.outcomes[RES_013] == "discrepancy"


def test_an_item_without_uom_accepted_with_202_passes_as_the_adopted_reading_says(
    contract: Contract,
) -> None:
    sent = order_with("/clientRequest/item/0/quantity/uom", None)
    judgement = contract.check(post(sent, 202, envelope(202, sent)))
    assert failed(judgement) == [] and discrepant(judgement) == []


def test_a_412_for_a_conforming_order_with_uom_is_still_a_failed_res_013(contract: Contract) -> None:
    judgement = contract.check(refused_412(ORDER, "item[0].quantity.uom"))
    assert failed(judgement) == [RES_013]
    assert discrepant(judgement) == []


# ── a 412 for a member the document never defines (the 412 example's incoTerms1) ───────────


def test_a_412_refusing_order_incoterms1_is_a_res_013_discrepancy_as_the_412_example_shows(
    contract: Contract,
) -> None:
    sent = order_with("/clientRequest/order/incoTerms1", "capture")
    judgement = contract.check(refused_412(sent, "order.incoTerms1"))
    assert failed(judgement) == []
    assert discrepant(judgement) == [RES_013]
    other = [r for r in readings_of(judgement, RES_013) if not r["adopted"]]
    assert other and other[0]["source"]["section"] == "412 Precondition Failed"
    assert "incoTerms1" in (other[0]["quote"] or "")


def test_a_400_refusing_order_incoterms1_is_still_a_failed_res_013(contract: Contract) -> None:
    """The document shows undocumented members refused with 412 only; 400 is for malformed JSON."""
    sent = order_with("/clientRequest/order/incoTerms1", "capture")
    judgement = contract.check(post(sent, 400, envelope(400, sent)))
    assert failed(judgement) == [RES_013]
    assert discrepant(judgement) == []


def test_an_order_with_incoterms1_accepted_with_202_passes(contract: Contract) -> None:
    sent = order_with("/clientRequest/order/incoTerms1", "capture")
    judgement = contract.check(post(sent, 202, envelope(202, sent)))
    assert failed(judgement) == [] and discrepant(judgement) == []


# ── the 202's empty message entry (its schema sample) ────────────────────────────────────────


def test_a_202_whose_message_entry_holds_empty_strings_is_an_acc_009_discrepancy(contract: Contract) -> None:
    body = envelope(202, ORDER, message=[{"message": "", "path": "", "errorType": ""}])
    judgement = contract.check(post(ORDER, 202, body))
    assert failed(judgement) == []
    assert discrepant(judgement) == ["MODUSLINK_PO-ACC-009"]
    assert any(
        '"errorType": ""' in (r["quote"] or "") for r in readings_of(judgement, "MODUSLINK_PO-ACC-009")
    )


def test_a_202_with_the_examples_empty_object_entry_passes(contract: Contract) -> None:
    assert envelope(202)["message"] == [{}]
    judgement = contract.check(post(ORDER, 202, envelope(202, ORDER)))
    assert failed(judgement) == [] and discrepant(judgement) == []


def test_a_202_carrying_an_error_message_is_still_a_failed_acc_009(contract: Contract) -> None:
    body = envelope(202, ORDER, message=[{"message": "sku unknown", "path": "", "errorType": "warning"}])
    judgement = contract.check(post(ORDER, 202, body))
    assert failed(judgement) == ["MODUSLINK_PO-ACC-009"]
    assert discrepant(judgement) == []


# ── an API-Management-shaped 401 ─────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        pytest.param(
            {k: v for k, v in CREDENTIALS.items() if k != "Ocp-Apim-Subscription-Key"},
            APIM_MISSING_KEY,
            id="missing-key",
        ),
        pytest.param(
            {**CREDENTIALS, "Ocp-Apim-Subscription-Key": "wrong"}, APIM_INVALID_KEY, id="invalid-key"
        ),
    ],
)
def test_an_api_management_401_is_a_discrepancy_on_each_envelope_member_it_lacks(
    contract: Contract, headers: dict[str, str], body: dict[str, Any]
) -> None:
    judgement = contract.check(post(ORDER, 401, body, headers=headers))
    assert failed(judgement) == []
    assert discrepant(judgement) == NOT_AN_ENVELOPE
    for finding in judgement.discrepancies:
        assert finding.readings[1]["source"]["section"] == "401 Unauthorized"


def test_the_same_gateway_body_on_a_500_is_still_failed_on_each_envelope_member(contract: Contract) -> None:
    judgement = contract.check(post(ORDER, 500, {"statusCode": 500, "message": "Internal server error"}))
    assert failed(judgement) == NOT_AN_ENVELOPE
    assert discrepant(judgement) == []


def test_a_401_gateway_body_naming_another_status_is_still_failed(contract: Contract) -> None:
    headers = {**CREDENTIALS, "Ocp-Apim-Subscription-Key": "wrong"}
    judgement = contract.check(post(ORDER, 401, {**APIM_INVALID_KEY, "statusCode": "401"}, headers=headers))
    assert failed(judgement) == NOT_AN_ENVELOPE
    assert discrepant(judgement) == []


# ── references the answer does not echo ─────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("status", "rules"),
    [
        pytest.param(202, ["MODUSLINK_PO-ACC-004", "MODUSLINK_PO-ACC-005"], id="202"),
        pytest.param(412, ["MODUSLINK_PO-ERR-016", "MODUSLINK_PO-ERR-017"], id="412"),
    ],
)
def test_an_answer_with_the_examples_other_reference_is_an_echo_discrepancy(
    contract: Contract, status: int, rules: list[str]
) -> None:
    sent = order_with("/clientRequest/item/0/quantity/value", "one") if status == 412 else ORDER
    body = envelope(status, sent, requestReference="API_DEMOUS_1", externalMessageReference="API_DEMOUS_1")
    judgement = contract.check(post(sent, status, body))
    assert failed(judgement) == []
    assert discrepant(judgement) == rules


@pytest.mark.parametrize(
    ("status", "rules"),
    [
        pytest.param(202, ["MODUSLINK_PO-ACC-004", "MODUSLINK_PO-ACC-005"], id="202"),
        pytest.param(412, ["MODUSLINK_PO-ERR-016", "MODUSLINK_PO-ERR-017"], id="412"),
    ],
)
def test_an_answer_with_empty_references_is_still_a_failed_echo(
    contract: Contract, status: int, rules: list[str]
) -> None:
    sent = order_with("/clientRequest/item/0/quantity/value", "one") if status == 412 else ORDER
    body = envelope(status, sent, requestReference="", externalMessageReference="")
    judgement = contract.check(post(sent, status, body))
    assert failed(judgement) == rules
    assert discrepant(judgement) == []


# ── the rules completing the catalogue fail on a violating exchange ──────────────────────────


@pytest.mark.parametrize(
    ("rule_id", "member"),
    [
        pytest.param("MODUSLINK_PO-RES-015", "requestId", id="requestId"),
        pytest.param("MODUSLINK_PO-RES-016", "requestReference", id="requestReference"),
        pytest.param("MODUSLINK_PO-RES-017", "externalMessageReference", id="externalMessageReference"),
        pytest.param("MODUSLINK_PO-RES-018", "links", id="links"),
        pytest.param("MODUSLINK_PO-RES-019", "message", id="message"),
    ],
)
def test_a_202_without_an_envelope_member_is_a_failed_presence_finding(
    contract: Contract, rule_id: str, member: str
) -> None:
    body = envelope(202, ORDER)
    del body[member]
    judgement = contract.check(post(ORDER, 202, body))
    assert rule_id in failed(judgement)
    assert any(f.rule == rule_id and f.received == "absent" for f in judgement.findings)
    assert discrepant(judgement) == []


def test_an_order_read_back_with_a_numeric_order_id_is_a_failed_get_019(contract: Contract) -> None:
    header = ORDER["clientRequest"]["requestHeader"]
    body = {
        "requestControl": {"externalMessageReference": header["externalMessageReference"]},
        "requestHeader": {
            "requestType": "PO",
            "requestStatus": "confirmed",
            "requestReference": header["requestReference"],
            "dateTimeCreated": "2026-11-21T10:00:00Z",
            "dateTimeConfirmed": "2026-11-21T11:00:00Z",
        },
        "order": {"orderId": 4500012345, "status": "confirmed"},
        "item": copy.deepcopy(ORDER["clientRequest"]["item"]),
    }
    judgement = contract.check(get("3201413", body))
    assert failed(judgement) == ["MODUSLINK_PO-GET-019"]
    body["order"]["orderId"] = "4500012345"
    assert failed(contract.check(get("3201413", body))) == []


@pytest.mark.parametrize("value", ["one", "1,5", "1e3", " 1"])
def test_a_quantity_value_that_is_not_a_number_accepted_with_202_is_a_failed_req_033(
    contract: Contract, value: str
) -> None:
    sent = order_with("/clientRequest/item/0/quantity/value", value)
    judgement = contract.check(post(sent, 202, envelope(202, sent)))
    assert failed(judgement) == ["MODUSLINK_PO-REQ-033"]


# ── the checks the readings use ──────────────────────────────────────────────────────────────


def context(contract: Contract, rule_id: str, exchange: Exchange) -> CheckContext:
    return CheckContext(rule=rule(contract, rule_id), exchange=contract.classify(exchange))


def test_gateway_refusal_fails_on_the_transaction_envelope_and_holds_on_the_gateways_body(
    contract: Contract,
) -> None:
    check = get_check("gateway_refusal")
    envelope_401 = context(contract, "MODUSLINK_PO-RES-004", post(ORDER, 401, envelope(401)))
    gateway_401 = context(contract, "MODUSLINK_PO-RES-004", post(ORDER, 401, APIM_INVALID_KEY))
    gateway_403 = context(
        contract, "MODUSLINK_PO-RES-004", post(ORDER, 403, {**APIM_INVALID_KEY, "statusCode": 403})
    )
    no_message = context(
        contract, "MODUSLINK_PO-RES-004", post(ORDER, 401, {"statusCode": 401, "message": ""})
    )
    assert check(envelope_401, statuses=[401])[0].path == "/statusCode"
    assert check(gateway_401, statuses=[401]) == []
    assert check(gateway_403, statuses=[401])[0].received == "HTTP 403"
    assert check(no_message, statuses=[401])[0].path == "/message"


def test_undocumented_member_sent_fails_on_a_request_of_documented_members_only(contract: Contract) -> None:
    check = get_check("undocumented_member_sent")
    documented = {"/clientRequest/order": ["custReference", "note"]}
    extra = order_with("/clientRequest/order/incoTerms1", "capture")
    assert check(context(contract, RES_013, refused_412(ORDER, "order")), documented=documented)
    assert check(context(contract, RES_013, refused_412(extra, "order")), documented=documented) == []
    refused_400 = context(contract, RES_013, post(extra, 400, envelope(400, extra)))
    assert check(refused_400, documented=documented, refused_with=[412])[0].received == "HTTP 400"


def test_an_unknown_uom_accepted_with_202_is_a_failed_req_034_under_either_reading(
    contract: Contract,
) -> None:
    sent = order_with("/clientRequest/item/0/quantity/uom", "XX")
    judgement = contract.check(post(sent, 202, envelope(202, sent)))
    assert failed(judgement) == ["MODUSLINK_PO-REQ-034"]
    assert discrepant(judgement) == []


def test_required_enum_fails_on_an_absent_and_on_an_unlisted_member(contract: Contract) -> None:
    check = get_check("required_enum")
    path, values = "/clientRequest/item/*/quantity/uom", ["EA", "BX", "CS"]
    rule_id = "MODUSLINK_PO-REQ-034"
    absent = order_with(path.replace("*", "0"), None)
    unlisted = order_with(path.replace("*", "0"), "XX")
    assert [
        v.received for v in check(context(contract, rule_id, post(absent, 202, {})), path=path, values=values)
    ] == ["absent"]
    assert (
        check(context(contract, rule_id, post(unlisted, 202, {})), path=path, values=values)[0].received
        == '"XX"'
    )
    assert check(context(contract, rule_id, post(ORDER, 202, {})), path=path, values=values) == []

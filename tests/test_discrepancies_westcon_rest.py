"""Westcon REST: what the document shows, or is silent on, is a discrepancy (or a pass), never a failure;
a breach no reading of the document supports still fails.

Each exchange is built by hand (the sandbox's own seed lines, changed in one place) and judged by the
contract as recorded traffic is.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from b2bconform.apis.westcon_rest.generators import query
from b2bconform.apis.westcon_rest.review import ORDER_STATUS_URL, REQUESTS, TOKEN_URL
from b2bconform.apis.westcon_rest.sandbox import SEED
from b2bconform.apis.westcon_rest.sandbox.orders import render_line
from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.model import Exchange, Headers, Request, Response

API = "westcon_rest"
R = "WESTCON_REST-"
PARTNER = SEED.partner_keys[0]
GUID = "5b2bc0f0-0000-4000-8000-0000000a9101"
GOOD_TOKEN_FORM = f"grant_type=client_credentials&client_id={GUID}&client_secret=s3cret"
TOKEN_ANSWER = {
    "token_type": "Bearer",
    "expires_in": "3599",
    "ext_expires_in": "3599",
    "access_token": "eyJ0.eyJ1.c2ln",
}
ORDER_RB = next(order for order in SEED.orders if order.customer_number == "RB1024-03")


def lines(**changes: str) -> list[dict[str, str]]:
    """The two lines of order RB1024-03 as the sandbox answers them; ``changes`` apply to the second."""
    rendered = [render_line(ORDER_RB, line) for line in ORDER_RB.lines]
    rendered[1].update(changes)
    return rendered


def order_status(
    request: dict[str, Any], status: int, body: Any, content_type: str = "application/json"
) -> Exchange:
    url, headers = REQUESTS["getOrderStatus"]
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    answer = Response(status, Headers({"Content-Type": content_type}), raw)
    return Exchange(
        api=API, request=Request("POST", url, Headers(headers), json.dumps(request).encode()), response=answer
    )


def token(form: str, status: int, body: Any, content_type: str = "application/json") -> Exchange:
    url, headers = REQUESTS["getAccessToken"]
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    answer = Response(status, Headers({"Content-Type": content_type}), raw)
    return Exchange(api=API, request=Request("POST", url, Headers(headers), form.encode()), response=answer)


def answered(lines_: list[dict[str, str]]) -> dict[str, Any]:
    return {"MT_OrderStatus_Response": lines_}


def judge(exchange: Exchange, side: str = "vendor") -> Judgement:
    return Contract.load(API).check(exchange, side=side)  # type: ignore[arg-type]


def failed(judgement: Judgement) -> set[str]:
    return {f.rule for f in judgement.findings}


def discrepant(judgement: Judgement) -> set[str]:
    return {f.rule for f in judgement.discrepancies}


W_QUERY = query(PARTNER, "W", [ORDER_RB.erp_number])
C_QUERY = query(PARTNER, "C", [ORDER_RB.customer_number])


def test_the_sandboxs_own_answer_is_judged_clean() -> None:
    """The baseline every test below changes in one place."""
    judgement = judge(order_status(W_QUERY, 200, answered(lines())))
    assert not judgement.findings and not judgement.discrepancies
    assert judgement.outcomes[f"{R}RES-022"] == "passed"


def test_every_discrepancy_names_the_adopted_reading_and_the_one_followed() -> None:
    judgement = judge(order_status(W_QUERY, 200, answered(lines(customerOrderNumber="RB102403"))))
    (finding,) = judgement.discrepancies
    assert [r["adopted"] for r in finding.readings] == [True, False]
    assert finding.readings[1]["source"]["file"] == "000_59867e745b1577d6.txt"


# ── two spellings of one customer order number (the sample's Rb****-03 and Rb****03) ────────


def test_one_order_answered_with_two_spellings_of_its_customer_order_number_is_a_discrepancy() -> None:
    judgement = judge(order_status(W_QUERY, 200, answered(lines(customerOrderNumber="RB102403"))))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {f"{R}RES-022"}


def test_one_order_answered_with_two_different_customer_order_numbers_fails() -> None:
    judgement = judge(order_status(W_QUERY, 200, answered(lines(customerOrderNumber="RB1024-04"))))
    assert failed(judgement) == {f"{R}RES-022"}


def test_a_customer_order_number_answered_without_its_hyphen_is_a_discrepancy() -> None:
    both = [{**line, "customerOrderNumber": "RB102403"} for line in lines()]
    judgement = judge(order_status(C_QUERY, 200, answered(both)))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {f"{R}RES-021"}


def test_a_line_of_another_customer_order_number_fails() -> None:
    other = [{**line, "customerOrderNumber": "PO-77812"} for line in lines()]
    assert failed(judge(order_status(C_QUERY, 200, answered(other)))) == {f"{R}RES-021"}


# ── statuses and error bodies the document never shows ─────────────────────────────────────


def test_a_refusal_with_another_client_error_status_is_a_discrepancy() -> None:
    """partnerKey missing, refused 422 instead of the 400 the harness expects."""
    request = query(PARTNER, "W", ["600004"])
    del request["mT_OrderStatus_API_REQ"]["partnerKey"]
    judgement = judge(order_status(request, 422, {"statusCode": 422, "message": "partnerKey is required"}))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {f"{R}REQ-003", f"{R}RES-023"}


def test_a_request_that_breaks_a_rule_accepted_still_fails() -> None:
    request = query(PARTNER, "W", ["600004"])
    del request["mT_OrderStatus_API_REQ"]["partnerKey"]
    assert failed(judge(order_status(request, 200, answered(lines())))) == {f"{R}REQ-003"}


def test_a_conforming_request_refused_with_400_still_fails() -> None:
    judgement = judge(order_status(W_QUERY, 400, {"statusCode": 400, "message": "no"}))
    assert failed(judgement) == {f"{R}STA-006"}


def test_a_route_not_found_answer_is_a_discrepancy() -> None:
    judgement = judge(order_status(W_QUERY, 404, {"statusCode": 404, "message": "Resource not found"}))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {f"{R}RES-023"}


def test_a_server_error_follows_no_reading_and_fails() -> None:
    judgement = judge(order_status(W_QUERY, 500, {"statusCode": 500, "message": "boom"}))
    assert failed(judgement) == {f"{R}RES-023"}


def test_a_refusal_in_plain_text_is_a_discrepancy() -> None:
    request = query(PARTNER, "X", ["600004"])
    judgement = judge(order_status(request, 400, b"Bad Request", content_type="text/plain"))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {f"{R}TRN-006"}


def test_a_refusal_without_a_message_is_a_discrepancy() -> None:
    request = query(PARTNER, "X", ["600004"])
    judgement = judge(order_status(request, 400, {"error": "orderType must be W or C"}))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {f"{R}RES-024"}


def test_a_gateway_401_without_status_code_is_a_discrepancy() -> None:
    url, headers = REQUESTS["getOrderStatus"]
    unsigned = Headers({k: v for k, v in headers.items() if k != "Authorization"})
    request = Request("POST", url, unsigned, json.dumps(W_QUERY).encode())
    answer = Response(401, Headers({"Content-Type": "application/json"}), b'{"message": "Access denied"}')
    judgement = judge(Exchange(api=API, request=request, response=answer))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {f"{R}AUTH-007"}


def test_a_token_refusal_of_another_shape_is_a_discrepancy() -> None:
    body = {"error": "access_denied", "error_description": "no such client"}
    judgement = judge(token(GOOD_TOKEN_FORM.replace("s3cret", ""), 401, body))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {f"{R}TOK-021", f"{R}TOK-022"}


def test_a_token_refusal_with_another_client_error_status_is_a_discrepancy() -> None:
    form = GOOD_TOKEN_FORM.replace("grant_type=client_credentials", "grant_type=password")
    body = {"error": "unsupported_grant_type", "error_description": "AADSTS70003: no"}
    judgement = judge(token(form, 403, body))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {f"{R}TOK-002", f"{R}TOK-023"}


def test_a_token_issued_for_an_unsupported_grant_still_fails() -> None:
    form = GOOD_TOKEN_FORM.replace("grant_type=client_credentials", "grant_type=password")
    assert failed(judge(token(form, 200, TOKEN_ANSWER))) == {f"{R}TOK-002"}


def test_a_token_answer_that_is_not_json_still_fails() -> None:
    raw = json.dumps(TOKEN_ANSWER).encode()
    assert failed(judge(token(GOOD_TOKEN_FORM, 200, raw, content_type="text/plain"))) == {f"{R}TRN-005"}


# ── the document's placeholders and masked values ──────────────────────────────────────────


def test_a_token_issued_for_the_documents_placeholder_client_id_is_a_discrepancy() -> None:
    form = GOOD_TOKEN_FORM.replace(GUID, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
    judgement = judge(token(form, 200, TOKEN_ANSWER))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {f"{R}TOK-004"}


def test_a_token_issued_for_a_client_id_that_is_no_guid_fails() -> None:
    form = GOOD_TOKEN_FORM.replace(GUID, "westcon-client")
    assert failed(judge(token(form, 200, TOKEN_ANSWER))) == {f"{R}TOK-004"}


def test_a_caller_sending_the_token_request_as_the_document_prints_it_is_not_failed() -> None:
    """No resource (TOK-006, not checked) and the placeholder client_id (TOK-004, vendor only)."""
    form = "grant_type=client_credentials&client_id=xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx&client_secret=X"
    assert failed(judge(token(form, 200, TOKEN_ANSWER), side="client")) == set()


@pytest.mark.parametrize(
    ("member", "masked", "rule"),
    [
        ("eRPOrderLineNumber", "0****0", "RES-007"),
        ("parentERPLine", "0****0", "RES-008"),
        ("billingDocument", "0*******7", "RES-018"),
        ("statusDate", "yyyymmdd", "RES-013"),
        ("shipDate", "yyyymmdd", "RES-014"),
    ],
)
def test_a_value_written_as_the_sample_prints_it_is_a_discrepancy(
    member: str, masked: str, rule: str
) -> None:
    judgement = judge(order_status(W_QUERY, 200, answered(lines(**{member: masked}))))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {R + rule}


@pytest.mark.parametrize(
    ("member", "wrong", "rule"),
    [
        ("eRPOrderLineNumber", "10", "RES-007"),
        ("parentERPLine", "0**0", "RES-008"),
        ("billingDocument", "INV-0090000017", "RES-018"),
        ("statusDate", "2026-11-20", "RES-013"),
        ("shipDate", "20261399", "RES-014"),
    ],
)
def test_a_value_no_reading_allows_fails(member: str, wrong: str, rule: str) -> None:
    assert failed(judge(order_status(W_QUERY, 200, answered(lines(**{member: wrong}))))) == {R + rule}


def test_masked_order_numbers_are_a_discrepancy_of_their_format_and_of_the_numbers_queried() -> None:
    masked = [{**line, "eRPOrderNumber": "0********4"} for line in lines()]
    judgement = judge(order_status(W_QUERY, 200, answered(masked)))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {f"{R}RES-006", f"{R}RES-020"}


def test_another_orders_number_answered_to_a_w_query_fails() -> None:
    other = [{**line, "eRPOrderNumber": "0000600009"} for line in lines()]
    assert failed(judge(order_status(W_QUERY, 200, answered(other)))) == {f"{R}RES-020"}


def test_an_order_number_answered_without_its_zeros_fails() -> None:
    unpadded = [{**line, "eRPOrderNumber": "600004"} for line in lines()]
    assert failed(judge(order_status(W_QUERY, 200, answered(unpadded)))) == {f"{R}RES-006"}


# ── rules the catalogue review added, and the rules the new sandbox faults break ───────────


def test_a_line_without_its_product_number_fails() -> None:
    assert failed(judge(order_status(W_QUERY, 200, answered(lines(eRPProductNumber=""))))) == {f"{R}RES-026"}


def test_an_invoiced_line_without_its_billing_document_fails() -> None:
    assert failed(judge(order_status(W_QUERY, 200, answered(lines(billingDocument=""))))) == {f"{R}RES-016"}


def test_a_shipped_line_without_its_ship_date_fails() -> None:
    shipped = lines(lineStatusCode="SHI", lineStatusDescription="Shipped", billingDocument="", shipDate="")
    assert failed(judge(order_status(W_QUERY, 200, answered(shipped)))) == {f"{R}RES-015"}


def test_an_order_status_answer_that_is_not_json_still_fails() -> None:
    raw = json.dumps(answered(lines())).encode()
    judgement = judge(order_status(W_QUERY, 200, raw, content_type="text/plain"))
    assert failed(judgement) == {f"{R}TRN-004"}


def test_the_urls_are_the_documents() -> None:
    assert REQUESTS["getOrderStatus"][0] == ORDER_STATUS_URL
    assert REQUESTS["getAccessToken"][0] == TOKEN_URL

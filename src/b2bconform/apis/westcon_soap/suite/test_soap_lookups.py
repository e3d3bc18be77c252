"""Lookups by Westcon and customer numbers, serial numbers on request, the doc's sample, system errors, zeep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from b2bconform.apis.westcon_soap.generators import ADDRESS_PATH, order_status_envelope, returned_orders
from b2bconform.session import Judge
from b2bconform.targets.soap import soap_client

pytestmark = [pytest.mark.api("westcon_soap"), pytest.mark.sandbox_only]


def _orders(judgement: Any) -> list[dict[str, Any]]:
    return returned_orders(judgement.exchange.response.body)


@pytest.mark.rules("WESTCON_SOAP-REQ-010")
def test_without_order_number_type_numbers_are_read_as_westcon_numbers(
    judge: Judge, account: tuple[str, str], call: Callable[[bytes], Any]
) -> None:
    judgement = call(order_status_envelope(account[0], ["704571"], username=account[0], password=account[1]))
    judge.expect_conforms(judgement)
    assert [o.get("ERPOrderNumber") for o in _orders(judgement)] == ["0000704571"]


@pytest.mark.rules("WESTCON_SOAP-REQ-011")
def test_a_number_queried_as_the_other_kind_is_not_found(
    judge: Judge, account: tuple[str, str], call: Callable[[bytes], Any]
) -> None:
    as_customer = call(
        order_status_envelope(
            account[0], ["704571"], number_type="C", username=account[0], password=account[1]
        )
    )
    as_westcon = call(
        order_status_envelope(
            account[0], ["897879"], number_type="W", username=account[0], password=account[1]
        )
    )
    judge.expect_conforms()
    assert _orders(as_customer) == [] and _orders(as_westcon) == [], (
        "a number was found under the other number type"
    )


def test_serial_numbers_come_back_only_when_asked(
    judge: Judge, account: tuple[str, str], call: Callable[[bytes], Any]
) -> None:
    for flag in ("true", "false", None):
        call(
            order_status_envelope(
                account[0], ["543814"], serials=flag, username=account[0], password=account[1]
            )
        )
    judge.expect_conforms()


@pytest.mark.rules("WESTCON_SOAP-REQ-012")
def test_the_documents_sample_request_is_accepted_with_a_security_header(
    judge: Judge, account: tuple[str, str], call: Callable[[bytes], Any]
) -> None:
    from b2bconform.apis.westcon_soap.sandbox import add_security_header

    sample = (judge.contract.root / "examples" / "request.sample.xml").read_bytes()
    judgement = call(add_security_header(sample, account[0], account[1]))
    judge.expect_conforms(judgement)
    assert judgement.exchange.response.status == 200, judgement.exchange.response.body[:500]


def test_a_system_error_is_reported_in_the_errors_block(
    judge: Judge, account: tuple[str, str], call: Callable[[bytes], Any]
) -> None:
    from b2bconform.apis.westcon_soap.sandbox import SYSTEM_ERROR_ORDER_NUMBER

    judgement = call(
        order_status_envelope(
            account[0], [SYSTEM_ERROR_ORDER_NUMBER], username=account[0], password=account[1]
        )
    )
    if judgement.outcomes.get("WESTCON_SOAP-RES-012") is None:
        raise RuntimeError("the sandbox did not answer its system-error trigger")
    judge.expect_conforms(judgement)


def test_the_zeep_client_queries_through_the_harness(judge: Judge, account: tuple[str, str]) -> None:
    service = soap_client(
        judge.contract.root / "OrderStatus.wsdl",
        judge.target,
        str(judge.target.client.base_url).rstrip("/") + ADDRESS_PATH,  # the target's own host
        username=account[0],
        password=account[1],
        on_exchange=judge.judge,
    )
    query = {
        "CustomerAccountNumber": account[0],
        "OrderNumberType": "W",
        "ReturnSerialNumberAndMACAddress": True,
        "Orders": {"Order": [{"OrderNumber": "543814"}]},
    }
    result = service.GetOrderStatus(request={"WestconOrderStatus": query})
    judge.expect_conforms()
    # zeep does not check XSD facets: the outgoing envelope is judged as a caller's request too
    sent = judge.judgements[-1].exchange
    judge.expect_conforms(judge.contract.check(sent, side="client"))
    assert [order.ERPOrderNumber for order in result.Orders.Order] == ["0000543814"]

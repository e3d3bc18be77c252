"""Westcon SOAP suite fixtures: the caller's account, and a send helper; both delegate to the harness."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from b2bconform.apis.westcon_soap.generators import ADDRESS_PATH
from b2bconform.session import HarnessSession, Judge

# The embedded sandbox's orders of account 1001065 (b2bconform.apis.westcon_soap.sandbox's seed data):
# (OrderNumberType, OrderNumber).
SANDBOX_ORDERS = [("W", "704571"), ("W", "0000543814"), ("C", "897879"), ("C", "PO-4471"), ("W", "600100")]

SOAP_HEADERS = {
    "Content-Type": "text/xml; charset=utf-8",
    "SOAPAction": '"http://tempuri.org/IOrderStatus/GetOrderStatus"',
}


@pytest.fixture
def account(judge: Judge) -> tuple[str, str]:
    """(username, password): the UsernameToken of the caller; the username is the account number."""
    credentials = judge.target.credentials()
    return credentials["Username"], credentials["Password"]


@pytest.fixture
def call(judge: Judge) -> Callable[[bytes], object]:
    def send(envelope: bytes) -> object:
        return judge.send("POST", ADDRESS_PATH, body=envelope, headers=SOAP_HEADERS, with_credentials=False)

    return send


@pytest.fixture
def known_orders(harness: HarnessSession, api: str) -> list[tuple[str, str]]:
    """(OrderNumberType, OrderNumber) of orders the caller's account holds: the sandbox's, or what a
    live profile gives as ``test_data.orders``. Without either the test skips, saying so, before
    anything is sent (ask for this fixture before ``judge``)."""
    data = harness.test_data(api)
    if data == "sandbox":
        return SANDBOX_ORDERS
    if isinstance(data, dict) and data.get("orders"):
        return [(str(order.get("type", "W")), str(order["number"])) for order in data["orders"]]
    pytest.skip("needs orders this account holds: the profile's test_data.orders (see apis/profiles.md)")

"""Westcon SOAP suite fixtures: the caller's account, and a send helper; both delegate to the harness."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from b2bconform.generators.westcon_soap import ADDRESS_PATH
from b2bconform.session import Judge

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

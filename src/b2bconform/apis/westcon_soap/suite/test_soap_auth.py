"""WS-Security: the UsernameToken is required, checked, and tied to the CustomerAccountNumber."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from b2bconform.apis.westcon_soap.generators import order_status_envelope
from b2bconform.session import Judge

pytestmark = pytest.mark.api("westcon_soap")


def _status(judgement: Any) -> int:
    return int(judgement.exchange.response.status)


@pytest.mark.smoke
@pytest.mark.rules("WESTCON_SOAP-AUTH-001")
def test_a_call_without_a_username_token_is_refused(
    judge: Judge, account: tuple[str, str], call: Callable[[bytes], Any]
) -> None:
    judgement = call(order_status_envelope(account[0], ["704571"]))
    if judgement.outcomes.get("WESTCON_SOAP-AUTH-001") is None:
        raise RuntimeError("the missing token was not judged")
    judge.expect_conforms(judgement)


@pytest.mark.smoke
@pytest.mark.rules("WESTCON_SOAP-AUTH-003")
def test_a_call_with_a_wrong_password_is_refused_with_a_soap_fault(
    judge: Judge, account: tuple[str, str], call: Callable[[bytes], Any]
) -> None:
    judgement = call(
        order_status_envelope(account[0], ["704571"], username=account[0], password=account[1] + "-wrong")
    )
    judge.expect_conforms(judgement)
    assert _status(judgement) in (400, 401, 500), f"a wrong password was answered HTTP {_status(judgement)}"


@pytest.mark.rules("WESTCON_SOAP-AUTH-004")
def test_an_account_number_other_than_the_username_is_refused(
    judge: Judge, account: tuple[str, str], call: Callable[[bytes], Any]
) -> None:
    other = "2002002" if account[0] != "2002002" else "1001065"
    judgement = call(order_status_envelope(other, ["800200"], username=account[0], password=account[1]))
    if judgement.outcomes.get("WESTCON_SOAP-AUTH-004") is None:
        raise RuntimeError("the account/username mismatch was not judged")
    judge.expect_conforms(judgement)

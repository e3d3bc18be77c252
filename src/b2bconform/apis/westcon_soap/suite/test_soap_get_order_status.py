"""GetOrderStatus: valid queries answered per contract; each request rule, broken, is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2bconform.apis.westcon_soap.generators import order_status_envelope, returned_orders
from b2bconform.engine.formats import bounded_string, enum_format
from b2bconform.session import Judge

pytestmark = pytest.mark.api("westcon_soap")

SERIALS = st.sampled_from([None, "true", "false", "1", "0"])


def _judged(judgement: Any, rule: str) -> None:
    if judgement.outcomes.get(rule) is None:  # a harness defect, not a vendor finding
        raise RuntimeError(f"{rule} was not evaluated: the request did not break it")


@pytest.mark.smoke
@pytest.mark.rules("WESTCON_SOAP-RES-004", "WESTCON_SOAP-RES-009")
def test_an_order_the_account_holds_is_found_and_answered_per_contract(
    known_orders: list[tuple[str, str]], judge: Judge, account: tuple[str, str], call: Callable[[bytes], Any]
) -> None:
    number_type, number = known_orders[0]
    judgement = call(
        order_status_envelope(
            account[0], [number], number_type=number_type, username=account[0], password=account[1]
        )
    )
    judge.expect_conforms(judgement)
    assert judgement.exchange.response.status == 200
    assert returned_orders(judgement.exchange.response.body), f"order {number} ({number_type}) was not found"


@given(data=st.data())
def test_valid_queries_are_answered_per_contract(
    known_orders: list[tuple[str, str]],
    judge: Judge,
    account: tuple[str, str],
    call: Callable[[bytes], Any],
    data: st.DataObject,
) -> None:
    kinds = [kind for kind in ("W", "C") if any(t == kind for t, _ in known_orders)]
    number_type = data.draw(st.sampled_from(kinds), label="type")
    numbers = data.draw(
        st.lists(
            st.sampled_from([n for t, n in known_orders if t == number_type]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    explicit_type = (
        number_type if number_type == "C" else data.draw(st.sampled_from([None, "W"]), label="send W")
    )
    envelope = order_status_envelope(account[0], numbers, number_type=explicit_type, serials=data.draw(SERIALS),
                                     username=account[0], password=account[1])  # fmt: skip
    judgement = call(envelope)
    judge.expect_conforms(judgement)
    assert judgement.exchange.response.status == 200


NEGATIVE: list[tuple[str, Callable[[tuple[str, str]], st.SearchStrategy[bytes]]]] = [
    ("WESTCON_SOAP-REQ-001", lambda a: st.sampled_from([b"<soapenv:Envelope>", b"not xml", b"<Envelope><NoBody/></Envelope>"])),
    ("WESTCON_SOAP-REQ-002", lambda a: st.just(order_status_envelope(None, ["704571"], username=a[0], password=a[1]))),
    ("WESTCON_SOAP-REQ-003", lambda a: bounded_string(10, min_length=1).near_miss().filter(lambda s: s.strip() == s and s.isprintable()).map(
        lambda long: order_status_envelope(long, ["704571"], username=long, password=a[1]))),
    ("WESTCON_SOAP-REQ-004", lambda a: enum_format(["W", "C"]).near_miss().map(
        lambda t: order_status_envelope(a[0], ["704571"], number_type=t, username=a[0], password=a[1]))),
    ("WESTCON_SOAP-REQ-005", lambda a: st.sampled_from(["TRUE", "True", "yes", "Y", "t rue"]).map(
        lambda flag: order_status_envelope(a[0], ["704571"], serials=flag, username=a[0], password=a[1]))),
    ("WESTCON_SOAP-REQ-006", lambda a: st.just(order_status_envelope(a[0], [], username=a[0], password=a[1]))),
    ("WESTCON_SOAP-REQ-007", lambda a: st.just(order_status_envelope(a[0], [None], username=a[0], password=a[1]))),
    ("WESTCON_SOAP-REQ-008", lambda a: bounded_string(35, min_length=1).near_miss().filter(lambda s: s.strip() == s and s.isprintable()).map(
        lambda n: order_status_envelope(a[0], [n], username=a[0], password=a[1]))),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "envelopes"), [pytest.param(r, e, id=r, marks=pytest.mark.rules(r)) for r, e in NEGATIVE]
)
@given(data=st.data())
def test_a_request_breaking_a_rule_is_refused_with_a_soap_fault(
    judge: Judge,
    account: tuple[str, str],
    call: Callable[[bytes], Any],
    rule: str,
    envelopes: Any,
    data: st.DataObject,
) -> None:
    judgement = call(data.draw(envelopes(account), label="envelope"))
    _judged(judgement, rule)
    judge.expect_conforms(judgement)

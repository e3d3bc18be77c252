"""Faults derived from rules (sandboxes/derived.py): a faithful answer, mutated on its way out to
break one rule alone; answers the rule does not apply to pass unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.sandboxes.derived import BrokenAnswers, derived_faults, unenforced_faults

API = "westcon_soap"
EXAMPLES = Path(Contract.load(API).root) / "examples"
SOAP = {
    "Content-Type": "text/xml; charset=utf-8",
    "SOAPAction": '"http://tempuri.org/IOrderStatus/GetOrderStatus"',
}
XML = [(b"content-type", b"text/xml; charset=utf-8")]


def _asked() -> Request:
    return Request(
        "POST",
        "http://testserver/OrderStatus.svc",
        Headers(SOAP),
        (EXAMPLES / "request.sample.xml").read_bytes(),
    )


def _judged(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> set[str]:
    contract = Contract.load(API)
    answer = Response(status, Headers([(k.decode(), v.decode()) for k, v in headers]), body)
    judgement = contract.check(Exchange(API, _asked(), answer, operation="GetOrderStatus"))
    return {f.rule for f in judgement.findings}


def test_a_derived_fault_breaks_its_rule_and_no_other_on_a_conforming_answer() -> None:
    body = b"".join(
        (
            b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>',
            b'<GetOrderStatusResponse xmlns="http://tempuri.org/"/></s:Body></s:Envelope>',
        )
    )
    before = _judged(200, XML, body)
    rewrite = BrokenAnswers(API, "WESTCON_SOAP-RES-017")
    status, headers, changed = rewrite.rewrite(_asked(), 200, list(XML), body)
    assert _judged(status, headers, changed) - before == {"WESTCON_SOAP-RES-017"}


def test_an_answer_the_rule_does_not_apply_to_passes_unchanged() -> None:
    rewrite = BrokenAnswers(API, "WESTCON_SOAP-RES-017")  # HTTP 200 answers only
    fault = b"<s:Envelope/>"
    assert rewrite.rewrite(_asked(), 500, list(XML), fault) == (500, XML, fault)


def test_a_rule_no_answer_mutation_can_break_gets_no_derived_fault() -> None:
    with pytest.raises(ValueError, match="WESTCON_SOAP-REQ-002"):
        derived_faults(API, ["WESTCON_SOAP-REQ-002"])


def test_each_derived_fault_names_its_rule() -> None:
    (fault,) = derived_faults(API, ["WESTCON_SOAP-RES-017"])
    assert (fault.name, fault.rule) == ("breaks-res-017", "WESTCON_SOAP-RES-017")


def test_an_unenforced_fault_is_named_for_its_request_rule() -> None:
    [fault] = unenforced_faults("moduslink_po", {"MODUSLINK_PO-REQ-028": "accepts-long-sku"})
    assert (fault.name, fault.rule) == ("accepts-long-sku", "MODUSLINK_PO-REQ-028")


@pytest.mark.parametrize(
    "rule",
    [
        "MODUSLINK_PO-RES-005",  # a response rule: nothing to leave unenforced
        "MODUSLINK_PO-REQ-023",  # judged on the client only: the vendor never refused it
    ],
)
def test_a_rule_the_vendor_does_not_refuse_by_gets_no_unenforced_fault(rule: str) -> None:
    with pytest.raises(ValueError, match=rule):
        unenforced_faults("moduslink_po", {rule: "x"})

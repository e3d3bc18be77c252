"""Westcon SOAP: what the vendor document itself shows gives a discrepancy (or passes), never a failed
finding; a breach the document does not support still fails.

Every exchange starts from the document's own samples (examples/request.sample.xml, response.sample.xml).
"""

from __future__ import annotations

from b2bconform.apis.westcon_soap.review import URL, USERNAME, with_security
from b2bconform.engine.contract import Contract, Judgement, Side
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.locations import contract_dir

EXAMPLES = contract_dir("westcon_soap") / "examples"
SAMPLE_REQUEST = (EXAMPLES / "request.sample.xml").read_bytes()
SAMPLE_RESPONSE = (EXAMPLES / "response.sample.xml").read_bytes()
SOAP12 = "application/soap+xml; charset=utf-8"
WSA = "http://www.w3.org/2005/08/addressing"
ACTION = b"http://tempuri.org/IOrderStatus/GetOrderStatusResponse"
RELATES_TO = b"urn:uuid:9ae0698e-2270-4b7c-bb90-2037a08a2660"
FOUND = b"<wes:OrderNumber>543814</wes:OrderNumber>"  # the order the sample response returns


def request(*, message_id: bytes | None = None, number: bytes = FOUND) -> bytes:
    """The sample request as 4.2.1 sends it, querying the sample response's order (and a wsa:MessageID)."""
    sent = with_security(SAMPLE_REQUEST, USERNAME).replace(
        b"<wes:OrderNumber>704571</wes:OrderNumber>", number
    )
    if message_id is not None:
        header = f'<wsa:MessageID xmlns:wsa="{WSA}">'.encode() + message_id + b"</wsa:MessageID>"
        sent = sent.replace(b"<soapenv:Header>", b"<soapenv:Header>" + header, 1)
    return sent


def judge(sent: bytes, answer: bytes, *, status: int = 200, side: Side = "vendor") -> Judgement:
    exchange = Exchange(
        api="westcon_soap",
        request=Request("POST", URL, Headers({"Content-Type": "text/xml; charset=utf-8"}), sent),
        response=Response(status, Headers({"Content-Type": SOAP12}), answer),
    )
    return Contract.load("westcon_soap").check(exchange, side=side)


def failed(judgement: Judgement) -> set[str]:
    return {f.rule for f in judgement.findings}


def discrepant(judgement: Judgement) -> set[str]:
    assert all(any(not r["adopted"] for r in d.readings) for d in judgement.discrepancies)
    return {d.rule for d in judgement.discrepancies}


def edited(*replacements: tuple[bytes, bytes]) -> bytes:
    answer = SAMPLE_RESPONSE
    for old, new in replacements:
        assert old in answer, old
        answer = answer.replace(old, new, 1)
    return answer


# ── SOAP 1.2 with WS-Addressing, as the sample response and the wsHttpBinding show ───────────────────


def test_the_samples_soap12_answer_with_ws_addressing_passes() -> None:
    judgement = judge(request(), SAMPLE_RESPONSE)
    assert not judgement.findings and not judgement.discrepancies
    for rule in ("WESTCON_SOAP-RES-003", "WESTCON_SOAP-RES-015", "WESTCON_SOAP-RES-016"):
        assert judgement.outcomes[rule] == "passed"


def test_relates_to_naming_the_requests_message_id_passes() -> None:
    judgement = judge(request(message_id=RELATES_TO), SAMPLE_RESPONSE)
    assert judgement.outcomes["WESTCON_SOAP-RES-016"] == "passed"


def test_a_soap12_answer_without_addressing_to_a_request_without_message_id_is_a_discrepancy() -> None:
    answer = edited(
        (b'<a:Action \ns:mustUnderstand="1">' + ACTION + b"</a:Action>", b""),
        (b"<a:RelatesTo>" + RELATES_TO + b"</a:RelatesTo>", b""),
    )
    judgement = judge(request(), answer)
    assert not failed(judgement)
    assert discrepant(judgement) == {"WESTCON_SOAP-RES-015", "WESTCON_SOAP-RES-016"}


def test_a_wrong_action_fails() -> None:
    answer = edited((ACTION, b"http://tempuri.org/IOrderStatus/GetOrderStatus"))
    assert failed(judge(request(), answer)) == {"WESTCON_SOAP-RES-015"}


def test_relates_to_another_message_fails() -> None:
    assert failed(judge(request(message_id=b"urn:uuid:other"), SAMPLE_RESPONSE)) == {"WESTCON_SOAP-RES-016"}


def test_no_relates_to_when_the_request_sent_a_message_id_fails() -> None:
    answer = edited((b"<a:RelatesTo>" + RELATES_TO + b"</a:RelatesTo>", b""))
    assert failed(judge(request(message_id=RELATES_TO), answer)) == {"WESTCON_SOAP-RES-016"}


def test_a_soap11_answer_is_not_judged_by_the_addressing_rules() -> None:
    answer = edited(
        (b"http://www.w3.org/2003/05/soap-envelope", b"http://schemas.xmlsoap.org/soap/envelope/"),
        (b'<a:Action \ns:mustUnderstand="1">' + ACTION + b"</a:Action>", b""),
        (b"<a:RelatesTo>" + RELATES_TO + b"</a:RelatesTo>", b""),
    )
    judgement = judge(request(), answer)
    assert not judgement.findings and not judgement.discrepancies
    assert "WESTCON_SOAP-RES-015" not in judgement.outcomes


# ── faults for an omitted element 3.1 marks Required ────────────────────────────────────────────────

SOAP12_FAULT = (
    b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>'
    b's:Sender</s:Value></s:Code><s:Reason><s:Text xml:lang="en-US">{what} is required</s:Text></s:Reason>'
    b"</s:Fault></s:Body></s:Envelope>"
)


def test_a_fault_for_an_omitted_return_serial_flag_is_not_a_failure() -> None:
    fault = SOAP12_FAULT.replace(b"{what}", b"ReturnSerialNumberAndMACAddress")
    assert b"ReturnSerialNumberAndMACAddress" not in request()
    assert not failed(judge(request(), fault, status=500))


def test_a_fault_for_an_omitted_order_number_type_is_not_a_failure() -> None:
    sent = request().replace(b"<wes:OrderNumberType>W</wes:OrderNumberType>", b"")
    assert not failed(judge(sent, SOAP12_FAULT.replace(b"{what}", b"OrderNumberType"), status=400))


def test_accepting_an_order_number_type_the_document_does_not_allow_still_fails() -> None:
    sent = request().replace(
        b"<wes:OrderNumberType>W</wes:OrderNumberType>", b"<wes:OrderNumberType>X</wes:OrderNumberType>"
    )
    assert "WESTCON_SOAP-REQ-004" in failed(judge(sent, SAMPLE_RESPONSE))


# ── the answer's layout: another element order, 3.2's root CustomerAccountNumber and Errors ──────────

CUSTOMER_ORDER = b"<b:CustomerOrderNumber>897879</b:CustomerOrderNumber>"
ERP_ORDER = b"<b:ERPOrderNumber>0000543814</b:ERPOrderNumber>"
ROOT_ERRORS = b'<b:Errors i:nil="true"/> \n      </GetOrderStatusResult>'


def test_members_in_another_order_are_a_discrepancy() -> None:
    answer = edited((CUSTOMER_ORDER, b"{c}"), (ERP_ORDER, CUSTOMER_ORDER)).replace(b"{c}", ERP_ORDER)
    judgement = judge(request(), answer)
    assert not failed(judgement)
    assert discrepant(judgement) == {"WESTCON_SOAP-RES-004"}


def test_root_errors_before_orders_as_3_2_lists_them_are_a_discrepancy() -> None:
    errors = b"<b:Errors><b:Error><b:ErrorNo>1</b:ErrorNo><b:ErrorDetail>System Error. Please try again</b:ErrorDetail></b:Error></b:Errors>"
    answer = edited((ROOT_ERRORS, b"</GetOrderStatusResult>"), (b"<b:Orders>", errors + b"<b:Orders>"))
    judgement = judge(request(), answer)
    assert not failed(judgement)
    assert discrepant(judgement) == {"WESTCON_SOAP-RES-004"}


def test_a_root_customer_account_number_as_3_2_lists_it_is_a_discrepancy() -> None:
    account = b"<b:CustomerAccountNumber>1001065</b:CustomerAccountNumber>"
    answer = edited((b"<b:WestconMetadata>", account + b"<b:WestconMetadata>"))
    judgement = judge(request(), answer)
    assert not failed(judgement)
    assert discrepant(judgement) == {"WESTCON_SOAP-RES-004"}


def test_an_order_type_outside_zor_zre_still_fails_in_any_order() -> None:
    answer = edited((CUSTOMER_ORDER, b"{c}"), (ERP_ORDER, CUSTOMER_ORDER), (b">ZOR<", b">ZXX<")).replace(
        b"{c}", ERP_ORDER
    )
    assert failed(judge(request(), answer)) == {"WESTCON_SOAP-RES-004"}


def test_a_member_neither_the_sample_nor_3_2_shows_still_fails() -> None:
    answer = edited((b"<b:WestconMetadata>", b"<b:Surprise>1</b:Surprise><b:WestconMetadata>"))
    assert failed(judge(request(), answer)) == {"WESTCON_SOAP-RES-004"}


# ── the samples' pair: an answer about another order ────────────────────────────────────────────────


def test_an_answer_about_none_of_the_orders_queried_follows_the_samples_pair() -> None:
    sent = request(number=b"<wes:OrderNumber>704571</wes:OrderNumber>")
    judgement = judge(sent, SAMPLE_RESPONSE)
    assert not failed(judgement)
    assert discrepant(judgement) == {"WESTCON_SOAP-RES-010"}


def test_an_order_not_queried_beside_the_ones_queried_still_fails() -> None:
    block = SAMPLE_RESPONSE.split(b"<b:Order>", 1)[1].split(b"</b:Order>", 1)[0]
    other = block.replace(ERP_ORDER, b"<b:ERPOrderNumber>0000704571</b:ERPOrderNumber>")
    answer = edited((b"<b:Order>", b"<b:Order>" + other + b"</b:Order><b:Order>"))
    assert failed(judge(request(number=b"<wes:OrderNumber>704571</wes:OrderNumber>"), answer)) == {
        "WESTCON_SOAP-RES-010"
    }


# ── a 200 without the result; Exception beside returned orders ──────────────────────────────────────


def test_a_200_without_get_order_status_response_fails() -> None:
    fault = SOAP12_FAULT.replace(b"{what}", b"Something")
    judgement = judge(request(), fault)
    assert "WESTCON_SOAP-RES-017" in failed(judgement)
    assert judge(request(), SAMPLE_RESPONSE).outcomes["WESTCON_SOAP-RES-017"] == "passed"


def test_an_exception_beside_returned_orders_fails() -> None:
    answer = edited((b'<b:Exception i:nil="true"/>', b"<b:Exception>Timeout calling SAP</b:Exception>"))
    assert failed(judge(request(), answer)) == {"WESTCON_SOAP-RES-018"}
    assert judge(request(), SAMPLE_RESPONSE).outcomes["WESTCON_SOAP-RES-018"] == "passed"


# ── credential formats (5.1) and the sample request as printed ──────────────────────────────────────


def test_a_username_longer_than_an_account_number_fails_on_the_caller() -> None:
    sent = request().replace(b"<wsse:Username>1001065<", b"<wsse:Username>10010650000<")
    assert "WESTCON_SOAP-AUTH-005" in failed(judge(sent, SAMPLE_RESPONSE, side="client"))


def test_a_password_that_is_not_a_36_character_key_fails_on_the_caller_without_showing_it() -> None:
    judgement = judge(request(), SAMPLE_RESPONSE, side="client")
    finding = next(f for f in judgement.findings if f.rule == "WESTCON_SOAP-AUTH-006")
    assert "example" not in finding.received and finding.received == "7 characters"
    keyed = request().replace(b">example<", b">" + b"k" * 36 + b"<")
    assert "WESTCON_SOAP-AUTH-006" not in failed(judge(keyed, SAMPLE_RESPONSE, side="client"))


def test_the_sample_request_as_printed_lacks_the_token_4_2_1_adds() -> None:
    assert "WESTCON_SOAP-AUTH-001" in failed(judge(SAMPLE_REQUEST, SAMPLE_RESPONSE, side="client"))

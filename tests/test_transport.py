"""Plain HTTP: a caller's http:// URL is the caller's fault (audit --side client); a vendor answering a
call made over plain http:// to an API its document gives only as HTTPS is a vendor-side finding in
audit, and where the document also allows HTTP, a discrepancy."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from b2bconform.apis.westcon_soap.generators import order_status_envelope
from b2bconform.audit import audit
from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.locations import contract_dir, suite_dir
from b2bconform.traffic import iter_exchanges
from b2bconform.traffic.cassettes import write_cassette
from b2bconform.traffic.redaction import Redactor

ORDER = (contract_dir("moduslink_po") / "examples" / "request.create-order.json").read_bytes()
CREDENTIALS = {"ClientConfigId": "c", "ClientAuthKey": "k", "Ocp-Apim-Subscription-Key": "s"}


def _moduslink(scheme: str) -> Exchange:
    header = json.loads(ORDER)["clientRequest"]["requestHeader"]
    answer = {
        "requestId": "3201413",
        "requestReference": header["requestReference"],
        "externalMessageReference": header["externalMessageReference"],
        "links": [
            {
                "rel": "self",
                "method": "GET",
                "href": "https://api-uat.moduslink.com/purchaseapi/v1/orders/3201413",
            }
        ],
        "message": [{"path": "", "errorMessage": ""}],
    }
    headers = Headers({**CREDENTIALS, "Content-Type": "application/json"})
    return Exchange(
        "moduslink_po",
        Request("POST", f"{scheme}://api-uat.moduslink.com/purchaseapi/v1/orders", headers, ORDER),
        Response(202, Headers({"Content-Type": "application/json"}), json.dumps(answer).encode()),
        recorded=True,
    )


def test_a_vendor_answering_over_plain_http_an_api_documented_as_https_is_a_finding() -> None:
    judgement = Contract.load("moduslink_po").check(_moduslink("http"))
    assert "MODUSLINK_PO-TRN-002" in {f.rule for f in judgement.findings}
    assert judgement.outcomes["MODUSLINK_PO-TRN-002"] == "failed"


def test_the_same_answer_over_https_passes_the_transport_rule() -> None:
    judgement = Contract.load("moduslink_po").check(_moduslink("https"))
    assert judgement.outcomes["MODUSLINK_PO-TRN-002"] == "passed"


def test_the_callers_http_url_stays_the_callers_rule_on_the_client_side() -> None:
    judgement = Contract.load("moduslink_po").check(_moduslink("http"), side="client")
    assert {f.rule for f in judgement.findings} == {"MODUSLINK_PO-TRN-001"}


def test_plain_http_where_the_document_also_allows_it_is_a_discrepancy_not_a_finding() -> None:
    envelope = order_status_envelope("1001065", ["704571"], username="1001065", password="p" * 36)
    answer = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
        b"<faultcode>s:Client</faultcode><faultstring>x</faultstring></s:Fault></s:Body></s:Envelope>"
    )
    exchange = Exchange(
        "westcon_soap",
        Request(
            "POST",
            "http://webservicetest.westcon.com/B2B/OrderStatus/v2/OrderStatus.svc",
            Headers({"Content-Type": "text/xml; charset=utf-8", "SOAPAction": "x"}),
            envelope,
        ),
        Response(500, Headers({"Content-Type": "text/xml; charset=utf-8"}), answer),
    )
    judgement = Contract.load("westcon_soap").check(exchange)
    assert "WESTCON_SOAP-TRN-003" not in {f.rule for f in judgement.findings}
    assert judgement.outcomes["WESTCON_SOAP-TRN-003"] == "discrepancy"
    (found,) = [d for d in judgement.discrepancies if d.rule == "WESTCON_SOAP-TRN-003"]
    assert found.readings[1]["quote"] == "may be accessed via http/https"


def test_a_westcon_rest_answer_over_plain_http_is_a_vendor_side_finding(tmp_path: Path) -> None:
    cassette = next(p for p in sorted((suite_dir("westcon_rest") / "cassettes").rglob("*.yaml")))
    answered = next(
        e for e in iter_exchanges(cassette) if e.response is not None and "orderStatus" in e.request.url
    )
    # the recording made over loopback, as if the vendor's own host had answered it over plain HTTP
    url = re.sub(r"^\w+://[^/]+", "http://api.westconcomstor.com", answered.request.url)
    assert url == "http://api.westconcomstor.com/Orders/orderStatus"
    path = tmp_path / "http.yaml"
    write_cassette(
        path,
        [dataclasses.replace(answered, request=dataclasses.replace(answered.request, url=url))],
        Redactor(),
    )
    assert "WESTCON_REST-TRN-008" in audit([path], "westcon_rest").rules

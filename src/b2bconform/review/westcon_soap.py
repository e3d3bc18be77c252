"""The Westcon SOAP Order Status document's samples as exchanges.

The sample request is sent as 4.2.1 instructs: pasted into SoapUI, whose outgoing WS-Security
configuration adds a UsernameToken (PasswordText) to it. So sent, it is paired with the sample response
and judged alone as a caller's request.
"""

from __future__ import annotations

from pathlib import Path

from b2bconform.model import Exchange, Headers, Request, Response
from b2bconform.review.examples import NOTE, ExampleSet, entry_list, judging_schema, load_examples
from b2bconform.review.model import ExampleCase

__all__ = ["API", "JUDGING_SCHEMA", "URL", "cases", "load", "with_security"]

API = "westcon_soap"
URL = "https://webservicetest.westcon.com/B2B/OrderStatus/v2/OrderStatus.svc"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
)
USERNAME = "1001065"  # the account number the sample request queries with
REPLY = "response.sample.xml"  # what a request judged alone is answered with

JUDGING_SCHEMA = judging_schema(
    pairings=entry_list(
        "request", "response", "expected_findings", "discrepancy", request=NOTE, response=NOTE
    ),
    requests=entry_list("file", "expected_findings", file=NOTE),
)


def load(contracts_dir: Path | None = None) -> ExampleSet:
    return load_examples(API, JUDGING_SCHEMA, contracts_dir)


def with_security(envelope: bytes, username: str) -> bytes:
    """The envelope with a UsernameToken header (PasswordText, a placeholder password) before its Body,
    as SoapUI's outgoing WS-Security configuration (4.2.1) sends it."""
    header = (f'<soapenv:Header><wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken><wsse:Username>{username}'
              f'</wsse:Username><wsse:Password Type="{PASSWORD_TEXT}">example</wsse:Password></wsse:UsernameToken>'
              "</wsse:Security></soapenv:Header>")  # fmt: skip
    return envelope.replace(b"<soapenv:Body>", header.encode() + b"<soapenv:Body>", 1)


def cases(examples: ExampleSet) -> list[ExampleCase]:
    found = []
    for location, pairing in examples.entries("pairings"):
        request = with_security(examples.bytes(pairing["request"]), USERNAME)
        exchange = _exchange(request, examples.bytes(pairing["response"]))
        found.append(examples.pairing_case(location, pairing, [exchange]))
    for location, entry in examples.entries("requests"):
        request = with_security(examples.bytes(entry["file"]), USERNAME)
        exchange = _exchange(request, examples.bytes(REPLY))
        found.append(examples.request_case(location, entry, [exchange]))
    return found


def _exchange(request: bytes, response: bytes) -> Exchange:
    sent = Request("POST", URL, Headers({"Content-Type": "text/xml; charset=utf-8"}), request)
    answered = Response(200, Headers({"Content-Type": "application/soap+xml; charset=utf-8"}), response)
    return Exchange(api=API, request=sent, response=answered)

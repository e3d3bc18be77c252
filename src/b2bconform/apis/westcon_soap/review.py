"""The Westcon SOAP Order Status document's samples as exchanges.

The sample request is sent as 4.2.1 instructs: pasted into SoapUI, whose outgoing WS-Security
configuration adds a UsernameToken (PasswordText) to it. So sent, it is paired with the sample response
and judged alone as a caller's request.
"""

from __future__ import annotations

from pathlib import Path

from b2bconform.review.examples import ExampleSet, load_examples
from b2bconform.review.model import ExampleCase
from b2bconform.review.soap import SOAP_11, soap_cases, soap_judging_schema

__all__ = ["API", "JUDGING_SCHEMA", "URL", "cases", "load", "with_security"]

API = "westcon_soap"
URL = "https://webservicetest.westcon.com/B2B/OrderStatus/v2/OrderStatus.svc"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
)
USERNAME = "1001065"  # the account number the sample request queries with
REPLY = "response.sample.xml"  # what a request judged alone is answered with

JUDGING_SCHEMA = soap_judging_schema("discrepancy")
SOAP_12 = {"Content-Type": "application/soap+xml; charset=utf-8"}  # the sample response's envelope


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
    return soap_cases(
        examples, URL, REPLY, SOAP_11, SOAP_12, send=lambda envelope: with_security(envelope, USERNAME)
    )

"""The Westcon SOAP document's own samples, judged through `audit`, discrepancies expected by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from b2bconform.audit import audit
from b2bconform.cassettes import write_cassette
from b2bconform.model import Exchange, Headers, Request, Response
from b2bconform.redaction import Redactor

EXAMPLES = Path(__file__).resolve().parents[1] / "contracts" / "westcon_soap" / "examples"
JUDGING = yaml.safe_load((EXAMPLES / "judging.yaml").read_text())
URL = "https://webservicetest.westcon.com/B2B/OrderStatus/v2/OrderStatus.svc"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"


def _with_security(envelope: bytes, username: str) -> bytes:
    header = (f'<soapenv:Header><wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken><wsse:Username>{username}'
              "</wsse:Username><wsse:Password>example</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header>")  # fmt: skip
    return envelope.replace(b"<soapenv:Body>", header.encode() + b"<soapenv:Body>", 1)


def _exchange(request: bytes, response: bytes | None) -> Exchange:
    sent = Request("POST", URL, Headers({"Content-Type": "text/xml; charset=utf-8"}), request)
    answered = (
        Response(200, Headers({"Content-Type": "application/soap+xml; charset=utf-8"}), response)
        if response
        else None
    )
    return Exchange(api="westcon_soap", request=sent, response=answered)


@pytest.mark.parametrize("pairing", JUDGING["pairings"], ids=lambda p: p["response"])
def test_sample_response_has_exactly_its_recorded_discrepancies(
    pairing: dict[str, Any], tmp_path: Path
) -> None:
    request = _with_security((EXAMPLES / pairing["request"]).read_bytes(), "1001065")
    cassette = tmp_path / "samples.yaml"
    write_cassette(cassette, [_exchange(request, (EXAMPLES / pairing["response"]).read_bytes())], Redactor())
    report = audit([cassette], "westcon_soap")
    assert sorted({f.rule for f in report.findings}) == sorted(pairing["expected_findings"])
    assert pairing.get("discrepancy")


@pytest.mark.parametrize("entry", JUDGING["requests"], ids=lambda e: e["file"])
def test_sample_request_as_printed_judged_as_a_callers_request(entry: dict[str, Any], tmp_path: Path) -> None:
    cassette = tmp_path / "request.yaml"
    reply = (EXAMPLES / "response.sample.xml").read_bytes()
    write_cassette(cassette, [_exchange((EXAMPLES / entry["file"]).read_bytes(), reply)], Redactor())
    report = audit([cassette], "westcon_soap", side="client")
    assert sorted({f.rule for f in report.findings}) == sorted(entry["expected_findings"])

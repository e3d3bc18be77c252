"""What no single exchange shows: how a supplier answers unknown ids, wrong or missing passwords,
requests missing what their queryType needs, searches that find nothing, and date searches."""

from __future__ import annotations

import re
from typing import Any

import pytest
from lxml import etree

from b2bconform.apis.promostandards_osn.sandbox import UNAUTHORISED_ID
from b2bconform.rulesuite import request_examples, send, signed
from b2bconform.session import HarnessSession, Judge

API = "promostandards_osn"
pytestmark = pytest.mark.api(API)
EXAMPLES = {example.name: example for example in request_examples(API)}


def _edited(judge: Judge, example: str, **members: str | None) -> bytes:
    """The example, signed, with request members set (a value) or left out (None)."""
    root = etree.fromstring(signed(judge, EXAMPLES[example]))
    for name, value in members.items():
        (node,) = [n for n in root.iter() if isinstance(n.tag, str) and etree.QName(n).localname == name]
        if value is None:
            node.getparent().remove(node)
        else:
            node.text = value
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _messages(judgement: Any) -> list[tuple[str, str, str]]:
    """(code, description, severity) of each ServiceMessage the answer carries."""
    assert judgement.exchange.response is not None
    root = etree.fromstring(judgement.exchange.response.body)
    found = []
    for message in root.iter():
        if isinstance(message.tag, str) and etree.QName(message).localname == "ServiceMessage":
            fields = {
                etree.QName(f).localname: (f.text or "").strip() for f in message if isinstance(f.tag, str)
            }
            found.append((fields.get("code", ""), fields.get("description", ""), fields.get("severity", "")))
    return found


def _packages(judgement: Any) -> list[str]:
    assert judgement.exchange.response is not None
    root = etree.fromstring(judgement.exchange.response.body)
    return [
        (n.text or "").strip()
        for n in root.iter()
        if isinstance(n.tag, str) and etree.QName(n).localname == "shipmentDate"
    ]


def _call(judge: Judge, body: bytes) -> Any:
    return send(judge, "getOrderShipmentNotification", body)


@pytest.mark.smoke
@pytest.mark.rules("PROMOSTANDARDS_OSN-AUTH-004")
def test_an_id_the_supplier_does_not_know_is_answered_with_code_100(judge: Judge) -> None:
    judgement = _call(judge, _edited(judge, "request.query-po.xml", id="b2bconform-unknown-id"))
    judge.expect_conforms()
    assert [m[0] for m in _messages(judgement)] == ["100"] and not _packages(judgement)


@pytest.mark.smoke
@pytest.mark.rules("PROMOSTANDARDS_OSN-AUTH-005")
def test_a_wrong_password_is_answered_with_code_105(judge: Judge) -> None:
    judgement = _call(judge, _edited(judge, "request.query-po.xml", password="b2bconform-wrong"))
    judge.expect_conforms()
    assert [m[0] for m in _messages(judgement)] == ["105"] and not _packages(judgement)


@pytest.mark.rules("PROMOSTANDARDS_OSN-AUTH-007")
def test_an_id_not_authorised_for_the_service_is_answered_with_code_104(
    judge: Judge, harness: HarnessSession
) -> None:
    data = harness.test_data(API)
    unauthorised = (
        UNAUTHORISED_ID
        if data == "sandbox"
        else (data or {}).get("unauthorised_id")
        if isinstance(data, dict)
        else None
    )
    if not unauthorised:
        pytest.skip(
            "needs an id the supplier knows but has not authorised: the profile's test_data.unauthorised_id"
        )
    judgement = _call(judge, _edited(judge, "request.query-po.xml", id=unauthorised))
    judge.expect_conforms()
    assert [m[0] for m in _messages(judgement)] == ["104"] and not _packages(judgement)


@pytest.mark.rules("PROMOSTANDARDS_OSN-AUTH-006")
def test_a_request_without_a_password_is_answered_with_code_110(judge: Judge) -> None:
    judgement = _call(judge, _edited(judge, "request.query-po.xml", password=None))
    judge.expect_conforms()
    assert [m[0] for m in _messages(judgement)] == ["110"]


@pytest.mark.rules("PROMOSTANDARDS_OSN-ERR-006")
@pytest.mark.parametrize(
    ("example", "member"),
    [("request.query-po.xml", "referenceNumber"), ("request.query-date.xml", "shipmentDateTimestamp")],
)
def test_a_member_the_query_type_needs_is_named_by_code_120(judge: Judge, example: str, member: str) -> None:
    judgement = _call(judge, _edited(judge, example, **{member: None}))
    judge.expect_conforms()
    ((code, description, severity),) = _messages(judgement)
    assert (code, severity) == ("120", "Error") and re.search(rf"\b{member}\b", description), description


@pytest.mark.rules("PROMOSTANDARDS_OSN-ERR-007")
def test_another_ws_version_is_answered_with_code_115(judge: Judge) -> None:
    judgement = _call(judge, _edited(judge, "request.query-po.xml", wsVersion="1.0.0"))
    judge.expect_conforms()
    assert [m[0] for m in _messages(judgement)] == ["115"]


@pytest.mark.rules("PROMOSTANDARDS_OSN-ERR-008")
def test_a_query_type_outside_one_to_three_is_refused(judge: Judge) -> None:
    judgement = _call(judge, _edited(judge, "request.query-po.xml", queryType="4"))
    judge.expect_conforms()
    response = judgement.exchange.response
    refused = response is not None and (
        response.status == 500 or any(m[2] == "Error" for m in _messages(judgement))
    )
    assert refused and not _packages(judgement)


@pytest.mark.rules("PROMOSTANDARDS_OSN-ERR-009")
def test_a_search_that_finds_nothing_is_answered_with_code_160(judge: Judge) -> None:
    judgement = _call(judge, _edited(judge, "request.query-po.xml", referenceNumber="B2BCONFORM-NO-SUCH-PO"))
    judge.expect_conforms()
    # 160, as adopted; or 301 (referenceNumber not found), the reading ERR-009 records
    assert [m[0] for m in _messages(judgement)] in (["160"], ["301"]) and not _packages(judgement)


FAR_BACK = "2000-01-01T00:00:00Z"


@pytest.mark.rules("PROMOSTANDARDS_OSN-REQ-011")
def test_a_date_search_may_reach_far_back(judge: Judge) -> None:
    judgement = _call(judge, _edited(judge, "request.query-date.xml", shipmentDateTimestamp=FAR_BACK))
    judge.expect_conforms()
    assert _packages(judgement), f"a date search since {FAR_BACK} was answered {_messages(judgement)}"


@pytest.mark.rules("PROMOSTANDARDS_OSN-RES-010")
def test_a_date_search_returns_only_what_shipped_since_its_date(judge: Judge) -> None:
    far_back = _edited(judge, "request.query-date.xml", shipmentDateTimestamp=FAR_BACK)
    dates = sorted(_packages(_call(judge, far_back)))
    if len(set(dates)) < 2:
        pytest.skip("needs packages shipped on two dates (the sandbox's, or the target's test data)")
    since = max(dates)
    later = _call(judge, _edited(judge, "request.query-date.xml", shipmentDateTimestamp=since))
    judge.expect_conforms()
    assert _packages(later) and all(date >= since for date in _packages(later)), _packages(later)


@pytest.mark.rules("PROMOSTANDARDS_OSN-RES-002")
def test_a_body_that_is_no_soap_request_gets_a_soap_fault(judge: Judge) -> None:
    judgement = _call(judge, b"<not-a-soap-request/>")
    judge.expect_conforms()  # the engine holds an HTTP 500 to RES-002: a Fault with code and reason
    assert judgement.exchange.response is not None and judgement.exchange.response.status == 500

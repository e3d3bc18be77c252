"""Documented error answers: malformed JSON, the 500 envelope, unknown orders, optional Content-Type."""

from __future__ import annotations

import json

import pytest

from b2bconform.apis.moduslink_po.generators import ORDERS_PATH, sample_order
from b2bconform.session import Judge

pytestmark = pytest.mark.api("moduslink_po")


@pytest.mark.writes
@pytest.mark.parametrize(
    "body", [b'{"clientRequest": ', b"<order/>", b"[]"], ids=["truncated", "xml", "array-root"]
)
def test_a_body_that_is_not_a_json_object_is_refused_with_400(judge: Judge, body: bytes) -> None:
    judgement = judge.send("POST", ORDERS_PATH, body=body, headers={"Content-Type": "application/json"})
    assert judgement.outcomes.get("MODUSLINK_PO-REQ-001") is not None
    judge.expect_conforms(judgement)


@pytest.mark.writes
@pytest.mark.sandbox_only
@pytest.mark.rules("MODUSLINK_PO-ERR-021", "MODUSLINK_PO-ERR-022")
def test_a_server_error_carries_the_documented_500_body(judge: Judge) -> None:
    from b2bconform.apis.moduslink_po.sandbox import FAIL_500_CUST_REFERENCE

    order = sample_order(judge.tag)
    order["clientRequest"]["order"]["custReference"] = FAIL_500_CUST_REFERENCE
    judgement = judge.send("POST", ORDERS_PATH, json=order)
    if judgement.outcomes.get("MODUSLINK_PO-ERR-021") is None:  # the trigger is ours: a harness defect
        raise RuntimeError("the sandbox did not answer its 500 trigger with a 500")
    judge.expect_conforms(judgement)


@pytest.mark.smoke
@pytest.mark.rules("MODUSLINK_PO-GET-001")
def test_an_unknown_order_is_answered_404_with_the_error_envelope(judge: Judge) -> None:
    judgement = judge.send("GET", ORDERS_PATH + "/999999999")
    judge.expect_conforms(judgement)
    assert judgement.exchange.response is not None
    assert judgement.exchange.response.status == 404, (
        f"an unknown order was answered HTTP {judgement.exchange.response.status}"
    )


@pytest.mark.writes
@pytest.mark.rules("MODUSLINK_PO-REQ-038")
def test_an_order_sent_without_content_type_is_processed(judge: Judge) -> None:
    order = sample_order(judge.tag)
    judgement = judge.send("POST", ORDERS_PATH, body=json.dumps(order).encode())
    judge.expect_conforms(judgement)
    assert judgement.exchange.response is not None
    status = judgement.exchange.response.status
    assert 200 <= status < 300, (
        f"an order without Content-Type was answered HTTP {status}"
    )  # which 2xx: RES-001

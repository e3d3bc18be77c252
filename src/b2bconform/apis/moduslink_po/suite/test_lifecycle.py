"""Stateful: create orders, follow their links, read back what was sent; duplicates get 409."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from b2bconform.apis.moduslink_po.generators import ORDERS_PATH, create_order, sample_order
from b2bconform.session import Judge

pytestmark = [pytest.mark.api("moduslink_po"), pytest.mark.writes]

# Reads per order the suite makes, enough to see the sandbox's created -> confirmed -> goodsreceived.
READS_PER_ORDER = 3


def _link_of(body: Any) -> str | None:
    for link in body.get("links", []) if isinstance(body, dict) else []:
        if isinstance(link, dict) and link.get("rel") == "orders" and isinstance(link.get("href"), str):
            return str(link["href"])
    return None


class PurchaseOrderLifecycle(RuleBasedStateMachine):
    judge: Judge
    created = Bundle("created")

    @initialize()
    def start(self) -> None:
        self.reads: dict[str, int] = {}

    @rule(target=created, data=st.data())
    def create(self, data: st.DataObject) -> tuple[dict[str, Any], str]:
        order = data.draw(create_order(self.judge.tag))
        judgement = self.judge.send("POST", ORDERS_PATH, json=order)
        self.judge.expect_conforms(judgement)
        assert judgement.exchange.response is not None
        return order, _link_of(judgement.exchange.response.json()) or ""

    @rule(entry=created)
    def follow_link(self, entry: tuple[dict[str, Any], str]) -> None:
        _, link = entry
        if not link or self.reads.get(link, 0) >= READS_PER_ORDER:
            return
        self.reads[link] = self.reads.get(link, 0) + 1
        self.judge.expect_conforms(self.judge.send("GET", link))

    @rule(entry=created, data=st.data())
    def resend_request_reference(self, entry: tuple[dict[str, Any], str], data: st.DataObject) -> None:
        sent, _ = entry
        again = data.draw(create_order(self.judge.tag))
        again["clientRequest"]["requestHeader"]["requestReference"] = sent["clientRequest"]["requestHeader"][
            "requestReference"
        ]
        judgement = self.judge.send("POST", ORDERS_PATH, json=again)
        if "MODUSLINK_PO-REQ-013" not in judgement.outcomes:  # a harness defect, not a finding
            raise RuntimeError("the repeated requestReference was not judged as a duplicate")
        self.judge.expect_conforms(judgement)

    @rule(entry=created, data=st.data())
    def resend_external_reference(self, entry: tuple[dict[str, Any], str], data: st.DataObject) -> None:
        sent, _ = entry
        again = data.draw(create_order(self.judge.tag))
        external = sent["clientRequest"]["requestHeader"]["externalMessageReference"]
        again["clientRequest"]["requestHeader"]["externalMessageReference"] = external
        self.judge.expect_conforms(self.judge.send("POST", ORDERS_PATH, json=again))


@pytest.mark.rules("MODUSLINK_PO-GET-018")
def test_orders_are_created_read_back_and_protected_from_duplicates(judge: Judge) -> None:
    from hypothesis import settings

    PurchaseOrderLifecycle.judge = judge
    run_state_machine_as_test(
        PurchaseOrderLifecycle,
        settings=settings(
            settings.default, max_examples=max(3, settings.default.max_examples // 3), stateful_step_count=12
        ),
    )


def _create(judge: Judge, order: dict[str, Any]) -> str:
    judgement = judge.send("POST", ORDERS_PATH, json=order)
    judge.expect_conforms(judgement)
    assert judgement.exchange.response is not None
    link = _link_of(judgement.exchange.response.json())
    assert link, "the 202 carries no link to the order"
    return link


@pytest.mark.rules("MODUSLINK_PO-GET-018")
def test_each_created_order_is_readable_through_its_link_until_goods_are_received(judge: Judge) -> None:
    order = sample_order(judge.tag)
    link = _create(judge, order)
    for read in range(1, READS_PER_ORDER + 1):
        judgement = judge.send("GET", link)
        judge.expect_conforms(judgement)
        assert judgement.exchange.response is not None
        assert judgement.exchange.response.status == 200, (
            f"read {read} of {link}: HTTP {judgement.exchange.response.status}"
        )


@pytest.mark.rules("MODUSLINK_PO-REQ-035")
def test_an_item_without_uom_is_accepted_and_read_back_as_each(judge: Judge) -> None:
    order = sample_order(judge.tag)
    for item in order["clientRequest"]["item"]:
        item["quantity"].pop("uom")
    link = _create(judge, order)
    judgement = judge.send("GET", link)
    judge.expect_conforms(judgement)
    assert judgement.exchange.response is not None
    uoms = [item["quantity"].get("uom") for item in judgement.exchange.response.json()["item"]]
    assert uoms and all(uom == "EA" for uom in uoms), f"read back uom {uoms}, documented default EA"


def test_a_repeated_request_reference_is_refused_as_a_duplicate(judge: Judge) -> None:
    first = sample_order(judge.tag)
    _create(judge, first)
    again = sample_order(judge.tag)
    again["clientRequest"]["requestHeader"]["requestReference"] = first["clientRequest"]["requestHeader"][
        "requestReference"
    ]
    judgement = judge.send("POST", ORDERS_PATH, json=again)
    if "MODUSLINK_PO-REQ-013" not in judgement.outcomes:  # a harness defect, not a finding
        raise RuntimeError("the repeated requestReference was not judged as a duplicate")
    judge.expect_conforms(judgement)


def test_a_repeated_external_message_reference_is_accepted(judge: Judge) -> None:
    first = sample_order(judge.tag)
    _create(judge, first)
    again = sample_order(judge.tag)
    external = first["clientRequest"]["requestHeader"]["externalMessageReference"]
    again["clientRequest"]["requestHeader"]["externalMessageReference"] = external
    judgement = judge.send("POST", ORDERS_PATH, json=again)
    if "MODUSLINK_PO-RES-014" not in judgement.outcomes:
        raise RuntimeError("the repeated externalMessageReference was not judged")
    judge.expect_conforms(judgement)

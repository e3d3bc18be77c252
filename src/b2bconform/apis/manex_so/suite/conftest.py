"""Sales Order suite fixtures: one order with a line, a price and a due date per test, built on demand."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import strategies as st

from b2bconform import clock
from b2bconform.apis.manex_erp.generators import (
    accepted,
    call,
    envelope,
    next_order_number,
    require,
    so_add,
    so_due_date_add,
    so_item_add,
    so_line,
    so_price_add,
)
from b2bconform.apis.manex_erp.sandbox.erp import Seed
from b2bconform.cleanup import DeleteFailed
from b2bconform.engine.documents import request_parameters
from b2bconform.sandboxes.refusals import enum_values
from b2bconform.session import Judge

ORDERED = 1000  # the shared line's quantity: room for many due dates of a few units each


@dataclass
class SalesOrderContext:
    """An order with one line, a price and a due date, built once per test (not per example) for
    the actions that need them; ``data`` is the current example's."""

    judge: Judge
    seed: Seed
    data: Any = None
    lines: Callable[[], int] = field(default_factory=lambda: itertools.count(2).__next__)
    built: dict[str, Any] = field(default_factory=dict)

    def using(self, data: st.DataObject) -> SalesOrderContext:
        self.data = data
        return self

    # The shared records are built without drawing: Hypothesis replays examples and needs every
    # example to draw the same way, whether or not the records exist yet.

    def order(self) -> str:
        if "sono" not in self.built:
            customer = self.seed.customers[0]
            params = {
                "sono": next_order_number(self.judge.tag),
                "custno": customer.custno,
                "orderdate": clock.today().strftime("%m-%d-%Y"),
                "pono": self.judge.tag.next(20),
            }
            require(call(self.judge, "SOAdd", params), "SO Add")
            self.built["sono"] = params["sono"]
        return str(self.built["sono"])

    def line(self) -> dict[str, Any]:
        if "line" not in self.built:
            part = self.seed.parts[0]
            params = {
                "sono": self.order(),
                "line_no": "0000001",
                "part_num": part.part_no,
                "revision": part.revision,
                "uofmeas": part.unit,
                "sodet_desc": "Shared line",
                "deliv_time": "15:30",
                "status": "Standard",
                "ord_qty": str(ORDERED),
            }
            require(call(self.judge, "SOItemAdd", params), "SO Item Add")
            self.built["line"] = {**so_line(self.judge, self.order(), 1), "request": params}
        return dict(self.built["line"])

    def price_link(self) -> str:
        if "plpricelnk" not in self.built:
            line = self.line()
            params = {"sono": self.order(), "uniqueln": line["UNIQUELN"], "price": "12.50"}
            require(call(self.judge, "SOPriceAdd", params), "SO Price Add")
            prices = so_line(self.judge, self.order(), 1).get("SOPRICESList") or []
            assert prices, "SO Get shows no price after SO Price Add"
            self.built["plpricelnk"] = prices[-1]["PLPRICELNK"]
        return str(self.built["plpricelnk"])

    def due_date_key(self) -> str:
        if "duedt_uniq" not in self.built:
            line = self.line()
            due = clock.today() + timedelta(days=14)
            due += timedelta(days=max(0, due.weekday() - 4) and 7 - due.weekday())
            params = {
                "sono": self.order(),
                "uniqueln": line["UNIQUELN"],
                "due_dts1": due.strftime("%m-%d-%Y"),
                "ship_dts": (due - timedelta(days=2)).strftime("%m-%d-%Y"),
                "qty": "5",
            }
            require(call(self.judge, "SODueDateAdd", params), "SO Due Date Add")
            due_dates = so_line(self.judge, self.order(), 1).get("DueDateList") or []
            assert due_dates, "SO Get shows no due date after SO Due Date Add"
            self.built["duedt_uniq"] = due_dates[-1]["DUEDT_UNIQ"]
        return str(self.built["duedt_uniq"])

    def parameters(self, operation: str, *, full: bool = False) -> dict[str, Any]:
        """Conforming parameters for ``operation`` (``full``: every optional one the rules judge too)."""
        draw, seed, tag = self.data.draw, self.seed, self.judge.tag
        if operation == "SOAdd":
            return draw(so_add(seed, tag, full=full), label="parameters")
        if operation == "SOEdit":
            return {**draw(so_add(seed, tag, full=full), label="parameters"), "sono": self.order()}
        if operation == "SOGet":
            return {"sono": self.order()}
        if operation == "SOItemAdd":
            return draw(so_item_add(seed, self.order(), self.lines(), full=full), label="parameters")
        line = self.line()
        sent = line["request"]
        if operation == "SOItemEdit":
            # the line's own part, a larger quantity, and (some of) Item Add's optional members
            edit = draw(so_item_add(seed, self.order(), 1, full=full), label="edit")
            ordered = draw(st.integers(ORDERED, ORDERED + 500), label="ord_qty")
            kept = (
                "uofmeas",
                "sodet_desc",
                "deliv_time",
                "status",
                "trans_days",
                "fstduedt",
                "note",
                "w_key",
            )
            params = {name: edit[name] for name in kept if name in edit}
            params.update(
                sono=self.order(),
                uniqueln=line["UNIQUELN"],
                part_num=sent["part_num"],
                revision=sent["revision"],
                ord_qty=str(ordered),
                line_no="0000001",
            )
            if full or draw(st.booleans()):
                params["eachqty"] = str(draw(st.integers(1, ordered - 1)))
                params["delifreq"] = draw(st.sampled_from(enum_values("manex_so", "MANEX_SO-ITM-018")))
            return params
        if operation == "SOItemGet":
            return {"uniqueln": line["UNIQUELN"]}
        if operation == "SOItemDelete":
            added = draw(so_item_add(seed, self.order(), self.lines()), label="line to delete")
            require(call(self.judge, "SOItemAdd", added), "SO Item Add")
            doomed = so_line(self.judge, self.order(), int(added["line_no"]))
            return {"sono": self.order(), "uniqueln": doomed["UNIQUELN"]}
        if operation == "SOPriceAdd":
            return draw(so_price_add(self.order(), line["UNIQUELN"], full=full), label="parameters")
        if operation == "SOPriceEdit":
            params = draw(so_price_add(self.order(), line["UNIQUELN"], full=full), label="parameters")
            return {**params, "plpricelnk": self.price_link()}
        if operation == "SOPriceGet":
            self.price_link()
            return {"uniqueln": line["UNIQUELN"]}
        if operation == "SOPriceDelete":
            params = draw(so_price_add(self.order(), line["UNIQUELN"]), label="price to delete")
            require(call(self.judge, "SOPriceAdd", params), "SO Price Add")
            link = (so_line(self.judge, self.order(), 1).get("SOPRICESList") or [{}])[-1].get("PLPRICELNK")
            return {"sono": self.order(), "uniqueln": line["UNIQUELN"], "plpricelnk": link}
        if operation == "SODueDateAdd":
            return draw(so_due_date_add(self.order(), line["UNIQUELN"], 5, full=full), label="parameters")
        if operation == "SODueDateEdit":
            params = draw(so_due_date_add(self.order(), line["UNIQUELN"], 5, full=full), label="parameters")
            return {**params, "duedt_uniq": self.due_date_key()}
        if operation == "SODueDateGet":
            return {"duedateuniq": self.due_date_key()}
        if operation == "SODueDateDelete":
            params = draw(so_due_date_add(self.order(), line["UNIQUELN"], 5), label="due date to delete")
            require(call(self.judge, "SODueDateAdd", params), "SO Due Date Add")
            due = (so_line(self.judge, self.order(), 1).get("DueDateList") or [{}])[-1].get("DUEDT_UNIQ")
            return {"duedt_uniq": due}
        raise KeyError(operation)


@pytest.fixture
def so_context(judge: Judge, manex_seed: Seed) -> SalesOrderContext:
    return SalesOrderContext(judge, manex_seed)


# ── clean-up: what a live run added ───────────────────────────────────────────────────────────

NO_ORDER_DELETE = (
    "the ManEx Sales Order API documents no delete for a sales order "
    "(002_308d514f6d7e564e.txt: SO Add, Edit and Get; lines, prices and due dates can be deleted)"
)


@pytest.fixture
def created_by() -> Callable[[Judge], None]:
    """What registers the orders and lines a test's traffic added (see apis/conftest.py)."""
    return register_added


def register_added(judge: Judge) -> None:
    """Every order an accepted SO Add made (no delete: listed) and, per order, its lines (deleted
    with SO Item Delete; a line's prices and due dates go with it). Lines the test deleted itself
    are simply not found at the end, so nothing is deleted twice."""
    for judgement in judge.judgements:
        operation = judgement.exchange.operation
        if operation not in ("SOAdd", "SOItemAdd") or not accepted(judgement):
            continue
        params = request_parameters(judgement.exchange.request.url, judgement.exchange.request.body)
        sono = str(params.get("sono") or "").strip()
        numbered = sono.strip("0") != ""  # blank or zeros: ManEx numbered the order itself
        if operation == "SOAdd":
            key = sono if numbered else f"(numbered by ManEx; PO number {params.get('pono')})"
            judge.created("sales order", key, reason=NO_ORDER_DELETE)
        elif numbered:
            judge.created("sales order lines", sono, delete=lambda sono=sono: delete_lines(judge, sono))


def delete_lines(judge: Judge, sono: str) -> bool:
    """Delete every line of order ``sono`` (one the run created), as SO Get shows them now."""
    answer = envelope(call(judge, "SOGet", {"sono": sono}))
    if answer.get("Code") != 200:
        raise DeleteFailed(f"SO Get of {sono} answered Code {answer.get('Code')}: {answer.get('Message')!r}")
    for line in (answer.get("ResponseObject") or {}).get("SODETAILList") or []:
        done = envelope(call(judge, "SOItemDelete", {"sono": sono, "uniqueln": line.get("UNIQUELN")}))
        if done.get("Code") != 200:
            raise DeleteFailed(
                f"SO Item Delete of line {line.get('LINE_NO')} of {sono} answered Code {done.get('Code')}: "
                f"{done.get('Message')!r}"
            )
    return True

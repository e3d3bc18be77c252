"""Purchase Order suite fixtures: one PO with an item and a schedule per test, built on demand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import strategies as st

from b2bconform import clock
from b2bconform.apis.manex_erp.generators import accepted, call, envelope, require, response_object
from b2bconform.apis.manex_erp.sandbox.erp import Seed
from b2bconform.apis.manex_po.generators import (
    ITEM_FLAGS,
    lead_time,
    po_add,
    po_item,
    po_item_add,
    schedule_add,
    skip_without_record,
)
from b2bconform.cleanup import DeleteFailed
from b2bconform.engine.documents import request_parameters
from b2bconform.session import Judge

ORDERED = 1000  # the shared item's quantity: every schedule drawn (at most SCHEDULED) fits under it
SCHEDULED = 50
MDY = "%m-%d-%Y"


def working_day(offset: int) -> str:
    """A Monday-to-Friday date ``offset`` or a few more days from today, MM-DD-YYYY."""
    day = clock.today() + timedelta(days=offset)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.strftime(MDY)


@dataclass
class PurchaseOrderContext:
    """A PO with one item and one schedule, built once per test (not per example) for the actions
    that need them; ``data`` is the current example's."""

    judge: Judge
    seed: Seed
    data: Any = None
    built: dict[str, Any] = field(default_factory=dict)

    def using(self, data: st.DataObject) -> PurchaseOrderContext:
        self.data = data
        return self

    # The shared records are built without drawing: Hypothesis replays examples and needs every
    # example to draw the same way, whether or not the records exist yet.

    def shared_item_request(self) -> dict[str, Any]:
        part = self.seed.parts[0]
        return {
            "poittype": "INVT PART",
            "part_no": part.part_no,
            "rev": part.revision,
            "uniqmfgrhd": part.manufacturers[0].uniqmfgrhd,
            "ord_qty": str(ORDERED),
            "poitschdlist": [{"schd_qty": "5", "schd_date": working_day(14)}],
        }

    def po(self) -> dict[str, Any]:
        """The shared PO as PO Add answered it (PONUM, POUNIQUE)."""
        if "po" not in self.built:
            params = {
                "supname": self.seed.suppliers[0].sup_name,
                "confirmname": self.judge.tag.next(20),
                "poitemslist": [self.shared_item_request()],
            }
            created = require(call(self.judge, "POAdd", params), "PO Add").get("ResponseObject")
            skip_without_record(created)
            assert created.get("PONUM") and created.get("POUNIQUE"), f"PO Add answered {created!r}"
            self.built["po"] = dict(created)
        return dict(self.built["po"])

    def ponum(self) -> str:
        return str(self.po()["PONUM"])

    def item(self) -> dict[str, Any]:
        """The shared PO's item as PO Item Get shows it."""
        if "item" not in self.built:
            answer = require(call(self.judge, "POItemGet", {"ponum": self.ponum()}), "PO Item Get")
            items = answer.get("ResponseObject") or []
            assert items, f"PO Item Get shows no item of PO {self.ponum()}"
            self.built["item"] = dict(items[0])
        return dict(self.built["item"])

    def uniqlnno(self) -> str:
        return str(self.item()["UNIQLNNO"])

    def schedule(self) -> dict[str, Any]:
        """The shared item's schedule, sent with PO Add, as PO Schedule Get shows it."""
        if "schedule" not in self.built:
            params = {"ponum": self.ponum(), "uniqlnno": self.uniqlnno()}
            answer = require(call(self.judge, "POScheduleGet", params), "PO Schedule Get")
            schedules = answer.get("ResponseObject") or []
            assert schedules, f"PO Schedule Get shows no schedule of item {self.uniqlnno()}"
            self.built["schedule"] = dict(schedules[0])
        return dict(self.built["schedule"])

    def uniqdetno(self) -> str:
        return str(self.schedule()["UNIQDETNO"])

    # ── per-example records, for the deletes ─────────────────────────────────────────────────

    def added_item(self, label: str) -> dict[str, Any]:
        """A new item of the shared PO, as PO Item Add answered it."""
        params = self.data.draw(po_item_add(self.seed, self.ponum()), label=label)
        return dict(require(call(self.judge, "POItemAdd", params), "PO Item Add").get("ResponseObject") or {})

    def added_schedule(self, label: str) -> dict[str, Any]:
        """A new schedule of the shared item, as PO Schedule Add answered it."""
        params = self.data.draw(
            schedule_add(self.seed, self.ponum(), self.uniqlnno(), SCHEDULED), label=label
        )
        answer = require(call(self.judge, "POScheduleAdd", params), "PO Schedule Add")
        return dict(answer.get("ResponseObject") or {})

    # ── parameters ───────────────────────────────────────────────────────────────────────────

    def parameters(self, operation: str, *, full: bool = False) -> dict[str, Any]:
        """Conforming parameters for ``operation`` (``full``: every optional one the rules judge too)."""
        draw, seed, tag = self.data.draw, self.seed, self.judge.tag
        if operation == "POAdd":
            return dict(draw(po_add(seed, tag, full=full), label="parameters"))
        if operation == "POEdit":
            header = draw(po_add(seed, tag, full=full), label="parameters")
            del header["poitemslist"]  # an edit changes the PO's own members
            po = self.po()
            naming = draw(st.sampled_from(["ponum", "pounique", "both"]), label="PO named by")
            if full or naming in ("ponum", "both"):
                header["ponum"] = po["PONUM"]
            if full or naming in ("pounique", "both"):
                header["pounique"] = po["POUNIQUE"]
            return dict(header)
        if operation in ("POGet", "POItemGet"):
            params: dict[str, Any] = {"ponum": self.ponum()}
            if operation == "POItemGet" and (full or draw(st.booleans(), label="by item")):
                params["uniqlnno"] = self.uniqlnno()
            searches: dict[str, st.SearchStrategy[str]] = {
                "postatus": st.sampled_from(["Open", "OPEN", "open"]),
                "withbalance": st.sampled_from(["true", "false", "True"]),
                "received": st.sampled_from(["true", "false", "FALSE"]),
                "scheduledpriorto": st.integers(30, 90).map(working_day),
            }
            for name, values in searches.items():
                if full or draw(st.booleans(), label=f"with {name}"):
                    params[name] = draw(values, label=name)
            return params
        if operation == "POItemAdd":
            return dict(draw(po_item_add(seed, self.ponum(), full=full), label="parameters"))
        if operation == "POItemEdit":
            return self._item_edit(full=full)
        if operation == "POItemDelete":
            doomed = self.added_item("item to delete")
            if full or draw(st.booleans(), label="by key"):
                return {"ponum": self.ponum(), "uniqlnno": doomed.get("UNIQLNNO")}
            return {"ponum": self.ponum(), "itemnumber": doomed.get("ITEMNO")}
        if operation == "POScheduleAdd":
            params = draw(
                schedule_add(seed, self.ponum(), self.uniqlnno(), SCHEDULED, full=full), label="parameters"
            )
            return dict(params)
        if operation == "POScheduleEdit":
            params = draw(
                schedule_add(seed, self.ponum(), self.uniqlnno(), SCHEDULED, full=full), label="parameters"
            )
            del params["uniqlnno"]  # a schedule is named by its own key
            return {**params, "uniqdetno": self.uniqdetno()}
        if operation == "POScheduleDelete":
            doomed = self.added_schedule("schedule to delete")
            return {"ponum": self.ponum(), "uniqdetno": doomed.get("UNIQDETNO")}
        if operation == "POScheduleGet":
            self.schedule()
            return {"ponum": self.ponum(), "uniqlnno": self.uniqlnno()}
        raise KeyError(operation)

    def _item_edit(self, *, full: bool) -> dict[str, Any]:
        """The shared item's own part, a quantity no lower than its schedules, and (some of) Item
        Add's optional members."""
        draw, part = self.data.draw, self.seed.parts[0]
        drawn = draw(po_item(self.seed, nested=False, full=full), label="edit")
        params: dict[str, Any] = {
            name: drawn[name]
            for name in (
                "poittype",
                "costeach",
                "package",
                "u_of_meas",
                "overage",
                "minorder",
                "ordmult",
                *ITEM_FLAGS,
            )
            if name in drawn
        }
        params.update(ponum=self.ponum(), uniqlnno=self.uniqlnno())
        if full or draw(st.booleans(), label="with ord_qty"):
            params["ord_qty"] = str(draw(st.integers(ORDERED, ORDERED + 500), label="ord_qty"))
        if full or draw(st.booleans(), label="with part"):
            params.update(part_no=part.part_no, revision=part.revision)
            params["uniqmfgrhd"] = part.manufacturers[0].uniqmfgrhd
        if full or draw(st.booleans(), label="with pur_ltime"):
            params["pur_ltime"] = draw(lead_time(), label="pur_ltime")
        return params


@pytest.fixture
def po_context(judge: Judge, manex_seed: Seed) -> PurchaseOrderContext:
    return PurchaseOrderContext(judge, manex_seed)


# ── clean-up: what a live run added ───────────────────────────────────────────────────────────

NO_PO_DELETE = (
    "the ManEx Purchase Order API documents no delete for a purchase order "
    "(004_cc274a9aca106116.txt: PO Add, Edit and Get; items and schedules can be deleted)"
)


@pytest.fixture
def created_by() -> Callable[[Judge], None]:
    """What registers the POs and items a test's traffic added (see apis/conftest.py)."""
    return register_added


def register_added(judge: Judge) -> None:
    """Every PO an accepted PO Add made (no delete: listed) and, per PO, its items (deleted with PO
    Item Delete; an item's schedules go with it). Items the test deleted itself are simply not
    found at the end, so nothing is deleted twice."""
    for judgement in judge.judgements:
        operation = judgement.exchange.operation
        if operation not in ("POAdd", "POItemAdd") or not accepted(judgement):
            continue
        if operation == "POAdd":
            created = response_object(judgement)
            ponum = str(created.get("PONUM") or "").strip() if isinstance(created, dict) else ""
            if not ponum:
                params = request_parameters(judgement.exchange.request.url, judgement.exchange.request.body)
                judge.created(
                    "purchase order", f"(no PONUM answered; confirm name {params.get('confirmname')})"
                )
                continue
            judge.created("purchase order", ponum, reason=NO_PO_DELETE)
        else:
            params = request_parameters(judgement.exchange.request.url, judgement.exchange.request.body)
            ponum = str(params.get("ponum") or "").strip()
            if not ponum:
                continue
        judge.created("purchase order items", ponum, delete=lambda ponum=ponum: delete_items(judge, ponum))


def delete_items(judge: Judge, ponum: str) -> bool:
    """Delete every item of PO ``ponum`` (one the run created), as PO Item Get shows them now."""
    answer = envelope(call(judge, "POItemGet", {"ponum": ponum}))
    if answer.get("Code") != 200:
        raise DeleteFailed(
            f"PO Item Get of {ponum} answered Code {answer.get('Code')}: {answer.get('Message')!r}"
        )
    for item in answer.get("ResponseObject") or []:
        done = envelope(call(judge, "POItemDelete", {"ponum": ponum, "uniqlnno": item.get("UNIQLNNO")}))
        if done.get("Code") != 200:
            raise DeleteFailed(
                f"PO Item Delete of item {item.get('ITEMNO')} of {ponum} answered Code {done.get('Code')}: "
                f"{done.get('Message')!r}"
            )
    return True

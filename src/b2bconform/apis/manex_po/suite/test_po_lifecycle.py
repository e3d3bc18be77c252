"""A purchase order's life: added with its items, an item and a schedule added to it, everything read
back as it was sent, then the added schedule and item deleted."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from b2bconform.apis.manex_erp.generators import call, require
from b2bconform.apis.manex_po.generators import po_add, po_item_add, schedule_add, skip_without_record
from b2bconform.session import Judge

API = "manex_po"
pytestmark = [pytest.mark.api(API), pytest.mark.writes]


def same_number(a: Any, b: Any) -> bool:
    """Whether two PO numbers are the same number (PONUM is zero-padded, poNum need not be)."""
    return str(a).strip().lstrip("0") == str(b).strip().lstrip("0")


def _same_text(read: Any, sent: str) -> bool:
    """Enumerations and names: any case, CHAR padding and inner runs of spaces aside."""
    return " ".join(str(read).split()).casefold() == " ".join(sent.split()).casefold()


def _same_number(read: Any, sent: str) -> bool:
    return read is not None and Decimal(str(read)) == Decimal(sent)


def _same_date(read: Any, sent: str) -> bool:
    """An answer's YYYY-MM-DDTHH:MM:SS against a request's MM-DD-YYYY."""
    return isinstance(read, str) and read[:10] == datetime.strptime(sent, "%m-%d-%Y").strftime("%Y-%m-%d")


def _differences(
    read: dict[str, Any], sent: dict[str, Any], members: dict[str, tuple[str, Any]]
) -> list[str]:
    """What ``read`` shows otherwise than ``sent`` did: request name -> (answer member, comparison)."""
    return [
        f"{name}={sent[name]!r} read back as {member}={read.get(member)!r}"
        for name, (member, same) in members.items()
        if name in sent and not same(read.get(member), sent[name])
    ]


PO_MEMBERS = {
    "supname": ("Supname", _same_text),
    "confirmname": ("CONFNAME", lambda read, sent: read == sent),
    "podate": ("PODATE", _same_date),
    "buyername": ("BUYER", _same_text),
    "deliverytime": ("DELTIME", _same_text),
    "terms": ("TERMS", _same_text),
    "shippingamount": ("SHIPCHG", _same_number),
    "shippingtaxpct": ("SCTAXPCT", _same_number),
    "remittolink": ("R_LINK", lambda read, sent: read == sent),
    "receivetolink": ("I_LINK", lambda read, sent: read == sent),
    "billtolink": ("B_LINK", lambda read, sent: read == sent),
}
LISTED_ITEM_MEMBERS = {  # PO Item Get's spelling
    "poittype": ("POITTYPE", _same_text),
    "part_no": ("Part_No", _same_text),
    "rev": ("Revision", _same_text),
    "revision": ("Revision", _same_text),
    "uniqmfgrhd": ("UNIQMFGRHD", lambda read, sent: read == sent),
    "ord_qty": ("ORD_QTY", _same_number),
    "costeach": ("COSTEACH", _same_number),
    "package": ("PACKAGE", _same_text),
    "u_of_meas": ("U_OF_MEAS", _same_text),
    "overage": ("OVERAGE", _same_number),
}
ADDED_ITEM_MEMBERS = {  # PO Item Add's spelling, and the members only its answer carries
    **LISTED_ITEM_MEMBERS,
    "part_no": ("PART_NO", _same_text),
    "revision": ("REVISION", _same_text),
    "minorder": ("minorder", _same_number),
    "ordmult": ("ordmult", _same_number),
    "supplierpartnumber": ("supplierPartNumber", lambda read, sent: read == sent),
}
SCHEDULE_MEMBERS = {
    "schd_qty": ("SCHD_QTY", _same_number),
    "schd_date": ("SCHD_DATE", _same_date),
    "req_date": ("REQ_DATE", _same_date),
    "origcommitdt": ("ORIGCOMMITDT", _same_date),
    "warehouse": ("WAREHOUSE", _same_text),
    "location": ("LOCATION", _same_text),
    "schdnotes": ("SCHDNOTES", lambda read, sent: read == sent),
}


def _lead_time_read_back(item: dict[str, Any], sent: str) -> bool:
    return f"{item.get('pur_ltime')}{item.get('pur_lunit')}".casefold() == sent.casefold()


def _records(judgement: Any, step: str) -> list[dict[str, Any]]:
    found = require(judgement, step).get("ResponseObject")
    assert isinstance(found, list), f"{step} answered {found!r}"
    return found


# A third of the profile's examples: each one is ten to twenty calls.
@pytest.mark.rules("MANEX_PO-ENV-012", "MANEX_PO-ENV-013")
@settings(max_examples=max(2, settings.default.max_examples // 3))
@given(data=st.data())
def test_a_po_its_items_and_schedules_read_back_as_sent_and_what_was_added_is_deleted(
    judge: Judge, manex_seed: Any, data: st.DataObject
) -> None:
    """PO Add -> Item Add -> Schedule Add -> Get, Item Get, Schedule Get -> Schedule Delete -> Item Delete.

    The API offers no delete for a PO: the PO stays, with the items and schedules PO Add gave it
    (a PO is added with its items). Nothing is asserted about it after the test; the run tag sent in
    confirmName says which run left it.
    """
    sent = data.draw(po_add(manex_seed, judge.tag), label="PO Add")
    created = require(call(judge, "POAdd", sent), "PO Add").get("ResponseObject")
    skip_without_record(created)
    ponum = created.get("PONUM")
    assert ponum and not _differences(created, sent, PO_MEMBERS), (
        ponum,
        _differences(created, sent, PO_MEMBERS),
    )

    # the PO Add created, found by its number; the run tag sent in confirmName says it is ours
    found = _records(call(judge, "POGet", {"ponum": ponum}), "PO Get")
    ours = [po for po in found if same_number(po.get("PONUM"), ponum)]
    assert len(ours) == 1 and ours[0].get("CONFNAME") == sent["confirmname"], found
    assert not _differences(ours[0], sent, PO_MEMBERS), _differences(ours[0], sent, PO_MEMBERS)

    # its items, in the order sent, each with the schedules sent with it
    items = _records(call(judge, "POItemGet", {"ponum": ponum}), "PO Item Get")
    assert len(items) == len(sent["poitemslist"]), items
    for item, item_sent in zip(items, sent["poitemslist"], strict=True):
        assert not _differences(item, item_sent, LISTED_ITEM_MEMBERS), _differences(
            item, item_sent, LISTED_ITEM_MEMBERS
        )
        schedules_sent = item_sent.get("poitschdlist") or []
        if schedules_sent:
            scheduled = _records(
                call(judge, "POScheduleGet", {"ponum": ponum, "uniqlnno": item["UNIQLNNO"]}), "Schedule Get"
            )
            assert len(scheduled) == len(schedules_sent), scheduled
            for schedule, schedule_sent in zip(scheduled, schedules_sent, strict=True):
                assert not _differences(schedule, schedule_sent, SCHEDULE_MEMBERS), _differences(
                    schedule, schedule_sent, SCHEDULE_MEMBERS
                )

    # an item added to the PO, as Item Add answers it and as Item Get reads it
    item_sent = data.draw(po_item_add(manex_seed, ponum), label="PO Item Add")
    added = require(call(judge, "POItemAdd", item_sent), "PO Item Add").get("ResponseObject") or {}
    uniqlnno = added.get("UNIQLNNO")
    assert uniqlnno and not _differences(added, item_sent, ADDED_ITEM_MEMBERS), (
        uniqlnno,
        _differences(added, item_sent, ADDED_ITEM_MEMBERS),
    )
    if "pur_ltime" in item_sent:
        assert _lead_time_read_back(added, item_sent["pur_ltime"]), (item_sent["pur_ltime"], added)
    listed = _records(call(judge, "POItemGet", {"ponum": ponum, "uniqlnno": uniqlnno}), "PO Item Get")
    assert [i.get("UNIQLNNO") for i in listed] == [uniqlnno], listed
    assert not _differences(listed[0], item_sent, LISTED_ITEM_MEMBERS), _differences(
        listed[0], item_sent, LISTED_ITEM_MEMBERS
    )

    # a schedule of that item, as Schedule Add answers it and as Schedule Get reads it
    ordered = int(item_sent["ord_qty"])
    schedule_sent = data.draw(schedule_add(manex_seed, ponum, uniqlnno, ordered), label="PO Schedule Add")
    schedule = (
        require(call(judge, "POScheduleAdd", schedule_sent), "PO Schedule Add").get("ResponseObject") or {}
    )
    uniqdetno = schedule.get("UNIQDETNO")
    assert uniqdetno and not _differences(schedule, schedule_sent, SCHEDULE_MEMBERS), (
        uniqdetno,
        _differences(schedule, schedule_sent, SCHEDULE_MEMBERS),
    )
    scheduled = _records(call(judge, "POScheduleGet", {"ponum": ponum, "uniqlnno": uniqlnno}), "Schedule Get")
    assert [s.get("UNIQDETNO") for s in scheduled] == [uniqdetno], scheduled
    assert not _differences(scheduled[0], schedule_sent, SCHEDULE_MEMBERS), _differences(
        scheduled[0], schedule_sent, SCHEDULE_MEMBERS
    )

    # what was added is deleted: the schedule, then the item; neither is read back any more
    require(call(judge, "POScheduleDelete", {"ponum": ponum, "uniqdetno": uniqdetno}), "PO Schedule Delete")
    left = _records(call(judge, "POScheduleGet", {"ponum": ponum, "uniqlnno": uniqlnno}), "Schedule Get")
    assert all(s.get("UNIQDETNO") != uniqdetno for s in left), left
    require(call(judge, "POItemDelete", {"ponum": ponum, "uniqlnno": uniqlnno}), "PO Item Delete")
    remaining = _records(call(judge, "POItemGet", {"ponum": ponum}), "PO Item Get")
    assert [i.get("UNIQLNNO") for i in remaining] == [i.get("UNIQLNNO") for i in items], remaining
    judge.expect_conforms()


class PurchaseOrderMachine(RuleBasedStateMachine):
    """Items and schedules added and deleted in any order on one PO; after every step Item Get and
    Schedule Get show exactly the model; at the end every item and schedule is deleted again."""

    judge: Judge
    seed: Any

    @initialize(data=st.data())
    def add_po(self, data: st.DataObject) -> None:
        sent = data.draw(po_add(self.seed, self.judge.tag), label="PO Add")
        for item in sent["poitemslist"]:
            item.pop("poitschdlist", None)  # schedules come from the machine's own rule
        created = require(call(self.judge, "POAdd", sent), "PO Add")["ResponseObject"]
        self.ponum = str(created["PONUM"])
        items = _records(call(self.judge, "POItemGet", {"ponum": self.ponum}), "PO Item Get")
        # UNIQLNNO -> {"ordered": Decimal, "schedules": {UNIQDETNO: Decimal}}
        self.items: dict[str, dict[str, Any]] = {
            item["UNIQLNNO"]: {"ordered": Decimal(str(item["ORD_QTY"])), "schedules": {}} for item in items
        }

    def _pick(self, data: st.DataObject, keys: list[str], label: str) -> str:
        return data.draw(st.sampled_from(sorted(keys)), label=label)

    @rule(data=st.data())
    def add_item(self, data: st.DataObject) -> None:
        sent = data.draw(po_item_add(self.seed, self.ponum), label="PO Item Add")
        added = require(call(self.judge, "POItemAdd", sent), "PO Item Add")["ResponseObject"]
        self.items[added["UNIQLNNO"]] = {"ordered": Decimal(sent["ord_qty"]), "schedules": {}}

    @precondition(lambda self: bool(getattr(self, "items", None)))
    @rule(data=st.data())
    def add_schedule(self, data: st.DataObject) -> None:
        uniqlnno = self._pick(data, list(self.items), "item")
        item = self.items[uniqlnno]
        sent = data.draw(
            schedule_add(self.seed, self.ponum, uniqlnno, int(item["ordered"])), label="Schedule Add"
        )
        added = require(call(self.judge, "POScheduleAdd", sent), "PO Schedule Add")["ResponseObject"]
        item["schedules"][added["UNIQDETNO"]] = Decimal(sent["schd_qty"])

    @precondition(lambda self: any(i["schedules"] for i in getattr(self, "items", {}).values()))
    @rule(data=st.data())
    def delete_schedule(self, data: st.DataObject) -> None:
        uniqlnno = self._pick(data, [k for k, i in self.items.items() if i["schedules"]], "item")
        key = self._pick(data, list(self.items[uniqlnno]["schedules"]), "schedule")
        require(
            call(self.judge, "POScheduleDelete", {"ponum": self.ponum, "uniqdetno": key}), "Schedule Delete"
        )
        del self.items[uniqlnno]["schedules"][key]

    @precondition(lambda self: bool(getattr(self, "items", None)))
    @rule(data=st.data())
    def delete_item(self, data: st.DataObject) -> None:
        self._delete_item(self._pick(data, list(self.items), "item"))

    def _delete_item(self, uniqlnno: str) -> None:
        for key in list(self.items[uniqlnno]["schedules"]):
            require(
                call(self.judge, "POScheduleDelete", {"ponum": self.ponum, "uniqdetno": key}),
                "Schedule Delete",
            )
        require(
            call(self.judge, "POItemDelete", {"ponum": self.ponum, "uniqlnno": uniqlnno}), "PO Item Delete"
        )
        del self.items[uniqlnno]

    @invariant()
    def reads_show_the_model(self) -> None:
        if not hasattr(self, "ponum"):
            return
        listed = (
            _records(call(self.judge, "POItemGet", {"ponum": self.ponum}), "PO Item Get")
            if self.items
            else []
        )
        assert sorted(i["UNIQLNNO"] for i in listed) == sorted(self.items), listed
        for uniqlnno, item in self.items.items():
            scheduled = (
                _records(
                    call(self.judge, "POScheduleGet", {"ponum": self.ponum, "uniqlnno": uniqlnno}),
                    "Schedule Get",
                )
                if item["schedules"]
                else []
            )
            assert {s["UNIQDETNO"]: Decimal(str(s["SCHD_QTY"])) for s in scheduled} == item["schedules"], (
                scheduled
            )
        self.judge.expect_conforms()

    def teardown(self) -> None:
        for uniqlnno in list(getattr(self, "items", {})):
            self._delete_item(uniqlnno)


def test_any_sequence_of_item_and_schedule_adds_and_deletes_reads_back_as_the_model(
    judge: Judge, manex_seed: Any
) -> None:
    PurchaseOrderMachine.judge = judge
    PurchaseOrderMachine.seed = manex_seed
    run_state_machine_as_test(
        PurchaseOrderMachine,
        settings=settings(
            settings.default, max_examples=max(2, settings.default.max_examples // 4), stateful_step_count=10
        ),
    )
    judge.expect_conforms()

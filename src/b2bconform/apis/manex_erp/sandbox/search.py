"""The PO API's searches: PO Get and PO Item Get criteria, and the item choice of PO Item Delete.

A search is a list of tests on POs and on their items; all must hold. Values that cannot be read
(a bad date, status or flag) refuse the call, as the ERP's "details failed:" answer does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from b2bconform.apis.manex_erp.sandbox import wire
from b2bconform.apis.manex_erp.sandbox.erp import PoItem, PurchaseOrder
from b2bconform.apis.manex_erp.sandbox.wire import Params, Step

__all__ = ["PO_STATUS", "Search"]

PO_STATUS = ("Open", "Cancelled", "Closed")
_ITEMNO_WIDTH = 3

PoTest = Callable[[PurchaseOrder], bool]
ItemTest = Callable[[PurchaseOrder, PoItem], bool]


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


@dataclass
class Search:
    po_tests: list[PoTest] = field(default_factory=list)
    item_tests: list[ItemTest] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.po_tests and not self.item_tests

    def matches_po_only(self, po: PurchaseOrder) -> bool:
        return all(test(po) for test in self.po_tests)

    def matches_item(self, po: PurchaseOrder, item: PoItem) -> bool:
        return all(test(po, item) for test in self.item_tests)

    def matches_po(self, po: PurchaseOrder) -> bool:
        """The PO passes its own tests and, when items are searched, has a matching item."""
        if not self.matches_po_only(po):
            return False
        return not self.item_tests or any(self.matches_item(po, item) for item in po.items)

    # ── reading the criteria ────────────────────────────────────────────────────────────────

    @classmethod
    def read(cls, step: Step, params: Params, *, supplier_names: tuple[str, ...]) -> Search:
        """PO Get / PO Item Get criteria; blank values count as not sent."""
        search = cls()
        # Values with a documented form are checked whenever sent, blank ones too.
        ponum = params.get("poNum")
        if ponum is not None:
            # Any digits are a PO number; one too long for PONUM simply matches no PO.
            wanted = wire.digits(step, "poNum", ponum)
            search.po_tests.append(lambda po: po.ponum == wanted)
        name = _given(params, *supplier_names)
        if name is not None:
            search.po_tests.append(lambda po: _same(po.supplier.sup_name, name))
        uniqsupno = _given(params, "uniqSupNo")
        if uniqsupno is not None:
            search.po_tests.append(lambda po: po.supplier.uniqsupno == uniqsupno)
        status = params.get("poStatus")
        if status is not None:
            stored = wire.choice(step, "poStatus", status, PO_STATUS).upper()
            search.po_tests.append(lambda po: po.status == stored)
        search._read_items(step, params)
        return search

    def _read_items(self, step: Step, params: Params) -> None:
        part_no, revision = _given(params, "partNo"), _given(params, "revision")
        if part_no is not None:
            self.item_tests.append(
                lambda po, item: (
                    _same(item.part.part_no, part_no)
                    and (revision is None or _same(item.part.revision, revision))
                )
            )
        self._key_tests(params, uniq_key="uniqKey", uniqlnno="uniqlnno")
        mfgr_pt_no, partmfgr = _given(params, "mfgrPtNo"), _given(params, "partmfgr")
        if mfgr_pt_no is not None:
            self.item_tests.append(lambda po, item: _same(item.manufacturer.mfgr_pt_no, mfgr_pt_no))
        if partmfgr is not None:
            self.item_tests.append(lambda po, item: _same(item.manufacturer.partmfgr, partmfgr))
        value = params.get("withBalance")
        if value is not None:
            balance = wire.true_false(step, "withBalance", value)
            self.item_tests.append(lambda po, item: (item.ord_qty > item.recv_qty) == balance)
        value = params.get("received")
        if value is not None:
            received = wire.true_false(step, "received", value)
            self.item_tests.append(lambda po, item: (item.recv_qty > 0) == received)
        value = params.get("scheduledPriorTo")
        if value is not None:
            before = wire.mdy_date(step, "scheduledPriorTo", value)
            self.item_tests.append(lambda po, item: any(s.schd_date < before for s in item.schedules))

    def _key_tests(self, params: Params, *, uniq_key: str, uniqlnno: str) -> None:
        key = _given(params, uniq_key)
        if key is not None:
            self.item_tests.append(lambda po, item: item.part.uniq_key == key)
        line = _given(params, uniqlnno)
        if line is not None:
            self.item_tests.append(lambda po, item: item.uniqlnno == line)

    @classmethod
    def read_item_keys(cls, step: Step, params: Params) -> Search:
        """PO Item Delete's ways of naming the item to delete; all given ones must hold."""
        search = cls()
        number = _given(params, "itemNumber")
        if number is not None:
            itemno = wire.digits(step, "itemNumber", number, width=_ITEMNO_WIDTH)
            search.item_tests.append(lambda po, item: item.itemno == itemno)
        search._key_tests(params, uniq_key="uniq_key", uniqlnno="uniqlnno")
        part_no, revision = _given(params, "part_no"), _given(params, "revision")
        if part_no is not None:
            search.item_tests.append(
                lambda po, item: (
                    _same(item.part.part_no, part_no)
                    and (revision is None or _same(item.part.revision, revision))
                )
            )
        partmfgr, mfgr_pt_no = _given(params, "partMfgr"), _given(params, "mfgr_pt_no")
        if partmfgr is not None:
            search.item_tests.append(lambda po, item: _same(item.manufacturer.partmfgr, partmfgr))
        if mfgr_pt_no is not None:
            search.item_tests.append(lambda po, item: _same(item.manufacturer.mfgr_pt_no, mfgr_pt_no))
        uniqmfgrhd = _given(params, "uniqmfgrhd")
        if uniqmfgrhd is not None:
            search.item_tests.append(lambda po, item: item.manufacturer.uniqmfgrhd == uniqmfgrhd)
        return search


def _given(params: Params, *names: str) -> str | None:
    value = params.get(*names)
    return value if value is not None and value.strip() else None

"""The Purchase Order API (/api/PO/<Action>/{apiKey}): POs, their items and item schedules.

Each action validates everything before it changes anything, and keys are drawn only once a call
is sure to succeed, so a refused call leaves no trace (not even a skipped key).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal

from b2bconform.apis.manex_erp.sandbox import po_views as views
from b2bconform.apis.manex_erp.sandbox import wire
from b2bconform.apis.manex_erp.sandbox.erp import (
    Erp,
    Manufacturer,
    Part,
    PoItem,
    PoSchedule,
    PurchaseOrder,
    Supplier,
)
from b2bconform.apis.manex_erp.sandbox.search import Search
from b2bconform.apis.manex_erp.sandbox.wire import Answer, Params, Step
from b2bconform.sandboxes.refusals import enum_values

__all__ = ["PO_STEPS", "PurchaseOrderApi"]

Handler = Callable[[Params], Answer]

# the document's lists, read from the rules that state them
TERMS = enum_values("manex_po", "MANEX_PO-PO-003")
ITEM_TYPES = enum_values("manex_po", "MANEX_PO-ITM-001")
STORED_ITEM_TYPE = {"INVT PART": "Invt Part", "MRO": "MRO", "Services": "Services"}
PACKAGES = enum_values("manex_po", "MANEX_PO-ITM-005")
UNITS = enum_values("manex_po", "MANEX_PO-ITM-004")

_PO, _ITEMS, _SCHEDULE = "Purchase Order", "PO Items", "PO Schedule"
PO_STEPS: Mapping[str, Step] = {
    "add": Step(_PO, "add"),
    "edit": Step(_PO, "edit"),
    "get": Step(_PO, "details"),
    "itemadd": Step(_ITEMS, "add"),
    "itemedit": Step(_ITEMS, "edit"),
    "itemdelete": Step(_ITEMS, "delete"),
    "itemget": Step(_ITEMS, "details"),
    "scheduleadd": Step(_SCHEDULE, "add"),
    "scheduleedit": Step(_SCHEDULE, "edit"),
    "scheduledelete": Step(_SCHEDULE, "delete"),
    "scheduleget": Step(_SCHEDULE, "details"),
}
NOT_ENOUGH = "Not enough information to return the data, please provide valid parameters."
_NOT_INITIALIZED = "'{}' Object is not initialized properly."

_LEAD_TIME = re.compile(r"([0-9]+)(DY|WK|MO)", re.IGNORECASE)
_BUYER = re.compile(r"([^,\s][^,]*), ?([^,\s][^,]*)")
_SHORT_KEY = 8  # the short-schedule-key fault's key length
_ITEM_KEY = ("uniqLnNo", "UNIQLNNO", "uniqueLnNo")
_USER = "API"


def _text(value: str | None, width: int) -> str | None:
    return None if value is None else value[:width]


def _given(params: Params, name: str) -> str | None:
    value = params.get(name)
    return value if value is not None and value.strip() else None


def _quantity(step: Step, name: str, value: str) -> Decimal:
    """An order or schedule quantity: a decimal number, not negative."""
    quantity = wire.decimal(step, name, value, negative=True)
    if quantity < 0:
        raise step.fail(f"{name} must not be negative: an order quantity is zero or more.")
    return quantity


class PurchaseOrderApi:
    """The eleven PO actions over one ERP; ``has`` tells whether a fault of the PO catalogue runs."""

    def __init__(self, erp: Erp, has: Callable[[str], bool]) -> None:
        self.erp = erp
        self.has = has

    def actions(self) -> dict[str, Handler]:
        """Handlers by lower-case action name."""
        return {
            "add": self.add,
            "edit": self.edit,
            "get": self.get,
            "itemadd": self.item_add,
            "itemedit": self.item_edit,
            "itemdelete": self.item_delete,
            "itemget": self.item_get,
            "scheduleadd": self.schedule_add,
            "scheduleedit": self.schedule_edit,
            "scheduledelete": self.schedule_delete,
            "scheduleget": self.schedule_get,
        }

    def bad_body(self, action: str) -> str:
        """The refusal of a body that is not a JSON object: the doc's own for POs and items."""
        step = PO_STEPS[action]
        if step.thing in (_PO, _ITEMS):
            return _NOT_INITIALIZED.format(step.thing)
        return step.fail("The request body is not a JSON object.").message

    # ── lookups ──────────────────────────────────────────────────────────────────────────────

    def _find_po(self, ponum: str) -> PurchaseOrder | None:
        # poNum is matched as a number, so "1748" finds 000000000001748.
        if not ponum.isascii() or not ponum.isdigit():
            return None
        return self.erp.purchase_orders.get(int(ponum))

    def _po(self, step: Step, params: Params) -> PurchaseOrder:
        """The PO named by poNum or POUNIQUE (both: they must agree)."""
        ponum, pounique = _given(params, "poNum"), _given(params, "POUNIQUE")
        if ponum is not None:
            po = self._find_po(ponum)
            if po is not None and pounique is not None and pounique != po.pounique:
                po = None
        elif pounique is not None:
            po = self.erp.purchase_order_by_unique(pounique)
        else:
            raise step.fail("poNum is required.")
        if po is None:
            raise step.fail("Purchase Order does not exists.")
        return po

    def _supplier(self, step: Step, params: Params, *, adding: bool) -> Supplier:
        name = _given(params, "supName")
        if name is None:
            if adding and self.has("accepts-po-without-supplier"):
                return self.erp.seed.suppliers[0]
            raise step.fail("supName is required.")
        supplier = self.erp.supplier_named(name)
        if supplier is None:
            if self.has("accepts-unknown-supplier"):
                return self.erp.seed.suppliers[0]
            raise step.fail("UniqSupNo does not exists in SUPINFO Table.")
        return supplier

    def _item_of(self, step: Step, po: PurchaseOrder, params: Params) -> PoItem:
        key = wire.required(step, params, *_ITEM_KEY)
        item = next((i for i in po.items if i.uniqlnno == key), None)
        if item is None:
            raise step.fail("Po Item does not exists.")
        return item

    def _touch(self, po: PurchaseOrder) -> None:
        po.version += 1
        po.verdate = self.erp.clock()

    def _schedule_key(self) -> str:
        key = self.erp.new_key()
        return key[:_SHORT_KEY] if self.has("short-schedule-key") else key

    def _assign_keys(self, item: PoItem) -> None:
        item.uniqlnno = self.erp.new_key()
        for schedule in item.schedules:
            schedule.uniqdetno = self._schedule_key()

    def _sorted_pos(self) -> list[PurchaseOrder]:
        return [self.erp.purchase_orders[ponum] for ponum in sorted(self.erp.purchase_orders)]

    # ── Purchase Order: Add, Edit, Get ──────────────────────────────────────────────────────

    def add(self, params: Params) -> Answer:
        step = PO_STEPS["add"]
        supplier = self._supplier(step, params, adding=True)
        now = self.erp.clock()
        po = PurchaseOrder(
            ponum=self.erp.next_ponum(),
            pounique="",
            supplier=supplier,
            po_date=now,
            verdate=now,
            terms=supplier.terms,
            remit_link=supplier.remit_links[0],
            confirm_link=supplier.confirm_links[0],
            receive_link=supplier.receive_links[0],
            bill_link=supplier.bill_links[0],
        )
        self._apply_header(step, params, po)
        po.items = self._listed_items(step, params)
        po.pounique = self.erp.new_key()
        for item in po.items:
            self._assign_keys(item)
        po.changes = (
            f"New PO created by User: {_USER}, on {now:%m/%d/%Y %H:%M:%S}, PO Total: ${po.total:,.2f}"
        )
        self.erp.purchase_orders[po.ponum] = po
        return Answer("Purchase Order added successfully.", views.render_po(po, views.padded_ponum(po.ponum)))

    def _listed_items(self, step: Step, params: Params) -> list[PoItem]:
        # A PO is added with its items: the list is required and not empty.
        try:
            entries = params.objects("POItemsList")
        except ValueError:
            raise step.fail("POItemsList must be a list of item objects.") from None
        if entries is None:
            raise step.fail("POItemsList is required.")
        if not entries:
            raise step.fail("POItemsList must hold at least one item.")
        return [
            self._new_item(step, entry, itemno=number, nested=True)
            for number, entry in enumerate(entries, start=1)
        ]

    def edit(self, params: Params) -> Answer:
        step = PO_STEPS["edit"]
        po = self._po(step, params)
        supplier = self._supplier(step, params, adding=False)
        changed = dataclasses.replace(po)
        if supplier != po.supplier:
            # Another supplier brings its own addresses and terms.
            changed.supplier, changed.terms = supplier, supplier.terms
            changed.remit_link, changed.confirm_link = supplier.remit_links[0], supplier.confirm_links[0]
            changed.receive_link, changed.bill_link = supplier.receive_links[0], supplier.bill_links[0]
        self._apply_header(step, params, changed)
        self._touch(changed)
        self.erp.purchase_orders[po.ponum] = changed
        return Answer("Purchase Order edited successfully.")

    def _apply_header(self, step: Step, params: Params, po: PurchaseOrder) -> None:
        """Validate and set the PO members Add and Edit share (only those sent)."""
        conf_name = params.get("confirmName")
        if conf_name is not None:
            po.conf_name = conf_name  # free text: suites find their POs by it
        value = params.get("poDate")
        if value is not None:
            day = wire.mdy_date(step, "poDate", value)
            po.po_date = datetime(day.year, day.month, day.day)
        value = params.get("FreightIncluded")
        if value is not None:
            po.freight_included = wire.flag(step, "FreightIncluded", value)
        self._apply_buyer(step, params, po)
        self._apply_links(step, params, po)
        value = params.get("deliveryTime")
        if value is not None:
            po.deltime = self._delivery_time(step, value)
        value = params.get("Terms")
        if value is not None:
            known = value.casefold() in {t.casefold() for t in TERMS}
            if known or not self.has("accepts-unknown-terms"):
                po.terms = wire.choice(step, "Terms", value, TERMS)
        po.fob = _text(params.get("FOB"), 15) or po.fob
        po.ship_via = _text(params.get("shipVia"), 15) or po.ship_via
        po.ship_charge = _text(params.get("shipCharge"), 15) or po.ship_charge
        value = params.get("shippingAmount")
        if value is not None:
            po.shipping_amount = wire.decimal(step, "shippingAmount", value, negative=True)
        self._apply_shipping_tax(step, params, po)

    def _apply_buyer(self, step: Step, params: Params, po: PurchaseOrder) -> None:
        name = params.get("buyerName")
        if name is None:
            return
        written = _BUYER.fullmatch(name)
        if written is None:
            raise step.fail("buyerName must be in the form LastName, FirstName.")
        buyer = self.erp.buyer_named(f"{written.group(1)}, {written.group(2)}")
        if buyer is None:
            if self.has("accepts-unknown-buyer"):
                return  # the order keeps its buyer
            raise step.fail("buyerName does not exists.")
        po.buyer = buyer.name

    def _apply_links(self, step: Step, params: Params, po: PurchaseOrder) -> None:
        supplier = po.supplier
        for name, member, valid in (
            ("remitToLink", "remit_link", supplier.remit_links),
            ("confirmToLink", "confirm_link", supplier.confirm_links),
            ("receiveToLink", "receive_link", supplier.receive_links),
            ("billToLink", "bill_link", supplier.bill_links),
        ):
            link = _given(params, name)
            if link is None:
                continue
            if link not in valid:
                if self.has("accepts-unknown-address-link"):
                    continue  # the order keeps its link
                raise step.fail(f"{name} does not exists for the supplier.")
            setattr(po, member, link)

    def _delivery_time(self, step: Step, value: str) -> str:
        if self.has("accepts-12-hour-delivery-time"):
            converted = wire.twelve_hour(value)
            if converted is not None:
                return converted
        return wire.time_hh_mm(step, "deliveryTime", value)

    def _apply_shipping_tax(self, step: Step, params: Params, po: PurchaseOrder) -> None:
        value = params.get("isShippingTaxable")
        taxable = None if value is None else wire.flag(step, "isShippingTaxable", value)
        if taxable is not None:
            po.shipping_taxable = taxable
        value = params.get("shippingTaxPct")
        if value is None:
            return
        pct = wire.decimal(step, "shippingTaxPct", value, negative=True)
        if pct != 0 and taxable is not True:
            if not self.has("taxes-untaxable-shipping"):
                raise step.fail("shippingTaxPct needs isShippingTaxable set to 1.")
            po.shipping_taxable = True
        po.shipping_tax_pct = pct

    def get(self, params: Params) -> Answer:
        step = PO_STEPS["get"]
        search = Search.read(step, params, supplier_names=("supName",))
        if search.is_empty:
            raise step.fail(NOT_ENOUGH)
        found = [po for po in self._sorted_pos() if search.matches_po(po)]
        return Answer(
            "Purchase Order details:", [views.render_po(po, views.padded_ponum(po.ponum)) for po in found]
        )

    # ── PO Items: Add, Edit, Delete, Get ────────────────────────────────────────────────────

    def item_add(self, params: Params) -> Answer:
        step = PO_STEPS["itemadd"]
        po = self._po(step, params)
        itemno = max((item.itemno for item in po.items), default=0) + 1
        item = self._new_item(step, params, itemno=itemno, nested=False)
        self._assign_keys(item)
        po.items.append(item)
        self._touch(po)
        return Answer("PO Items added successfully.", views.render_item_added(po, item))

    def _new_item(self, step: Step, params: Params, *, itemno: int, nested: bool) -> PoItem:
        """A validated item (keys not yet drawn) with its nested schedules.

        ``nested``: an entry of PO Add's POItemsList, which spells the revision "Rev" and may leave the
        manufacturer out (the part's preferred one is used); PO Item Add spells it "revision" and
        names the manufacturer.
        """
        item_type = self._item_type(step, wire.required(step, params, "POITTYPE"))
        part = self._item_part(step, params, revision_name="Rev" if nested else "revision")
        manufacturer = self._manufacturer(step, params, part, current=None, required=not nested)
        ord_qty = _quantity(step, "ORD_QTY", wire.required(step, params, "ORD_QTY"))
        item = PoItem(
            uniqlnno="",
            itemno=itemno,
            poittype=item_type,
            part=part,
            manufacturer=manufacturer,
            ord_qty=ord_qty,
            package=part.package,
            u_of_meas=part.unit,
            pur_uofm=part.unit,
        )
        self._apply_item(step, params, item)
        item.schedules = self._listed_schedules(step, params, item)
        return item

    def _item_type(self, step: Step, value: str) -> str:
        if self.has("accepts-unknown-item-type") and value.casefold() not in {
            t.casefold() for t in ITEM_TYPES
        }:
            return STORED_ITEM_TYPE["INVT PART"]
        return STORED_ITEM_TYPE[wire.choice(step, "POITTYPE", value, ITEM_TYPES)]

    def _item_part(self, step: Step, params: Params, *, revision_name: str) -> Part:
        """The seeded part named by UNIQ_KEY, by part_no with its revision, or by MFGR_PT_NO."""
        part_no, revision = _given(params, "part_no"), _given(params, revision_name)
        # the fault is PO Item Add's and Edit's (ITM-003); PO Add's items ("Rev", PO-013) keep the check
        tolerated = revision_name == "revision" and self.has("accepts-part-without-revision")
        if part_no is not None and revision is None and not tolerated:
            raise step.fail(f"{revision_name} is required with part_no.")
        uniq_key, mfgr_pt_no = _given(params, "uniq_key"), _given(params, "mfgr_pt_no")
        if uniq_key is not None:
            part = self.erp.part(uniq_key)
            if part is None:
                raise step.fail("UNIQ_KEY does not exists.")
            return part
        if part_no is not None:
            candidates = self.erp.parts_numbered(part_no)
            if revision is not None:
                candidates = [p for p in candidates if p.revision.casefold() == revision.casefold()]
            if not candidates:
                raise step.fail("part_no does not exists.")
            return candidates[0]  # without a revision (the fault only): the first one
        if mfgr_pt_no is not None:
            matches = self.erp.parts_with_mfgr_pt_no(mfgr_pt_no)
            if not matches:
                raise step.fail("MFGR_PT_NO does not exists.")
            return matches[0]
        raise step.fail("part_no is required.")

    def _manufacturer(
        self, step: Step, params: Params, part: Part, *, current: Manufacturer | None, required: bool
    ) -> Manufacturer:
        """The part's manufacturer named by uniqmfgrhd or by partmfgr (+ mfgr_pt_no)."""
        uniqmfgrhd, partmfgr = _given(params, "uniqmfgrhd"), _given(params, "partmfgr")
        mfgr_pt_no = _given(params, "mfgr_pt_no")
        if uniqmfgrhd is not None:
            found = next((m for m in part.manufacturers if m.uniqmfgrhd == uniqmfgrhd), None)
            if found is None:
                raise step.fail("UniqMfgrhd is Invalid.")
            return found
        if partmfgr is not None:
            found = next(
                (
                    m
                    for m in part.manufacturers
                    if m.partmfgr.casefold() == partmfgr.casefold()
                    and (mfgr_pt_no is None or m.mfgr_pt_no.casefold() == mfgr_pt_no.casefold())
                ),
                None,
            )
            if found is None:
                if self.has("accepts-unknown-manufacturer") and part.manufacturers:
                    return part.manufacturers[0]
                raise step.fail("PARTMFGR does not exists for the part.")
            return found
        if required:
            raise step.fail("uniqmfgrhd is required.")
        if mfgr_pt_no is not None:
            found = next(
                (m for m in part.manufacturers if m.mfgr_pt_no.casefold() == mfgr_pt_no.casefold()), None
            )
            if found is None:
                raise step.fail("MFGR_PT_NO does not exists for the part.")
            return found
        # Nothing named: the item keeps its manufacturer, or takes the part's preferred one.
        return current if current in part.manufacturers else part.manufacturers[0]

    def _apply_item(self, step: Step, params: Params, item: PoItem) -> None:
        """Validate and set the optional item members Add and Edit share (only those sent)."""
        for name, member in (
            ("COSTEACH", "costeach"),
            ("overage", "overage"),
            ("minorder", "minorder"),
            ("ordmult", "ordmult"),
        ):
            value = params.get(name)
            if value is not None:
                setattr(item, member, wire.decimal(step, name, value, negative=True))
        for name, member in (
            ("IS_TAX", "is_tax"),
            ("ISFIRM", "isfirm"),
            ("FIRSTARTICLE", "firstarticle"),
            ("updatePLT", "update_plt"),
            ("updateMinOrdMult", "update_min_ord_mult"),
            ("updateMaterialCost", "update_material_cost"),
            ("updateTargetPrice", "update_target_price"),
        ):
            value = params.get(name)
            if value is not None:
                setattr(item, member, wire.boolean(step, name, value))
        for name, member in (
            ("supplierPartNumber", "supplier_part_number"),
            ("INSPEXCNOTE", "inspexcnote"),
            ("INSPEXCDOC", "inspexcdoc"),
        ):
            value = params.get(name)
            if value is not None:
                setattr(item, member, value)
        if _given(params, "uniqmfsp") is not None:
            raise step.fail("uniqmfsp does not exists.")  # the seed has no supplier-part records
        self._apply_lead_time(step, params.get("pur_ltime"), item)
        self._apply_choices(step, params, item)

    def _apply_lead_time(self, step: Step, value: str | None, item: PoItem) -> None:
        if value is None:
            return
        match = _LEAD_TIME.fullmatch(value)
        if match is None:
            if self.has("accepts-free-lead-time"):
                return
            raise step.fail("pur_ltime must be digits followed by DY, WK or MO.")
        item.pur_ltime, item.pur_lunit = int(match.group(1)), match.group(2).upper()

    def _apply_choices(self, step: Step, params: Params, item: PoItem) -> None:
        value = params.get("package")
        if value is not None and not self._tolerated(value, PACKAGES, "accepts-unknown-package"):
            item.package = wire.choice(step, "package", value, PACKAGES)
        value = params.get("U_OF_MEAS")
        if value is not None and not self._tolerated(value, UNITS, "accepts-unknown-unit"):
            item.u_of_meas = wire.choice(step, "U_OF_MEAS", value, UNITS)
        value = params.get("PUR_UOFM")
        if value is not None:
            item.pur_uofm = wire.choice(step, "PUR_UOFM", value, UNITS)

    def _tolerated(self, value: str, options: tuple[str, ...], fault: str) -> bool:
        """Whether ``fault`` lets an unknown ``value`` pass unstored."""
        return self.has(fault) and value.casefold() not in {o.casefold() for o in options}

    def item_edit(self, params: Params) -> Answer:
        step = PO_STEPS["itemedit"]
        po = self._po(step, params)
        item = self._item_of(step, po, params)
        changed = dataclasses.replace(item)
        value = params.get("POITTYPE")
        if value is not None:
            changed.poittype = self._item_type(step, value)
        if params.given("part_no") or params.given("uniq_key") or params.given("revision"):
            changed.part = self._item_part(step, params, revision_name="revision")
        changed.manufacturer = self._manufacturer(
            step, params, changed.part, current=item.manufacturer, required=False
        )
        value = params.get("ORD_QTY")
        if value is not None:
            changed.ord_qty = _quantity(step, "ORD_QTY", value)
            # Faithful under over-schedules-item too: that fault is the schedule actions' (SCH-001).
            if any(s.schd_qty > changed.ord_qty for s in item.schedules):
                raise step.fail(
                    "ORD_QTY must not fall below a schedule's schd_qty: a schedule is part of the order quantity."
                )
        self._apply_item(step, params, changed)
        po.items[po.items.index(item)] = changed
        self._touch(po)
        return Answer("PO Items edited successfully.")

    def item_delete(self, params: Params) -> Answer:
        step = PO_STEPS["itemdelete"]
        po = self._po(step, params)
        # Parts of a name come in pairs: a revision belongs to a part_no, a mfgr_pt_no to a partMfgr.
        if params.given("revision") and not params.given("part_no"):
            raise step.fail("part_no is required with revision.")
        if params.given("mfgr_pt_no") and not params.given("partMfgr"):
            raise step.fail("partMfgr is required with mfgr_pt_no.")
        search = Search.read_item_keys(step, params)
        if search.is_empty:
            raise step.fail("uniqlnno or another item identifier is required.")
        matches = [item for item in po.items if search.matches_item(po, item)]
        if not matches:
            raise step.fail("Po Item does not exists.")
        po.items.remove(min(matches, key=lambda item: item.itemno))
        self._touch(po)
        return Answer("PO Items deleted successfully.")

    def item_get(self, params: Params) -> Answer:
        step = PO_STEPS["itemget"]
        search = Search.read(step, params, supplier_names=("supplierName", "supName"))
        if search.is_empty:
            raise step.fail(NOT_ENOUGH)
        found = [
            views.render_item_listed(po, item)
            for po in self._sorted_pos()
            if search.matches_po_only(po)
            for item in sorted(po.items, key=lambda line: line.itemno)
            if search.matches_item(po, item)
        ]
        return Answer("PO Items details:", found)

    # ── PO Schedule: Add, Edit, Delete, Get ──────────────────────────────────────────────────

    def _listed_schedules(self, step: Step, params: Params, item: PoItem) -> list[PoSchedule]:
        try:
            entries = params.objects("PoitschdList") or []
        except ValueError:
            raise step.fail("PoitschdList must be a list of schedule objects.") from None
        return [self._new_schedule(step, entry, item, nested=True) for entry in entries]

    def _new_schedule(self, step: Step, params: Params, item: PoItem, *, nested: bool) -> PoSchedule:
        today = self.erp.clock().date()
        schedule = PoSchedule("", today, today, item.ord_qty, today)
        self._apply_schedule(step, params, item, schedule, nested=nested)
        return schedule

    def _apply_schedule(
        self, step: Step, params: Params, item: PoItem, schedule: PoSchedule, *, nested: bool
    ) -> None:
        """``nested``: a PoitschdList entry of PO Add (schd_qty optional); else Schedule Add or Edit."""
        value = params.get("schd_qty") if nested else wire.required(step, params, "schd_qty")
        if value is not None:
            schedule.schd_qty = _quantity(step, "schd_qty", value)
        # the fault is Schedule Add's and Edit's (SCH-001); PO Add's schedules (PO-014) keep the check
        tolerated = not nested and self.has("over-schedules-item")
        if schedule.schd_qty > item.ord_qty and not tolerated:
            raise step.fail("schd_qty must not exceed the item's order quantity.")
        value = params.get("schd_date")
        if value is not None:
            also_iso = self.has("accepts-iso-schedule-date")
            schedule.schd_date = wire.mdy_date(step, "schd_date", value, also_iso=also_iso)
        value = params.get("req_date")
        if value is not None:
            schedule.req_date = wire.mdy_date(step, "req_date", value)
        value = params.get("origcommitdt")
        if value is not None:
            schedule.origcommitdt = wire.mdy_date(step, "origcommitdt", value)
        self._apply_place(step, params, schedule)
        notes = params.get("schdNotes")
        if notes is not None:
            schedule.notes = notes

    def _apply_place(self, step: Step, params: Params, schedule: PoSchedule) -> None:
        name, location = _given(params, "warehouse"), _given(params, "location")
        if name is not None:
            warehouse = self.erp.warehouse_named(name)
            if warehouse is None:
                raise step.fail("warehouse does not exists.")
            schedule.warehouse, schedule.location = warehouse, ""
        if location is not None:
            if schedule.warehouse is None:
                raise step.fail("warehouse is required with location.")
            known = {loc.casefold(): loc for loc in schedule.warehouse.locations}
            if location.casefold() not in known:
                raise step.fail("location does not exists in the warehouse.")
            schedule.location = known[location.casefold()]

    def schedule_add(self, params: Params) -> Answer:
        step = PO_STEPS["scheduleadd"]
        po = self._po(step, params)
        item = self._item_of(step, po, params)
        schedule = self._new_schedule(step, params, item, nested=False)
        schedule.uniqdetno = self._schedule_key()
        item.schedules.append(schedule)
        self._touch(po)
        return Answer("PO Schedule added successfully.", views.render_schedule(po, item, schedule))

    def _schedule_named(self, step: Step, params: Params) -> tuple[PurchaseOrder, PoItem, PoSchedule]:
        po = self._po(step, params)
        key = _given(params, "uniqDetNo")
        if key is None:
            raise step.fail("UNIQDETNO is required.")
        for item in po.items:
            for schedule in item.schedules:
                if schedule.uniqdetno == key:
                    return po, item, schedule
        raise step.fail("Po Schedule does not exists.")

    def schedule_edit(self, params: Params) -> Answer:
        step = PO_STEPS["scheduleedit"]
        po, item, schedule = self._schedule_named(step, params)
        changed = dataclasses.replace(schedule)
        self._apply_schedule(step, params, item, changed, nested=False)
        item.schedules[item.schedules.index(schedule)] = changed
        self._touch(po)
        return Answer("PO Schedule edited successfully.")

    def schedule_delete(self, params: Params) -> Answer:
        po, item, schedule = self._schedule_named(PO_STEPS["scheduledelete"], params)
        item.schedules.remove(schedule)
        self._touch(po)
        return Answer("PO Schedule deleted successfully.")

    def schedule_get(self, params: Params) -> Answer:
        step = PO_STEPS["scheduleget"]
        po = self._po(step, params)
        item = self._item_of(step, po, params)
        found = [views.render_schedule(po, item, schedule) for schedule in item.schedules]
        return Answer("PO Schedule details:", found)

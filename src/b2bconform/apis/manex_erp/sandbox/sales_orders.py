"""The Sales Order API (/API/SO/<Action>/{apiKey}): orders, their items, prices and due dates.

Each action validates everything before it changes anything, so a refused call leaves no trace.
The first problem found is the one answered, as the ERP reports a single message.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from b2bconform.apis.manex_erp.sandbox import so_views as views
from b2bconform.apis.manex_erp.sandbox import wire
from b2bconform.apis.manex_erp.sandbox.erp import Customer, DueDate, Erp, Part, Price, SalesOrder, SoItem
from b2bconform.apis.manex_erp.sandbox.wire import Answer, Failure, Params, Step
from b2bconform.engine.formats import get_format
from b2bconform.sandboxes.refusals import enum_values

__all__ = ["SO_STEPS", "SalesOrderApi", "item_not_in_order"]

Handler = Callable[[Params], Answer]

# the document's lists, read from the rules that state them
FOB_ALIASES = {"ORIGIN-CUSTOMER P/U": "ORIGIN-CUST P/U"}  # the Add table's spelling of the same term
FOB = tuple(value for value in enum_values("manex_so", "MANEX_SO-SO-004") if value not in FOB_ALIASES)
SHIP_VIA = enum_values("manex_so", "MANEX_SO-SO-013")
SHIP_CHARGE = enum_values("manex_so", "MANEX_SO-SO-014")
ITEM_STATUS = enum_values("manex_so", "MANEX_SO-ITM-001")
DELI_FREQ = enum_values("manex_so", "MANEX_SO-ITM-018")
SALE_TYPES = enum_values("manex_so", "MANEX_SO-PRC-015")

SO_MISSING = "Sales Order does not exists."
ITEM_MISSING = "Sales Order Item does not exists."
LINE_NOT_GIVEN = "UniqLn not provided."
PRICE_MISSING = "Sales Order Price does not exists."
PRICE_KEY_NOT_GIVEN = "PlPriceLnk not provided."
DUE_KEY_NOT_GIVEN = "DueDt_Uniq not provided."
DUE_MISSING = "$$Sales Order Due Date does not exists."

_ORDER, _ITEM, _PRICE, _DUE = "Sales Order", "Sales Order Item", "Sales Order Price", "$$Sales Order Due Date"
SO_STEPS: Mapping[str, Step] = {
    "add": Step(_ORDER, "add"),
    "edit": Step(_ORDER, "edit"),
    "get": Step(_ORDER, "details"),
    "itemadd": Step(_ITEM, "add"),
    "itemedit": Step(_ITEM, "edit"),
    "itemget": Step(_ITEM, "details"),
    "itemdelete": Step(_ITEM, "delete"),
    "priceadd": Step(_PRICE, "add"),
    "priceedit": Step(_PRICE, "edit"),
    "priceget": Step(_PRICE, "details"),
    "pricedelete": Step(_PRICE, "delete"),
    "duedateadd": Step(_DUE, "add"),
    "duedateedit": Step(_DUE, "edit"),
    "duedateget": Step(_DUE, "details"),
    "duedatedelete": Step(_DUE, "delete"),
}

_CUSTNO = get_format("custno-10")
_KEY = re.compile(r"[A-Z0-9_]{10}")
_SHORT_KEY = 8  # the short-price-link fault's key length
_PRICE_KEY = ("PLPRICELNK", "plpricelink")
_DUE_KEY = ("DueDt_Uniq", "DueDateUniq")


def item_not_in_order(uniqueln: str, sono: int) -> str:
    return f"Sales Order item with uniqueLn:'{uniqueln}' does not exits in SO:'{views.padded_sono(sono)}'."


def _text(value: str | None, width: int | None = None) -> str | None:
    """Free text as stored: cut to its column's width."""
    if value is None:
        return None
    return value if width is None else value[:width]


class SalesOrderApi:
    """The fifteen SO actions over one ERP; ``has`` tells whether a fault of the SO catalogue runs."""

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
            "itemget": self.item_get,
            "itemdelete": self.item_delete,
            "priceadd": self.price_add,
            "priceedit": self.price_edit,
            "priceget": self.price_get,
            "pricedelete": self.price_delete,
            "duedateadd": self.due_date_add,
            "duedateedit": self.due_date_edit,
            "duedateget": self.due_date_get,
            "duedatedelete": self.due_date_delete,
        }

    def bad_body(self, action: str) -> str:
        """The refusal of a body that is not a JSON object (the doc shows no SO-specific one)."""
        return SO_STEPS[action].fail("The request body is not a JSON object.").message

    # ── lookups ──────────────────────────────────────────────────────────────────────────────

    def _find_order(self, sono: str) -> SalesOrder | None:
        # SoNo is matched as a number: the doc's own examples send "785" for order 0000000785.
        if not sono.isascii() or not sono.isdigit() or len(sono) > views.SONO_WIDTH:
            return None
        return self.erp.sales_orders.get(int(sono))

    def _order(self, step: Step, params: Params) -> SalesOrder:
        order = self._find_order(wire.required(step, params, "SoNo"))
        if order is None:
            raise Failure(SO_MISSING)
        return order

    def _line_of(self, order: SalesOrder, uniqueln: str | None) -> SoItem:
        """The order's line ``uniqueln``, refused with the documented price/due-date message."""
        item = next((i for i in order.items if uniqueln and i.uniqueln == uniqueln), None)
        if item is None:
            raise Failure(item_not_in_order(uniqueln or "", order.sono))
        return item

    def _named_line(self, step: Step, order: SalesOrder, params: Params) -> SoItem | None:
        """The line named by UNIQUELN or line_no; None when neither is given."""
        uniqueln, line_no = params.get("UNIQUELN"), self._line_no(step, params)
        if uniqueln is not None and uniqueln.strip():
            item = next((i for i in order.items if i.uniqueln == uniqueln), None)
        elif line_no is not None:
            item = next((i for i in order.items if i.line_no == line_no), None)
        else:
            return None
        if item is None:
            raise Failure(ITEM_MISSING)
        return item

    @staticmethod
    def _line_no(step: Step, params: Params) -> int | None:
        """line_no as a number, checked whenever it is sent (blank too); None when not sent."""
        value = params.get("line_no")
        return None if value is None else wire.digits(step, "line_no", value)

    def _customer(self, step: Step, params: Params, *, adding: bool) -> Customer:
        value = params.get("custNo")
        if value is None or not value.strip():
            if adding and self.has("accepts-add-without-custno"):
                return self.erp.seed.customers[0]
            raise step.fail("custNo is required.")
        if _CUSTNO.validate(value) is not None:
            if (
                self.has("accepts-unpadded-custno")
                and value.isascii()
                and value.isdigit()
                and len(value) < 10
            ):
                value = value.zfill(10)
            else:
                raise step.fail("custNo must be ten digits, padded to the left with '0'.")
        customer = self.erp.customer(value)
        if customer is None:
            raise step.fail("Customer does not exists.")
        return customer

    def _part(self, step: Step, params: Params, *, revision_required: bool) -> Part:
        """The part named by part_num (+ revision) or uniq_key."""
        part_num, revision, uniq_key = params.get("part_num"), params.get("revision"), params.get("uniq_key")
        if part_num is not None and part_num.strip():
            has_revision = revision is not None and revision.strip() != ""
            if revision_required and not has_revision:
                raise step.fail("revision is required with part_num.")
            candidates = self.erp.parts_numbered(part_num)
            if has_revision:
                candidates = [p for p in candidates if p.revision.casefold() == (revision or "").casefold()]
            if not candidates:
                raise step.fail("part_num does not exists.")
            if len(candidates) > 1:
                raise step.fail("part_num does not exist in a single revision: send revision.")
            if uniq_key and uniq_key.strip() and uniq_key != candidates[0].uniq_key:
                raise step.fail("uniq_key does not match part_num and revision.")
            return candidates[0]
        if uniq_key is not None and uniq_key.strip():
            part = self.erp.part(uniq_key)
            if part is None:
                raise step.fail("uniq_key does not exists.")
            return part
        raise step.fail("part_num is required.")

    def _new_key(self) -> str:
        return self.erp.new_key()

    # ── Sales Order: Add, Edit, Get ─────────────────────────────────────────────────────────

    def add(self, params: Params) -> Answer:
        step = SO_STEPS["add"]
        sono = self._new_sono(step, params.get("SoNo"))
        customer = self._customer(step, params, adding=True)
        now = self.erp.clock()
        order = SalesOrder(
            sono=sono,
            customer=customer,
            blinkadd=customer.billing_links[0],
            slinkadd=customer.shipping_links[0],
            order_date=now - timedelta(days=1) if self.has("dated-the-day-before") else now,
            saved=now,
            terms="" if self.has("no-default-terms") else customer.terms,
            ship_via="" if self.has("no-default-ship-via") else customer.ship_via,
            bill_account="" if self.has("no-default-bill-account") else customer.bill_account,
        )
        self._apply_header(step, params, order)
        self.erp.sales_orders[sono] = order
        return Answer("Sales Order added successfully.")

    def _new_sono(self, step: Step, value: str | None) -> int:
        # Blank or all zeros (the doc's "0000000000" placeholder): the ERP numbers the order.
        sono = (
            0
            if value is None or not value.strip()
            else wire.digits(step, "SoNo", value, width=views.SONO_WIDTH)
        )
        if sono == 0:
            return self.erp.next_sono()
        if sono in self.erp.sales_orders and not self.has("add-over-existing-order"):
            raise step.fail("SoNo already exists.")
        return sono

    def edit(self, params: Params) -> Answer:
        step = SO_STEPS["edit"]
        order = self._find_order(wire.required(step, params, "SoNo"))
        if order is None:
            raise step.fail(SO_MISSING)
        customer = self._customer(step, params, adding=False)
        changed = dataclasses.replace(order, saved=self.erp.clock())
        changed.changed = changed.saved
        if customer != order.customer:
            # A new customer brings its own addresses; its contacts replace the old attention.
            changed.customer = customer
            changed.blinkadd, changed.slinkadd = customer.billing_links[0], customer.shipping_links[0]
            changed.attention, changed.bill_account = "", customer.bill_account
        self._apply_header(step, params, changed)
        self.erp.sales_orders[order.sono] = changed
        return Answer("Sales Order edited successfully.")

    def get(self, params: Params) -> Answer:
        order = self._order(SO_STEPS["get"], params)
        return Answer("Sales Order details:", views.render_order(order, views.padded_sono(order.sono)))

    def _apply_header(self, step: Step, params: Params, order: SalesOrder) -> None:
        """Validate and set the order members Add and Edit share (only those sent)."""
        customer = order.customer
        link = params.get("blinkAdd")
        if link is not None and link.strip():
            if link not in customer.billing_links:
                raise step.fail("blinkAdd does not exists for the customer.")
            order.blinkadd = link
        link = params.get("slinkAdd")
        if link is not None and link.strip():
            if link not in customer.shipping_links:
                raise step.fail("slinkAdd does not exists for the customer.")
            order.slinkadd = link
        value = params.get("orderDate")
        if value is not None:
            also_iso = self.has("accepts-iso-order-date")
            day = wire.mdy_date(step, "orderDate", value, also_iso=also_iso)
            order.order_date = datetime(day.year, day.month, day.day)
        value = params.get("POAck")
        if value is not None:
            order.poack = wire.flag(step, "POAck", value)
        order.pono = _text(params.get("PoNo"), 20) or order.pono
        order.sonote = _text(params.get("SONote")) or order.sonote
        order.sofoot = _text(params.get("SoFoot")) or order.sofoot
        value = params.get("FOB")
        if value is not None:
            try:
                order.fob = wire.choice(step, "FOB", value, FOB, FOB_ALIASES)
            except Failure:
                # the fault accepts the unknown value and keeps the order's FOB: only SO-004 breaks
                if not self.has("accepts-unknown-fob"):
                    raise
        value = params.get("ShipVia")
        if value is not None:
            order.ship_via = wire.choice(step, "ShipVia", value, SHIP_VIA)
        value = params.get("shipCharge")
        if value is not None:
            order.ship_charge = wire.choice(step, "shipCharge", value, SHIP_CHARGE)
        value = params.get("DELIV_TIME")
        if value is not None:
            order.deliv_time = wire.time_h_mm(step, "DELIV_TIME", value)
        self._apply_people(step, params, order)
        value = params.get("SOAMTDSCT")
        if value is not None:
            order.discount = wire.decimal(step, "SOAMTDSCT", value)
        self._apply_approval(step, params, order)
        order.ackpo_doc = _text(params.get("ACKPO_DOC")) or order.ackpo_doc
        order.terms = _text(params.get("TERMS"), 15) or order.terms
        order.bill_account = _text(params.get("BILLACCOUNT"), 20) or order.bill_account

    def _apply_people(self, step: Step, params: Params, order: SalesOrder) -> None:
        buyer = params.get("Buyer")
        if buyer is not None and buyer.strip():
            named = self.erp.customer_named(buyer)
            if named is None:
                if not self.has("accepts-unknown-buyer"):
                    raise step.fail("Buyer does not exists.")
            else:
                order.buyer = named.name
        attention = params.get("ATTENTION")
        if attention is not None and attention.strip():
            # The contact's key or its "First Last" name; the order stores the key.
            contact = next(
                (
                    c
                    for c in order.customer.contacts
                    if attention == c.cid or attention.casefold() == c.name.casefold()
                ),
                None,
            )
            if contact is None:
                if not self.has("accepts-unknown-attention"):
                    raise step.fail("ATTENTION does not exists for the customer.")
            else:
                order.attention = contact.cid

    def _apply_approval(self, step: Step, params: Params, order: SalesOrder) -> None:
        initials = params.get("SOAPPRVINIT")
        has_initials = initials is not None and initials.strip() != ""
        if has_initials and not self.erp.is_approver(initials or "") and not self.has("accepts-any-initials"):
            raise step.fail("SOAPPRVINIT does not exists as an approved user's initials.")
        value = params.get("SOAPPROVAL")
        if value is None:
            return
        if not wire.flag(step, "SOAPPROVAL", value):
            order.approved, order.approver, order.approved_on = False, "", None
            return
        if not has_initials and not self.has("approves-without-initials"):
            raise step.fail("SOAPPRVINIT is required when SOAPPROVAL is 1.")
        # The approval date is always the ERP's own: SOAPPRVDT from the caller is ignored.
        order.approved, order.approver = True, (initials or "").upper()
        sent = params.get("SOAPPRVDT")
        if self.has("approval-date-as-sent") and sent:
            order.approved_on = datetime.combine(
                wire.mdy_date(step, "SOAPPRVDT", sent, also_iso=True), time()
            )
        else:
            order.approved_on = self.erp.clock()

    # ── Sales Order Item: Add, Edit, Get, Delete ─────────────────────────────────────────────

    def item_add(self, params: Params) -> Answer:
        step = SO_STEPS["itemadd"]
        order = self._order(step, params)
        line_no = self._new_line_no(step, order, params)
        part = self._part(step, params, revision_required=False)
        uofmeas = wire.required(step, params, "uOfMeas")
        description = wire.required(step, params, "soDet_Desc")
        deliv_time = wire.time_h_mm(step, "deliv_time", wire.required(step, params, "deliv_time"))
        status = self._status(step, wire.required(step, params, "status"), "STANDARD")
        item = SoItem(
            uniqueln="",
            line_no=line_no,
            part=part,
            uofmeas=uofmeas[:4],
            description=description[:45],
            status=status,
            fstduedt=self.erp.clock().date(),
            deliv_time=deliv_time,
            w_key=self.erp.seed.warehouses[0].w_key,
        )
        self._apply_line(step, params, item)
        item.uniqueln = self._new_key()
        order.items.append(item)
        return Answer("Sales Order Item added successfully.")

    def _new_line_no(self, step: Step, order: SalesOrder, params: Params) -> int:
        line_no = self._line_no(step, params)
        if not line_no:  # not sent, or zero: the next line
            return max((item.line_no for item in order.items), default=0) + 1
        if line_no >= 10**views.LINE_NO_WIDTH:
            raise step.fail("line_no must be at most 7 digits.")
        if any(item.line_no == line_no for item in order.items):
            raise step.fail("line_no already exists.")
        return line_no

    def _status(self, step: Step, value: str, current: str) -> str:
        if self.has("accepts-unknown-item-status") and value.casefold() not in {
            s.casefold() for s in ITEM_STATUS
        }:
            return current
        return wire.choice(step, "status", value, ITEM_STATUS).upper()

    def _apply_line(self, step: Step, params: Params, item: SoItem) -> None:
        """Validate and set the optional line members Add and Edit share (only those sent)."""
        value = params.get("ord_qty")
        if value is not None:
            ord_qty = wire.decimal(step, "ord_qty", value)
            # Faithful under over-schedules-line too: that fault is the due-date actions' (DUE-002).
            if ord_qty < item.scheduled:
                raise step.fail("ord_qty must not be below the Qty already scheduled for the line.")
            item.ord_qty = ord_qty
        value = params.get("eachQty")
        if value is not None:
            each = wire.decimal(step, "eachQty", value, negative=True)
            # Judged against the ord_qty sent with it: the rule reads the request alone.
            ordered = params.get("ord_qty") is not None
            above = ordered and each >= item.ord_qty and not self.has("accepts-each-qty-above-ordered")
            if each <= 0 or above:
                raise step.fail("eachQty must be greater than 0 and less than ord_qty.")
            item.each_qty = each
        value = params.get("trans_days", "TRANSFER_DAYS")
        if value is not None:
            item.trans_days = wire.digits(step, "trans_days", value)
        value = params.get("fstduedt")
        if value is not None:
            item.fstduedt = wire.mdy_date(step, "fstduedt", value)
        value = params.get("deliFreq")
        if value is not None:
            item.deli_freq = wire.choice(step, "deliFreq", value, DELI_FREQ)
        note = params.get("note")
        if note is not None:
            item.note = note
        w_key = params.get("w_key")
        if w_key is not None and w_key.strip():
            if self.erp.warehouse_by_w_key(w_key) is None:
                raise step.fail("w_key does not exists.")
            item.w_key = w_key

    def item_edit(self, params: Params) -> Answer:
        step = SO_STEPS["itemedit"]
        order = self._order(step, params)
        item = self._named_line(step, order, params)
        if item is None:
            if not (self.has("edits-item-without-line") and order.items):
                raise Failure(LINE_NOT_GIVEN)
            item = min(order.items, key=lambda line: line.line_no)
        changed = dataclasses.replace(item)
        changed.part = self._part(step, params, revision_required=True)
        for name, member, width in (("uOfMeas", "uofmeas", 4), ("soDet_Desc", "description", 45)):
            value = params.get(name)
            if value is not None:
                setattr(changed, member, wire.required(step, params, name)[:width])
        value = params.get("deliv_time")
        if value is not None:
            changed.deliv_time = wire.time_h_mm(step, "deliv_time", value)
        self._apply_line(step, params, changed)
        value = params.get("status")
        if value is not None:
            status = self._status(step, value, item.status)
            # The ERP keeps a fully shipped (balance 0) line's status unless its quantity grows.
            if status != item.status and changed.balance <= 0:
                raise step.fail("status cannot change while the line balance is 0 unless ord_qty is raised.")
            changed.status = status
        order.items[order.items.index(item)] = changed
        return Answer("Sales Order Item edited successfully.")

    def item_get(self, params: Params) -> Answer:
        step = SO_STEPS["itemget"]
        uniqueln = params.get("UNIQUELN")
        if uniqueln is not None and uniqueln.strip():
            found = self.erp.so_item(uniqueln)
            if found is None or not self._same_order(params, found[0]):
                raise Failure(ITEM_MISSING)
            order, item = found
        elif params.given("line_no"):
            order = self._order(step, params)
            line = self._named_line(step, order, params)
            assert line is not None  # line_no was given
            item = line
        else:
            raise Failure(LINE_NOT_GIVEN)
        return Answer("Sales Order Item details:", views.render_item(item, views.padded_sono(order.sono)))

    def _same_order(self, params: Params, order: SalesOrder) -> bool:
        """Whether a SoNo sent alongside a key names the key's own order (no SoNo: yes)."""
        sono = params.get("SoNo")
        return sono is None or not sono.strip() or self._find_order(sono) is order

    def item_delete(self, params: Params) -> Answer:
        step = SO_STEPS["itemdelete"]
        order = self._order(step, params)
        item = self._named_line(step, order, params)
        if item is None:
            raise Failure(LINE_NOT_GIVEN)
        order.items.remove(item)
        return Answer("Sales Order Item deleted successfully.")

    # ── Sales Order Price: Add, Edit, Get, Delete ────────────────────────────────────────────

    def price_add(self, params: Params) -> Answer:
        step = SO_STEPS["priceadd"]
        order = self._order(step, params)
        item = self._line_of(order, params.get("uniqueLn"))
        price = Price(plpricelnk="", uniqueln=item.uniqueln, price=Decimal(0))
        self._apply_price(step, params, price, price_required=True)
        price.plpricelnk = self._price_key(step, params)
        item.prices.append(price)
        return Answer("Sales Order Price added successfully.")

    def _price_key(self, step: Step, params: Params) -> str:
        """The caller's PLPRICELNK when it sends one (it must be unique), else a new key."""
        key = params.get(*_PRICE_KEY)
        if key is None or not key.strip():
            new = self._new_key()
            return new[:_SHORT_KEY] if self.has("short-price-link") else new
        if _KEY.fullmatch(key) is None:
            raise step.fail("PLPRICELNK must be 10 characters of A-Z, 0-9 or _.")
        if self.erp.price(key) is not None:
            raise step.fail("PLPRICELNK already exists.")
        return key

    def _apply_price(self, step: Step, params: Params, price: Price, *, price_required: bool) -> None:
        value = wire.required(step, params, "price") if price_required else params.get("price")
        if value is not None:
            price.price = wire.decimal(step, "price", value, negative=True)
        for name in ("taxable", "flat"):
            value = params.get(name)
            if value is not None:
                setattr(price, name, wire.boolean(step, name, value))
        value = params.get("recordType")
        if value is not None and value.strip():
            price.record_type = value.strip()[:1].upper()
        value = params.get("saleTypeID")
        if value is not None:
            price.sale_type = wire.choice(step, "saleTypeID", value, SALE_TYPES)
        value = params.get("extended")
        if value is not None:
            price.extended = wire.decimal(step, "extended", value, negative=True)

    def price_edit(self, params: Params) -> Answer:
        step = SO_STEPS["priceedit"]
        key = params.get(*_PRICE_KEY)
        if key is None or not key.strip():
            raise Failure(PRICE_KEY_NOT_GIVEN)
        order = self._order(step, params)
        item = self._line_of(order, params.get("uniqueLn"))
        price = next((p for p in item.prices if p.plpricelnk == key), None)
        if price is None:
            raise Failure(PRICE_MISSING)
        changed = dataclasses.replace(price)
        self._apply_price(step, params, changed, price_required=True)
        item.prices[item.prices.index(price)] = changed
        return Answer("Sales Order Price edited successfully.")

    def price_get(self, params: Params) -> Answer:
        key, uniqueln = params.get(*_PRICE_KEY), params.get("uniqueLn")
        if key is not None and key.strip():
            found = self.erp.price(key)
        elif uniqueln is not None and uniqueln.strip():
            # By line: the line's first price, as the doc's example asks by UNIQUELN alone.
            line = self.erp.so_item(uniqueln)
            found = (line[0], line[1], line[1].prices[0]) if line and line[1].prices else None
        else:
            raise Failure(PRICE_KEY_NOT_GIVEN)
        if found is None or not self._same_order(params, found[0]) or not self._same_line(params, found[1]):
            raise Failure(PRICE_MISSING)
        order, item, price = found
        return Answer(
            "Sales Order Price details:", views.render_price(item, price, views.padded_sono(order.sono))
        )

    @staticmethod
    def _same_line(params: Params, item: SoItem) -> bool:
        uniqueln = params.get("uniqueLn")
        return uniqueln is None or not uniqueln.strip() or uniqueln == item.uniqueln

    def price_delete(self, params: Params) -> Answer:
        step = SO_STEPS["pricedelete"]
        key = params.get(*_PRICE_KEY)
        if key is None or not key.strip():
            raise Failure(PRICE_KEY_NOT_GIVEN)
        order = self._order(step, params)
        item = self._line_of(order, params.get("uniqueLn"))
        price = next((p for p in item.prices if p.plpricelnk == key), None)
        if price is None:
            raise Failure(PRICE_MISSING)
        item.prices.remove(price)
        return Answer("Sales Order Price deleted successfully.")

    # ── Sales Order Due Date: Add, Edit, Get, Delete ─────────────────────────────────────────

    def due_date_add(self, params: Params) -> Answer:
        step = SO_STEPS["duedateadd"]
        order = self._order(step, params)
        item = self._line_of(order, params.get("uniqueLn"))
        due = self._schedule(step, params, item, replacing=None)
        due.duedt_uniq = self._new_key()  # only once the call is sure to succeed
        item.due_dates.append(due)
        return Answer("$$Sales Order Due Date added successfully.")

    def _schedule(self, step: Step, params: Params, item: SoItem, *, replacing: DueDate | None) -> DueDate:
        """A validated due date for ``item`` (``replacing``: the one an edit changes)."""
        due = self._date(step, params, "Due_DTS1")
        if due.weekday() >= 5:
            raise step.fail("Due_DTS1 must be a working day (Monday to Friday).")
        ship = self._date(step, params, "Ship_Dts")
        if ship >= due and not self.has("accepts-ship-after-due"):
            raise step.fail("Ship_Dts must be before Due_DTS1.")
        commit_text = params.get("commit_Dts")
        default_commit = ship if self.has("commits-to-ship-date") else due
        commit = (
            default_commit
            if commit_text is None
            else wire.mdy_date(step, "commit_Dts", commit_text, also_iso=True)
        )
        qty = wire.decimal(step, "Qty", wire.required(step, params, "Qty"))
        others = item.scheduled - (replacing.qty if replacing is not None else Decimal(0))
        if others + qty > item.ord_qty and not self.has("over-schedules-line"):
            raise step.fail("Qty brings the line's scheduled total above its ord_qty.")
        key = replacing.duedt_uniq if replacing is not None else ""
        return DueDate(key, item.uniqueln, due, ship, commit, qty)

    @staticmethod
    def _date(step: Step, params: Params, name: str) -> date:
        return wire.mdy_date(step, name, wire.required(step, params, name), also_iso=True)

    def due_date_edit(self, params: Params) -> Answer:
        step = SO_STEPS["duedateedit"]
        key = params.get(*_DUE_KEY)
        if key is None or not key.strip():
            raise Failure(DUE_KEY_NOT_GIVEN)
        order = self._order(step, params)
        item = self._line_of(order, params.get("uniqueLn"))
        current = next((d for d in item.due_dates if d.duedt_uniq == key), None)
        if current is None:
            raise Failure(DUE_MISSING)
        changed = self._schedule(step, params, item, replacing=current)
        item.due_dates[item.due_dates.index(current)] = changed
        return Answer("$$Sales Order Due Date edited successfully.")

    def due_date_get(self, params: Params) -> Answer:
        found = self._due_named(params)
        return Answer(
            "$$Sales Order Due Date details:",
            views.render_due_date(found[2], views.padded_sono(found[0].sono)),
        )

    def _due_named(self, params: Params) -> tuple[SalesOrder, SoItem, DueDate]:
        key = params.get(*_DUE_KEY)
        if key is None or not key.strip():
            raise Failure(DUE_KEY_NOT_GIVEN)
        found = self.erp.due_date(key)
        if found is None or not self._same_order(params, found[0]) or not self._same_line(params, found[1]):
            raise Failure(DUE_MISSING)
        return found

    def due_date_delete(self, params: Params) -> Answer:
        _, item, due = self._due_named(params)
        item.due_dates.remove(due)
        return Answer("$$Sales Order Due Date deleted successfully.")

"""The one ERP behind both ManEx APIs: seeded master data, sales and purchase orders, key generation.

Master data is read-only (``SEED``); documents live in an ``Erp`` instance and vanish on reset.
Both APIs share the instance, as they share one company database on a real ManEx system.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

__all__ = [
    "SEED",
    "Buyer",
    "Contact",
    "Customer",
    "DueDate",
    "Erp",
    "KeyMaker",
    "Manufacturer",
    "Part",
    "PoItem",
    "PoSchedule",
    "Price",
    "PurchaseOrder",
    "SalesOrder",
    "Seed",
    "SoItem",
    "Supplier",
    "Warehouse",
]

KEY_LENGTH = 10
_KEY_ALPHABET = string.ascii_uppercase + string.digits
_KEY_SEED = 4242  # any fixed value: keys repeat run after run, which keeps test failures reproducible


# ── master data ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Contact:
    cid: str  # the contact's key: what SOMAIN.ATTENTION stores
    first_name: str
    last_name: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Customer:
    custno: str  # ten digits, zero-padded
    name: str
    billing_links: tuple[str, ...]  # the first is the default
    shipping_links: tuple[str, ...]
    contacts: tuple[Contact, ...]
    terms: str
    ship_via: str
    bill_account: str


@dataclass(frozen=True)
class Manufacturer:
    uniqmfgrhd: str
    partmfgr: str
    mfgr_pt_no: str


@dataclass(frozen=True)
class Part:
    part_no: str
    revision: str
    uniq_key: str
    description: str
    unit: str  # a U_OF_MEAS value
    source: str  # BUY or MAKE
    package: str
    part_class: str
    part_type: str
    manufacturers: tuple[Manufacturer, ...]  # the first is the preferred one


@dataclass(frozen=True)
class Warehouse:
    name: str  # e.g. MAIN1
    uniqwh: str  # the warehouse key PO schedules carry
    w_key: str  # the stock location key SO items carry
    locations: tuple[str, ...]


@dataclass(frozen=True)
class Buyer:
    last_name: str
    first_name: str

    @property
    def name(self) -> str:
        return f"{self.last_name}, {self.first_name}"


@dataclass(frozen=True)
class Supplier:
    sup_name: str
    uniqsupno: str
    supid: str  # ten digits, zero-padded
    sup_type: str
    status: str
    terms: str
    remit_links: tuple[str, ...]  # the first of each is the default
    confirm_links: tuple[str, ...]
    receive_links: tuple[str, ...]
    bill_links: tuple[str, ...]


@dataclass(frozen=True)
class Seed:
    """The sandbox's master data: what a suite may rely on to build valid requests."""

    customers: tuple[Customer, ...]
    parts: tuple[Part, ...]
    warehouses: tuple[Warehouse, ...]
    buyers: tuple[Buyer, ...]
    approver_initials: tuple[str, ...]
    suppliers: tuple[Supplier, ...]

    def keys(self) -> Iterator[str]:
        """Every key the seed uses, so generated keys never collide with one."""
        for customer in self.customers:
            yield from customer.billing_links
            yield from customer.shipping_links
            yield from (contact.cid for contact in customer.contacts)
        for part in self.parts:
            yield part.uniq_key
            yield from (m.uniqmfgrhd for m in part.manufacturers)
        for warehouse in self.warehouses:
            yield from (warehouse.uniqwh, warehouse.w_key)
        for supplier in self.suppliers:
            yield supplier.uniqsupno
            yield from (*supplier.remit_links, *supplier.confirm_links)
            yield from (*supplier.receive_links, *supplier.bill_links)


#: Master data of every sandbox instance. Customers 0000000001 and 0000000002; parts PCB-1001 in
#: revisions A and B, RES-10K-0603 rev B and CBL-2040 rev C; warehouses MAIN1 and STAGE; buyers
#: "Rivera, Ana" and "Chen, Marcus"; approvers JDS and AR; suppliers Baltic Components and Keystone
#: Supply. Seed keys are "_" and nine characters, as on a ManEx system; generated keys have no "_".
SEED = Seed(
    customers=(
        Customer(
            custno="0000000001",
            name="Northwind Controls",
            billing_links=("_1BL000001", "_1BL000002"),
            shipping_links=("_1SL000001", "_1SL000002"),
            contacts=(Contact("_1CT000001", "Dana", "Whitfield"), Contact("_1CT000002", "Omar", "Haddad")),
            terms="NET 30",
            ship_via="UPS-GRND TRACK",
            bill_account="NWC-UPS-4471",
        ),
        Customer(
            custno="0000000002",
            name="Harbor Medical Devices",
            billing_links=("_2BL000001",),
            shipping_links=("_2SL000001",),
            contacts=(Contact("_2CT000001", "Lena", "Brandt"),),
            terms="NET 15",
            ship_via="FEDX-STD",
            bill_account="HMD-FDX-0093",
        ),
    ),
    parts=(
        Part(
            part_no="PCB-1001",
            revision="A",
            uniq_key="_1PCB1001A",
            description="Controller board",
            unit="EACH",
            source="MAKE",
            package="TRAY",
            part_class="PCBA",
            part_type="ASSY",
            manufacturers=(
                Manufacturer("_1MF100101", "GENR", "PCB-1001"),
                Manufacturer("_1MF100102", "ACME", "AC-1001-A"),
            ),
        ),
        Part(
            part_no="PCB-1001",
            revision="B",
            uniq_key="_4PCB1001B",
            description="Controller board, lead-free",
            unit="EACH",
            source="MAKE",
            package="TRAY",
            part_class="PCBA",
            part_type="ASSY",
            manufacturers=(Manufacturer("_4MF100101", "GENR", "PCB-1001"),),
        ),
        Part(
            part_no="RES-10K-0603",
            revision="B",
            uniq_key="_2RES10K0B",
            description="Resistor 10K 0603",
            unit="EACH",
            source="BUY",
            package="REEL",
            part_class="RES",
            part_type="SMT",
            manufacturers=(
                Manufacturer("_2MF10K001", "YAGEO", "RC0603FR-0710KL"),
                Manufacturer("_2MF10K002", "VISHAY", "CRCW060310K0FKEA"),
            ),
        ),
        Part(
            part_no="CBL-2040",
            revision="C",
            uniq_key="_3CBL2040C",
            description="Ribbon cable 40 way",
            unit="FT",
            source="BUY",
            package="BULK",
            part_class="CABLE",
            part_type="RIBBON",
            manufacturers=(Manufacturer("_3MF204001", "GENR", "CBL-2040"),),
        ),
    ),
    warehouses=(
        Warehouse("MAIN1", "_0WH0MAIN1", "_0WK0MAIN1", ("A1", "B2")),
        Warehouse("STAGE", "_0WH0STAGE", "_0WK0STAGE", ("DOCK",)),
    ),
    buyers=(Buyer("Rivera", "Ana"), Buyer("Chen", "Marcus")),
    approver_initials=("JDS", "AR"),
    suppliers=(
        Supplier(
            sup_name="Baltic Components",
            uniqsupno="_1SUP00001",
            supid="0000000003",
            sup_type="DISTRIBUTOR",
            status="APPROVED",
            terms="NET 30",
            remit_links=("_1RMT00001", "_1RMT00002"),
            confirm_links=("_1CNF00001",),
            receive_links=("_1RCV00001",),
            bill_links=("_1BIL00001",),
        ),
        Supplier(
            sup_name="Keystone Supply",
            uniqsupno="_2SUP00002",
            supid="0000000005",
            sup_type="INDEPENDENT REP",
            status="APPROVED",
            terms="NET 45",
            remit_links=("_2RMT00001",),
            confirm_links=("_2CNF00001",),
            receive_links=("_2RCV00001",),
            bill_links=("_2BIL00001",),
        ),
    ),
)


# ── sales orders ─────────────────────────────────────────────────────────────────────────────


@dataclass
class Price:
    plpricelnk: str
    uniqueln: str
    price: Decimal
    taxable: bool = False
    flat: bool = False
    record_type: str = "P"
    sale_type: str = ""
    extended: Decimal | None = None  # None: computed from the line's quantity


@dataclass
class DueDate:
    duedt_uniq: str
    uniqueln: str
    due: date
    ship: date
    commit: date
    qty: Decimal


@dataclass
class SoItem:
    uniqueln: str
    line_no: int
    part: Part
    uofmeas: str
    description: str
    status: str
    fstduedt: date
    deliv_time: str
    w_key: str
    ord_qty: Decimal = Decimal(0)
    each_qty: Decimal = Decimal(0)
    shipped_qty: Decimal = Decimal(0)
    trans_days: int = 1
    deli_freq: str = ""
    note: str = ""
    prices: list[Price] = field(default_factory=list)
    due_dates: list[DueDate] = field(default_factory=list)

    @property
    def balance(self) -> Decimal:
        return self.ord_qty - self.shipped_qty

    @property
    def scheduled(self) -> Decimal:
        return sum((d.qty for d in self.due_dates), Decimal(0))


@dataclass
class SalesOrder:
    sono: int
    customer: Customer
    blinkadd: str
    slinkadd: str
    order_date: datetime
    saved: datetime
    terms: str
    ship_via: str
    poack: bool = False
    pono: str = ""
    sonote: str = ""
    fob: str = ""
    ship_charge: str = ""
    sofoot: str = ""
    deliv_time: str = ""
    buyer: str = ""
    attention: str = ""
    discount: Decimal = Decimal(0)
    approved: bool = False
    approver: str = ""
    approved_on: datetime | None = None
    ackpo_doc: str = ""
    bill_account: str = ""
    changed: datetime | None = None
    items: list[SoItem] = field(default_factory=list)


# ── purchase orders ──────────────────────────────────────────────────────────────────────────


@dataclass
class PoSchedule:
    uniqdetno: str
    schd_date: date
    req_date: date
    schd_qty: Decimal
    origcommitdt: date
    warehouse: Warehouse | None = None
    location: str = ""
    notes: str = ""
    recd_qty: Decimal = Decimal(0)


@dataclass
class PoItem:
    uniqlnno: str
    itemno: int
    poittype: str  # Invt Part, MRO or Services
    part: Part
    manufacturer: Manufacturer  # one of the part's
    ord_qty: Decimal
    package: str
    u_of_meas: str
    pur_uofm: str
    costeach: Decimal = Decimal(0)
    overage: Decimal = Decimal(0)
    pur_ltime: int = 0
    pur_lunit: str = ""
    minorder: Decimal = Decimal(0)
    ordmult: Decimal = Decimal(0)
    is_tax: bool = False
    isfirm: bool = False
    firstarticle: bool = False
    update_plt: bool = False
    update_min_ord_mult: bool = False
    update_material_cost: bool = False
    update_target_price: bool = False
    supplier_part_number: str = ""
    inspexcnote: str = ""
    inspexcdoc: str = ""
    recv_qty: Decimal = Decimal(0)
    schedules: list[PoSchedule] = field(default_factory=list)


@dataclass
class PurchaseOrder:
    ponum: int
    pounique: str
    supplier: Supplier
    po_date: datetime
    verdate: datetime  # when the PO last changed
    terms: str
    remit_link: str
    confirm_link: str
    receive_link: str
    bill_link: str
    status: str = "OPEN"
    buyer: str = ""
    conf_name: str = ""
    freight_included: bool = False
    deltime: str = ""
    fob: str = ""
    ship_via: str = ""
    ship_charge: str = ""
    shipping_amount: Decimal = Decimal(0)
    shipping_taxable: bool = False
    shipping_tax_pct: Decimal = Decimal(0)
    version: int = 1
    changes: str = ""
    items: list[PoItem] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        lines = sum((item.costeach * item.ord_qty for item in self.items), Decimal(0))
        return lines + self.shipping_amount


# ── keys and the ERP ─────────────────────────────────────────────────────────────────────────


class KeyMaker:
    """Unique 10-character keys of A-Z and 0-9, the same sequence for every instance."""

    def __init__(self, taken: Iterator[str], seed: int = _KEY_SEED) -> None:
        self._random = random.Random(seed)
        self._taken = set(taken)

    def __call__(self) -> str:
        while True:
            key = "".join(self._random.choices(_KEY_ALPHABET, k=KEY_LENGTH))
            if key not in self._taken:
                self._taken.add(key)
                return key


def _now() -> datetime:
    # Minutes only: the ERP's examples store times without seconds.
    return datetime.now().replace(second=0, microsecond=0)


class Erp:
    """Sales and purchase orders over the seed's master data; callers serialise access."""

    def __init__(self, seed: Seed = SEED, clock: Callable[[], datetime] = _now) -> None:
        self.seed = seed
        self.clock = clock
        self.new_key = KeyMaker(seed.keys())
        self.sales_orders: dict[int, SalesOrder] = {}
        self.purchase_orders: dict[int, PurchaseOrder] = {}

    # ── master data lookups (names compare case-insensitively, keys exactly) ────────────────

    def customer(self, custno: str) -> Customer | None:
        return next((c for c in self.seed.customers if c.custno == custno), None)

    def customer_named(self, name: str) -> Customer | None:
        return next((c for c in self.seed.customers if c.name.casefold() == name.casefold()), None)

    def part(self, uniq_key: str) -> Part | None:
        return next((p for p in self.seed.parts if p.uniq_key == uniq_key), None)

    def parts_numbered(self, part_no: str) -> list[Part]:
        return [p for p in self.seed.parts if p.part_no.casefold() == part_no.casefold()]

    def parts_with_mfgr_pt_no(self, mfgr_pt_no: str) -> list[Part]:
        wanted = mfgr_pt_no.casefold()
        return [p for p in self.seed.parts if any(m.mfgr_pt_no.casefold() == wanted for m in p.manufacturers)]

    def warehouse_named(self, name: str) -> Warehouse | None:
        return next((w for w in self.seed.warehouses if w.name.casefold() == name.casefold()), None)

    def warehouse_by_w_key(self, w_key: str) -> Warehouse | None:
        return next((w for w in self.seed.warehouses if w.w_key == w_key), None)

    def buyer_named(self, name: str) -> Buyer | None:
        return next((b for b in self.seed.buyers if b.name.casefold() == name.casefold()), None)

    def is_approver(self, initials: str) -> bool:
        return initials.casefold() in {i.casefold() for i in self.seed.approver_initials}

    def supplier_named(self, name: str) -> Supplier | None:
        return next((s for s in self.seed.suppliers if s.sup_name.casefold() == name.casefold()), None)

    # ── documents ───────────────────────────────────────────────────────────────────────────

    def next_sono(self) -> int:
        return max(self.sales_orders, default=0) + 1

    def next_ponum(self) -> int:
        return max(self.purchase_orders, default=0) + 1

    def so_items(self) -> Iterator[tuple[SalesOrder, SoItem]]:
        for order in self.sales_orders.values():
            for item in order.items:
                yield order, item

    def so_item(self, uniqueln: str) -> tuple[SalesOrder, SoItem] | None:
        return next(((o, i) for o, i in self.so_items() if i.uniqueln == uniqueln), None)

    def price(self, plpricelnk: str) -> tuple[SalesOrder, SoItem, Price] | None:
        for order, item in self.so_items():
            for price in item.prices:
                if price.plpricelnk == plpricelnk:
                    return order, item, price
        return None

    def due_date(self, duedt_uniq: str) -> tuple[SalesOrder, SoItem, DueDate] | None:
        for order, item in self.so_items():
            for due in item.due_dates:
                if due.duedt_uniq == duedt_uniq:
                    return order, item, due
        return None

    def purchase_order_by_unique(self, pounique: str) -> PurchaseOrder | None:
        return next((po for po in self.purchase_orders.values() if po.pounique == pounique), None)

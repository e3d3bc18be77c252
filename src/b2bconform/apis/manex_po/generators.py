"""Valid ManEx Purchase Order parameters: PO Add (with its items and their schedules), PO Item Add and
PO Schedule Add.

Documents are built as apis/manex_po/contract reads them (lower-case names: ``/poitemslist/*/poittype``)
so that a mutation derived from a rule finds what it breaks; ``b2bconform.apis.manex_erp.generators.call``
sends them. ``full`` documents carry every optional parameter a rule judges, so that every request
rule has something to break. Master data comes from a ``Seed``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from b2bconform import clock
from b2bconform.apis.manex_erp.generators import (
    _MDY,
    _free_text,
    _maybe,
    _money,
    _quantity,
    _working_day,
    documented_values,
)
from b2bconform.apis.manex_erp.sandbox.erp import Part, Seed
from b2bconform.engine.formats import get_format
from b2bconform.references import TestTag

__all__ = [
    "ITEM_FLAGS",
    "lead_time",
    "po_add",
    "po_item",
    "po_item_add",
    "schedule_add",
    "skip_without_record",
]

API = "manex_po"
# the contract's enumerations, read once (strategies are rebuilt for every example)
_ITEM_TYPES = {
    nested: documented_values(API, path)
    for nested, path in ((True, "/poitemslist/*/poittype"), (False, "/poittype"))
}
_PACKAGES = documented_values(API, "/package")
_UNITS = documented_values(API, "/u_of_meas")
_TERMS = documented_values(API, "/terms")
# the item flags (ITM-020): true or false in any case, or 1 or 0
ITEM_FLAGS = (
    "is_tax",
    "isfirm",
    "firstarticle",
    "updateplt",
    "updateminordmult",
    "updatematerialcost",
    "updatetargetprice",
)
_FLAG = st.sampled_from(["true", "false", "True", "FALSE", "1", "0"])


def lead_time() -> st.SearchStrategy[str]:
    """pur_ltime: digits and a unit, DY, WK or MO, in any case ("2WK", "10mo")."""
    units = st.sampled_from(["DY", "WK", "MO"]).flatmap(lambda unit: st.sampled_from([unit, unit.lower()]))
    return st.builds(lambda n, unit: f"{n}{unit}", st.integers(1, 26), units)


def _optional(
    draw: st.DrawFn, document: dict[str, Any], optional: dict[str, st.SearchStrategy[Any]], *, full: bool
) -> None:
    for name, values in optional.items():
        if full:
            document[name] = draw(values)
        else:
            _maybe(draw, document, name, values)


@st.composite
def po_item(draw: st.DrawFn, seed: Seed, *, nested: bool, full: bool = False) -> dict[str, Any]:
    """One PO item: as a POItemsList entry of PO Add (``nested``) or as PO Item Add's parameters.

    PO Add's entries spell the revision ``Rev`` and may carry their schedules (``PoitschdList``);
    PO Item Add spells it ``revision`` and takes the optional item members.
    """
    part: Part = draw(st.sampled_from(seed.parts))
    maker = draw(st.sampled_from(part.manufacturers))
    ordered = draw(_quantity(2, 1000))
    document: dict[str, Any] = {
        "poittype": draw(st.sampled_from(_ITEM_TYPES[nested])),
        "part_no": part.part_no,
        ("rev" if nested else "revision"): part.revision,
        "uniqmfgrhd": maker.uniqmfgrhd,
        "ord_qty": str(ordered),
    }
    if nested:
        if full or draw(st.booleans()):
            # each schedule within the item's quantity (PO-014 bounds each one, not their sum)
            document["poitschdlist"] = [
                {
                    "schd_qty": str(draw(st.integers(1, ordered))),
                    "schd_date": _working_day(clock.today(), draw(st.integers(5, 60))).strftime(_MDY),
                }
            ]
        return document
    _optional(
        draw,
        document,
        {
            "costeach": _money(),
            "package": st.sampled_from(_PACKAGES),
            "u_of_meas": st.sampled_from(_UNITS),
            "pur_ltime": lead_time(),
            "overage": st.integers(0, 10).map(str),
            "minorder": st.integers(0, 10).map(str),
            "ordmult": st.integers(0, 10).map(str),
            "supplierpartnumber": _free_text(20),
            **{flag: _FLAG for flag in ITEM_FLAGS},
        },
        full=full,
    )
    return document


@st.composite
def po_add(draw: st.DrawFn, seed: Seed, tag: TestTag, *, full: bool = False) -> dict[str, Any]:
    """PO Add: a seeded supplier, one to three items; ``confirmName`` carries the run tag (free text),
    so that the run's POs can be told from others."""
    supplier = draw(st.sampled_from(seed.suppliers))
    buyer = draw(st.sampled_from(seed.buyers))
    document: dict[str, Any] = {
        "supname": supplier.sup_name,
        "confirmname": tag.next(20),
        "poitemslist": draw(st.lists(po_item(seed, nested=True, full=full), min_size=1, max_size=3)),
    }
    _optional(
        draw,
        document,
        {
            "podate": st.integers(0, 10).map(lambda d: (clock.today() - timedelta(days=d)).strftime(_MDY)),
            "freightincluded": st.sampled_from(["0", "1"]),
            "buyername": st.just(f"{buyer.last_name}, {buyer.first_name}"),
            "deliverytime": get_format("hh-mm-24h").valid(),
            "terms": st.sampled_from(_TERMS),
            "shippingamount": _money(),
            "remittolink": st.sampled_from(supplier.remit_links),
            "receivetolink": st.sampled_from(supplier.receive_links),
            "billtolink": st.sampled_from(supplier.bill_links),
        },
        full=full,
    )
    if full or draw(st.booleans()):
        # a percentage other than zero needs the flag (PO-004)
        document["isshippingtaxable"] = "1"
        document["shippingtaxpct"] = draw(st.decimals(Decimal("0.01"), Decimal("15.00"), places=2).map(str))
    return document


@st.composite
def po_item_add(draw: st.DrawFn, seed: Seed, ponum: str, *, full: bool = False) -> dict[str, Any]:
    """PO Item Add: a seeded part added to PO ``ponum``."""
    return {"ponum": ponum, **draw(po_item(seed, nested=False, full=full))}


@st.composite
def schedule_add(
    draw: st.DrawFn, seed: Seed, ponum: str, uniqlnno: str, ordered: int, *, full: bool = False
) -> dict[str, Any]:
    """PO Schedule Add: at most ``ordered`` (the item's quantity) on a working day, maybe at a seeded
    warehouse and location."""
    warehouse = draw(st.sampled_from(seed.warehouses))
    day = _working_day(clock.today(), draw(st.integers(5, 60))).strftime(_MDY)
    document: dict[str, Any] = {
        "ponum": ponum,
        "uniqlnno": uniqlnno,
        "schd_qty": str(draw(st.integers(1, max(1, ordered)))),
    }
    _optional(
        draw,
        document,
        {
            "schd_date": st.just(day),
            "req_date": st.just(day),
            "origcommitdt": st.just(day),
            "warehouse": st.just(warehouse.name),
            "schdnotes": _free_text(40),
        },
        full=full,
    )
    if "warehouse" in document and (full or draw(st.booleans())):
        document["location"] = draw(st.sampled_from(warehouse.locations))  # only with its warehouse
    return document


def skip_without_record(created: Any) -> None:
    """PO Main Add prints no answer: one with no record (ResponseObject null) follows ENV-019's other
    reading, a discrepancy judged there. What needs the new PO's number cannot run: skipped, not failed."""
    if created is None:
        import pytest

        pytest.skip("PO Add answered no record (ENV-019's other reading): the new PO's number is unknown")

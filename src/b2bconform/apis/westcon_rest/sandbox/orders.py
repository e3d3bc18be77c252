"""The sandbox's order book: the fixed seed orders per partner, their lookups, and the line rendering."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

__all__ = [
    "LINE_MEMBERS",
    "NO_PARENT",
    "PARTNER_KEYS",
    "SEED",
    "STATUS_DESCRIPTIONS",
    "Line",
    "Order",
    "OrderBook",
    "OrderType",
    "Seed",
    "render_line",
    "seed_orders",
]

OrderType = Literal["W", "C"]

#: lineStatusCode -> lineStatusDescription (INV and SHI are the documented pair; the rest are ours).
STATUS_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {"INV": "Invoiced", "SHI": "Shipped", "OPN": "Open", "BCK": "Backordered"}
)

#: parentERPLine of a line that is no component of another.
NO_PARENT = "000000"

#: The 13 members of every response line, in the documented order.
LINE_MEMBERS: tuple[str, ...] = (
    "eRPOrderNumber",
    "eRPOrderLineNumber",
    "customerOrderNumber",
    "customerLineNumber",
    "eRPProductNumber",
    "lineQuantity",
    "unitOfMeasure",
    "lineStatusCode",
    "lineStatusDescription",
    "statusDate",
    "shipDate",
    "billingDocument",
    "parentERPLine",
)

#: The partnerKey of each site (sandbox-only demo values: 18 digits, as the documented key has).
PARTNER_KEYS: tuple[str, ...] = ("000000000000100003", "000000000000200007")


@dataclass(frozen=True)
class Line:
    number: str  # eRPOrderLineNumber, 6 digits: "000010"
    product: str
    quantity: Decimal
    status: str  # 3 upper-case letters, a key of STATUS_DESCRIPTIONS
    status_date: date
    ship_date: date | None = None  # None: not shipped yet
    billing_document: str = ""  # 10 digits once invoiced
    parent: str = NO_PARENT
    customer_line: str = ""
    unit: str = "EA"


@dataclass(frozen=True)
class Order:
    partner: str  # the partnerKey owning the order
    erp_number: str  # Westcon order number, 10 digits: "0000600004"
    customer_number: str  # the partner's own order number
    lines: tuple[Line, ...]


def _invoiced(number: str, product: str, quantity: int, billing: str) -> Line:
    return Line(number, product, Decimal(quantity), "INV", date(2026, 11, 20), date(2026, 11, 18), billing)


def _shipped(number: str, product: str, quantity: int, parent: str = NO_PARENT) -> Line:
    return Line(
        number, product, Decimal(quantity), "SHI", date(2026, 11, 14), date(2026, 11, 14), parent=parent
    )


def seed_orders() -> tuple[Order, ...]:
    """Every order the sandbox knows; all dates fixed so that answers are deterministic."""
    first, second = PARTNER_KEYS
    return (
        Order(
            first,
            "0000600004",
            "RB1024-03",
            (
                _invoiced("000010", "C9300-24T-E", 2, "0090000017"),
                _invoiced("000020", "PWR-C1-350WAC-P", 2, "0090000017"),
            ),
        ),
        Order(
            first,
            "0000600009",
            "VC REGULAR MFR SN",
            (_shipped("000010", "UCSC-C220-M5SX", 1), _shipped("000020", "CAB-9K10A-EU", 2)),
        ),
        # One customer order (PO-77812) split into two Westcon orders, lines in several statuses.
        Order(
            first,
            "0000600015",
            "PO-77812",
            (
                Line("000010", "C9200L-48P-4G-E", Decimal(5), "OPN", date(2026, 11, 5), customer_line="1"),
                Line("000020", "GLC-TE=", Decimal(12), "BCK", date(2026, 11, 9), customer_line="2"),
                _shipped("000030", "C9200-24P-E", 1),
                _shipped("000031", "C9200-NM-4G", 1, parent="000030"),  # a component of 000030
            ),
        ),
        Order(first, "0000600016", "PO-77812", (_invoiced("000010", "STACK-T4-1M", 4, "0090000023"),)),
        Order(second, "0000700001", "OTHER-PARTNER-1", (_shipped("000010", "MR46-HW", 3),)),
    )


def _westcon_key(number: str) -> str:
    """Westcon numbers compare without blanks and leading zeros ("600004" = "0000600004")."""
    return number.strip().lstrip("0")


def _matches(order: Order, number: str, order_type: OrderType) -> bool:
    if order_type == "W":
        key = _westcon_key(number)
        return bool(key) and _westcon_key(order.erp_number) == key
    return order.customer_number == number.strip()


class OrderBook:
    """The seed orders (immutable) and the lookups of getOrderStatus."""

    def __init__(self, orders: Iterable[Order] | None = None) -> None:
        self.orders: tuple[Order, ...] = tuple(seed_orders() if orders is None else orders)

    def find(self, partner: str | None, numbers: Iterable[str], order_type: OrderType) -> list[Order]:
        """The orders matching the numbers, in query order, each once; partner None: any partner's.

        W: by Westcon order number, leading zeros ignored; C: by customer order number, exactly.
        A number of one kind queried as the other finds nothing.
        """
        own = [order for order in self.orders if partner is None or order.partner == partner]
        found: list[Order] = []
        for number in numbers:
            for order in own:
                if _matches(order, number, order_type) and order not in found:
                    found.append(order)
        return found


def _quantity(quantity: Decimal) -> str:
    # The vendor pads with spaces to width 6 (" 2.000"); never with zeros.
    return f"{quantity:.3f}".rjust(6)


def render_line(order: Order, line: Line) -> dict[str, str]:
    """One MT_OrderStatus_Response entry: all 13 members, every one a string."""
    description = STATUS_DESCRIPTIONS[line.status]
    billing = line.billing_document
    ship_date = line.ship_date.strftime("%Y%m%d") if line.ship_date is not None else ""
    status_format = "%Y%m%d"
    out = {
        "eRPOrderNumber": order.erp_number,
        "eRPOrderLineNumber": line.number,
        "customerOrderNumber": order.customer_number,
        "customerLineNumber": line.customer_line,
        "eRPProductNumber": line.product,
        "lineQuantity": _quantity(line.quantity),
        "unitOfMeasure": line.unit,
        "lineStatusCode": line.status,
        "lineStatusDescription": description,
        "statusDate": line.status_date.strftime(status_format),
        "shipDate": ship_date,
        "billingDocument": billing,
        "parentERPLine": line.parent,
    }
    return out


@dataclass(frozen=True)
class Seed:
    """What a suite needs to know about the seed, without reading the order book."""

    partner_keys: tuple[str, ...]  # per site
    westcon_numbers: tuple[str, ...]  # partner 0's Westcon order numbers, 10 digits as answered
    customer_numbers: tuple[str, ...]  # partner 0's customer order numbers, each once
    other_partner_westcon_number: str  # an order of partner 1 only
    other_partner_customer_number: str
    orders: tuple[Order, ...] = field(repr=False)

    def lines_of(self, number: str, order_type: OrderType | None = None) -> int:
        """How many lines a query of `number` returns to its owner; order_type None: as a Westcon
        number when one matches, else as a customer number."""
        book = OrderBook(self.orders)
        kinds: tuple[OrderType, ...] = ("W", "C") if order_type is None else (order_type,)
        for kind in kinds:
            found = book.find(None, [number], kind)
            if found:
                return sum(len(order.lines) for order in found)
        return 0


def _seed() -> Seed:
    orders = seed_orders()
    first = [order for order in orders if order.partner == PARTNER_KEYS[0]]
    other = next(order for order in orders if order.partner == PARTNER_KEYS[1])
    return Seed(
        partner_keys=PARTNER_KEYS,
        westcon_numbers=tuple(order.erp_number for order in first),
        customer_numbers=tuple(dict.fromkeys(order.customer_number for order in first)),
        other_partner_westcon_number=other.erp_number,
        other_partner_customer_number=other.customer_number,
        orders=orders,
    )


SEED = _seed()

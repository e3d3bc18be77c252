"""The sandbox's order book: the seed orders per account, the 5.2 status table, and the lookups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

__all__ = [
    "STATUS_DESCRIPTIONS",
    "Line",
    "Order",
    "OrderBook",
    "OrderNumberKind",
    "Schedule",
    "Serial",
    "seed_orders",
]

OrderNumberKind = Literal["W", "C"]

#: 5.2 Order Status: code -> description, for header, line and schedule line statuses alike.
STATUS_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "00": "Inactive",
        "11": "Finance Review",
        "21": "Sales Review",
        "22": "Sales Review",
        "23": "Sales Review",
        "24": "Sales Review",
        "25": "Sales Review",
        "31": "Backordered",
        "32": "PO Created",
        "41": "Scheduled",
        "42": "Scheduled",
        "51": "PO Created",
        "52": "Released",
        "53": "Sales Review",
        "61": "Finance Review",
        "71": "Released",
        "72": "Released",
        "73": "Invoiced",
        "74": "Invoiced",
    }
)


@dataclass(frozen=True)
class Serial:
    serial_number: str  # String(20)
    mac_address: str  # String(20), e.g. FF:AC:BB:22:33:44


@dataclass(frozen=True)
class Schedule:
    number: str  # WestconScheduleLineNumber, zero-padded: "0001"
    delivery: date
    quantity: Decimal
    status: str | None  # 3.2: not every schedule line carries a status


@dataclass(frozen=True)
class Line:
    number: str  # ERPOrderLineNumber, zero-padded: "000010"
    product: str  # ERPProductNumber, String(18)
    quantity: Decimal
    status: str
    schedules: tuple[Schedule, ...]
    serials: tuple[Serial, ...] = ()
    unit: str = "EA"


@dataclass(frozen=True)
class Order:
    account: str  # the customer account (the WS-Security username)
    erp_number: str  # Westcon order number, digits without padding: "704571"
    customer_number: str  # the customer's own order (PO) number
    status: str
    order_type: Literal["ZOR", "ZRE"]
    lines: tuple[Line, ...]

    @property
    def padded_erp_number(self) -> str:
        return self.erp_number.zfill(10)


def seed_orders() -> tuple[Order, ...]:
    """The orders every sandbox instance starts with (and returns to on reset)."""
    return (
        # The order the document's sample request asks for; content after the sample response.
        Order(
            "1001065",
            "704571",
            "897879",
            "22",
            "ZOR",
            (
                Line(
                    "000010",
                    "MB100",
                    Decimal("1"),
                    "22",
                    (Schedule("0001", date(2016, 5, 31), Decimal("0"), "22"),),
                ),
            ),
        ),
        Order(
            "1001065",
            "543814",
            "PO-4471",
            "71",
            "ZOR",
            (
                Line(
                    "000010",
                    "CP-7975G=",
                    Decimal("2"),
                    "71",
                    (Schedule("0001", date(2026, 11, 2), Decimal("2"), "71"),),
                    (
                        Serial("FCH1734A0K1", "FF:AC:BB:22:33:44"),
                        Serial("FCH1734A0K2", "FF:AC:BB:22:33:45"),
                    ),
                ),
                Line(
                    "000020",
                    "WS-C2960X-24TS-L",
                    Decimal("10"),
                    "73",
                    (Schedule("0001", date(2026, 10, 20), Decimal("10"), "73"),),
                ),
            ),
        ),
        Order(
            "1001065",
            "600100",
            "RMA-2201",
            "41",
            "ZRE",
            (
                Line(
                    "000010",
                    "CP-8845-K9=",
                    Decimal("1"),
                    "41",
                    (Schedule("0001", date(2026, 12, 1), Decimal("1"), "41"),),
                ),
            ),
        ),
        Order(
            "2002002",
            "800200",
            "PO-9001",
            "52",
            "ZOR",
            (
                Line(
                    "000010",
                    "C9200L-24T-4G-E",
                    Decimal("3"),
                    "52",
                    (Schedule("0001", date(2026, 11, 15), Decimal("3"), "52"),),
                ),
            ),
        ),
    )


def _westcon_key(number: str) -> str:
    """Westcon numbers compare without surrounding blanks and leading zeros (704571 = 0000704571)."""
    return number.strip().lstrip("0")


@dataclass
class OrderBook:
    orders: list[Order] = field(default_factory=lambda: list(seed_orders()))

    def add(self, order: Order) -> None:
        self.orders.append(order)

    def has_account(self, account: str) -> bool:
        return any(order.account == account for order in self.orders)

    def find(self, account: str, numbers: Iterable[str], kind: OrderNumberKind) -> list[Order]:
        """The account's orders matching the numbers queried, in query order, each once.

        W: by Westcon order number, leading zeros ignored; C: by customer order number, exactly.
        A number of one kind queried as the other is not found.
        """
        own = [order for order in self.orders if order.account == account]
        found: list[Order] = []
        for number in numbers:
            for order in own:
                if kind == "W":
                    key = _westcon_key(number)
                    hit = bool(key) and _westcon_key(order.erp_number) == key
                else:
                    hit = order.customer_number == number.strip()
                if hit and order not in found:
                    found.append(order)
        return found

    def get(self, account: str, erp_number: str) -> Order | None:
        return next(iter(self.find(account, [erp_number], "W")), None)

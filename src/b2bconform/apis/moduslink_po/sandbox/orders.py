"""The sandbox's order book: accepted orders, their requestIds, and the read-driven status walk."""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from b2bconform.engine.formats import get_format
from b2bconform.engine.model import Exchange, Headers, Response
from b2bconform.sandboxes.refusals import as_sent

__all__ = ["FIRST_REQUEST_ID", "OrderBook", "ReadOptions", "StoredOrder", "render_detail"]

FIRST_REQUEST_ID = 3201413  # the vendor's 202 example
DEFAULT_UOM = "EA"
API = "moduslink_po"


@dataclass
class StoredOrder:
    request_id: str
    request: dict[str, Any]  # the clientRequest object as sent (a private deep copy)
    created: datetime
    reads: int = 0
    confirmed: datetime | None = None
    goods_received: datetime | None = None

    @property
    def header(self) -> dict[str, Any]:
        header: dict[str, Any] = self.request["requestHeader"]
        return header

    @property
    def order_id(self) -> str:
        # Deterministic ERP number: "45" and eight digits derived from the requestId.
        return f"45{int(self.request_id) % 10**8:08d}"

    def read(self, now: datetime) -> str:
        """Count one read and return the status it reveals: created, confirmed, then goodsreceived."""
        self.reads += 1
        if self.reads >= 2 and self.confirmed is None:
            self.confirmed = now
        if self.reads >= 3 and self.goods_received is None:
            self.goods_received = now
        if self.goods_received is not None:
            return "goodsreceived"
        return "confirmed" if self.confirmed is not None else "created"


@dataclass
class OrderBook:
    """Orders by requestId, and the creations accepted, as the exchanges the contract's rules on
    state read (a repeated requestReference is the contract's ``unique`` rule to judge)."""

    orders: dict[str, StoredOrder] = field(default_factory=dict)
    next_id: int = FIRST_REQUEST_ID
    accepted: deque[Exchange] = field(default_factory=deque)

    def has_external_reference(self, reference: str) -> bool:
        return any(
            order.header.get("externalMessageReference") == reference for order in self.orders.values()
        )

    def add(self, body: dict[str, Any], operation: str, now: datetime) -> StoredOrder:
        """Store the order ``body`` (a createPurchaseOrder request body, accepted) creates."""
        order = StoredOrder(str(self.next_id), copy.deepcopy(body["clientRequest"]), now)
        self.orders[order.request_id] = order
        self.next_id += 1
        answered = Response(202, Headers([]), b"")
        self.accepted.append(Exchange(API, as_sent(body), answered, operation=operation))
        return order

    def get(self, request_id: str) -> StoredOrder | None:
        return self.orders.get(request_id)


@dataclass(frozen=True)
class ReadOptions:
    """How an order is rendered; the faults on the read side switch one of these."""

    timestamp: Callable[[datetime], str]
    default_uom: str = DEFAULT_UOM  # what an item sent without quantity.uom reads back with


def render_detail(order: StoredOrder, status: str, options: ReadOptions) -> dict[str, Any]:
    """The PurchaseOrderDetail body of a GET: requestControl, requestHeader, order, item."""
    return {
        "requestControl": {"externalMessageReference": order.header["externalMessageReference"]},
        "requestHeader": _header(order, status, options),
        "order": _order(order, status, options),
        "item": [_item(item, options) for item in order.request["item"]],
    }


def _header(order: StoredOrder, status: str, options: ReadOptions) -> dict[str, Any]:
    sent = order.header
    header: dict[str, Any] = {"requestType": "PO", "requestStatus": status}
    if "client" in sent:
        header["client"] = sent["client"]
    header["requestReference"] = sent["requestReference"]
    # Only a valid value is shown: under the accepts-offset-timestamp fault an offset may have been
    # stored, and echoing it would break the read-side timestamp rule as well.
    if get_format("utc-datetime").validate(sent.get("dateTimeSent")) is None:
        header["dateTimeSent"] = sent["dateTimeSent"]
    header["dateTimeCreated"] = options.timestamp(order.created)
    if order.confirmed is not None:
        header["dateTimeConfirmed"] = options.timestamp(order.confirmed)
    if order.goods_received is not None:
        header["dateTimeGoodsReceived"] = options.timestamp(order.goods_received)
    return header


def _order(order: StoredOrder, status: str, options: ReadOptions) -> dict[str, Any]:
    sent: dict[str, Any] = order.request["order"]
    out: dict[str, Any] = {}
    if "custReference" in sent:
        out["custReference"] = sent["custReference"]
    out["status"] = status
    if "note" in sent:
        out["note"] = copy.deepcopy(sent["note"])
    if order.confirmed is not None:
        out["orderId"] = order.order_id
        out["dateTimeConfirmed"] = options.timestamp(order.confirmed)
    return out


def _item(sent: dict[str, Any], options: ReadOptions) -> dict[str, Any]:
    item = copy.deepcopy(sent)
    quantity = item.get("quantity")
    if isinstance(quantity, dict):
        quantity.setdefault("uom", options.default_uom)  # the documented default, EA
    return item

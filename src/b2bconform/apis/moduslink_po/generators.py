"""Valid ModusLink purchase orders: drawn from the contract (``b2bconform.strategies``), and one
fixed order for tests that need an order, not a search."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from b2bconform.references import TestTag
from b2bconform.strategies import request_bodies

__all__ = ["ORDERS_PATH", "create_order", "sample_order"]

API = "moduslink_po"
ORDERS_PATH = "/purchaseapi/v1/orders"


def create_order(tag: TestTag) -> st.SearchStrategy[dict[str, Any]]:
    """A create-order body that breaks no rule, drawn from the spec; references unique per draw."""
    return request_bodies(API, "createPurchaseOrder", tag)


def sample_order(tag: TestTag, *, items: int = 1) -> dict[str, Any]:
    """One fixed, valid order with fresh references, for tests that need an order, not a search."""
    return {
        "clientRequest": {
            "requestHeader": {
                "externalMessageReference": tag.next(),
                "client": "B2BCONFORM",
                "requestReference": tag.next(),
                "dateTimeSent": "2026-01-15T09:30:00Z",
            },
            "order": {"custReference": "QA-1", "note": [{"noteType": "F01", "value": "run=" + tag.run_id}]},
            "item": [
                {
                    "itemId": str(index),
                    "sku": f"SKU{index:05d}",
                    "clientItemRef": str(index),
                    "quantity": {"uom": "EA", "value": "1"},
                    "itemDeliveryDate": "2026-02-01",
                    "notes": [{"noteType": "F06", "value": "handle with care"}],
                }
                for index in range(1, items + 1)
            ],
        }
    }

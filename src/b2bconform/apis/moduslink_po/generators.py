"""Valid ModusLink purchase orders, built from the format library.

Every optional member the document defines is always present, so that a mutation can find an
element to break for every request rule.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from b2bconform.engine.formats import bounded_string, get_format
from b2bconform.references import TestTag

__all__ = ["ORDERS_PATH", "create_order", "sample_order"]

ORDERS_PATH = "/purchaseapi/v1/orders"
_text = st.text(alphabet=st.characters(codec="ascii", categories=["L", "N", "Zs"]), min_size=1)


def _bounded(max_length: int) -> st.SearchStrategy[str]:
    return (
        _text.filter(lambda s: s.strip() == s).map(lambda s: s[:max_length]).filter(bool)
        | bounded_string(max_length, min_length=1).valid()
    )


def _notes() -> st.SearchStrategy[list[dict[str, str]]]:
    note = st.fixed_dictionaries({"noteType": st.sampled_from(["F01", "F05", "F06"]), "value": _bounded(132)})
    return st.lists(note, min_size=1, max_size=2)


def _items() -> st.SearchStrategy[list[dict[str, Any]]]:
    def item(index: int) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries(
            {
                "itemId": st.just(str(index)),
                "sku": _bounded(18),
                "clientItemRef": get_format("numeric-string").valid().map(lambda s: s[:5]),
                "quantity": st.fixed_dictionaries(
                    {"uom": st.sampled_from(["EA", "BX", "CS"]), "value": st.integers(1, 10_000).map(str)}
                ),
                "itemDeliveryDate": get_format("iso-date").valid(),
                "notes": _notes(),
            }
        )

    return st.integers(1, 3).flatmap(lambda n: st.tuples(*(item(i) for i in range(1, n + 1))).map(list))


def create_order(tag: TestTag) -> st.SearchStrategy[dict[str, Any]]:
    """A create-order body that breaks no rule; requestReference unique per draw (run-tagged)."""
    reference = st.builds(tag.next)
    header = st.fixed_dictionaries(
        {
            "externalMessageReference": reference,
            "client": _bounded(40),
            "requestReference": reference,
            "dateTimeSent": get_format("utc-datetime").valid(),
        }
    )
    order = st.fixed_dictionaries({"custReference": _bounded(35), "note": _notes()})
    return st.fixed_dictionaries({"requestHeader": header, "order": order, "item": _items()}).map(
        lambda body: {"clientRequest": body}
    )


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

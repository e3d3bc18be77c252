"""ModusLink suite fixtures: on a live target, every order the vendor accepted is registered for the
end-of-run clean-up. The Purchase API documents no delete or cancel (003_8002e29a024b2ca5.txt:
create and read only; the status "cancelled" is "reserved for possible future use"), so the orders
are listed by requestReference for the vendor to remove, never deleted."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from b2bconform.session import Judge

NO_DELETE = (
    "the ModusLink Purchase API documents no delete or cancel (003_8002e29a024b2ca5.txt: "
    "create and read only; status 'cancelled' is reserved for future use)"
)


@pytest.fixture
def created_by() -> Callable[[Judge], None]:
    """What registers the orders a test's traffic created (see apis/conftest.py)."""
    return register_accepted_orders


def register_accepted_orders(judge: Judge) -> None:
    """Each order a 202 accepted, by its requestReference and the requestId the vendor gave it."""
    for judgement in judge.judgements:
        exchange = judgement.exchange
        if exchange.operation != "createPurchaseOrder" or exchange.response is None:
            continue
        if exchange.response.status != 202:
            continue
        header = _member(_json(exchange.request.body), "clientRequest", "requestHeader")
        reference = header.get("requestReference") if isinstance(header, dict) else None
        request_id = _json(exchange.response.body).get("requestId")
        key = str(reference) if reference else "(no requestReference sent)"
        judge.created(
            "purchase order", key + (f" (requestId {request_id})" if request_id else ""), reason=NO_DELETE
        )


def _json(body: bytes | None) -> dict[str, Any]:
    try:
        document = json.loads(body or b"")
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def _member(document: dict[str, Any], *names: str) -> Any:
    for name in names:
        document = document.get(name) if isinstance(document, dict) else None
    return document

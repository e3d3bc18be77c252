"""The vendor's transaction envelope, in each documented shape (202, 400, 401, 404, 409, 412, 500)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from b2bconform.engine.contract import contract_of

__all__ = [
    "BAD_JSON_MESSAGE",
    "CREDENTIALS_MESSAGE",
    "DUPLICATE_MESSAGE",
    "DUPLICATE_PATH",
    "NOT_FOUND_MESSAGE",
    "ROUTE_NOT_FOUND_MESSAGE",
    "SERVER_ERROR_MESSAGE",
    "SUBSCRIPTION_MESSAGE",
    "Entry",
    "References",
    "accepted",
    "error",
]

SUBSCRIPTION_MESSAGE = (
    "Access denied due to invalid subscription key. "
    "Make sure to provide a valid key for an active subscription."
)
CREDENTIALS_MESSAGE = "Access denied due to invalid client credentials."
BAD_JSON_MESSAGE = "The request is not in valid JSON format"
DUPLICATE_MESSAGE = "This is a duplicate purchase order"
DUPLICATE_PATH = "#/clientRequest.requestHeader.requestReference"
NOT_FOUND_MESSAGE = "No data found"
ROUTE_NOT_FOUND_MESSAGE = "Resource not found"
SERVER_ERROR_MESSAGE = "internal server error"
LINK_DESCRIPTION = "Request of type purchase orders is returned"


@dataclass(frozen=True)
class References:
    """The two client references a response echoes ("" when unknown)."""

    request: str = ""
    external: str = ""


@dataclass(frozen=True)
class Entry:
    """One message entry."""

    message: str
    path: str
    error_type: str

    def as_json(self) -> dict[str, str]:
        return {"message": self.message, "path": self.path, "errorType": self.error_type}


def _envelope(
    result: Any,
    request_id: str,
    refs: References,
    links: list[dict[str, str]],
    error_code: str,
    entries: Sequence[Entry],
) -> dict[str, Any]:
    return {
        "result": result,
        "requestId": request_id,
        "requestReference": refs.request,
        "externalMessageReference": refs.external,
        "links": links,
        "errorCode": error_code,
        "message": [entry.as_json() for entry in entries],
    }


def error(error_code: str, entries: Sequence[Entry], refs: References | None = None) -> dict[str, Any]:
    """An error envelope: result "false", no requestId, no links."""
    return _envelope("false", "", refs or References(), [], error_code, entries)


def accepted(request_id: str, refs: References) -> dict[str, Any]:
    """The 202 body, linking to the order (the vendor's example spells V1; we use the route's v1)."""
    return _envelope("true", request_id, refs, [order_link(request_id)], "", [])


def order_link(request_id: str) -> dict[str, str]:
    return {
        "href": contract_of("moduslink_po")
        .operation("getPurchaseOrder")
        .template.replace("{requestId}", request_id),  # the spec's route
        "rel": "orders",
        "method": "GET",
        "description": LINK_DESCRIPTION,
    }

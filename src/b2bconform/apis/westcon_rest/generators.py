"""Valid Westcon REST requests: order status queries and the token request's form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from b2bconform.engine.contract import contract_of

__all__ = [
    "FORM",
    "ORDER_STATUS_PATH",
    "encode_form",
    "order_numbers",
    "order_status_query",
    "query",
    "token_form",
    "token_request_headers",
]

ORDER_STATUS_PATH = contract_of("westcon_rest").operation("getOrderStatus").template  # the spec's
FORM = "application/x-www-form-urlencoded"
_TOKEN_FIELDS = ("client_id", "client_secret", "resource")

# Order numbers as callers type them: digits with or without padding, or a customer's own reference.
_westcon = (
    st.integers(min_value=1, max_value=99_999_999)
    .map(str)
    .flatmap(lambda digits: st.sampled_from([digits, digits.zfill(10)]))
)
_customer = st.text(
    alphabet=st.characters(codec="ascii", categories=["Lu", "Nd"], include_characters="- "),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s != "")


def order_numbers(order_type: str) -> st.SearchStrategy[str]:
    return _westcon if order_type == "W" else _customer


def query(partner_key: str, order_type: str, numbers: Sequence[str], language: str = "EN") -> dict[str, Any]:
    """The request document, in the sample's shape and spelling."""
    return {
        "mT_OrderStatus_API_REQ": {
            "partnerKey": partner_key,
            "orderType": order_type,
            "language": language,
            "order": list(numbers),
        }
    }


def order_status_query(
    partner_key: str, known: Mapping[str, Sequence[str]] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Conforming queries of either kind; with ``known`` (numbers per type) some hit real orders."""

    def numbers(order_type: str) -> st.SearchStrategy[list[str]]:
        pool = order_numbers(order_type)
        if known and known.get(order_type):
            pool = st.sampled_from(list(known[order_type])) | pool
        return st.lists(pool, min_size=1, max_size=4)

    return st.sampled_from(["W", "C"]).flatmap(
        lambda order_type: numbers(order_type).map(lambda found: query(partner_key, order_type, found))
    )


def token_form(credentials: Mapping[str, str]) -> dict[str, str]:
    """The documented token request's fields, from the target's credentials (resource when configured)."""
    form = {"grant_type": "client_credentials"}
    form.update({name: credentials[name] for name in _TOKEN_FIELDS if credentials.get(name)})
    return form


def token_request_headers() -> dict[str, str]:
    return {"Content-Type": FORM}


def encode_form(form: Mapping[str, Any]) -> bytes:
    return urlencode({k: v for k, v in form.items() if v is not None}).encode("ascii")

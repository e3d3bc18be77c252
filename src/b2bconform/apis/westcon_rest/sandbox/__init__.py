"""The Westcon REST Order Status sandbox and its Azure AD token endpoint (apis/westcon_rest/contract)."""

from __future__ import annotations

from b2bconform.apis.westcon_rest.sandbox.faults import FAULTS
from b2bconform.apis.westcon_rest.sandbox.orders import (
    LINE_MEMBERS,
    PARTNER_KEYS,
    SEED,
    STATUS_DESCRIPTIONS,
    Line,
    Order,
    Seed,
)
from b2bconform.apis.westcon_rest.sandbox.sandbox import (
    CLIENTS,
    INVALID_KEY_MESSAGE,
    INVALID_TOKEN_MESSAGE,
    MISSING_KEY_MESSAGE,
    ORDER_STATUS_PATH,
    REQUEST_ROOT,
    RESOURCE,
    RESPONSE_ROOT,
    ROUTE_NOT_FOUND_MESSAGE,
    SUBSCRIPTION_KEY_HEADER,
    TENANT,
    Client,
    WestconRestSandbox,
)
from b2bconform.apis.westcon_rest.sandbox.tokens import TOKEN_LIFETIME, TokenIssuer, decode_claims

__all__ = [
    "CLIENTS",
    "FAULTS",
    "INVALID_KEY_MESSAGE",
    "INVALID_TOKEN_MESSAGE",
    "LINE_MEMBERS",
    "MISSING_KEY_MESSAGE",
    "ORDER_STATUS_PATH",
    "PARTNER_KEYS",
    "REQUEST_ROOT",
    "RESOURCE",
    "RESPONSE_ROOT",
    "ROUTE_NOT_FOUND_MESSAGE",
    "SEED",
    "STATUS_DESCRIPTIONS",
    "SUBSCRIPTION_KEY_HEADER",
    "TENANT",
    "TOKEN_LIFETIME",
    "Client",
    "Line",
    "Order",
    "Seed",
    "TokenIssuer",
    "WestconRestSandbox",
    "decode_claims",
]

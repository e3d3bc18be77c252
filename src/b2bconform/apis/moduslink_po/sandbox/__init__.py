"""The ModusLink Purchase API sandbox (apis/moduslink_po/contract)."""

from __future__ import annotations

from b2bconform.apis.moduslink_po.sandbox.sandbox import (
    CLIENT_AUTH_KEY_HEADER,
    CLIENT_CONFIG_ID_HEADER,
    FAIL_500_CUST_REFERENCE,
    SITES,
    SUBSCRIPTION_KEY,
    SUBSCRIPTION_KEY_HEADER,
    ModusLinkSandbox,
    Site,
)

__all__ = [
    "CLIENT_AUTH_KEY_HEADER",
    "CLIENT_CONFIG_ID_HEADER",
    "FAIL_500_CUST_REFERENCE",
    "SITES",
    "SUBSCRIPTION_KEY",
    "SUBSCRIPTION_KEY_HEADER",
    "ModusLinkSandbox",
    "Site",
]

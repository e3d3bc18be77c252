"""The Westcon SOAP Order Status v2 sandbox (apis/westcon_soap/contract)."""

from __future__ import annotations

from b2bconform.apis.westcon_soap.sandbox.orders import Line, Order, Schedule, Serial
from b2bconform.apis.westcon_soap.sandbox.sandbox import (
    ACCOUNTS,
    SERVICE_PATH,
    SYSTEM_ERROR_ORDER_NUMBER,
    Account,
    WestconSoapSandbox,
)
from b2bconform.apis.westcon_soap.sandbox.security import add_security_header

__all__ = [
    "ACCOUNTS",
    "SERVICE_PATH",
    "SYSTEM_ERROR_ORDER_NUMBER",
    "Account",
    "Line",
    "Order",
    "Schedule",
    "Serial",
    "WestconSoapSandbox",
    "add_security_header",
]

"""GetOrderStatus envelopes (SOAP 1.1, WS-Security UsernameToken), valid and broken on purpose.

Raw envelopes, not zeep: a negative test must be able to send what no well-behaved client would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["ADDRESS_PATH", "REQUEST_NS", "order_status_envelope", "returned_orders"]

ADDRESS_PATH = "/B2B/OrderStatus/v2/OrderStatus.svc"
REQUEST_NS = "http://schemas.datacontract.org/2004/07/Westcon.B2B.WebServices.OrderStatus.Contracts.Request"
_WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
_PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
)


def order_status_envelope(
    account: str | None,
    numbers: Sequence[str | None],
    *,
    number_type: str | None = None,
    serials: str | None = None,
    username: str | None = None,
    password: str | None = None,
) -> bytes:
    """One GetOrderStatus call. ``account=None`` omits CustomerAccountNumber, ``username=None`` the Security
    header; a None number sends an Order without OrderNumber."""
    security = ""
    if username is not None:
        security = (
            f'<wsse:Security xmlns:wsse="{_WSSE}"><wsse:UsernameToken><wsse:Username>{escape(username)}</wsse:Username>'
            f'<wsse:Password Type="{_PASSWORD_TEXT}">{escape(password or "")}</wsse:Password></wsse:UsernameToken></wsse:Security>'
        )
    members = (
        f"<wes:CustomerAccountNumber>{escape(account)}</wes:CustomerAccountNumber>"
        if account is not None
        else ""
    )
    if number_type is not None:
        members += f"<wes:OrderNumberType>{escape(number_type)}</wes:OrderNumberType>"
    if serials is not None:
        members += (
            f"<wes:ReturnSerialNumberAndMACAddress>{escape(serials)}</wes:ReturnSerialNumberAndMACAddress>"
        )
    orders = "".join(
        f"<wes:Order><wes:OrderNumber>{escape(n)}</wes:OrderNumber></wes:Order>"
        if n is not None
        else "<wes:Order/>"
        for n in numbers
    )
    members += f"<wes:Orders>{orders}</wes:Orders>"
    return (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tem="http://tempuri.org/" '
        f'xmlns:wes="{REQUEST_NS}"><soapenv:Header>{security}</soapenv:Header><soapenv:Body><tem:GetOrderStatus>'
        f"<tem:request><wes:WestconOrderStatus>{members}</wes:WestconOrderStatus></tem:request>"
        "</tem:GetOrderStatus></soapenv:Body></soapenv:Envelope>"
    ).encode()


_RESULT_PATH = ("Envelope", "Body", "GetOrderStatusResponse", "GetOrderStatusResult", "Orders")


def returned_orders(body: bytes) -> list[dict[str, Any]]:
    """The Orders of a GetOrderStatus answer, each as a mapping of its members (none: [])."""
    from b2bconform.engine.documents import parse_document

    node: Any = parse_document(body, frozenset({"Order"}))
    for name in _RESULT_PATH:
        node = node.get(name) if isinstance(node, dict) else None
    return list(node.get("Order", [])) if isinstance(node, dict) else []

"""Reading a GetOrderStatus call: the SOAP 1.1 envelope, and the query judged against the XSD."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import xmlschema
from lxml import etree

from b2bconform.apis.westcon_soap.sandbox.envelopes import REQ_NS, SOAP11_NS, TEMPURI
from b2bconform.apis.westcon_soap.sandbox.service_documents import contract_dir
from b2bconform.engine.contract import contract_of
from b2bconform.sandboxes.refusals import enum_values

__all__ = [
    "OPERATION",
    "RELAXATIONS",
    "Envelope",
    "Query",
    "SoapFault",
    "invalid_request_fault",
    "operation_element",
    "parse_envelope",
    "read_query",
    "schema_problems",
]

API = "westcon_soap"
OPERATION = "GetOrderStatus"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
_SCHEMA_FILE = "OrderStatus.xsd"
_MAX_REASONS = 5


class SoapFault(Exception):
    """A refusal: answered as a SOAP 1.1 Fault with faultcode ``s:<code>``."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code  # Client, Server or VersionMismatch
        self.reason = reason


@dataclass(frozen=True)
class Envelope:
    header: Any  # the Header element, or None
    body: Any  # the Body element


def parse_envelope(raw: bytes) -> Envelope:
    """The SOAP 1.1 envelope of a request; SoapFault when it is not one."""
    try:
        root = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SoapFault("Client", f"The request is not well-formed XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise SoapFault("Client", "A SOAP message must not contain a Document Type Declaration.")
    name = etree.QName(root)
    if name.localname != "Envelope":
        raise SoapFault(
            "Client", f"The request is not a SOAP envelope: its root element is {name.localname}."
        )
    if name.namespace != SOAP11_NS:
        raise SoapFault(
            "VersionMismatch",
            f"The envelope namespace {name.namespace or '(none)'} is not SOAP 1.1's ({SOAP11_NS}); "
            "this endpoint speaks SOAP 1.1 (text/xml).",
        )
    children = [child for child in root if isinstance(child.tag, str)]
    header = next((c for c in children if c.tag == f"{{{SOAP11_NS}}}Header"), None)
    body = next((c for c in children if c.tag == f"{{{SOAP11_NS}}}Body"), None)
    if body is None:
        raise SoapFault("Client", "The SOAP envelope has no Body.")
    return Envelope(header, body)


def operation_element(body: Any) -> Any:
    """The Body's GetOrderStatus element; SoapFault naming what the Body holds instead."""
    entries = [child for child in body if isinstance(child.tag, str)]
    if not entries:
        raise SoapFault("Client", f"The SOAP Body is empty; this service offers {OPERATION}.")
    entry = entries[0]
    if entry.tag != f"{{{TEMPURI}}}{OPERATION}":
        raise SoapFault(
            "Client",
            f"The SOAP Body holds {entry.tag}, which this service does not offer; "
            f"it offers {OPERATION} ({{{TEMPURI}}}{OPERATION}).",
        )
    return entry


# ── the XSD, and the rules a fault may stop enforcing ───────────────────────────────────────────


@cache
def _schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(contract_dir() / _SCHEMA_FILE))


def _r(name: str) -> str:
    return f"{{{REQ_NS}}}{name}"


def _query_element(operation: Any) -> Any:
    return operation.find(f"{{{TEMPURI}}}request/{_r('WestconOrderStatus')}")


def _shorten(path: str, rule_id: str) -> Callable[[Any], None]:
    """Cut the elements at ``path`` to the length rule ``rule_id`` allows (its ``max``)."""
    limit = int(contract_of(API).rules.get(rule_id).params["max"])

    def relax(query: Any) -> None:
        for element in query.iterfind(path):
            if element.text is not None and len(element.text) > limit:
                element.text = element.text[:limit]

    return relax


def _read_unknown_type_as_w(query: Any) -> None:
    element = query.find(_r("OrderNumberType"))
    if element is not None and element.text not in enum_values(API, "WESTCON_SOAP-REQ-004"):
        element.text = "W"


def _allow_empty_orders(query: Any) -> None:
    orders = query.find(_r("Orders"))
    if orders is not None and orders.find(_r("Order")) is None:
        etree.SubElement(etree.SubElement(orders, _r("Order")), _r("OrderNumber")).text = "0"


#: rule id -> how a copy of WestconOrderStatus is changed so that the XSD no longer judges that rule.
RELAXATIONS: Mapping[str, Callable[[Any], None]] = {
    "WESTCON_SOAP-REQ-003": _shorten(_r("CustomerAccountNumber"), "WESTCON_SOAP-REQ-003"),
    "WESTCON_SOAP-REQ-004": _read_unknown_type_as_w,
    "WESTCON_SOAP-REQ-006": _allow_empty_orders,
    "WESTCON_SOAP-REQ-008": _shorten(
        f"{_r('Orders')}/{_r('Order')}/{_r('OrderNumber')}", "WESTCON_SOAP-REQ-008"
    ),
}


def schema_problems(operation: Any, relaxed_rule: str | None = None) -> list[str]:
    """Why the GetOrderStatus element is not valid per OrderStatus.xsd (all of its errors).

    ``relaxed_rule``: a rule of RELAXATIONS the sandbox does not enforce (a fault); others are ignored.
    """
    relax = RELAXATIONS.get(relaxed_rule or "")
    if relax is not None:
        operation = copy.deepcopy(operation)
        query = _query_element(operation)
        if query is not None:
            relax(query)
    problems = []
    for error in _schema().iter_errors(operation):
        where = re.sub(r"\{[^}]*\}", "", error.path or "")
        reason = (error.reason or error.message).splitlines()[0]
        problems.append(f"{reason} (at {where})" if where else reason)
    return problems


def invalid_request_fault(problems: list[str]) -> SoapFault:
    shown = "; ".join(problems[:_MAX_REASONS])
    more = f"; and {len(problems) - _MAX_REASONS} more" if len(problems) > _MAX_REASONS else ""
    return SoapFault("Client", f"The request is not valid per {_SCHEMA_FILE}: {shown}{more}.")


# ── the query ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Query:
    """WestconOrderStatus as sent (once the XSD let it through)."""

    account: str
    order_number_type: str | None  # None: not sent (W is the default)
    serials: bool
    numbers: tuple[str, ...]

    @property
    def kind(self) -> str:
        return "W" if self.order_number_type is None else self.order_number_type


def _text(parent: Any, name: str) -> str | None:
    element = parent.find(_r(name))
    return None if element is None else element.text or ""


def read_query(operation: Any) -> Query:
    query = _query_element(operation)
    if query is None:  # only when the XSD is not enforced on the wrapper; it always is
        raise SoapFault("Client", "The request carries no request/WestconOrderStatus.")
    serials = _text(query, "ReturnSerialNumberAndMACAddress")
    numbers = tuple(
        element.text or "" for element in query.iterfind(f"{_r('Orders')}/{_r('Order')}/{_r('OrderNumber')}")
    )
    return Query(
        account=_text(query, "CustomerAccountNumber") or "",
        order_number_type=_text(query, "OrderNumberType"),
        serials=serials is not None and " ".join(serials.split()) in ("true", "1"),
        numbers=numbers,
    )

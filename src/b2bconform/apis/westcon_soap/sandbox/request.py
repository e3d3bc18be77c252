"""Reading a GetOrderStatus call: the SOAP 1.1 envelope, and the query judged against the XSD."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import xmlschema
from lxml import etree

from b2bconform.apis.westcon_soap.sandbox.envelopes import REQ_NS, SOAP11_NS, TEMPURI
from b2bconform.apis.westcon_soap.sandbox.service_documents import contract_dir

__all__ = [
    "OPERATION",
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


# ── the XSD ───────────────────────────────────────────────────────────────────────────────────────


@cache
def _schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(contract_dir() / _SCHEMA_FILE))


def _r(name: str) -> str:
    return f"{{{REQ_NS}}}{name}"


def _query_element(operation: Any) -> Any:
    return operation.find(f"{{{TEMPURI}}}request/{_r('WestconOrderStatus')}")


def schema_problems(operation: Any, excused: Sequence[str] = ()) -> list[str]:
    """Why the GetOrderStatus element is not valid per OrderStatus.xsd (all of its errors).

    ``excused``: the pointers where the request breaks a rule the sandbox does not enforce (a fault:
    ``refusals.breaking_paths``); an error there, or a missing child of the element there, is left out.
    """
    problems = []
    for error in _schema().iter_errors(operation):
        where = re.sub(r"\{[^}]*\}", "", error.path or "")
        member = re.sub(r"\[\d+\]", "", where)  # Order[1] -> Order: the pointers name no position
        if member and any(_at(member, error, pointer) for pointer in excused):
            continue
        reason = (error.reason or error.message).splitlines()[0]
        problems.append(f"{reason} (at {where})" if where else reason)
    return problems


def _at(where: str, error: xmlschema.XMLSchemaValidationError, pointer: str) -> bool:
    """Whether the XSD error at ``where`` (from the operation element down) is about the member at
    ``pointer`` (from the envelope down): that member's own value, or its absence from its parent."""
    missing_child = isinstance(error, xmlschema.XMLSchemaChildrenValidationError)
    return pointer.endswith(where) or (missing_child and pointer.rsplit("/", 1)[0].endswith(where))


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

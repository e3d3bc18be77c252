"""The service description served at ``?wsdl`` and ``?xsd=<file>``, pointing back at the sandbox.

The WSDL's soap:address becomes the service URL the caller used, and every schemaLocation naming
one of the contract's XSD files becomes that file's ``?xsd=`` URL, so a client (zeep, SoapUI) loads
the whole description from the sandbox and calls the sandbox, never the vendor's QA host.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree

from b2bconform import locations

__all__ = ["SCHEMA_FILES", "WSDL_FILE", "contract_dir", "schema_document", "wsdl_document", "xsd_url"]

WSDL_FILE = "OrderStatus.wsdl"
SCHEMA_FILES = ("OrderStatus.xsd", "OrderStatus.Request.xsd", "OrderStatus.Response.xsd")

_XS = "http://www.w3.org/2001/XMLSchema"
_SOAP_ADDRESS = "{http://schemas.xmlsoap.org/wsdl/soap/}address"
_SCHEMA_REFERENCES = frozenset(f"{{{_XS}}}{name}" for name in ("import", "include", "redefine", "override"))


def contract_dir() -> Path:
    return locations.contract_dir("westcon_soap")


@cache
def _source(name: str) -> bytes:
    return (contract_dir() / name).read_bytes()


def xsd_url(service_url: str, name: str) -> str:
    return f"{service_url}?xsd={quote(name)}"


def _parse(name: str) -> Any:
    return etree.fromstring(_source(name), etree.XMLParser(resolve_entities=False, no_network=True))


def _point_schema_locations(root: Any, service_url: str) -> None:
    for element in root.iter(*_SCHEMA_REFERENCES):
        location = element.get("schemaLocation")
        if location in SCHEMA_FILES:
            element.set("schemaLocation", xsd_url(service_url, location))


def _serialize(root: Any) -> bytes:
    # The whole tree, so the comments before the root element (the file's provenance) are kept.
    data: bytes = etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")
    return data


def wsdl_document(service_url: str) -> bytes:
    """The contract's WSDL, addressed to ``service_url``, its imports pointing at ``?xsd=`` URLs."""
    root = _parse(WSDL_FILE)
    for address in root.iter(_SOAP_ADDRESS):
        address.set("location", service_url)
    _point_schema_locations(root, service_url)
    return _serialize(root)


def schema_document(name: str, service_url: str) -> bytes | None:
    """The XSD file called ``name`` (case-insensitive), its imports pointing at ``?xsd=`` URLs; None if unknown."""
    match = next((known for known in SCHEMA_FILES if known.lower() == name.strip().lower()), None)
    if match is None:
        return None
    root = _parse(match)
    _point_schema_locations(root, service_url)
    return _serialize(root)

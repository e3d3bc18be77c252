"""Message bodies as documents the checks can walk: JSON as parsed, XML as a tree of local names.

XML becomes nested dicts keyed by element local name (namespaces are the XSD check's business),
text leaves as strings, ``xsi:nil="true"`` as None, attributes as ``@name``. Elements named in
``list_elements`` (the contract's repeating elements) are always lists, so that a path such as
``/Envelope/Body/*/*/Orders/Order/*/OrderNumber`` reads the same for one order or many.
Parsing is cached by body: every check of an exchange shares one parse.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from lxml import etree

from b2bconform.model import NO_JSON

__all__ = ["parse_document", "xml_root"]

_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def parse_document(
    body: bytes | None, list_elements: frozenset[str] = frozenset(), *, xml: bool | None = None
) -> Any:
    """The body as a document, or ``NO_JSON`` when it is absent or does not parse.

    ``xml``: True for an XML API, False for a JSON API (an XML body sent to a JSON API is no
    document at all), None to accept either (classifying unknown traffic).
    """
    if not body:
        return NO_JSON
    return _parse(body, list_elements, xml)


@lru_cache(maxsize=2048)
def _parse(body: bytes, list_elements: frozenset[str], xml: bool | None) -> Any:
    if xml is not True:
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            if xml is False:
                return NO_JSON
    root = xml_root(body)
    if root is None:
        return NO_JSON
    return {etree.QName(root).localname: _element(root, list_elements)}


@lru_cache(maxsize=512)
def xml_root(body: bytes) -> Any:
    """The parsed XML root element, or None when the body is not well-formed XML."""
    if body.lstrip()[:1] != b"<":
        return None
    try:
        return etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        return None


def _element(element: Any, list_elements: frozenset[str]) -> Any:
    if element.get(_XSI_NIL) in ("true", "1"):
        return None
    children = [child for child in element if isinstance(child.tag, str)]
    attributes = {f"@{etree.QName(k).localname}": v for k, v in element.attrib.items() if k != _XSI_NIL}
    if not children:
        text = element.text or ""
        return {**attributes, "#text": text} if attributes else text
    node: dict[str, Any] = dict(attributes)
    for child in children:
        name = etree.QName(child).localname
        value = _element(child, list_elements)
        if name in list_elements and value == "":
            value = {}  # an empty repeating element is an entry with no members, not text
        if name in list_elements:
            node.setdefault(name, []).append(value)
        elif name in node:
            existing = node[name]
            node[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            node[name] = value
    return node

"""Message bodies as documents the checks can walk: JSON as parsed, XML as a tree of local names.

XML becomes nested dicts keyed by element local name (namespaces are the XSD check's business),
text leaves as strings, ``xsi:nil="true"`` as None, attributes as ``@name``. Elements named in
``list_elements`` (the contract's repeating elements) are always lists, so that a path such as
``/Envelope/Body/*/*/Orders/Order/*/OrderNumber`` reads the same for one order or many.
Parsing is cached by body: every check of an exchange shares one parse.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from b2bconform.engine.model import NO_JSON, Response, load_json
from b2bconform.engine.pointers import resolve

__all__ = [
    "describe_status",
    "effective_status",
    "element_at",
    "envelope_code",
    "form_document",
    "parse_document",
    "request_parameters",
    "xml_root",
    "xml_with",
]

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
            return load_json(body)
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


def xml_with(body: bytes, document: Any, list_elements: frozenset[str] = frozenset()) -> bytes | None:
    """``body`` (XML) rewritten to read as ``document`` reads, where ``document`` is its own parse
    with members changed, removed or added: the elements it keeps keep their namespaces and order,
    an added member becomes an element in its parent's namespace, None becomes ``xsi:nil``. None
    when the body is not XML or the document does not start at its root element."""
    root = xml_root(body)
    if root is None or not isinstance(document, dict) or list(document) != [etree.QName(root).localname]:
        return None
    copied = copy.deepcopy(root)
    _rewrite(copied, document[etree.QName(copied).localname], list_elements)
    return bytes(etree.tostring(copied, xml_declaration=False, encoding="utf-8"))


def _rewrite(element: Any, value: Any, list_elements: frozenset[str]) -> None:
    if value is None:
        for child in list(element):
            element.remove(child)
        element.text = None
        element.set(_XSI_NIL, "true")
        return
    element.attrib.pop(_XSI_NIL, None)
    if not isinstance(value, dict):
        for child in list(element):
            element.remove(child)
        element.text = _text(value)
        return
    children: dict[str, list[Any]] = {}
    for child in element:
        if isinstance(child.tag, str):
            children.setdefault(etree.QName(child).localname, []).append(child)
    for name, kept in children.items():
        if name not in value:
            for child in kept:
                element.remove(child)
            continue
        wanted = value[name]
        repeated = name in list_elements or len(kept) > 1  # parsed as a list of its elements
        entries = wanted if repeated and isinstance(wanted, list) else [wanted]
        for child, entry in zip(kept, entries, strict=False):
            _rewrite(child, entry, list_elements)
        for child in kept[len(entries) :]:
            element.remove(child)
        for entry in entries[len(kept) :]:
            extra = copy.deepcopy(kept[-1])
            kept[-1].addnext(extra)
            _rewrite(extra, entry, list_elements)
    namespace = etree.QName(element).namespace
    for name, wanted in value.items():
        if name.startswith("@"):
            element.set(name[1:], _text(wanted))
        elif name == "#text":
            element.text = _text(wanted)
        elif name not in children:
            added = f"{{{namespace}}}{name}" if namespace else name
            for entry in wanted if name in list_elements and isinstance(wanted, list) else [wanted]:
                _rewrite(etree.SubElement(element, added), entry, list_elements)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def form_document(body: bytes | None) -> Any:
    """An ``application/x-www-form-urlencoded`` body as a document: field name -> text (the last
    value of a repeated field, as OAuth2 servers read them), or ``NO_JSON`` when there is none."""
    if not body:
        return NO_JSON
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return NO_JSON


def request_parameters(url: str, body: bytes | None) -> dict[str, Any]:
    """An action's parameters as an API that binds them by name reads them (ManEx, ASP.NET).

    The query string and a JSON object body are merged (the body wins on a clash), names are
    lower-cased (binding is case-insensitive) and scalars become their text, as they would from a
    query string: the rules then speak about ``/custno`` whichever form the caller chose. A body that
    is not a JSON object adds nothing; the rule about the body's syntax judges it. An empty value
    is no value: ASP.NET binds "" (and JSON null) as null, so ``line_no=`` is a line_no not given.
    """
    return _parameters(url, body or b"")


@lru_cache(maxsize=2048)
def _parameters(url: str, body: bytes) -> dict[str, Any]:
    merged: dict[str, Any] = {k.lower(): v for k, v in parse_qsl(urlsplit(url).query) if v != ""}
    document = parse_document(body, xml=False) if body else NO_JSON
    if isinstance(document, dict):
        merged.update(_as_parameters(document))
    return merged


def _as_parameters(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k).lower(): _as_parameters(v) for k, v in value.items() if v not in ("", None)}
    if isinstance(value, list):
        return [_as_parameters(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return value


def envelope_code(response: Response, status_path: str | None) -> int | None:
    """The integer code an envelope carries at ``status_path``, or None (no path, no envelope)."""
    if status_path:
        document = parse_document(response.body, xml=False)
        if isinstance(document, dict):
            for _, value in resolve(document, status_path):
                if isinstance(value, int) and not isinstance(value, bool):
                    return value
    return None


def effective_status(response: Response, status_path: str | None) -> int:
    """The status the API means: the envelope's integer code at ``status_path``, else the HTTP status."""
    code = envelope_code(response, status_path)
    return response.status if code is None else code


def describe_status(response: Response, status_path: str | None) -> str:
    """How findings name a status: "HTTP 404", or "Code 403 (HTTP 200)" when an envelope carries it."""
    code = envelope_code(response, status_path)
    return f"HTTP {response.status}" if code is None else f"Code {code} (HTTP {response.status})"


def element_at(root: Any, path: str) -> Any:
    """The XML element at a path of local names from the root (``/Envelope/Body/Request/id``, the
    paths rules and credentials are written in), or None when there is none."""
    node = root
    for name in [part for part in path.split("/") if part][1:]:
        node = next((c for c in node if isinstance(c.tag, str) and etree.QName(c).localname == name), None)
        if node is None:
            return None
    return node

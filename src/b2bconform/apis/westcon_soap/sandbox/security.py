"""WS-Security UsernameToken (2.2, 4.2.1): reading it from a request, adding it to an envelope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

__all__ = ["PASSWORD_TEXT", "WSSE_NS", "Token", "add_security_header", "read_token"]

WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
)


@dataclass(frozen=True)
class Token:
    """What the request's Security header says; None where an element is absent."""

    username: str | None
    password: str | None
    password_type: str | None  # the Password's Type attribute (None: none given, read as PasswordText)

    @property
    def is_password_text(self) -> bool:
        return self.password_type is None or self.password_type.strip() == PASSWORD_TEXT


def read_token(header: Any) -> Token:
    """The UsernameToken of a SOAP Header element (None when the message has no Header)."""
    token = None
    if header is not None:
        security = header.find(f"{{{WSSE_NS}}}Security")
        token = security.find(f"{{{WSSE_NS}}}UsernameToken") if security is not None else None
    if token is None:
        return Token(None, None, None)
    username = token.find(f"{{{WSSE_NS}}}Username")
    password = token.find(f"{{{WSSE_NS}}}Password")
    return Token(
        username.text or "" if username is not None else None,
        password.text or "" if password is not None else None,
        password.get("Type") if password is not None else None,
    )


# ── adding a token to an envelope, byte for byte ────────────────────────────────────────────────

_NAME = r"[^\s/>]+"
# Anything before the root element: XML declaration, comments, processing instructions, doctype, blanks.
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", re.DOTALL)
_MISC = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_TAG_NAME = re.compile(rb"<(" + _NAME.encode() + rb")")


def _skip(pattern: re.Pattern[bytes], data: bytes, position: int) -> int:
    while (match := pattern.match(data, position)) is not None:
        position = match.end()
    return position


def _tag_end(data: bytes, start: int) -> int:
    """The index just past the ``>`` closing the start tag at ``start`` (quoted values may hold ``>``)."""
    quote: int | None = None
    for index in range(start + 1, len(data)):
        char = data[index]
        if quote is not None:
            if char == quote:
                quote = None
        elif char in b"\"'":
            quote = char
        elif char == ord(">"):
            return index + 1
    raise ValueError("unterminated start tag")


def _security_xml(username: str, password: str) -> bytes:
    return (
        f'<wsse:Security xmlns:wsse="{WSSE_NS}">'
        "<wsse:UsernameToken>"
        f"<wsse:Username>{escape(username)}</wsse:Username>"
        f"<wsse:Password Type={quoteattr(PASSWORD_TEXT)}>{escape(password)}</wsse:Password>"
        "</wsse:UsernameToken>"
        "</wsse:Security>"
    ).encode()


def add_security_header(envelope: bytes, username: str, password: str) -> bytes:
    """``envelope`` with a WS-Security UsernameToken (PasswordText) as the Header's first entry.

    The bytes are otherwise kept as sent: the token is inserted after the Header's start tag, a
    self-closing Header is opened, and an envelope without a Header gets one after its start tag.
    ValueError when ``envelope`` is not a well-formed SOAP envelope encoded as UTF-8 or ASCII.
    """
    try:
        root = etree.fromstring(envelope, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from exc
    if etree.QName(root).localname != "Envelope":
        raise ValueError(f"the root element is {etree.QName(root).localname}, not a SOAP Envelope")
    security = _security_xml(username, password)
    start = _skip(_PROLOG_ITEM, envelope, 0)
    root_tag = _TAG_NAME.match(envelope, start)
    if root_tag is None:
        raise ValueError("cannot find the Envelope's start tag")
    after_root = _tag_end(envelope, start)
    if envelope[after_root - 2 : after_root] == b"/>":
        raise ValueError("the Envelope is empty")
    first = next((child for child in root if isinstance(child.tag, str)), None)
    header_tag = etree.QName(etree.QName(root).namespace, "Header").text
    if first is None or first.tag != header_tag:
        prefix = root_tag.group(1).rpartition(b":")[0]
        name = prefix + b":Header" if prefix else b"Header"
        header = b"<" + name + b">" + security + b"</" + name + b">"
        return envelope[:after_root] + header + envelope[after_root:]
    child = _skip(_MISC, envelope, after_root)
    child_tag = _TAG_NAME.match(envelope, child)
    if child_tag is None:
        raise ValueError("cannot find the Header's start tag")
    after_header = _tag_end(envelope, child)
    if envelope[after_header - 2 : after_header] != b"/>":
        return envelope[:after_header] + security + envelope[after_header:]
    # <soapenv:Header/> (perhaps with attributes): open it, put the token in, close it.
    opened = envelope[child : after_header - 2].rstrip() + b">"
    closing = b"</" + child_tag.group(1) + b">"
    return envelope[:child] + opened + security + closing + envelope[after_header:]

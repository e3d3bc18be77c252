"""What every traffic format shares: where an entry sits, and the checks of its request/response parts.

One implementation of each check, so that a VCR.py cassette, schemathesis' VCR output and a HAR file
refuse the same mistake with the same words.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from typing import Any

from b2bconform.engine.model import Headers
from b2bconform.errors import InputFileError

__all__ = [
    "MAX_DECODED_BODY",
    "Location",
    "Site",
    "absolute_url",
    "content_decoded",
    "dotted",
    "header_map",
    "http_method",
    "kind",
    "status_code",
    "text_of",
]

Location = Sequence[str | int]


def dotted(location: Location) -> str:
    """``interactions[3].response.status.code``"""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in location).lstrip(".")


class Site:
    """Where one entry sits in its file: errors name the file, the line and the data path.

    ``line_of`` maps a location inside the entry to a 1-based line (or None when unknown); it is
    only called when there is an error to report.
    """

    def __init__(self, path: str, prefix: Location, line_of: Callable[[Location], int | None]) -> None:
        self.path = path
        self.prefix = tuple(prefix)
        self._line_of = line_of

    def error(self, location: Location, problem: str) -> InputFileError:
        line = self._line_of(location)
        path = dotted((*self.prefix, *location))
        where = ", ".join(part for part in (f"line {line}" if line else "", path and f"at {path}") if part)
        return InputFileError(self.path, problem, location=where or None)


def kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    names = {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", bytes: "binary data"}
    return names.get(type(value), f"{type(value).__name__} {value!r}")


def text_of(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


_METHOD = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}")  # an RFC 9110 token, of a sane length


def http_method(site: Site, where: Location, raw: Any) -> str:
    if not isinstance(raw, str) or _METHOD.fullmatch(raw.strip()) is None:
        shown = repr(raw) if len(repr(raw)) <= 80 else repr(raw)[:60] + f"... ({len(repr(raw))} characters)"
        raise site.error(where, f"expected an HTTP method such as POST, got {shown}")
    return raw.strip().upper()


def absolute_url(site: Site, where: Location, raw: Any) -> str:
    if not isinstance(raw, str) or "://" not in raw:
        raise site.error(where, f"expected an absolute URL (https://host/path), got {raw!r}")
    return raw


def status_code(site: Site, where: Location, raw: Any, *, digits_as_text: bool = False) -> int:
    """An HTTP status 100-599; ``digits_as_text``: the writer quotes it ('200', schemathesis)."""
    code = raw
    if digits_as_text and isinstance(raw, str) and raw.strip().isdigit():
        code = int(raw)
    if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
        raise site.error(where, f"expected an integer HTTP status 100-599, got {raw!r}")
    return code


def header_map(site: Site, where: Location, raw: Any) -> Headers:
    """Name -> list of values (VCR.py, schemathesis); a bare value is accepted too (hand-written files)."""
    if raw is None:
        return Headers()
    if not isinstance(raw, dict):
        raise site.error(where, f"expected a mapping of header name to values, got {kind(raw)}")
    pairs: list[tuple[str, str]] = []
    for name, values in raw.items():
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict | list) or value is None:
                raise site.error([*where, str(name)], f"expected header values as text, got {kind(value)}")
            pairs.append((str(name), text_of(value)))
    return Headers(pairs)


MAX_DECODED_BODY = 64 * 1024 * 1024  # a compressed body is inflated this far at most (bombs stay bounded)
_GZIP_MAGIC = b"\x1f\x8b"


def content_decoded(headers: Headers, body: bytes | None) -> bytes | None:
    """The body as the application sent it: recorders keep a gzip or deflate body as it travelled
    (VCR.py does, with its Content-Encoding header), and the rules speak about what it holds.
    Decoded only where the header says so and the bytes are what it says (HAR writers store decoded
    text and keep the header); a body that does not inflate, or inflates too far, stays as recorded."""
    if not body:
        return body
    encoding = (headers.get("Content-Encoding") or "").strip().lower()
    if encoding in ("gzip", "x-gzip") and body.startswith(_GZIP_MAGIC):
        window = 16 + zlib.MAX_WBITS
    elif encoding == "deflate" and body[:1] == b"\x78":
        window = zlib.MAX_WBITS
    else:
        return body
    inflater = zlib.decompressobj(window)
    try:
        decoded = inflater.decompress(body, MAX_DECODED_BODY)
    except zlib.error:
        return body
    return body if inflater.unconsumed_tail else decoded

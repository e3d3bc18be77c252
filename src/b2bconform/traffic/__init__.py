"""Recorded traffic in, exchanges out: VCR.py cassettes, schemathesis' VCR output and HAR 1.2.

Every reader streams (one interaction in memory at a time, whatever the file's size) and names the
file, the line and what was expected on any problem. Each exchange carries ``source`` (the file)
and ``index`` (its position in the file); ``api`` is left for a contract to decide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from b2bconform.engine.model import Exchange
from b2bconform.errors import InputFileError
from b2bconform.traffic._source import require_regular_file, unreadable
from b2bconform.traffic.har import iter_har
from b2bconform.traffic.schemathesis_vcr import iter_schemathesis_vcr
from b2bconform.traffic.vcr import iter_vcr

__all__ = [
    "EXPECTED_FORMATS",
    "TrafficFormat",
    "detect_format",
    "iter_exchanges",
    "iter_har",
    "iter_schemathesis_vcr",
    "iter_vcr",
]

TrafficFormat = Literal["vcr", "schemathesis_vcr", "har"]
Progress = Callable[[int], None]

EXPECTED_FORMATS = (
    "expected a VCR.py cassette (YAML with 'version: 1' and 'interactions'), schemathesis' VCR "
    "output (YAML with 'http_interactions') or a HAR 1.2 file (JSON with 'log.entries')"
)
_READERS: dict[TrafficFormat, Callable[..., Iterator[Exchange]]] = {
    "vcr": iter_vcr,
    "schemathesis_vcr": iter_schemathesis_vcr,
    "har": iter_har,
}
_HEAD = 8192  # enough for a HAR's first key and schemathesis' header lines
_JSON_FIRST_KEY = re.compile(rb'\A\s*\{\s*"((?:[^"\\]|\\.)*)"')
_YAML_TOP_KEY = re.compile(rb"^['\"]?([A-Za-z_][\w-]*)['\"]?[ \t]*:", re.MULTILINE)
_BY_KEY: dict[bytes, TrafficFormat] = {
    b"log": "har",
    b"interactions": "vcr",
    b"version": "vcr",
    b"http_interactions": "schemathesis_vcr",
    b"recorded_with": "schemathesis_vcr",
}
_BY_SUFFIX: dict[str, TrafficFormat] = {".har": "har", ".yaml": "vcr", ".yml": "vcr"}


def detect_format(path: Path) -> TrafficFormat:
    """The format of ``path``, from its first bytes (the top-level keys); the suffix only breaks a tie
    the content cannot (a cassette that opens with a long metadata block)."""
    require_regular_file(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError as exc:
        raise unreadable(path, exc) from None
    head = head.removeprefix(b"\xef\xbb\xbf")
    if not head.strip():
        raise InputFileError(str(path), f"empty file: {EXPECTED_FORMATS}")
    first_json_key = _JSON_FIRST_KEY.match(head)
    if first_json_key:
        keys = [first_json_key.group(1)]
    elif head.lstrip().startswith((b"{", b"[")):
        keys = []
    else:
        keys = _YAML_TOP_KEY.findall(head)
    for key in keys:
        if key in _BY_KEY:
            return _BY_KEY[key]
    by_suffix = _BY_SUFFIX.get(path.suffix.lower())
    if by_suffix is not None:
        return by_suffix
    shown = ", ".join(repr(k.decode("utf-8", "replace")) for k in keys[:5]) or "none"
    raise InputFileError(str(path), f"unknown traffic format (top-level keys: {shown}): {EXPECTED_FORMATS}")


def iter_exchanges(path: Path, *, progress: Progress | None = None) -> Iterator[Exchange]:
    """The exchanges of ``path`` in recorded order, whatever its format (see ``detect_format``).

    ``progress`` is told how many bytes have been read, after each exchange.
    """
    return _READERS[detect_format(path)](path, progress=progress)

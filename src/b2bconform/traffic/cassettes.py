"""Recorded traffic in VCR.py's cassette format (YAML, ``version: 1``), read and written.

Reading (``b2bconform.traffic.vcr``, streamed) turns each interaction into an ``Exchange`` (api
unknown until a contract classifies it); every problem names the file, where in it, and what was
expected. Writing redacts every exchange before anything touches disk, so a cassette can be
committed and shared.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any

import yaml

from b2bconform.engine.model import Exchange, Headers
from b2bconform.traffic.redaction import Redactor
from b2bconform.traffic.vcr import VCR_VERSION, iter_vcr

__all__ = ["CASSETTE_VERSION", "META_KEY", "read_cassette", "write_cassette"]

CASSETTE_VERSION = VCR_VERSION
# VCR.py ignores top-level keys it does not know, so run metadata can ride along here.
META_KEY = "b2bconform"

try:  # same choice as the loader: libyaml when present
    _Dumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper


# ── reading ───────────────────────────────────────────────────────────────────────────────────


def read_cassette(path: Path) -> list[Exchange]:
    """The exchanges of a VCR.py cassette, in recorded order; ``InputFileError`` on any problem.

    The whole list: for files too large to hold, stream them with ``traffic.iter_vcr``.
    """
    return list(iter_vcr(path))


# ── writing ───────────────────────────────────────────────────────────────────────────────────


def write_cassette(
    path: Path,
    exchanges: Sequence[Exchange],
    redactor: Redactor,
    *,
    meta: Mapping[str, Any] | None = None,
) -> None:
    """Write ``exchanges`` as a VCR.py cassette, redacted first; a transport error has no response to
    record, so such exchanges are left out."""
    redacted = [redactor.exchange(e) for e in exchanges if e.response is not None]
    # The run facts first, so a reader sees what was recorded before the traffic itself.
    data: dict[str, Any] = {META_KEY: _redact_meta(meta, redactor)} if meta else {}
    data["interactions"] = [_interaction(e) for e in redacted]
    data["version"] = CASSETTE_VERSION
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    _write_atomically(path, text)


def _interaction(exchange: Exchange) -> dict[str, Any]:
    request, response = exchange.request, exchange.response
    assert response is not None  # filtered by the caller
    return {
        "request": {
            "body": _dump_body(request.body),
            "headers": _dump_headers(request.headers),
            "method": request.method,
            "uri": request.url,
        },
        "response": {
            "body": {"string": _dump_body(response.body) or ""},
            "headers": _dump_headers(response.headers),
            "status": {"code": response.status, "message": _reason(response.status)},
        },
    }


def _dump_headers(headers: Headers) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in headers.pairs():
        grouped.setdefault(name, []).append(value)
    return grouped


def _dump_body(body: bytes | None) -> str | bytes | None:
    # Text stays readable in review; anything else becomes !!binary, as VCR.py does.
    if body is None:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _redact_meta(meta: Mapping[str, Any], redactor: Redactor) -> dict[str, Any]:
    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return redactor.text(value)
        if isinstance(value, Mapping):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return {str(k): clean(v) for k, v in meta.items()}


def _write_atomically(path: Path, text: str) -> None:
    # A half-written cassette would fail the next audit with a confusing parse error.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

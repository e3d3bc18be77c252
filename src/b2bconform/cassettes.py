"""Recorded traffic in VCR.py's cassette format (YAML, ``version: 1``), read and written.

Reading turns each interaction into an ``Exchange`` (api unknown until a contract classifies it);
every problem names the file, where in it, and what was expected. Writing redacts every exchange
before anything touches disk, so a cassette can be committed and shared.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any

import yaml

from b2bconform.errors import InputFileError
from b2bconform.model import Exchange, Headers, Request, Response
from b2bconform.redaction import Redactor
from b2bconform.yamlfile import YamlDocument, load_yaml

__all__ = ["CASSETTE_VERSION", "META_KEY", "read_cassette", "write_cassette"]

CASSETTE_VERSION = 1
# VCR.py ignores top-level keys it does not know, so run metadata can ride along here.
META_KEY = "b2bconform"

Location = Sequence[str | int]

try:  # same choice as the loader: libyaml when present
    _Dumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper


# ── reading ───────────────────────────────────────────────────────────────────────────────────


def read_cassette(path: Path) -> list[Exchange]:
    """The exchanges of a VCR.py cassette, in recorded order; ``InputFileError`` on any problem."""
    document = load_yaml(path)
    data = document.data
    if not isinstance(data, dict):
        raise _error(document, [], f"expected a mapping with 'version' and 'interactions', got {_kind(data)}")
    _check_version(document, data)
    interactions = data.get("interactions")
    if interactions is None:
        hint = (
            " (this looks like schemathesis' VCR output, not VCR.py's)" if "http_interactions" in data else ""
        )
        raise _error(document, [], f"missing 'interactions': expected a list of request/response pairs{hint}")
    if not isinstance(interactions, list):
        raise _error(
            document, ["interactions"], f"expected a list of interactions, got {_kind(interactions)}"
        )
    return [
        _exchange(document, index, interaction, str(path)) for index, interaction in enumerate(interactions)
    ]


def _check_version(document: YamlDocument, data: Mapping[str, Any]) -> None:
    if "version" not in data:
        raise _error(document, [], f"missing 'version': expected version: {CASSETTE_VERSION} (VCR.py format)")
    version = data["version"]
    if version != CASSETTE_VERSION or isinstance(version, bool):
        raise _error(
            document, ["version"], f"unsupported cassette version {version!r}; expected {CASSETTE_VERSION}"
        )


def _exchange(document: YamlDocument, index: int, interaction: Any, source: str) -> Exchange:
    where: list[str | int] = ["interactions", index]
    if not isinstance(interaction, dict):
        raise _error(
            document, where, f"expected a mapping with request and response, got {_kind(interaction)}"
        )
    for part in ("request", "response"):
        if not isinstance(interaction.get(part), dict):
            found = "missing" if part not in interaction else f"got {_kind(interaction[part])}"
            raise _error(document, [*where, part], f"expected a '{part}' mapping ({found})")
    request = _request(document, [*where, "request"], interaction["request"])
    response = _response(document, [*where, "response"], interaction["response"])
    return Exchange(api="", request=request, response=response, index=index, source=source)


def _request(document: YamlDocument, where: list[str | int], raw: Mapping[str, Any]) -> Request:
    method = raw.get("method")
    if not isinstance(method, str) or not method.strip():
        raise _error(document, [*where, "method"], f"expected an HTTP method such as POST, got {method!r}")
    uri = raw.get("uri")
    if not isinstance(uri, str) or "://" not in uri:
        raise _error(document, [*where, "uri"], f"expected an absolute URL (https://host/path), got {uri!r}")
    headers = _headers(document, [*where, "headers"], raw.get("headers"))
    body = _body(document, [*where, "body"], raw.get("body"))
    return Request(method.upper(), uri, headers, body)


def _response(document: YamlDocument, where: list[str | int], raw: Mapping[str, Any]) -> Response:
    status = raw.get("status")
    if not isinstance(status, dict) or "code" not in status:
        raise _error(
            document, [*where, "status", "code"], "missing status code: expected status: {code: <integer>}"
        )
    code = status["code"]
    if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
        raise _error(
            document, [*where, "status", "code"], f"expected an integer HTTP status 100-599, got {code!r}"
        )
    headers = _headers(document, [*where, "headers"], raw.get("headers"))
    body = _body(document, [*where, "body"], raw.get("body"))
    return Response(code, headers, body or b"")


def _headers(document: YamlDocument, where: list[str | int], raw: Any) -> Headers:
    """VCR.py stores name -> list of values; a bare value is accepted too (hand-written cassettes)."""
    if raw is None:
        return Headers()
    if not isinstance(raw, dict):
        raise _error(document, where, f"expected a mapping of header name to values, got {_kind(raw)}")
    pairs: list[tuple[str, str]] = []
    for name, values in raw.items():
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict | list) or value is None:
                raise _error(
                    document, [*where, str(name)], f"expected header values as text, got {_kind(value)}"
                )
            pairs.append((str(name), _text(value)))
    return Headers(pairs)


def _body(document: YamlDocument, where: list[str | int], raw: Any) -> bytes | None:
    """A body is text, ``!!binary`` bytes, null, or VCR.py's ``{string: ...}`` wrapper around either."""
    if isinstance(raw, dict):
        if "string" not in raw:
            raise _error(document, where, "expected a body as text, null or {string: ...}")
        where, raw = [*where, "string"], raw["string"]
    if raw is None:
        return None
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, str):
        return raw.encode("utf-8")
    raise _error(document, where, f"expected the body as text or !!binary, got {_kind(raw)}")


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    names = {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", bytes: "binary data"}
    return names.get(type(value), f"{type(value).__name__} {value!r}")


def _error(document: YamlDocument, location: Location, problem: str) -> InputFileError:
    """Name the line and the data path (``interactions[3].response.status.code``)."""
    line = document.line_of(location)
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in location).lstrip(".")
    where = ", ".join(part for part in (f"line {line}" if line else "", dotted and f"at {dotted}") if part)
    return InputFileError(str(document.path), problem, location=where or None)


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
    data: dict[str, Any] = {
        "interactions": [_interaction(e) for e in redacted],
        "version": CASSETTE_VERSION,
    }
    if meta:
        data[META_KEY] = _redact_meta(meta, redactor)
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

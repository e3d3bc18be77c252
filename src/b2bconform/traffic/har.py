"""HAR 1.2 (``log.entries[]``, JSON) from browsers, proxies and schemathesis, streamed with ijson.

An entry without a response (``status: 0``, as browsers and schemathesis write a failed call) or
whose response body was not recorded becomes an exchange with no response and the reason as its
error: counted, not judged.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import ijson

from b2bconform.engine.model import Exchange, Headers, Request, Response, load_json
from b2bconform.engine.yamlfile import MAX_DEPTH
from b2bconform.errors import InputFileError
from b2bconform.traffic._entries import (
    Location,
    Site,
    absolute_url,
    content_decoded,
    http_method,
    kind,
    status_code,
)
from b2bconform.traffic._json_position import line_of_value, syntax_error_position
from b2bconform.traffic._source import CountingReader, open_traffic

__all__ = ["HAR_VERSIONS", "iter_har"]

HAR_VERSIONS = frozenset({"1.1", "1.2"})
_SHAPE = "expected a HAR file: a JSON object with 'log' holding 'entries'"
_OPENERS = frozenset({"start_map", "start_array"})
_CLOSERS = frozenset({"end_map", "end_array"})


def iter_har(path: Path, *, progress: Callable[[int], None] | None = None) -> Iterator[Exchange]:
    """The exchanges of a HAR file's entries in recorded order; ``InputFileError`` on any problem."""
    with open_traffic(path) as source:
        try:
            for index, entry in _entries(path, source):
                yield _exchange(_site(path, index), entry, index, str(path))
                if progress is not None:
                    progress(source.position)
        except (
            ijson.JSONError,
            json.JSONDecodeError,
        ) as exc:  # ijson's pure-Python backend raises the latter
            raise _syntax_error(path, exc, source.position) from None


def _entries(path: Path, source: CountingReader) -> Iterator[tuple[int, Any]]:
    """Each entry of ``log.entries`` built whole, one at a time; the rest of the file only checked.

    ijson's basic events carry no prefix (a prefix grows with the nesting, so a file nested 200,000
    deep would cost memory with the square of its depth); where we are is tracked here instead.
    """
    events = ijson.basic_parse(source, use_float=True)
    first = next(events, None)
    if first is None:
        raise InputFileError(str(path), f"empty file: {_SHAPE}")
    if first[0] != "start_map":
        raise InputFileError(str(path), f"{_SHAPE}, got {_json_kind(first[0])}", location="line 1")
    entries_found = False
    index = 0
    for top_key in _keys(path, events, ()):
        if top_key != "log":
            _skip(path, events, ("log",))
            continue
        event, value = next(events)
        if event != "start_map":
            raise _top_error(path, ["log"], f"expected the HAR log object, got {_json_kind(event)}")
        for key in _keys(path, events, ("log",)):
            event, value = next(events)
            if key == "version" and (event in _OPENERS or value not in HAR_VERSIONS):
                raise _top_error(path, ["log", "version"], f"unsupported HAR version {value!r}; expected 1.2")
            if key != "entries":
                _skip(path, events, ("log", key), event)
                continue
            if event != "start_array":
                raise _top_error(
                    path, ["log", "entries"], f"expected a list of entries, got {_json_kind(event)}"
                )
            entries_found = True
            for event, value in events:
                if event == "end_array":
                    break
                yield index, _build(path, events, event, value, ("log", "entries", index))
                index += 1
    if not entries_found:
        raise _top_error(path, ["log"], f"missing 'log.entries': {_SHAPE}")


def _keys(path: Path, events: Iterator[tuple[str, Any]], where: Location) -> Iterator[str]:
    """The keys of the object being read, each once (its value is for the caller to read)."""
    seen: set[str] = set()
    for event, value in events:
        if event == "end_map":
            return
        if value in seen:
            raise _top_error(path, [*where], f"duplicate key {value!r}: a HAR object names each member once")
        seen.add(value)
        yield value


def _skip(path: Path, events: Iterator[tuple[str, Any]], where: Location, event: str | None = None) -> None:
    """Read past one value (``event`` its first event, or the next one), bounded in depth."""
    if event is None:
        event, _ = next(events)
    depth = 1 if event in _OPENERS else 0
    while depth:
        event, _ = next(events)
        if event in _OPENERS:
            depth += 1
            if depth > MAX_DEPTH:
                raise _top_error(path, [*where], f"nested deeper than {MAX_DEPTH} levels")
        elif event in _CLOSERS:
            depth -= 1


def _build(path: Path, events: Iterator[tuple[str, Any]], event: str, value: Any, where: Location) -> Any:
    """The value that starts with (event, value), built from the events that follow.

    What ``ijson.ObjectBuilder`` builds, without a method call per event (entries are built a
    hundred events at a time, and this loop is most of the time spent reading a HAR file), bounded
    in depth and refusing a key given twice (last-wins would hide a 500 behind a 202).
    """
    if event not in _OPENERS:
        return value
    root: Any = {} if event == "start_map" else []
    stack: list[Any] = [root]
    keys: list[Any] = [None]
    key: Any = None
    for event, value in events:
        if event == "map_key":
            key = value
            if key in stack[-1]:
                inside = [k for k in keys[1:] if k is not None]
                raise _top_error(
                    path, [*where, *inside], f"duplicate key {key!r}: an entry names each member once"
                )
            continue
        if event == "end_map" or event == "end_array":
            stack.pop()
            keys.pop()
            if not stack:
                return root
            continue
        top = stack[-1]
        if event == "start_map" or event == "start_array":
            value = {} if event == "start_map" else []
            stack.append(value)
            keys.append(key if type(top) is not list else len(top))
            if len(stack) > MAX_DEPTH:
                raise _top_error(path, [*where], f"nested deeper than {MAX_DEPTH} levels")
        if type(top) is list:
            top.append(value)
        else:
            top[key] = value
    raise StopIteration  # the events ended inside the value, as next() would have said


def _json_kind(event: str) -> str:
    names = {"start_map": "an object", "start_array": "a list", "string": "text", "null": "nothing (null)"}
    return names.get(event, "a number" if event == "number" else "a boolean" if event == "boolean" else event)


def _site(path: Path, index: int) -> Site:
    where = ("log", "entries", index)
    return Site(str(path), where, lambda location: line_of_value(path, (*where, *location)))


def _top_error(path: Path, location: Location, problem: str) -> InputFileError:
    return Site(str(path), (), lambda _: line_of_value(path, location)).error(location, problem)


def _syntax_error(path: Path, exc: Exception, consumed: int) -> InputFileError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    found = syntax_error_position(path)
    if found is None:
        return InputFileError(
            str(path), f"not valid JSON: {reason}", location=f"within the first {consumed} bytes"
        )
    line, column, truncated = found
    problem = (
        "not valid JSON: the file ends inside a value (truncated?)"
        if truncated
        else f"not valid JSON: {reason}"
    )
    return InputFileError(str(path), problem, location=f"line {line}, column {column}")


# ── one entry ─────────────────────────────────────────────────────────────────────────────────


def _exchange(site: Site, entry: Any, index: int, source: str) -> Exchange:
    if not isinstance(entry, dict):
        raise site.error([], f"expected an entry object with request and response, got {kind(entry)}")
    for part in ("request", "response"):
        if not isinstance(entry.get(part), dict):
            found = "missing" if part not in entry else f"got {kind(entry[part])}"
            raise site.error([part], f"expected a '{part}' object ({found})")
    request = _request(site, entry["request"])
    raw = entry["response"]
    if raw.get("status") == 0:  # how HAR writers record a call that got no answer
        error = str(raw.get("_error") or entry.get("_error") or "no response recorded (status 0)")
        return Exchange(api="", request=request, error=error, index=index, source=source, recorded=True)
    response = _response(site, raw, entry.get("time"))
    unrecorded = _unrecorded_body(raw.get("content"))
    if unrecorded:
        # judging a missing or cut body would blame the vendor for the recorder
        return Exchange(api="", request=request, error=unrecorded, index=index, source=source, recorded=True)
    return Exchange(api="", request=request, response=response, index=index, source=source, recorded=True)


def _request(site: Site, raw: dict[str, Any]) -> Request:
    method = http_method(site, ["request", "method"], raw.get("method"))
    url = absolute_url(site, ["request", "url"], raw.get("url"))
    headers = _headers(site, ["request", "headers"], raw.get("headers"))
    return Request(
        method,
        url,
        headers,
        content_decoded(headers, _post_data(site, ["request", "postData"], raw.get("postData"))),
    )


def _response(site: Site, raw: dict[str, Any], time: Any) -> Response:
    if "status" not in raw:
        raise site.error(["response", "status"], "missing status: expected an integer HTTP status")
    code = status_code(site, ["response", "status"], raw["status"])
    headers = _headers(site, ["response", "headers"], raw.get("headers"))
    body = content_decoded(headers, _content(site, ["response", "content"], raw.get("content"))) or b""
    elapsed = time / 1000 if isinstance(time, int | float) and not isinstance(time, bool) else None
    return Response(code, headers, body, elapsed)


def _headers(site: Site, where: Location, raw: Any) -> Headers:
    """``[{name, value}]``; HTTP/2 pseudo-headers (``:authority``) are not headers and are left out."""
    if raw is None:
        return Headers()
    if not isinstance(raw, list):
        raise site.error(where, f"expected a list of {{name, value}} headers, got {kind(raw)}")
    pairs = []
    for position, header in enumerate(raw):
        if not (
            isinstance(header, dict)
            and isinstance(header.get("name"), str)
            and isinstance(header.get("value"), str)
        ):
            raise site.error([*where, position], "expected a header as {name: <text>, value: <text>}")
        if not header["name"].startswith(":"):
            pairs.append((header["name"], header["value"]))
    return Headers(pairs)


def _post_data(site: Site, where: Location, raw: Any) -> bytes | None:
    """``text`` as sent, or the form ``params`` when a writer kept only those."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise site.error(where, f"expected postData as {{mimeType, text}}, got {kind(raw)}")
    text = raw.get("text")
    if isinstance(text, str):
        return _decoded(site, [*where, "text"], text, raw.get("encoding"))
    params = raw.get("params")
    if isinstance(params, list) and params:
        if not all(isinstance(p, dict) and isinstance(p.get("name"), str) for p in params):
            raise site.error([*where, "params"], "expected params as [{name, value}]")
        return urlencode([(p["name"], str(p.get("value") or "")) for p in params]).encode("utf-8")
    if text is not None:
        raise site.error([*where, "text"], f"expected the posted body as text, got {kind(text)}")
    return None


def _content(site: Site, where: Location, raw: Any) -> bytes:
    if raw is None:
        return b""
    if not isinstance(raw, dict):
        raise site.error(where, f"expected content as {{size, mimeType, text}}, got {kind(raw)}")
    text = raw.get("text")
    if text is None:
        return b""
    if not isinstance(text, str):
        raise site.error([*where, "text"], f"expected the body as text, got {kind(text)}")
    return _decoded(site, [*where, "text"], text, raw.get("encoding"))


_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _decoded(site: Site, where: Location, text: str, encoding: Any) -> bytes:
    if encoding in (None, ""):
        return _unmarked(text)
    if encoding != "base64":
        raise site.error(where, f"unsupported encoding {encoding!r}: expected base64 or none")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise site.error(where, "expected base64 text (encoding: base64)") from None


def _unmarked(text: str) -> bytes:
    """Text without an ``encoding`` marker, as written. Some writers (schemathesis's HAR) store a
    body base64-encoded without saying so: where the text is base64 and no JSON, and decodes to
    JSON, the reading is unambiguous and the decoded body is what was sent."""
    raw = text.encode("utf-8")
    if len(text) < 8 or _BASE64.fullmatch(text) is None or _is_json(raw):
        return raw
    decoded = base64.b64decode(text)
    return decoded if _is_json(decoded) else raw


def _is_json(data: bytes) -> bool:
    try:
        load_json(data)
    except ValueError:
        return False
    return True


def _unrecorded_body(content: Any) -> str | None:
    """Why the response body cannot be judged, or None: it was not kept, or kept only in part."""
    if not isinstance(content, dict):
        return None
    comment = content.get("comment")
    if isinstance(comment, str) and comment.startswith("Body truncated"):
        return f"response body truncated in the recording ({comment})"
    size = content.get("size")
    if content.get("text") is None and isinstance(size, int) and size > 0:
        return f"response body not recorded (content.size {size}, no content.text)"
    return None

"""schemathesis' own VCR output (``st run --report vcr``), streamed.

Its shape is not VCR.py's: ``http_interactions:`` (with ``command``, ``recorded_with`` and ``seed``
beside it), each interaction with ``id``, ``status``, ``recorded_at``, ``checks``, a ``request``
(``uri``, ``method``, ``headers`` as name -> list, ``body: {encoding, string | base64_string}``)
and a ``response`` (``status: {code: '200', message}`` -- the code quoted --, ``elapsed``,
``headers``, ``body``, ``http_version``; ``truncated_from`` when only a prefix of the body was
kept) or ``response: null`` when the call failed. An interaction without a usable response
becomes an exchange with no response and the reason as its error: counted, not judged.
"""

from __future__ import annotations

import base64
import binascii
import codecs
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from b2bconform.engine.model import Exchange, Request, Response
from b2bconform.traffic._entries import (
    Location,
    Site,
    absolute_url,
    content_decoded,
    header_map,
    http_method,
    kind,
    status_code,
)
from b2bconform.traffic._source import open_traffic
from b2bconform.traffic._yaml_stream import YamlListFile

__all__ = ["iter_schemathesis_vcr"]

_SHAPE = "expected schemathesis' VCR output: a mapping with 'http_interactions'"
_FOREIGN = {
    "interactions": "missing 'http_interactions': expected schemathesis' VCR output "
    "(this looks like a VCR.py cassette)"
}


def iter_schemathesis_vcr(path: Path, *, progress: Callable[[int], None] | None = None) -> Iterator[Exchange]:
    """The exchanges of a schemathesis VCR file in recorded order; ``InputFileError`` on any problem."""
    with open_traffic(path) as source:
        stream = YamlListFile(source, "http_interactions", _SHAPE, _FOREIGN)
        for index, interaction, site in stream.items():
            yield _exchange(site, index, interaction, str(path))
            if progress is not None:
                progress(source.position)
        if not stream.found_list:
            if "http_interactions" not in stream.top:
                raise stream.error([], f"missing 'http_interactions': {_SHAPE}")
            raw = stream.top["http_interactions"]
            if raw is not None:  # a run that recorded nothing writes the key alone
                raise stream.error(["http_interactions"], f"expected a list of interactions, got {kind(raw)}")


def _exchange(site: Site, index: int, interaction: Any, source: str) -> Exchange:
    if not isinstance(interaction, dict):
        raise site.error([], f"expected a mapping with request and response, got {kind(interaction)}")
    raw_request = interaction.get("request")
    if not isinstance(raw_request, dict):
        found = "missing" if "request" not in interaction else f"got {kind(raw_request)}"
        raise site.error(["request"], f"expected a 'request' mapping ({found})")
    request = _request(site, raw_request)
    if "response" not in interaction:
        raise site.error(
            ["response"], "expected a 'response' mapping, or null when the call failed (missing)"
        )
    raw_response = interaction["response"]
    if raw_response is None:
        status = interaction.get("status") or "ERROR"
        error = f"no response recorded (schemathesis status {status})"
        return Exchange(api="", request=request, error=error, index=index, source=source, recorded=True)
    if not isinstance(raw_response, dict):
        raise site.error(["response"], f"expected a 'response' mapping or null, got {kind(raw_response)}")
    response = _response(site, raw_response)
    truncated = raw_response.get("truncated_from")
    if truncated is not None:
        # judging a prefix of a body would blame the vendor for the recorder's cut
        error = f"response body truncated in the recording (of {truncated} bytes)"
        return Exchange(api="", request=request, error=error, index=index, source=source, recorded=True)
    return Exchange(api="", request=request, response=response, index=index, source=source, recorded=True)


def _request(site: Site, raw: Mapping[str, Any]) -> Request:
    method = http_method(site, ["request", "method"], raw.get("method"))
    uri = absolute_url(site, ["request", "uri"], raw.get("uri"))
    headers = header_map(site, ["request", "headers"], raw.get("headers"))
    return Request(
        method, uri, headers, content_decoded(headers, _body(site, ["request", "body"], raw.get("body")))
    )


def _response(site: Site, raw: Mapping[str, Any]) -> Response:
    status = raw.get("status")
    where: list[str | int] = ["response", "status", "code"]
    if not isinstance(status, dict) or "code" not in status:
        raise site.error(where, "missing status code: expected status: {code: '<integer>'}")
    code = status_code(site, where, status["code"], digits_as_text=True)
    headers = header_map(site, ["response", "headers"], raw.get("headers"))
    body = content_decoded(headers, _body(site, ["response", "body"], raw.get("body"))) or b""
    return Response(code, headers, body, _seconds(raw.get("elapsed")))


def _body(site: Site, where: Location, raw: Any) -> bytes | None:
    """``{encoding, string}`` (text as decoded by the recorder) or ``{encoding, base64_string}``."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not ({"string", "base64_string"} & raw.keys()):
        raise site.error(where, "expected a body as {encoding, string} or {encoding, base64_string}")
    if "base64_string" in raw:
        encoded = raw["base64_string"]
        try:
            if not isinstance(encoded, str):
                raise binascii.Error
            return base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise site.error([*where, "base64_string"], "expected base64 text") from None
    text = raw["string"]
    if text is None:
        return None
    if not isinstance(text, str):
        raise site.error([*where, "string"], f"expected the body as text, got {kind(text)}")
    return text.encode(_codec(raw.get("encoding")), errors="replace")


def _codec(name: Any) -> str:
    """The recorder decoded with the response's charset: encoding back with it restores the bytes."""
    try:
        return codecs.lookup(name).name if isinstance(name, str) else "utf-8"
    except LookupError:
        return "utf-8"


def _seconds(raw: Any) -> float | None:
    try:
        return float(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None

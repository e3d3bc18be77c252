"""VCR.py cassettes (YAML, ``version: 1``, ``interactions: [{request, response}]``), streamed.

The top-level keys may come in any order (VCR.py sorts them, so ``version`` usually comes last); a
wrong or missing version is reported even after the interactions were read, before any verdict.
A JSON cassette (VCR.py's json serializer) reads the same way: JSON is YAML.
"""

from __future__ import annotations

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

__all__ = ["VCR_VERSION", "iter_vcr"]

VCR_VERSION = 1
_SHAPE = "expected a mapping with 'version' and 'interactions'"
_FOREIGN = {
    "http_interactions": "missing 'interactions': expected a list of request/response pairs "
    "(this looks like schemathesis' VCR output, not VCR.py's)"
}


def iter_vcr(path: Path, *, progress: Callable[[int], None] | None = None) -> Iterator[Exchange]:
    """The exchanges of a VCR.py cassette in recorded order; ``InputFileError`` on any problem.

    ``progress`` is told how many bytes of the file have been read, after each exchange.
    """
    with open_traffic(path) as source:
        stream = YamlListFile(source, "interactions", _SHAPE, _FOREIGN)
        for index, interaction, site in stream.items():
            if index == 0 and "version" in stream.top:
                _check_version(stream)  # known before the first interaction: refuse early
            yield _exchange(site, index, interaction, str(path))
            if progress is not None:
                progress(source.position)
        _check_version(stream)
        if not stream.found_list:
            raw = stream.top.get("interactions")
            if raw is None:
                raise stream.error([], "missing 'interactions': expected a list of request/response pairs")
            raise stream.error(["interactions"], f"expected a list of interactions, got {kind(raw)}")


def _check_version(stream: YamlListFile) -> None:
    if "version" not in stream.top:
        raise stream.error([], f"missing 'version': expected version: {VCR_VERSION} (VCR.py format)")
    version = stream.top["version"]
    if version != VCR_VERSION or isinstance(version, bool):
        raise stream.error(["version"], f"unsupported cassette version {version!r}; expected {VCR_VERSION}")


def _exchange(site: Site, index: int, interaction: Any, source: str) -> Exchange:
    if not isinstance(interaction, dict):
        raise site.error([], f"expected a mapping with request and response, got {kind(interaction)}")
    for part in ("request", "response"):
        if not isinstance(interaction.get(part), dict):
            found = "missing" if part not in interaction else f"got {kind(interaction[part])}"
            raise site.error([part], f"expected a '{part}' mapping ({found})")
    request = _request(site, ["request"], interaction["request"])
    response = _response(site, ["response"], interaction["response"])
    return Exchange(api="", request=request, response=response, index=index, source=source, recorded=True)


def _request(site: Site, where: list[str | int], raw: Mapping[str, Any]) -> Request:
    method = http_method(site, [*where, "method"], raw.get("method"))
    uri = absolute_url(site, [*where, "uri"], raw.get("uri"))
    headers = header_map(site, [*where, "headers"], raw.get("headers"))
    return Request(
        method, uri, headers, content_decoded(headers, _body(site, [*where, "body"], raw.get("body")))
    )


def _response(site: Site, where: list[str | int], raw: Mapping[str, Any]) -> Response:
    status = raw.get("status")
    if not isinstance(status, dict) or "code" not in status:
        raise site.error(
            [*where, "status", "code"], "missing status code: expected status: {code: <integer>}"
        )
    code = status_code(site, [*where, "status", "code"], status["code"])
    headers = header_map(site, [*where, "headers"], raw.get("headers"))
    return Response(
        code, headers, content_decoded(headers, _body(site, [*where, "body"], raw.get("body"))) or b""
    )


def _body(site: Site, where: Location, raw: Any) -> bytes | None:
    """A body is text, ``!!binary`` bytes, null, or VCR.py's ``{string: ...}`` wrapper around either."""
    if isinstance(raw, dict):
        if "string" not in raw:
            raise site.error(where, "expected a body as text, null or {string: ...}")
        where, raw = [*where, "string"], raw["string"]
    if raw is None:
        return None
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, str):
        return raw.encode("utf-8")
    raise site.error(where, f"expected the body as text or !!binary, got {kind(raw)}")

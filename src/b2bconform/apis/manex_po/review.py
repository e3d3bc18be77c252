"""The ManEx Purchase Order document's examples as exchanges.

The examples are kept verbatim, and most are not JSON: single-quoted request bodies, answers copied
from a browser's JSON viewer. A small tolerant reader reads what it can; what even it cannot read is
listed under ``unreadable`` in judging.yaml, and reading it now is drift (the document was
corrected). Placeholders ('poNum':'PONUMBER') are replaced by sample values before judging.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.review.examples import (
    NOTE,
    ExampleSet,
    entry_list,
    judging_schema,
    load_examples,
    try_building,
)
from b2bconform.review.model import ExampleCase

__all__ = [
    "API",
    "BASE",
    "JSON_HEADERS",
    "JUDGING_SCHEMA",
    "KEY",
    "cases",
    "example_request",
    "load",
    "pairing_exchange",
    "placeholders_of",
    "read_body",
    "read_query",
    "tolerant_json",
    "url",
]

API = "manex_po"
BASE = "https://manex.example"
KEY = "EXAMPLEKEY"
JSON_HEADERS = Headers({"Content-Type": "application/json"})
REQUEST_SOURCES = ("request", "request_json", "request_body", "request_url")

_ENTRY = {"type": "object", "additionalProperties": {"type": "string"}}
JUDGING_SCHEMA = judging_schema(
    placeholders=_ENTRY,
    unreadable=entry_list("file", "why", file=NOTE, why=NOTE),
    requests=entry_list("file", "expected_findings", file=NOTE, placeholders=_ENTRY),
    pairings=entry_list(
        "response",
        "expected_findings",
        response=NOTE,
        placeholders=_ENTRY,
        request=NOTE,
        request_json={"type": "object"},
        request_body={"type": "string"},
        request_url=NOTE,
        section_action=NOTE,
        aims_at_section_action={"type": "boolean"},
    ),
)


def load(contracts_dir: Path | None = None) -> ExampleSet:
    return load_examples(API, JUDGING_SCHEMA, contracts_dir)


# ── reading the examples ─────────────────────────────────────────────────────────────────────


def tolerant_json(text: str) -> Any:
    """Read a JSON-ish example: quote bare names, drop the viewer's '-', single to double quotes, stray commas."""
    text = re.sub(r"'([^'\n]*)'", r'"\1"', text)
    text = re.sub(r'^(\s*)-(?=\s*[\[{"$A-Za-z_])', r"\1", text, flags=re.MULTILINE)
    text = re.sub(r"^(\s*)([$A-Za-z_][$\w]*)\s*:", r'\1"\2":', text, flags=re.MULTILINE)
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    return json.loads(text)


def read_body(examples: ExampleSet, name: str) -> Any:
    """An example body as printed if it is JSON, else through the tolerant reader (ValueError if neither)."""
    text = examples.text(name)
    try:
        return json.loads(text)
    except ValueError:
        return tolerant_json(text)


def read_query(examples: ExampleSet, name: str) -> list[tuple[str, str]]:
    """A query-string example ("URL-?a=1&b=2", possibly over several lines) as name/value pairs. A
    stray closing quote ending the string (Item Edit's "...&ord_qty=1'") is the document's typing, not
    part of the last value: it is dropped, as the JSON reader drops stray commas."""
    text = "".join(line.strip() for line in examples.text(name).splitlines())
    if text.endswith("'") and text.count("'") % 2:
        text = text[:-1]
    if not re.match(r"(?i)url-\?", text):
        raise ValueError(f"{name}: not a query-string example")
    return parse_qsl(text.split("?", 1)[1], keep_blank_values=True)


def _substitute(value: Any, placeholders: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _substitute(v, placeholders) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, placeholders) for v in value]
    if isinstance(value, str):
        return placeholders.get(value.upper(), value)
    return value


def placeholders_of(examples: ExampleSet, entry: Mapping[str, Any]) -> dict[str, str]:
    """judging.yaml's placeholders with the entry's own overrides, by upper-cased name."""
    merged = {**examples.judging["placeholders"], **(entry.get("placeholders") or {})}
    return {k.upper(): str(v) for k, v in merged.items()}


# ── building exchanges ───────────────────────────────────────────────────────────────────────


def url(operation: str, query: list[tuple[str, str]] | None = None) -> str:
    found = f"{BASE}/api/PO/{operation.removeprefix('PO')}/{KEY}"
    return f"{found}?{urlencode(query)}" if query else found


def example_request(examples: ExampleSet, name: str, placeholders: Mapping[str, str]) -> Request:
    """The request an example shows: its query string, or its body as JSON, placeholders replaced."""
    indexed = examples.indexed(name)
    operation = str(indexed["operation"])
    if indexed.get("form") == "query":
        pairs = [(k, _substitute(v, placeholders)) for k, v in read_query(examples, name)]
        return Request("POST", url(operation, pairs))
    body = _substitute(read_body(examples, name), placeholders)
    return Request("POST", url(operation), JSON_HEADERS, json.dumps(body).encode())


def pairing_exchange(examples: ExampleSet, pairing: Mapping[str, Any]) -> Exchange:
    """The answer example with what it answers: envelopes as HTTP 200 (the document states no HTTP
    status; the harness judges Code), URL errors as HTTP 404."""
    indexed = examples.indexed(pairing["response"])
    operation = str(indexed["operation"])
    if "request" in pairing:
        request = example_request(examples, pairing["request"], placeholders_of(examples, pairing))
    elif "request_json" in pairing:
        request = Request("POST", url(operation), JSON_HEADERS, json.dumps(pairing["request_json"]).encode())
    elif "request_body" in pairing:
        request = Request("POST", url(operation), JSON_HEADERS, pairing["request_body"].encode())
    else:
        request = Request("POST", pairing["request_url"])
    body = json.dumps(read_body(examples, pairing["response"])).encode()
    response = Response(404 if indexed.get("status") == 404 else 200, JSON_HEADERS, body)
    return Exchange(api=API, request=request, response=response)


def request_exchange(examples: ExampleSet, entry: Mapping[str, Any]) -> Exchange:
    """The request example as a caller sends it; the answer is a placeholder (a caller's request is judged alone)."""
    request = example_request(examples, entry["file"], placeholders_of(examples, entry))
    return Exchange(api=API, request=request, response=Response(200, JSON_HEADERS, b"{}"))


# ── the cases ────────────────────────────────────────────────────────────────────────────────


def cases(examples: ExampleSet) -> list[ExampleCase]:
    found = []
    for location, entry in examples.entries("unreadable"):
        drift = None
        try:
            read_body(examples, entry["file"])
            drift = "recorded unreadable, but it now reads: move it to `requests` and judge it"
        except ValueError:
            pass
        note = f"The example cannot be read as JSON: {entry['why']}"
        found.append(
            examples.case(
                "unjudged", location, entry, example=entry["file"], reading_drift=drift, discrepancy=note
            )
        )
    for location, entry in examples.entries("requests"):
        exchange, drift = try_building(partial(request_exchange, examples, entry))
        found.append(
            examples.case(
                "request", location, entry, example=entry["file"], exchanges=exchange, reading_drift=drift
            )
        )
    for location, pairing in examples.entries("pairings"):
        sources = [key for key in REQUEST_SOURCES if key in pairing]
        if len(sources) != 1:
            raise examples.error(
                location, f"expected exactly one of {', '.join(REQUEST_SOURCES)}, got {sources}"
            )
        exchange, drift = try_building(partial(pairing_exchange, examples, pairing))
        found.append(examples.pairing_case(location, pairing, exchange, reading_drift=drift))
    return found

"""The ManEx Sales Order document's examples as exchanges.

Most of them are not JSON as printed (single quotes, bare keys, keys broken across lines). Each is
read as strictly as it allows (judging.yaml's ``read``), placeholders are replaced by values of the
documented shape, and it is judged with the contract: requests as a caller's, answers on the
vendor's side, answering an example request of the same section. An example that no longer reads as
recorded is drift: the document copy changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.review.examples import (
    EXPECTED_FINDINGS,
    NOTE,
    ExampleSet,
    judging_schema,
    load_examples,
    try_building,
)
from b2bconform.review.model import CaseKind, ExampleCase

__all__ = [
    "ACTIONS",
    "API",
    "BASE",
    "JSON_HEADERS",
    "JUDGING_SCHEMA",
    "READINGS",
    "cases",
    "entry",
    "load",
    "parameters",
    "parses",
    "query_of",
    "read_example",
    "request_for",
    "response_exchange",
    "tolerant_json",
]

API = "manex_so"
BASE = "https://manex.example.com/API/SO"
KEY = "EXAMPLEKEY"
JSON_HEADERS = Headers({"Content-Type": "application/json"})
READINGS = ("strict", "tolerant", "unparseable")

ACTIONS = {
    "SOAdd": "Add",
    "SOEdit": "Edit",
    "SOGet": "Get",
    "SOItemAdd": "ItemAdd",
    "SOItemEdit": "ItemEdit",
    "SOItemGet": "ItemGet",
    "SOItemDelete": "ItemDelete",
    "SOPriceAdd": "PriceAdd",
    "SOPriceEdit": "PriceEdit",
    "SOPriceGet": "PriceGet",
    "SOPriceDelete": "PriceDelete",
    "SODueDateAdd": "DueDateAdd",
    "SODueDateEdit": "DueDateEdit",
    "SODueDateGet": "DueDateGet",
    "SODueDateDelete": "DueDateDelete",
}

JUDGING_SCHEMA = judging_schema(
    placeholders={"type": "object", "additionalProperties": {"type": "string"}},
    examples={
        "type": "array",
        "items": {
            "type": "object",
            "required": ["file", "read", "judge"],
            "properties": {
                "file": NOTE,
                "read": {"enum": list(READINGS)},
                "judge": {"enum": ["request", "response", "none"]},
                "operation": {"enum": [*ACTIONS, None]},
                "request": NOTE,
                "drop": {"type": "array", "items": {"type": "string"}},
                "expected_findings": EXPECTED_FINDINGS,
                "expected_discrepancies": EXPECTED_FINDINGS,
                "discrepancy": NOTE,
            },
            # an example that is judged says what it breaks; one that is not says why
            "if": {"properties": {"judge": {"const": "none"}}},
            "then": {"required": ["discrepancy"]},
            "else": {"required": ["expected_findings"]},
        },
    },
)


def load(contracts_dir: Path | None = None) -> ExampleSet:
    return load_examples(API, JUDGING_SCHEMA, contracts_dir)


# ── reading the examples ──────────────────────────────────────────────────────────────────────

_IDENT = re.compile(r"[$A-Za-z_][$\w]*")


def tolerant_json(text: str) -> Any:
    """Read an example the way a person does: lines joined (the document breaks keys across lines), a
    missing opening brace added, '-' before keys dropped, bare keys quoted, single-quoted strings made
    JSON strings, trailing commas dropped. Raises ValueError when even that does not give JSON."""
    joined = "".join(line.strip() for line in text.splitlines())
    if joined.endswith("}") and not joined.startswith("{"):
        joined = "{" + joined
    out: list[str] = []

    def last() -> str:
        return next((piece.strip()[-1] for piece in reversed(out) if piece.strip()), "")

    i = 0
    while i < len(joined):
        char = joined[i]
        if char in "\"'":
            end = joined.find(char, i + 1)
            if end < 0:
                raise ValueError(f"unterminated string at {i}")
            out.append(json.dumps(joined[i + 1 : end]))
            i = end + 1
        elif (
            char == "-" and last() in "{[," and (joined[i + 1 : i + 2] == "{" or _IDENT.match(joined, i + 1))
        ):
            i += 1  # a browser's fold marker before a member
        elif (
            last() in "{,"
            and (key := _IDENT.match(joined, i))
            and joined[key.end() :].lstrip().startswith(":")
        ):
            out.append(json.dumps(key.group()))
            i = key.end()
        elif char in "}]" and last() == ",":
            index = max(k for k, piece in enumerate(out) if piece.strip())
            out[index] = out[index].rstrip()[:-1]
            out.append(char)
            i += 1
        else:
            out.append(char)
            i += 1
    return json.loads("".join(out))


def query_of(text: str, *, tolerant: bool) -> dict[str, str]:
    """A printed URL example ("URL- ?a=1&b=2") as its parameters; tolerant: a further '?' is '&'."""
    printed = re.sub(r"^URL\s*[-:]\s*", "", text.strip())
    if not printed.startswith("?"):
        raise ValueError("not a query string")
    query = printed[1:]
    if "?" in query:
        if not tolerant:
            raise ValueError("'?' used as a separator")
        query = query.replace("?", "&")
    return dict(parse_qsl(query, keep_blank_values=True))


def read_example(examples: ExampleSet, name: str, mode: str) -> Any:
    """Example ``name`` read as ``mode`` says (strict or tolerant); ValueError when it does not read so."""
    text = examples.text(name)
    if ".query." in name:
        return query_of(text, tolerant=mode == "tolerant")
    return json.loads(text) if mode == "strict" else tolerant_json(text)


def parses(examples: ExampleSet, name: str, mode: str) -> bool:
    try:
        read_example(examples, name, mode)
    except ValueError:
        return False
    return True


def entry(examples: ExampleSet, name: str, location: Sequence[str | int] = ()) -> Mapping[str, Any]:
    """Example ``name``'s judging entry (a pairing at ``location`` naming no entry is malformed)."""
    for found in examples.judging["examples"]:
        if found["file"] == name:
            return dict(found)
    raise examples.error(location, f"names example {name!r}, which has no entry under 'examples'")


def parameters(examples: ExampleSet, name: str, drop: Sequence[str] = ()) -> dict[str, Any]:
    """An example request's parameters, placeholders replaced, the ``drop`` ones removed."""
    found = read_example(examples, name, entry(examples, name)["read"])
    placeholders = examples.judging["placeholders"]
    dropped = {d.lower() for d in drop}
    return {
        key: placeholders.get(value, value) if isinstance(value, str) else value
        for key, value in found.items()
        if key.lower() not in dropped
    }


def request_for(examples: ExampleSet, name: str, operation: str, drop: Sequence[str] = ()) -> Request:
    """The request example ``name`` as sent: a query string as GET, a JSON example as POST."""
    url = f"{BASE}/{ACTIONS[operation]}/{KEY}"
    params = parameters(examples, name, drop)
    if ".query." in name:
        return Request("GET", f"{url}?{urlencode(params)}")
    return Request("POST", url, JSON_HEADERS, json.dumps(params).encode())


def response_exchange(examples: ExampleSet, example: Mapping[str, Any]) -> Exchange:
    """The answer example with the request it answers: HTTP 200 for an envelope (the document states
    no HTTP status), HTTP 404 to a GET of the URI a URL error quotes."""
    body = read_example(examples, example["file"], example["read"])
    encoded = json.dumps(body).encode()
    if example["file"].startswith("url-error."):
        uri = re.search(r"request URI '([^']*)'", str(body.get("Message")))
        if uri is None:
            raise ValueError(f"{example['file']}: the URL error quotes no URI")
        return Exchange(API, Request("GET", uri.group(1)), Response(404, JSON_HEADERS, encoded))
    request = request_for(examples, example["request"], example["operation"], example.get("drop", []))
    return Exchange(API, request, Response(200, JSON_HEADERS, encoded))


def request_exchange(examples: ExampleSet, example: Mapping[str, Any]) -> Exchange:
    """The request example as a caller sends it; the answer is a placeholder (a caller's request is judged alone)."""
    request = request_for(examples, example["file"], example["operation"])
    return Exchange(API, request, Response(200, JSON_HEADERS, b"{}"))


# ── the cases ─────────────────────────────────────────────────────────────────────────────────

_KINDS: dict[str, CaseKind] = {"request": "request", "response": "pairing", "none": "unjudged"}
_HOW_READ = {
    "tolerant": "Read as a person would, then judged: lines joined, a missing opening brace added, '-' before "
    "keys dropped, bare keys quoted, single-quoted strings read as strings, trailing commas dropped; in a "
    "query string every further '?' read as '&'.",
}


def cases(examples: ExampleSet) -> list[ExampleCase]:
    found = []
    for location, example in examples.entries("examples"):
        judge = example["judge"]
        paired = []
        if judge == "response" and "request" in example:
            paired = [example["request"]]
            if entry(examples, example["request"], location)["judge"] != "request":
                raise examples.error(
                    location, f"pairs with {example['request']!r}, which is not a request example"
                )
        elif judge == "response" and not example["file"].startswith("url-error."):
            raise examples.error(location, "expected key 'request' (the example request this answers)")
        exchanges: list[Exchange] = []
        drift = reading_drift(examples, example)
        if judge != "none":
            build = request_exchange if judge == "request" else response_exchange
            exchanges, unbuilt = try_building(partial(build, examples, example))
            drift = drift or unbuilt
        found.append(
            examples.case(
                _KINDS[judge], location, example,
                example=example["file"], paired=paired, exchanges=exchanges,
                reading_drift=drift, reading=_HOW_READ.get(example["read"]),
            )
        )  # fmt: skip
    return found


def reading_drift(examples: ExampleSet, example: Mapping[str, Any]) -> str | None:
    """How the example reads now, if not as judging.yaml records (the document copy changed)."""
    name, mode = example["file"], example["read"]
    strict, tolerant = parses(examples, name, "strict"), parses(examples, name, "tolerant")
    now = "strict" if strict else "tolerant" if tolerant else "unparseable"
    return None if now == mode else f"recorded read: {mode}, but it now reads {now}"

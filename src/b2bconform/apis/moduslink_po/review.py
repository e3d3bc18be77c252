"""The ModusLink Purchase API document's examples as exchanges.

Each response example answers the request example as printed, changed only where its status needs
it (``request_body``, ``request_headers``, ``order_extra``); a 409 follows the same request accepted
once, so that it answers a real duplicate. The request examples are judged as a caller's requests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.review.examples import NOTE, ExampleSet, entry_list, judging_schema, load_examples
from b2bconform.review.model import ExampleCase

__all__ = ["API", "CREDENTIALS", "JUDGING_SCHEMA", "URL", "cases", "load"]

API = "moduslink_po"
URL = "https://api-uat.moduslink.com/purchaseapi/v1/orders"
REQUEST_EXAMPLE = "request.create-order.json"
ACCEPTED_EXAMPLE = "response.202.json"
# Placeholders for the headers the document asks for, never anyone's credentials.
CREDENTIALS = {
    "ClientConfigId": "example-ccid",
    "ClientAuthKey": "example-key",
    "Ocp-Apim-Subscription-Key": "example-sub",
}

JUDGING_SCHEMA = judging_schema(
    pairings=entry_list(
        "response",
        "expected_findings",
        response={"type": "string", "pattern": r"^response\.[0-9]{3}\."},
        request_body={"type": "string"},
        request_headers={"type": "object", "additionalProperties": {"type": "string"}},
        order_extra={"type": "object"},
        duplicate_of_request={"type": "boolean"},
    ),
    requests=entry_list("file", "expected_findings", file=NOTE, uses_item_note_not_notes={"type": "boolean"}),
)


def load(contracts_dir: Path | None = None) -> ExampleSet:
    return load_examples(API, JUDGING_SCHEMA, contracts_dir)


def cases(examples: ExampleSet) -> list[ExampleCase]:
    found = [
        examples.pairing_case(
            location, pairing, _pairing_exchanges(examples, pairing), paired=[REQUEST_EXAMPLE]
        )
        for location, pairing in examples.entries("pairings")
    ]
    for location, entry in examples.entries("requests"):
        exchange = _exchange(examples, examples.bytes(entry["file"]), CREDENTIALS, ACCEPTED_EXAMPLE, 202)
        found.append(examples.request_case(location, entry, [exchange]))
    return found


def _exchange(
    examples: ExampleSet, body: bytes, headers: dict[str, str], response_file: str, status: int
) -> Exchange:
    request = Request("POST", URL, Headers({**headers, "Content-Type": "application/json"}), body)
    response = Response(status, Headers({"Content-Type": "application/json"}), examples.bytes(response_file))
    return Exchange(api=API, request=request, response=response)


def _pairing_exchanges(examples: ExampleSet, pairing: Mapping[str, Any]) -> list[Exchange]:
    status = int(pairing["response"].split(".")[1])
    order = dict(json.loads(examples.text(REQUEST_EXAMPLE)))
    order["clientRequest"]["order"].update(pairing.get("order_extra", {}))
    body = pairing.get("request_body", json.dumps(order)).encode()
    headers = pairing.get("request_headers", CREDENTIALS)
    exchanges = []
    if pairing.get("duplicate_of_request"):
        # the same request accepted once before, so that the 409 answers a real duplicate
        exchanges.append(_exchange(examples, body, headers, ACCEPTED_EXAMPLE, 202))
    exchanges.append(_exchange(examples, body, headers, pairing["response"], status))
    return exchanges

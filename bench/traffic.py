"""Large recordings for the audit benchmark: a VCR.py cassette and a HAR 1.2 file of one API's traffic.

The exchanges are real: a handful of conversations with the ModusLink sandbox (create an order, read
it back, a request the vendor must refuse, a call with a wrong key) are recorded once, and then
repeated with fresh references and request ids, so that every order of the file is a different one
and the duplicate and read-back checks see what a day of traffic would show them. Files are written
streaming: the writer holds one interaction at a time.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from b2bconform.apis.moduslink_po.generators import ORDERS_PATH
from b2bconform.sandboxes import get_sandbox

__all__ = ["API", "Template", "templates", "write_har", "write_vcr"]

API = "moduslink_po"
BASE_URL = "https://api-uat.moduslink.com"
# Fixed-width placeholders: substituting them never changes a line's length, so the YAML text of
# a template stays valid whatever the number put in.
_REF = "B2BBENCHREF0000000"  # 18 characters, within the documented 25
_ID = "ZZZZZZZ"  # the sandbox's requestIds have seven digits
_SKUS = ("SKU00001", "LAPTOP-14-G5", "DOCK-USB-C", "PSU-90W", "MOUSE-BT")
_NOTES = ("handle with care", "deliver to dock 4", "call before delivery", "fragile")


@dataclass(frozen=True)
class Template:
    """One recorded exchange, with the placeholders a copy replaces."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: str | None
    status: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    response_body: str


def _order(variant: int, reference: str) -> dict[str, Any]:
    items = 1 + variant % 3
    return {
        "clientRequest": {
            "requestHeader": {
                "externalMessageReference": reference,
                "client": "B2BCONFORM",
                "requestReference": reference,
                "dateTimeSent": "2026-01-15T09:30:00Z",
            },
            "order": {
                "custReference": f"PO-{variant:04d}",
                "note": [{"noteType": "F01", "value": f"bench variant {variant}"}],
            },
            "item": [
                {
                    "itemId": str(index),
                    "sku": _SKUS[(variant + index) % len(_SKUS)],
                    "clientItemRef": str(index),
                    "quantity": {"uom": ("EA", "BX", "CS")[index % 3], "value": str(1 + variant * index)},
                    "itemDeliveryDate": f"2026-02-{1 + (variant + index) % 27:02d}",
                    "notes": [{"noteType": "F06", "value": _NOTES[(variant + index) % len(_NOTES)]}],
                }
                for index in range(1, items + 1)
            ],
        }
    }


def templates(variants: int = 6) -> list[Template]:
    """``variants`` conversations of four exchanges each, recorded from the in-process sandbox."""
    with warnings.catch_warnings():
        # Starlette 1.x prefers httpx2 for its TestClient; httpx is what the harness uses
        warnings.filterwarnings("ignore", message=".*httpx2")
        from starlette.testclient import TestClient

    sandbox = get_sandbox(API)()
    client = TestClient(sandbox.asgi(), base_url=BASE_URL)
    headers = sandbox.client_headers()
    out: list[Template] = []
    for variant in range(variants):
        reference = f"B2BBENCHTPL{variant:07d}"
        created = client.post(ORDERS_PATH, json=_order(variant, reference), headers=headers)
        request_id = created.json()["requestId"]
        read = client.get(f"{ORDERS_PATH}/{request_id}", headers=headers)
        bad = _order(variant, reference + "X")
        bad["clientRequest"]["requestHeader"]["requestReference"] = "R" * 26  # over the documented 25
        refused = client.post(ORDERS_PATH, json=bad, headers=headers)
        wrong_key = client.get(f"{ORDERS_PATH}/{request_id}", headers={**headers, "ClientAuthKey": "wrong"})
        for response in (created, read, refused, wrong_key):
            out.append(_template(response, reference, request_id))
    return out


def _template(response: Any, reference: str, request_id: str) -> Template:
    def mark(text: str) -> str:
        return re.sub(rf"\b{request_id}\b", _ID, text.replace(reference, _REF))

    request = response.request
    body = request.content.decode("utf-8") if request.content else None
    return Template(
        method=request.method,
        url=mark(str(request.url)),
        request_headers=tuple((k, v) for k, v in request.headers.items() if k != "content-length"),
        request_body=mark(body) if body is not None else None,
        status=response.status_code,
        reason=response.reason_phrase,
        response_headers=tuple((k, v) for k, v in response.headers.items() if k != "content-length"),
        response_body=mark(response.text),
    )


def _substitute(text: str, number: int) -> str:
    return text.replace(_REF, f"B2BBENCHREF{number:07d}").replace(_ID, f"{3_000_000 + number:07d}")


def _copies(count: int, rendered: list[str]) -> Iterator[str]:
    """``count`` interactions: the templates' conversations repeated, each with its own order."""
    per_conversation = 4
    for index in range(count):
        conversation, step = divmod(index, per_conversation)
        template = rendered[(conversation % (len(rendered) // per_conversation)) * per_conversation + step]
        yield _substitute(template, conversation)


def _vcr_interaction(template: Template) -> str:
    def headers(pairs: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
        return {name: [value] for name, value in pairs}

    interaction = {
        "request": {
            "body": template.request_body,
            "headers": headers(template.request_headers),
            "method": template.method,
            "uri": template.url,
        },
        "response": {
            "body": {"string": template.response_body},
            "headers": headers(template.response_headers),
            "status": {"code": template.status, "message": template.reason},
        },
    }
    return yaml.dump([interaction], Dumper=yaml.CSafeDumper, sort_keys=False, width=120)


def _har_entry(template: Template) -> str:
    def headers(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
        return [{"name": name, "value": value} for name, value in pairs]

    mime = dict((k.lower(), v) for k, v in template.response_headers).get("content-type", "")
    request: dict[str, Any] = {
        "method": template.method,
        "url": template.url,
        "httpVersion": "HTTP/1.1",
        "headers": headers(template.request_headers),
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": len(template.request_body or ""),
    }
    if template.request_body is not None:
        request["postData"] = {"mimeType": "application/json", "text": template.request_body}
    entry = {
        "startedDateTime": "2026-11-22T09:50:19.000Z",
        "time": 12.5,
        "request": request,
        "response": {
            "status": template.status,
            "statusText": template.reason,
            "httpVersion": "HTTP/1.1",
            "headers": headers(template.response_headers),
            "cookies": [],
            "content": {
                "size": len(template.response_body),
                "mimeType": mime,
                "text": template.response_body,
            },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(template.response_body),
        },
        "cache": {},
        "timings": {"send": 0.1, "wait": 12.3, "receive": 0.1},
    }
    return json.dumps(entry)


def _write(path: Path, head: str, tail: str, count: int, rendered: list[str], separator: str) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for index, text in enumerate(_copies(count, rendered)):
            out.write(separator if index else "")
            out.write(text)
        out.write(tail)
    return path


def write_vcr(path: Path, count: int, source: list[Template] | None = None) -> Path:
    """A VCR.py cassette (block YAML, as VCR.py writes it) of ``count`` interactions."""
    rendered = [_vcr_interaction(t) for t in source or templates()]
    return _write(path, "interactions:\n", "version: 1\n", count, rendered, "")


def write_har(path: Path, count: int, source: list[Template] | None = None) -> Path:
    """A HAR 1.2 file of ``count`` entries."""
    rendered = [_har_entry(t) for t in source or templates()]
    head = (
        '{"log": {"version": "1.2", "creator": {"name": "b2bconform-bench", "version": "1"}, "entries": [\n'
    )
    return _write(path, head, "\n]}}\n", count, rendered, ",\n")


WRITERS: dict[str, Callable[[Path, int, list[Template] | None], Path]] = {
    "vcr": write_vcr,
    "har": write_har,
}

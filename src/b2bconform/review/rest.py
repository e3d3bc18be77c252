"""The review of a REST contract whose API folder writes no review module: its spec says where each
example goes. judging.yaml holds ``pairings`` (a response example answering a request example) and
``requests`` (a request example judged alone as a caller's, answered with its operation's first 2xx
response example). A request goes to the spec's first server (its origin: a contract's paths are
whole paths) with its operation's method and path
(an index entry's ``path`` gives a concrete one where the template has parameters), as JSON, with a
placeholder for each header credential the contract declares, never anyone's value. A response
example's index entry gives its ``status`` (200 when it gives none)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.engine.rules import load_rules
from b2bconform.engine.yamlfile import load_yaml
from b2bconform.review.examples import ExampleSet, load_examples, pairs_judging_schema
from b2bconform.review.model import ExampleCase

__all__ = ["load_rest_examples", "spec_cases"]

_JSON = {"Content-Type": "application/json"}
_BODILESS = frozenset({"GET", "DELETE", "HEAD"})


def load_rest_examples(api: str, contracts_dir: Path | None = None) -> ExampleSet:
    """A REST contract's examples, read with the pairings-and-requests judging schema."""
    return load_examples(api, pairs_judging_schema(), contracts_dir)


def _operations(spec: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        operation["operationId"]: (method.upper(), path)
        for path, item in (spec.get("paths") or {}).items()
        if isinstance(item, dict)
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }


def spec_cases(examples: ExampleSet) -> list[ExampleCase]:
    """The cases of ``examples``' pairings and requests, each request sent as its spec says."""
    root = examples.folder.parent
    spec = load_yaml(root / "openapi.yaml", with_lines=False).data
    # the origin only: a contract's paths are whole paths, as the engine matches them
    server = "{0.scheme}://{0.netloc}".format(
        urlsplit(str(((spec.get("servers") or [{}])[0]).get("url", "https://vendor.example")))
    )
    operations = _operations(spec)
    placeholders = {
        c.at: f"example-{c.name}" for c in load_rules(root / "rules.yaml").credentials if c.where == "header"
    }

    def request(name: str) -> Request:
        entry = examples.indexed(name)
        if entry.get("operation") not in operations:
            raise examples.error(
                [], f"{name}: operation {entry.get('operation')!r} is no operationId of the spec"
            )
        method, template = operations[entry["operation"]]
        body = None if method in _BODILESS else examples.bytes(name)
        return Request(
            method, server + str(entry.get("path", template)), Headers({**_JSON, **placeholders}), body
        )

    def response(name: str) -> Response:
        status = int(examples.indexed(name).get("status", 200))
        return Response(status, Headers(dict(_JSON)), examples.bytes(name))

    def exchange(request_file: str, response_file: str) -> Exchange:
        return Exchange(api=examples.api, request=request(request_file), response=response(response_file))

    return examples.paired_cases(exchange, lambda request: examples.first_answer(request, range(200, 300)))

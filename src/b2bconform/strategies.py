"""Requests generated from a contract: a JSON request body drawn from the spec's own schema (by
schemathesis, with the format library registered), so a length, an enum or a format written in
``openapi.yaml`` is not written again in a generator; accepted only when the contract's request
rules accept it too, so what the spec cannot say (distinct line numbers, a rule judged on the
caller) still holds; and with a key of the test's own at every member a rule compares with earlier
requests (``unique``, ``repeat_accepted``).

The request rules that say what a member may be (``enum``, ``max_length``, ``format``) narrow the
spec's schema before drawing: a rule may be stricter than the schema (a list of note types the
vendor's schema does not enumerate), and a generator that drew outside it would only be filtered.
``complete`` bodies carry every member the spec defines and one to three elements of every array,
so that a mutation finds something to break for every request rule.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from hypothesis import strategies as st

from b2bconform.engine.contract import Contract, contract_of
from b2bconform.engine.model import Exchange, Headers, Request
from b2bconform.engine.pointers import holder_of
from b2bconform.engine.rules import Rule
from b2bconform.engine.schemas import inlined, request_body_schemas, schemas_at
from b2bconform.references import TestTag

__all__ = ["KEYED_BY_HISTORY", "accepted_by_rules", "fresh_keys", "request_bodies"]

#: Checks that compare a member with earlier requests: a generated request needs a value of its own.
KEYED_BY_HISTORY = frozenset({"unique", "repeat_accepted"})


def request_bodies(
    api: str, operation: str, tag: TestTag, *, complete: bool = True
) -> st.SearchStrategy[Any]:
    """JSON bodies of ``operation`` that the spec's schema and the contract's request rules accept."""
    contract = contract_of(api)
    method, path = _method_and_path(api, operation)
    cases: st.SearchStrategy[Any] = _schema(api, operation, complete)[path][method].as_strategy()
    bodies = cases.map(lambda case: copy.deepcopy(case.body)).filter(lambda body: isinstance(body, dict))
    return bodies.map(lambda body: fresh_keys(contract, operation, body, tag, empty_too=True)).filter(
        lambda body: _accepted(contract, operation, method, path, body)
    )


def fresh_keys(
    contract: Contract, operation: str, document: Any, tag: TestTag, *, empty_too: bool = False
) -> Any:
    """``document`` with a value of this test's own at each member a rule of ``operation`` compares
    with earlier requests; digits stay digits of the same length (when there is room for the run's
    part and the test's). An empty value is kept (a document's example may send one on purpose)
    unless ``empty_too``."""
    for rule in contract.rules:
        if rule.check not in KEYED_BY_HISTORY or not rule.applies_to(operation) or "path" not in rule.params:
            continue
        holder, member = holder_of(document, str(rule.params["path"]))
        if holder is None or not isinstance(holder.get(member), str) or not (holder[member] or empty_too):
            continue
        value = holder[member]
        numeric = value.isdigit() and len(value) >= 6
        holder[member] = tag.number(len(value)) if numeric else tag.next(_room(contract, operation, rule))
    return document


def accepted_by_rules(api: str, operation: str, body: Any) -> bool:
    """Whether every request rule of ``operation`` accepts ``body`` (sent as a caller sends it)."""
    method, path = _method_and_path(api, operation)
    return _accepted(contract_of(api), operation, method, path, body)


def _room(contract: Contract, operation: str, rule: Rule) -> int:
    """How long a key at the rule's member may be: the spec's maxLength there (the one place it is
    written), or room enough for any run's reference where the spec bounds it nowhere."""
    bounds = [
        int(node["maxLength"])
        for schema in request_body_schemas(contract.spec, operation)
        for node in schemas_at(schema, str(rule.params["path"]))
        if isinstance(node.get("maxLength"), int)
    ]
    return min(bounds, default=_UNBOUNDED_KEY)


_UNBOUNDED_KEY = 64


def _accepted(contract: Contract, operation: str, method: str, path: str, body: Any) -> bool:
    """Whether the request rules accept ``body``, sent as a caller sends it (over HTTPS, with every
    header credential the contract declares): only what the body says is judged here."""
    headers = [("Content-Type", "application/json")]
    headers += [(c.at, "placeholder") for c in contract.rules.credentials if c.where == "header"]
    request = Request(method, f"https://generated.invalid{path}", Headers(headers), json.dumps(body).encode())
    judgement = contract.check(Exchange(contract.api, request, operation=operation), side="client")
    return not judgement.findings


def _method_and_path(api: str, operation: str) -> tuple[str, str]:
    found = contract_of(api).operation(operation)
    return found.method, found.template


@cache
def _schema(api: str, operation: str, complete: bool) -> Any:
    """A schemathesis schema of ``operation`` alone, its body schema inlined and narrowed by the rules."""
    import schemathesis  # only where requests are generated: the audit never pays for it

    from b2bconform.engine.formats.openapi import register_with_schemathesis

    register_with_schemathesis()
    contract = contract_of(api)
    method, path = _method_and_path(api, operation)
    definition = copy.deepcopy(contract.spec["paths"][path][method.lower()])
    if complete and isinstance(definition.get("requestBody"), dict):
        definition["requestBody"]["required"] = True  # a complete request has its body
    for media in ((definition.get("requestBody") or {}).get("content") or {}).values():
        if isinstance(media, dict) and isinstance(media.get("schema"), dict):
            media["schema"] = _narrowed(
                contract, operation, inlined(contract.spec, media["schema"]), complete
            )
    spec = {key: value for key, value in contract.spec.items() if key != "paths"}
    return schemathesis.openapi.from_dict({**spec, "paths": {path: {method.lower(): definition}}})


def _narrowed(contract: Contract, operation: str, schema: Any, complete: bool) -> Any:
    # an API binding parameters by name reads members in any case; its rules name them lower-cased
    by_name = contract.rules.request_parameters != "query_and_json"
    for rule in contract.rules:
        keyword = _NARROWING.get(rule.check)
        if keyword is None or rule.direction != "request" or not rule.applies_to(operation):
            continue
        paths = rule.params.get("path")
        for path in paths if isinstance(paths, list) else [paths]:
            found = schemas_at(schema, str(path), case_sensitive=by_name) if isinstance(path, str) else []
            for node in found:
                node.update(keyword(rule.params))
                for key in [k for k, v in node.items() if v is None]:
                    del node[key]
    if complete:
        _complete(schema)
    return schema


# what a rule of each check says a member's schema is (a rule may be stricter than the spec)
_NARROWING: dict[str, Any] = {
    "enum": lambda params: {"enum": list(params["values"])} if "values" in params else {},
    "max_length": lambda params: {"maxLength": int(params["max"])} if "max" in params else {},
    # a format or pattern the rule names replaces the spec's own (one shape, drawn by the library)
    "format": lambda params: (
        {"type": "string", "format": str(params.get("format") or params["formats"][0]), "pattern": None}
        if params.get("format") or params.get("formats")
        else {}
    ),
    "pattern": lambda params: (
        {"type": "string", "pattern": f"^(?:{params['regex']})$", "format": None} if "regex" in params else {}
    ),
}
_MAX_ITEMS = 3  # arrays of complete bodies: enough for each element's rules, few enough to draw fast


def _complete(node: Any) -> None:
    """Every property required, every string non-empty, every array of one to three elements,
    throughout ``node``."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            node["required"] = sorted(set(node.get("required", [])) | set(node["properties"]))
        if node.get("type") == "string" and "enum" not in node:
            node["minLength"] = max(1, int(node.get("minLength", 0)))  # an empty value is often no value
        if node.get("type") == "array":
            node["minItems"] = max(1, int(node.get("minItems", 0)))
            node["maxItems"] = min(int(node.get("maxItems", _MAX_ITEMS)), _MAX_ITEMS)
        for value in node.values():
            _complete(value)
    elif isinstance(node, list):
        for value in node:
            _complete(value)

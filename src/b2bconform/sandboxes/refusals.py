"""What a sandbox refuses a request for: the contract's own request rules, not a second copy of
them. A rule is the vendor's to refuse when it is judged on the vendor (``judged`` names it) and
says with what status (``rejects_with``); rules judged on the client only are not enforced, as the
real vendor accepts those. Each refusal names its rule, so a fault can switch off exactly one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import jsonschema

from b2bconform.engine.contract import contract_of
from b2bconform.engine.model import Exchange, Finding, Headers, Request
from b2bconform.engine.rules import Rule
from b2bconform.engine.schemas import request_body_schemas
from b2bconform.errors import ContractLoadError

__all__ = ["as_sent", "breaking_paths", "broken_request_rules", "dotted", "enum_values", "spec_schema_errors"]


def broken_request_rules(
    api: str,
    operation: str,
    request: Request | Any,
    *,
    status: int | None = None,
    history: Sequence[Exchange] = (),
) -> list[tuple[Rule, Finding]]:
    """Each vendor-refused rule ``request`` breaks, with its finding, in the catalogue's order;
    ``request`` may be a parsed JSON body alone (judged as sent over HTTPS with no header).
    ``status``: only the rules refused with it. ``history``: the exchanges the sandbox answered
    before, classified, which a rule on state reads (a repeated key is refused as the contract's
    ``unique`` rule says)."""
    contract = contract_of(api)
    if not isinstance(request, Request):
        request = as_sent(request)
    # the sandbox sees the request itself: nothing of it was removed by a recorder (unknown={})
    judgement = contract.check(
        Exchange(api, request, operation=operation), history=history, side="client", unknown={}
    )
    order = {rule.id: index for index, rule in enumerate(contract.rules)}
    rules = {
        rule.id: rule
        for rule in contract.rules
        if rule.direction == "request"
        and "vendor" in rule.judged
        and rule.rejects_with
        and (status is None or status in rule.rejects_with)
    }
    # a rule another reading of the document contests is still broken: the sandbox refuses by the adopted one
    broken = sorted(
        (f for f in [*judgement.findings, *judgement.discrepancies] if f.rule in rules),
        key=lambda f: order[f.rule],
    )
    return [(rules[finding.rule], finding) for finding in broken]


def as_sent(body: Any) -> Request:
    """A request body alone (bytes as they are, anything else as JSON), as sent over HTTPS with no
    header: what a sandbox judges by the rules on the body, its operation named apart."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    return Request("POST", "https://sandbox.invalid/", Headers([]), raw)


def breaking_paths(api: str, operation: str, rule_id: str, request: Request) -> list[str]:
    """Where ``request`` breaks rule ``rule_id`` (its findings' pointers, indexes left out): what a
    sandbox that refuses by a schema rather than by the rules (an XSD, as a WCF service does) leaves
    unjudged while that rule's fault runs."""
    judgement = contract_of(api).check(Exchange(api, request, operation=operation), side="client", unknown={})
    return sorted(
        {
            "/".join(token for token in finding.path.split("/") if not token.isdigit())
            for finding in [*judgement.findings, *judgement.discrepancies]
            if finding.rule == rule_id
        }
    )


def spec_schema_errors(api: str, operation: str, body: Any) -> list[str]:
    """The pointers of members the vendor validates (a rule it refuses by reads them) where ``body``
    breaks the spec's request schema (another JSON type, above all): a vendor's schema validation
    refuses those although no rule catches them (a rule's check leaves a value of another type to a
    type rule the document may not state)."""
    contract = contract_of(api)
    validated = [
        str(path).split("/")
        for rule in contract.rules
        if rule.direction == "request"
        and "vendor" in rule.judged
        and rule.rejects_with
        and rule.applies_to(operation)
        for path in (
            rule.params.get("path")
            if isinstance(rule.params.get("path"), list)
            else [rule.params.get("path")]
        )
        if isinstance(path, str)
    ]
    found = []
    for schema in request_body_schemas(contract.spec, operation):
        for error in jsonschema.Draft202012Validator(schema).iter_errors(body):
            tokens = ["", *map(str, error.absolute_path)]
            # absence is a required rule's to say; this judges the values that are there
            if error.validator != "required" and any(_matches(tokens, path) for path in validated):
                found.append("/".join(tokens))
    return found


def _matches(tokens: list[str], path: list[str]) -> bool:
    return len(tokens) == len(path) and all(p in ("*", t) for t, p in zip(tokens, path, strict=True))


def enum_values(api: str, rule_id: str) -> tuple[str, ...]:
    """The values an ``enum`` rule of ``api`` allows (written in the rule, or taken from the spec):
    a sandbox that must know them reads them here instead of writing them again."""
    rule = next((r for r in contract_of(api).rules if r.id == rule_id), None)
    if rule is None or "values" not in rule.params:
        raise ContractLoadError(
            str(contract_of(api).root / "rules.yaml"), f"no enum rule {rule_id} with values"
        )
    return tuple(str(value) for value in rule.params["values"])


def dotted(pointer: str) -> str:
    """/root/items/0/sku -> root.items[0].sku, as vendors' messages name a member."""
    out = ""
    for token in (part for part in pointer.split("/") if part):
        out += f"[{token}]" if token.isdigit() else (f".{token}" if out else token)
    return out

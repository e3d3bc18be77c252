"""The vendor's 412 judgement of a purchase order: the contract's own request rules that the vendor
judges and refuses with 412 (``rules.yaml``; a bound the rule leaves unwritten comes from the spec),
each broken one told in the vendor's (Newtonsoft-style) words. Rules judged on the client only
(``judged: [client]``) are not enforced; the real vendor accepts those. Each problem names the
rule it enforces, so a fault can switch off exactly one rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from b2bconform.engine.formats import get_format
from b2bconform.engine.model import Finding
from b2bconform.engine.pointers import MISSING, select
from b2bconform.engine.rules import Rule
from b2bconform.sandboxes.refusals import broken_request_rules, dotted

__all__ = ["Problem", "validate_request"]

API = "moduslink_po"
OPERATION = "createPurchaseOrder"
REFUSED_WITH = 412


@dataclass(frozen=True)
class Problem:
    """One 412 message entry, plus the rule it enforces."""

    path: str  # as the vendor writes it: #/clientRequest.item[0].sku
    # StringTooLong, PropertyRequired, NotInEnumeration, InvalidType, InvalidFormat or ArrayTooShort
    error_type: str
    message: str
    rule: str


def validate_request(body: Mapping[str, Any]) -> list[Problem]:
    """Every vendor-judged rule the (already parsed, object-rooted) body breaks, in rule order."""
    problems: dict[Problem, str] = {}  # one entry per problem however many findings tell it
    for rule, finding in broken_request_rules(API, OPERATION, body, status=REFUSED_WITH):
        words = _WORDS.get(rule.check or "")
        if words is not None:
            problems.update({problem: pointer for pointer, problem in words(rule, finding, body)})
    # a member inside one that is already of the wrong type is not judged again
    broken = [pointer for p, pointer in problems.items() if p.error_type == "InvalidType"]
    return [p for p, pointer in problems.items() if not any(pointer.startswith(f"{b}/") for b in broken)]


def _value(body: Any, pointer: str) -> Any:
    return next((value for _, value in select(body, pointer)), MISSING)


def _vendor_path(pointer: str) -> str:
    """/clientRequest/item/0/sku -> #/clientRequest.item[0].sku"""
    return f"#/{dotted(pointer)}"


def _type_name(value: Any) -> str:
    """The type name the vendor's messages use."""
    names = ((bool, "Boolean"), (int, "Integer"), (float, "Float"), (str, "String"), (list, "Array"))
    return "Null" if value is None else next((n for t, n in names if isinstance(value, t)), "Object")


def _one(error_type: str, message: Callable[[Rule, Any], str]) -> Callable[..., list[tuple[str, Problem]]]:
    def words(rule: Rule, finding: Finding, body: Any) -> list[tuple[str, Problem]]:
        value = _value(body, finding.path)
        text = message(rule, value)
        return [(finding.path, Problem(_vendor_path(finding.path), error_type, text, rule.id))]

    return words


def _members_missing(rule: Rule, finding: Finding, body: Any) -> list[tuple[str, Problem]]:
    holder = _value(body, finding.path)
    missing = [m for m in rule.params["members"] if not isinstance(holder, dict) or m not in holder]
    return [
        (f"{finding.path}/{member}", _missing(_vendor_path(f"{finding.path}/{member}"), member, rule.id))
        for member in missing
    ]


def _required(rule: Rule, finding: Finding, body: Any) -> list[tuple[str, Problem]]:
    member = finding.path.rstrip("/").rsplit("/", 1)[-1]
    return [(finding.path, _missing(_vendor_path(finding.path), member, rule.id))]


def _missing(path: str, member: str, rule: str) -> Problem:
    # The path names the missing member itself, like the 409's path does.
    return Problem(path, "PropertyRequired", f"Required properties are missing from object: {member}.", rule)


def _format_message(rule: Rule, value: Any) -> str:
    name = str(rule.params.get("format"))
    return f"String '{value}' does not match format '{name}': {get_format(name).validate(str(value))}."


_WORDS: dict[str, Callable[[Rule, Finding, Any], list[tuple[str, Problem]]]] = {
    "required": _required,
    "each_has": _members_missing,
    "type": _one(
        "InvalidType",
        lambda rule, value: (
            f"Invalid type. Expected {str(rule.params['type']).capitalize()} but got {_type_name(value)}."
        ),
    ),
    "max_length": _one(
        "StringTooLong",
        lambda rule, value: f"String '{value}' exceeds maximum length of {rule.params['max']}.",
    ),
    "min_items": _one(
        "ArrayTooShort",
        lambda rule, value: (
            f"Array item count {len(value) if isinstance(value, list) else 0} is less "
            f"than minimum count of {rule.params['min']}."
        ),
    ),
    "enum": _one("NotInEnumeration", lambda rule, value: f'Value "{value}" is not defined in enum.'),
    "format": _one("InvalidFormat", _format_message),
}

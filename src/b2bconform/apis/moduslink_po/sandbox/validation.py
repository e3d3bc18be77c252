"""The vendor's 412 judgement of a purchase order: every vendor-judged request rule of rules.yaml.

Rules judged on the client only (``judged: [client]``: client name, note types, distinct item
ids, response-only members) are deliberately not enforced; the real vendor accepts those.
Each problem names the rule it enforces, so a fault can switch off exactly one rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from b2bconform.engine.formats import get_format

__all__ = ["ROOT_PATH", "Problem", "validate_request"]

ROOT_PATH = "#/clientRequest"
_RULE = "MODUSLINK_PO-REQ-"


@dataclass(frozen=True)
class Problem:
    """One 412 message entry, plus the rule it enforces (None: a plain type check no rule names)."""

    path: str
    # StringTooLong, PropertyRequired, NotInEnumeration, InvalidType, InvalidFormat or ArrayTooShort
    error_type: str
    message: str
    rule: str | None


@dataclass(frozen=True)
class StringSpec:
    """What the vendor schema says about one string member; each aspect carries its rule id."""

    required_rule: str | None = None  # None: optional member
    type_rule: str | None = None
    max_length: int | None = None
    length_rule: str | None = None
    format: str | None = None
    format_rule: str | None = None
    enum: tuple[str, ...] = ()
    enum_rule: str | None = None


def _r(number: int) -> str:
    return f"{_RULE}{number:03d}"


HEADER: Mapping[str, StringSpec] = {
    "externalMessageReference": StringSpec(required_rule=_r(7), max_length=50, length_rule=_r(8)),
    "client": StringSpec(max_length=40, length_rule=_r(10)),
    "requestReference": StringSpec(required_rule=_r(11), max_length=25, length_rule=_r(12)),
    "dateTimeSent": StringSpec(format="utc-datetime", format_rule=_r(14)),
}
ORDER: Mapping[str, StringSpec] = {"custReference": StringSpec(type_rule=_r(18))}
ITEM: Mapping[str, StringSpec] = {
    "itemId": StringSpec(required_rule=_r(24), format="numeric-string", format_rule=_r(25)),
    "sku": StringSpec(required_rule=_r(27), max_length=18, length_rule=_r(28)),
    "clientItemRef": StringSpec(max_length=5, length_rule=_r(29)),
    "itemDeliveryDate": StringSpec(format="iso-date", format_rule=_r(36)),
}
QUANTITY: Mapping[str, StringSpec] = {
    "value": StringSpec(required_rule=_r(31), type_rule=_r(32), format="decimal-string", format_rule=_r(33)),
    "uom": StringSpec(enum=("EA", "BX", "CS"), enum_rule=_r(34)),
}


def _note(required_rule: str) -> Mapping[str, StringSpec]:
    return {
        "noteType": StringSpec(required_rule=required_rule, max_length=4, length_rule=_r(21)),
        "value": StringSpec(required_rule=required_rule, max_length=132, length_rule=_r(22)),
    }


ORDER_NOTE = _note(_r(20))
ITEM_NOTE = _note(_r(37))
# The schema names item notes "notes", the vendor's examples send "note": both are judged.
ITEM_NOTE_MEMBERS = ("notes", "note")


def _json_type(value: Any) -> str:
    """The type name the vendor's (Newtonsoft-style) messages use."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    return "Array" if isinstance(value, list) else "Object"


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, error_type: str, message: str, rule: str | None) -> None:
        self.problems.append(Problem(path, error_type, message, rule))

    def missing(self, path: str, key: str, rule: str) -> None:
        # The path names the missing member itself, like the 409's path does.
        self.add(
            f"{path}.{key}", "PropertyRequired", f"Required properties are missing from object: {key}.", rule
        )

    def wrong_type(self, path: str, expected: str, value: Any, rule: str | None) -> None:
        message = f"Invalid type. Expected {expected} but got {_json_type(value)}."
        self.add(path, "InvalidType", message, rule)

    def container(
        self, parent: Mapping[str, Any], key: str, path: str, kind: type, rule: str | None, *, required: bool
    ) -> Any:
        """The member `key` when it is a `kind` (dict or list); records why not, returns None."""
        if key not in parent:
            if required and rule is not None:
                self.missing(path, key, rule)
            return None
        value = parent[key]
        if not isinstance(value, kind):
            self.wrong_type(f"{path}.{key}", "Object" if kind is dict else "Array", value, rule)
            return None
        return value

    def strings(self, parent: Mapping[str, Any], specs: Mapping[str, StringSpec], path: str) -> None:
        for key, spec in specs.items():
            if key not in parent:
                if spec.required_rule is not None:
                    self.missing(path, key, spec.required_rule)
                continue
            self.string(parent[key], spec, f"{path}.{key}")

    def string(self, value: Any, spec: StringSpec, path: str) -> None:
        if not isinstance(value, str):
            self.wrong_type(path, "String", value, spec.type_rule)
            return
        if spec.max_length is not None and len(value) > spec.max_length:
            message = f"String '{value}' exceeds maximum length of {spec.max_length}."
            self.add(path, "StringTooLong", message, spec.length_rule)
        if spec.format is not None:
            reason = get_format(spec.format).validate(value)
            if reason is not None:
                message = f"String '{value}' does not match format '{spec.format}': {reason}."
                self.add(path, "InvalidFormat", message, spec.format_rule)
        if spec.enum and value not in spec.enum:
            self.add(path, "NotInEnumeration", f'Value "{value}" is not defined in enum.', spec.enum_rule)

    def notes(self, parent: Mapping[str, Any], key: str, path: str, specs: Mapping[str, StringSpec]) -> None:
        notes = self.container(parent, key, path, list, None, required=False)
        for index, note in enumerate(notes or []):
            where = f"{path}.{key}[{index}]"
            if isinstance(note, dict):
                self.strings(note, specs, where)
            else:
                self.wrong_type(where, "Object", note, None)


def validate_request(body: Mapping[str, Any]) -> list[Problem]:
    """Every vendor-judged rule the (already parsed, object-rooted) body breaks, in document order."""
    found = _Collector()
    if "clientRequest" not in body:
        found.add(
            ROOT_PATH,
            "PropertyRequired",
            "Required properties are missing from object: clientRequest.",
            _r(2),
        )
        return found.problems
    request = body["clientRequest"]
    if not isinstance(request, dict):
        found.wrong_type(ROOT_PATH, "Object", request, _r(2))
        return found.problems
    header = found.container(request, "requestHeader", ROOT_PATH, dict, _r(3), required=True)
    if header is not None:
        found.strings(header, HEADER, f"{ROOT_PATH}.requestHeader")
    order = found.container(request, "order", ROOT_PATH, dict, _r(4), required=True)
    if order is not None:
        found.strings(order, ORDER, f"{ROOT_PATH}.order")
        found.notes(order, "note", f"{ROOT_PATH}.order", ORDER_NOTE)
    items = found.container(request, "item", ROOT_PATH, list, _r(5), required=True)
    if items is not None:
        _items(found, items)
    return found.problems


def _items(found: _Collector, items: list[Any]) -> None:
    if not items:
        found.add(
            f"{ROOT_PATH}.item", "ArrayTooShort", "Array item count 0 is less than minimum count of 1.", _r(6)
        )
    for index, item in enumerate(items):
        where = f"{ROOT_PATH}.item[{index}]"
        if not isinstance(item, dict):
            found.wrong_type(where, "Object", item, None)
            continue
        found.strings(item, ITEM, where)
        quantity = found.container(item, "quantity", where, dict, _r(30), required=True)
        if quantity is not None:
            found.strings(quantity, QUANTITY, f"{where}.quantity")
        for key in ITEM_NOTE_MEMBERS:
            found.notes(item, key, where, ITEM_NOTE)

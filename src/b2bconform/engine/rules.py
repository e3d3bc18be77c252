"""The rule catalogue: ``contracts/<api>/rules.yaml`` loaded, validated and typed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from b2bconform.engine.model import Direction, Severity
from b2bconform.engine.pointers import resolve
from b2bconform.engine.yamlfile import YamlDocument, load_yaml
from b2bconform.errors import UsageError

__all__ = [
    "AuthFlow",
    "BodyCondition",
    "Credential",
    "Reading",
    "Rule",
    "RuleCatalogue",
    "Setting",
    "Source",
    "load_rules",
]

SIDES = ("vendor", "client")

# The shape of rules.yaml. A malformed catalogue is reported with file, line and what was expected.
RULES_FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["api", "document", "rules"],
    "additionalProperties": False,
    "properties": {
        "api": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        "document": {"type": "string"},
        # Where a public document that is not among the vendor documents can be read.
        "document_url": {"type": "string", "pattern": "^https://"},
        # What a caller presents to prove who it is, and where: redaction masks every secret one,
        # suites write the target's values there, sandboxes read them there.
        "credentials": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "in", "at"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "in": {"enum": ["header", "body"]},
                    "at": {"type": "string", "minLength": 1},  # a header name, or a body path (/Envelope/...)
                    "secret": {"type": "boolean"},
                    # the rule a wrong value of it breaks (a rule-driven suite's wrong-secret test)
                    "refused_by": {"type": "string"},
                    "meaning": {"type": "string"},  # what it is, as the document says
                },
            },
        },
        "vendor": {"type": "string"},
        "title": {"type": "string"},
        "rejection_statuses": {"type": "array", "items": {"type": "integer"}},
        "auth_statuses": {"type": "array", "items": {"type": "integer"}},
        "xml_lists": {"type": "array", "items": {"type": "string"}},
        "body": {"enum": ["json", "xml"]},
        "read_only_operations": {"type": "array", "items": {"type": "string"}},
        # Where the request's parameters are read from: the body, or the query string and a JSON body.
        "request_parameters": {"enum": ["body", "query_and_json"]},
        # A pointer to the status the API means when its envelope carries one (ManEx `Code`).
        "status_path": {"type": "string", "pattern": "^/"},
        # An answer matching this is a refusal of the caller's credentials (ManEx `IsValidUser: false`).
        "auth_refused": {"$ref": "#/$defs/body_condition"},
        # An answer matching this refuses the request, whatever its status (a PromoStandards
        # ServiceMessage of severity Error); otherwise a refusal is one of a rule's rejection statuses.
        "refused": {"$ref": "#/$defs/body_condition"},
        # A contract-built sandbox's state: records kept by key. `create` names the operation that
        # makes one (the request body, its key written at `key` in the answer, a JSON pointer);
        # `read`, `update`, `delete` name operations whose path parameter `key` names one.
        "state": {
            "type": "object",
            "required": ["create"],
            "additionalProperties": False,
            "properties": {
                "create": {
                    "type": "object",
                    "required": ["operation", "key"],
                    "additionalProperties": False,
                    "properties": {
                        "operation": {"type": "string"},
                        "key": {"type": "string", "pattern": "^/"},
                    },
                },
                **{
                    action: {
                        "type": "object",
                        "required": ["operation", "key"],
                        "additionalProperties": False,
                        "properties": {
                            "operation": {"type": "string"},
                            "key": {"type": "string", "minLength": 1},
                        },
                    }
                    for action in ("read", "update", "delete")
                },
            },
        },
        # How traffic is matched to operations: by method and path, or by path alone.
        "operation_match": {"enum": ["method_and_path", "path"]},
        # With `operation_match: path`: the methods the document shows for every path (others are
        # undocumented, and traffic using them is not judged as the path's operation).
        "path_methods": {
            "type": "array",
            "minItems": 1,
            "items": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]},
        },
        # How a client obtains what it presents: an OAuth2 client-credentials token (Azure AD v1)
        # from the operation named here, sent as a Bearer token with the gateway's subscription key.
        "auth_flow": {
            "type": "object",
            "required": ["kind", "token_operation", "subscription_header"],
            "additionalProperties": False,
            "properties": {
                "kind": {"enum": ["azure_ad_client_credentials"]},
                "token_operation": {"type": "string"},
                "subscription_header": {"type": "string", "minLength": 1},
            },
        },
        # What the harness assumes where the document is silent and a vendor could reasonably differ;
        # rules refer to a setting as `{setting: name}`, a target profile may override its value.
        "settings": {"type": "object", "additionalProperties": {"$ref": "#/$defs/setting"}},
        "rules": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/rule"}},
    },
    "$defs": {
        "source": {
            "type": "object",
            "required": ["file", "section"],
            "additionalProperties": False,
            "properties": {"file": {"type": "string"}, "section": {"type": "string", "minLength": 1}},
        },
        "setting": {
            "type": "object",
            "required": ["value", "decision"],
            "additionalProperties": False,
            "properties": {"value": {}, "decision": {"type": "string", "minLength": 10}},
        },
        "body_condition": {
            "type": "object",
            "required": ["path", "in"],
            "additionalProperties": False,
            "properties": {
                "path": {"type": "string", "pattern": "^/"},
                "in": {"type": "array", "minItems": 1},
            },
        },
        "rule": {
            "type": "object",
            "required": ["id", "statement", "source", "direction", "severity", "kind"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*-[A-Z]+-[0-9]{3}$"},
                "statement": {"type": "string", "minLength": 10},
                "source": {"$ref": "#/$defs/source"},
                "direction": {"enum": [d.value for d in Direction]},
                "severity": {"enum": [s.value for s in Severity]},
                "kind": {"type": "string", "pattern": "^[a-z][a-z-]*$"},
                "operations": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "check": {"type": ["string", "null"]},
                "params": {"type": "object"},
                "when": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "status": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
                        "body": {"$ref": "#/$defs/body_condition"},
                    },
                },
                "rejects_with": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
                "judged": {"type": "array", "items": {"enum": list(SIDES)}, "minItems": 1},
                "decision": {"type": ["string", "null"]},
                # Why neither a sandbox fault nor a mutation breaks this rule alone (the report shows it
                # beside a rule verified one way only).
                "unproven": {"type": "string", "minLength": 10},
                # Other readings the document supports (it contradicts itself or is silent): traffic
                # that breaks the adopted reading (`check`) but follows one of these is a discrepancy
                # for the vendor to settle, never a failure.
                "readings": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/reading"}},
            },
        },
        "reading": {
            "type": "object",
            "required": ["reading", "source"],
            "additionalProperties": False,
            "properties": {
                "reading": {"type": "string", "minLength": 10},
                "source": {"$ref": "#/$defs/source"},
                # The document's own words that support this reading.
                "quote": {"type": "string", "minLength": 3},
                # What this reading demands, as a check; without one the document is silent and any
                # traffic follows this reading.
                "check": {"type": "string"},
                "params": {"type": "object"},
            },
        },
    },
}


@dataclass(frozen=True)
class Source:
    file: str
    section: str


@dataclass(frozen=True)
class Reading:
    """Another reading of a rule that the document supports (it contradicts itself or is silent)."""

    reading: str
    source: Source
    quote: str | None = None
    check: str | None = None  # what the reading demands; None: the document is silent, anything follows it
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self, rule: str) -> dict[str, Any]:
        return {
            "rule": rule,
            "adopted": False,
            "reading": self.reading,
            "source": {"file": self.source.file, "section": self.source.section},
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Setting:
    """An assumption of the harness where the document is silent, and its value for this run."""

    name: str
    value: Any
    default: Any
    decision: str

    @property
    def overridden(self) -> bool:
        return bool(self.value != self.default)


@dataclass(frozen=True)
class AuthFlow:
    """The client obtains a token from ``token_operation`` and presents it as a Bearer token."""

    kind: str
    token_operation: str
    subscription_header: str


@dataclass(frozen=True)
class BodyCondition:
    """The response document holds one of ``values`` at ``path`` (a JSON pointer, `*` allowed)."""

    path: str
    values: tuple[Any, ...]

    def holds(self, document: Any) -> bool:
        if not isinstance(document, dict | list):
            return False
        return any(
            _same(value, wanted) for _, value in resolve(document, self.path) for wanted in self.values
        )


def _same(a: Any, b: Any) -> bool:
    # `in: [false]` must not match 0, nor `in: [1]` match true
    return type(a) is type(b) and a == b


@dataclass(frozen=True)
class Rule:
    """One atomic, checkable statement of a vendor document."""

    id: str
    statement: str
    source: Source
    direction: Direction
    severity: Severity
    kind: str
    operations: tuple[str, ...] = ("*",)
    check: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    statuses: tuple[int, ...] | None = None  # `when.status`: response rules that apply to some statuses only
    when_body: BodyCondition | None = None  # `when.body`: ... or to answers holding some value
    rejects_with: tuple[int, ...] = ()
    judged: tuple[str, ...] = SIDES
    decision: str | None = None
    readings: tuple[Reading, ...] = ()
    unproven: str | None = None  # why no fault or mutation breaks it alone

    @property
    def contested(self) -> bool:
        """Whether the document supports more than the adopted reading of this rule."""
        return bool(self.readings)

    def adopted_reading(self) -> dict[str, Any]:
        """The reading the harness judges by, with where the document states it."""
        return {
            "rule": self.id,
            "adopted": True,
            "reading": self.decision or self.statement,
            "source": {"file": self.source.file, "section": self.source.section},
            "quote": None,
        }

    def applies_to(self, operation: str | None) -> bool:
        return "*" in self.operations or (operation is not None and operation in self.operations)

    def applies_to_status(self, status: int) -> bool:
        return self.statuses is None or status in self.statuses

    def applies_to_answer(self, status: int, document: Any) -> bool:
        """Whether this response rule speaks about an answer with this (effective) status and body."""
        return self.applies_to_status(status) and (self.when_body is None or self.when_body.holds(document))

    @cached_property  # asked for every rule of every exchange; a rule never changes
    def is_request_side(self) -> bool:
        return (
            self.direction in (Direction.REQUEST, Direction.AUTH, Direction.TRANSPORT)
            and not self.statuses
            and self.when_body is None
        )


@dataclass(frozen=True)
class Credential:
    """One thing a caller presents: a header, or a body element (a path of local names)."""

    name: str
    where: str  # "header" or "body"
    at: str
    secret: bool = False
    refused_by: str | None = None
    meaning: str = ""


@dataclass(frozen=True)
class RuleCatalogue:
    api: str
    document: str
    path: Path
    rules: tuple[Rule, ...]
    document_url: str | None = None
    credentials: tuple[Credential, ...] = ()
    vendor: str = ""
    title: str = ""
    # A call refused with one of these was refused before its body was read: only auth rules judge it.
    auth_statuses: tuple[int, ...] = ()
    # XML elements that repeat: always lists in the document tree the checks walk.
    list_elements: frozenset[str] = frozenset()
    xml: bool = False  # `body: xml`: messages are XML (SOAP), read as trees of local names
    # Operations sent with a write method that only read (a SOAP query is a POST).
    read_only_operations: frozenset[str] = frozenset()
    request_parameters: str = "body"  # or "query_and_json"
    status_path: str | None = None
    auth_refused: BodyCondition | None = None
    refused: BodyCondition | None = None
    operation_match: str = "method_and_path"  # or "path"
    path_methods: frozenset[str] = frozenset()  # with "path": the documented methods (empty: any)
    settings: Mapping[str, Setting] = field(default_factory=dict)
    auth_flow: AuthFlow | None = None
    # action (create, read, update, delete) -> (operation id, key): a contract-built sandbox's state
    state: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def __iter__(self) -> Any:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.rules)


def load_rules(path: Path, settings: Mapping[str, Any] | None = None) -> RuleCatalogue:
    """Load and validate a rules file; every problem names the file, the line and what was expected.

    ``settings`` overrides the values of the catalogue's declared settings (from a target profile).
    """
    document = load_yaml(path)
    data = document.data
    resolved = _resolve_settings(document, settings or {})
    if resolved is not None:
        data, declared = resolved
    else:
        declared = {}
    document.validate(RULES_FILE_SCHEMA, data)
    assert isinstance(data, dict)
    default_rejections = tuple(data.get("rejection_statuses", (400,)))
    prefix = data["api"].upper() + "-"
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["rules"]):
        _validate_rule(document, index, raw, prefix, seen)
        rules.append(_build_rule(raw, default_rejections))
    return RuleCatalogue(
        api=data["api"],
        document=data["document"],
        path=path,
        rules=tuple(rules),
        document_url=data.get("document_url"),
        credentials=tuple(
            Credential(
                c["name"], c["in"], c["at"], bool(c.get("secret")), c.get("refused_by"), c.get("meaning", "")
            )
            for c in data.get("credentials", ())
        ),
        vendor=str(data.get("vendor") or data["api"]),
        title=str(data.get("title") or data["api"]),
        auth_statuses=tuple(data.get("auth_statuses", ())),
        list_elements=frozenset(data.get("xml_lists", ())),
        xml=data.get("body", "json") == "xml",
        read_only_operations=frozenset(data.get("read_only_operations", ())),
        request_parameters=data.get("request_parameters", "body"),
        status_path=data.get("status_path"),
        auth_refused=_condition(data.get("auth_refused")),
        refused=_condition(data.get("refused")),
        operation_match=data.get("operation_match", "method_and_path"),
        path_methods=frozenset(data.get("path_methods", ())),
        settings=declared,
        auth_flow=AuthFlow(**data["auth_flow"]) if data.get("auth_flow") else None,
        state={
            action: (entry["operation"], entry["key"]) for action, entry in (data.get("state") or {}).items()
        },
    )


def _resolve_settings(
    document: YamlDocument, overrides: Mapping[str, Any]
) -> tuple[Any, dict[str, Setting]] | None:
    """The catalogue with every ``{setting: name}`` replaced by the setting's value for this run."""
    data = document.data
    if not isinstance(data, dict):
        return None
    raw = data.get("settings") or {}
    if not isinstance(raw, dict):
        return None  # the schema names the problem
    declared: dict[str, Setting] = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict) or "value" not in spec:
            return None
        declared[name] = Setting(name, spec["value"], spec["value"], str(spec.get("decision") or ""))
    for name, value in overrides.items():
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise UsageError(
                f"{document.path}: declares no setting {name!r} to override (its settings: {known})"
            )
        default = declared[name].default
        if type(value) is not type(default) or (
            isinstance(value, list) and not all(type(v) is type(default[0]) for v in value if default)
        ):
            raise UsageError(
                f"{document.path}: setting {name!r} expects a value like {default!r}, got {value!r}"
            )
        declared[name] = Setting(name, value, default, declared[name].decision)

    def substitute(node: Any, where: list[str | int]) -> Any:
        if isinstance(node, dict):
            if set(node) == {"setting"} and where[:1] != ["settings"]:
                name = node["setting"]
                if name not in declared:
                    raise document.error(where, f"refers to undeclared setting {name!r}")
                return declared[name].value
            return {k: substitute(v, [*where, k]) for k, v in node.items()}
        if isinstance(node, list):
            return [substitute(v, [*where, i]) for i, v in enumerate(node)]
        return node

    return substitute(data, []), declared


def _condition(raw: Mapping[str, Any] | None) -> BodyCondition | None:
    return BodyCondition(raw["path"], tuple(raw["in"])) if raw else None


def _validate_rule(
    document: YamlDocument, index: int, raw: Mapping[str, Any], prefix: str, seen: set[str]
) -> None:
    rule_id = raw["id"]
    where: list[str | int] = ["rules", index, "id"]
    if not rule_id.startswith(prefix):
        raise document.error(where, f"rule id {rule_id!r} must start with {prefix!r}")
    if rule_id in seen:
        raise document.error(where, f"duplicate rule id {rule_id!r}")
    seen.add(rule_id)
    if raw.get("check") is None and raw.get("params"):
        raise document.error(["rules", index], "params given but no check names what uses them")
    for number, reading in enumerate(raw.get("readings") or ()):
        if reading.get("params") and not reading.get("check"):
            raise document.error(
                ["rules", index, "readings", number], "params given but no check names what uses them"
            )
    if re.search(r"\s{2,}", raw["statement"].strip()):
        raise document.error(["rules", index, "statement"], "statement has runs of blank space")


def _build_rule(raw: Mapping[str, Any], default_rejections: tuple[int, ...]) -> Rule:
    when = raw.get("when") or {}
    return Rule(
        id=raw["id"],
        statement=" ".join(raw["statement"].split()),
        source=Source(**raw["source"]),
        direction=Direction(raw["direction"]),
        severity=Severity(raw["severity"]),
        kind=raw["kind"],
        operations=tuple(raw.get("operations", ("*",))),
        check=raw.get("check"),
        params=dict(raw.get("params") or {}),
        statuses=tuple(when["status"]) if "status" in when else None,
        when_body=_condition(when.get("body")),
        rejects_with=tuple(raw.get("rejects_with", default_rejections)),
        judged=tuple(raw.get("judged", SIDES)),
        decision=" ".join(raw["decision"].split()) if raw.get("decision") else None,
        unproven=" ".join(raw["unproven"].split()) if raw.get("unproven") else None,
        readings=tuple(
            Reading(
                reading=" ".join(r["reading"].split()),
                source=Source(**r["source"]),
                quote=" ".join(r["quote"].split()) if r.get("quote") else None,
                check=r.get("check"),
                params=dict(r.get("params") or {}),
            )
            for r in raw.get("readings") or ()
        ),
    )

"""A vendor API's executable contract: its spec, its rule catalogue, and the engine that applies them."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from b2bconform.engine.checks import CHECKS, CheckContext, get_check, validate_params
from b2bconform.engine.checks.registry import message_document
from b2bconform.engine.documents import describe_status, effective_status, parse_document, xml_root
from b2bconform.engine.model import NO_JSON, Direction, Exchange, Finding, Request, Response, Violation
from b2bconform.engine.recordings import (
    WHOLE_REQUEST_CHECKS,
    Unknown,
    hidden_from,
    names_read,
    recorder_filtered,
    unknown_parts,
)
from b2bconform.engine.rules import Reading, Rule, RuleCatalogue, load_rules
from b2bconform.engine.schemas import request_body_schemas, schemas_at, xsd_facets
from b2bconform.engine.yamlfile import load_yaml
from b2bconform.errors import ContractLoadError, UsageError
from b2bconform.locations import contract_dir, contract_dirs

__all__ = ["Contract", "Judgement", "Operation", "Outcome", "known_apis", "wsdl_service"]

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

Side = Literal["vendor", "client"]
# failed: the document states the rule without contradiction and the traffic breaks it;
# discrepancy: the traffic breaks the adopted reading and follows another the document supports.
Outcome = Literal["passed", "failed", "discrepancy"]


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    template: str
    regex: re.Pattern[str]

    def matches(self, request: Request, *, any_method: bool = False) -> bool:
        return (any_method or request.method.upper() == self.method) and self.regex.fullmatch(
            request.path
        ) is not None


@dataclass
class Judgement:
    """Everything one exchange taught us: the findings, and which rules were evaluated with what outcome."""

    exchange: Exchange
    findings: list[Finding] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    # Request rules this exchange's request broke: the negative evidence (a rejection was due).
    broken_by_request: set[str] = field(default_factory=set)
    # Rules this exchange cannot judge, and why (a recording that does not show what they read).
    not_judged: dict[str, str] = field(default_factory=dict)
    # Where the traffic follows another reading of a rule the document contradicts or is silent on:
    # for the vendor to settle, never a failure.
    discrepancies: list[Finding] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.findings


def wsdl_service(root: Path) -> tuple[str, dict[str, str]] | None:
    """The soap:address of the first WSDL in contract folder ``root`` that has one, and each
    operation's SOAPAction; None when no WSDL there has an address."""
    for wsdl in sorted(root.glob("*.wsdl")):
        tree = xml_root(wsdl.read_bytes())
        address = tree.find(f".//{_SOAP}address") if tree is not None else None
        if tree is None or address is None:
            continue
        actions = {
            op.get("name", ""): found.get("soapAction", "")
            for op in tree.iter(f"{_WSDL}operation")
            if (found := op.find(f"{_SOAP}operation")) is not None
        }
        return address.get("location", "/"), actions
    return None


def parameter_segments(template: str, path: str) -> dict[str, int]:
    """Each ``{name}`` parameter of a path ``template`` -> the index of its segment among ``path``'s
    (``path.strip("/").split("/")``); a base path the template leaves out is skipped."""
    wanted, segments = template.strip("/").split("/"), path.strip("/").split("/")
    offset = len(segments) - len(wanted)
    return {
        segment[1:-1]: offset + index
        for index, segment in enumerate(wanted)
        if segment.startswith("{") and segment.endswith("}") and 0 <= offset + index < len(segments)
    }


@cache
def contract_of(api: str) -> Contract:
    """The contract of ``api``, loaded once per process (what a sandbox, its derived faults and the
    rule-driven suite are built from)."""
    return Contract.load(api)


def known_apis(contracts_dir: Path | None = None) -> list[str]:
    """The APIs with a contract folder (``<api>/rules.yaml``) in ``contracts_dir``, or (None) the APIs
    whose folder, the user's or a shipped one, holds a contract."""
    if contracts_dir is None:
        return list(contract_dirs())
    if not contracts_dir.is_dir():
        return []
    return sorted(p.name for p in contracts_dir.iterdir() if (p / "rules.yaml").is_file())


class Contract:
    def __init__(self, api: str, root: Path, spec: dict[str, Any], rules: RuleCatalogue) -> None:
        self.api = api
        self.root = root
        self.spec = spec
        self.rules = rules
        self.operations = _operations(spec)
        self.soap_operations = _wsdl_operations(root)
        # the Body element each operation's request carries, where it is not named after the operation
        self.soap_request_elements = _wsdl_request_elements(root)
        # the rules with a check that apply to an operation, worked out once per operation
        self._applicable: tuple[RuleCatalogue, dict[str | None, tuple[Rule, ...]]] = (rules, {})

    @classmethod
    def load(
        cls, api: str, contracts_dir: Path | None = None, settings: Mapping[str, Any] | None = None
    ) -> Contract:
        """The contract of ``api``; ``settings`` overrides its declared assumptions (a profile's)."""
        frozen = json.dumps(dict(settings or {}), sort_keys=True)
        root = contracts_dir / api if contracts_dir is not None else contract_dir(api)
        return _load(api, root.resolve(), frozen)

    @property
    def secret_url_patterns(self) -> tuple[str, ...]:
        """Regexes for URLs whose path carries a secret (`x-b2bconform-secret` path parameters):
        group 1 is everything before the secret segment, which follows it (see Redactor)."""
        return _secret_url_patterns(self.spec)

    @property
    def spec_path(self) -> Path:
        return self.root / "openapi.yaml"

    @property
    def version(self) -> str:
        """What the verdicts depend on, as a short digest of the spec and rule files (the vendor's
        examples excluded): a cassette recorded under another version may be judged differently."""
        return _version(self.root)

    @functools.cached_property
    def soap_service(self) -> tuple[str, Mapping[str, str]]:
        """A SOAP contract's service path (its WSDL's soap:address) and each operation's SOAPAction."""
        found = wsdl_service(self.root)
        if found is None:
            raise UsageError(f"the {self.api} contract has no WSDL with a soap:address")
        address, actions = found
        return urlsplit(address).path or "/", actions

    def undocumented_method(self, request: Request) -> str | None:
        """Why a request to a documented path is no operation: its method is not documented there."""
        if self.operation_for(request) is not None:
            return None
        paths = [op for op in self.operations if op.matches(request, any_method=True)]
        if not paths:
            return None
        documented = sorted(self.rules.path_methods or {op.method for op in paths})
        return (
            f"{request.method.upper()} is not a documented method of {paths[0].template} "
            f"(documented: {', '.join(documented)}); not judged as one of its operations"
        )

    def operation(self, operation_id: str) -> Operation:
        """The spec's operation of that id; a contract error naming the spec when there is none."""
        found = next((op for op in self.operations if op.id == operation_id), None)
        if found is None:
            raise ContractLoadError(str(self.spec_path), f"no operation {operation_id!r} in the spec")
        return found

    def operation_for(self, request: Request) -> str | None:
        # `operation_match: path`: the vendor never states methods, so the path alone names the action,
        # for the methods the document shows (`path_methods`)
        any_method = self.rules.operation_match == "path"
        if any_method and self.rules.path_methods and request.method.upper() not in self.rules.path_methods:
            return None
        for operation in self.operations:
            if operation.matches(request, any_method=any_method):
                return operation.id
        if self.soap_operations:
            # SOAP: every operation shares one URL; the Body's first element names the operation.
            document = parse_document(request.body, xml=True)
            body = _soap_body(document)
            for name in body or {}:
                if name in self.soap_operations:
                    return name
                if name in self.soap_request_elements:
                    return self.soap_request_elements[name]
        return None

    def writes(self, request: Request) -> bool:
        """Whether the request may change vendor-side data (live targets gate these).

        Where operations are matched by path the method says nothing: the action decides, and an
        unknown action counts as a write (refusing a read costs less than allowing a write).
        """
        if self.rules.operation_match != "path" and request.method.upper() not in WRITE_METHODS:
            return False
        return self.operation_for(request) not in self.rules.read_only_operations

    def status_of(self, response: Response) -> int:
        """The status the API means: the envelope's code where the contract names one, else HTTP's."""
        return effective_status(response, self.rules.status_path)

    def foreign_answer(self, exchange: Exchange) -> str | None:
        """Why an answer is not the API's own but a proxy's or gateway's (an HTML error page, an
        undocumented 5xx without the API's body), or None. Such an answer says nothing about the
        contract: the target is broken there. A 5xx the document describes stays the API's."""
        response = exchange.response
        if response is None or response.status < 400:
            return None
        head = response.body.lstrip()[:64].lower()
        content_type = (response.headers.get("Content-Type") or "").lower()
        if "text/html" in content_type or head.startswith((b"<!doctype html", b"<html")):
            return f"HTTP {response.status} with an HTML page, not the API's answer (a proxy's or gateway's)"
        if response.status < 500 or response.status in self._documented_statuses(exchange):
            return None
        parsed = parse_document(response.body, self.rules.list_elements, xml=self.rules.xml)
        if parsed is NO_JSON:
            kind = "XML" if self.rules.xml else "JSON"
            return f"HTTP {response.status}, undocumented, without the API's {kind} body (a proxy's or gateway's)"
        return None

    def _documented_statuses(self, exchange: Exchange) -> frozenset[int]:
        """The statuses the spec documents for the exchange's operation (a SOAP service: 200 and its
        faults' 500), and those its rules speak about."""
        statuses = {status for rule in self.rules for status in rule.statuses or ()}
        statuses |= set(self.rules.auth_statuses) | {
            code for rule in self.rules for code in rule.rejects_with
        }
        if self.soap_operations:
            statuses |= {200, 500}
        operation = exchange.operation or self.operation_for(exchange.request)
        for item in (self.spec.get("paths") or {}).values():
            for definition in item.values() if isinstance(item, dict) else ():
                if isinstance(definition, dict) and definition.get("operationId") == operation:
                    statuses |= {
                        int(code) for code in definition.get("responses") or {} if str(code).isdigit()
                    }
        return frozenset(statuses)

    def refused_credentials(self, response: Response) -> bool:
        """Whether the answer refuses the caller's credentials (before any parameter was read)."""
        if self.status_of(response) in self.rules.auth_statuses:
            return True
        condition = self.rules.auth_refused
        return condition is not None and condition.holds(
            parse_document(response.body, self.rules.list_elements, xml=self.rules.xml)
        )

    def refuses(self, rule: Rule, response: Response) -> bool:
        """Whether the answer refuses a request breaking ``rule``: the catalogue's refusal body, or
        one of the rule's rejection statuses."""
        condition = self.rules.refused
        if condition is not None:
            return condition.holds(
                parse_document(response.body, self.rules.list_elements, xml=self.rules.xml)
            )
        return self.status_of(response) in rule.rejects_with

    def classify(self, exchange: Exchange) -> Exchange:
        if exchange.operation is not None and exchange.api == self.api:
            return exchange
        return dataclasses.replace(
            exchange, api=self.api, operation=exchange.operation or self.operation_for(exchange.request)
        )

    def check(
        self,
        exchange: Exchange,
        *,
        history: Sequence[Exchange] = (),
        side: Side = "vendor",
        unknown: Mapping[str, Unknown] | None = None,
    ) -> Judgement:
        """Apply every rule that applies to this exchange; ``history`` holds the earlier, classified
        exchanges. ``unknown``: what the recording does not show (``unknown_parts`` of the exchange as
        read, before any masking); worked out here when not given."""
        exchange = self.classify(exchange)
        judgement = Judgement(exchange)
        applicable = self._applicable_to(exchange.operation)
        refused = exchange.response is not None and self.refused_credentials(exchange.response)
        documents = self._documents(exchange)
        if unknown is None:
            unknown = self.unknown_parts(exchange)
        # Every request rule is evaluated, whoever it judges: a request that breaks a client-only rule
        # may be rejected by the vendor without that rejection counting against it.
        violations: dict[str, list[Violation]] = {}
        # Readings the request breaks although it honours the adopted one: a refusal of it may follow them.
        stricter: list[tuple[Rule, Reading]] = []
        # another reading's check, run on this exchange as the request rules are
        on_request = functools.partial(
            self._run, exchange=exchange, history=history, violations={}, credentials_refused=refused,
            documents=documents,
        )  # fmt: skip
        for rule in applicable:
            if rule.is_request_side:
                hidden = hidden_from(rule.check, rule.params, unknown, request_side=True)
                if hidden is not None:
                    judgement.not_judged[rule.id] = hidden
                    continue
                found = self._run(rule, exchange, history, {}, refused, documents)
                if found is not None:
                    violations[rule.id] = found
                if not found and rule.readings:
                    stricter += [
                        (rule, r) for r in rule.readings if r.check and not _follows(r, rule, on_request)
                    ]
        rules = [r for r in applicable if side in r.judged]
        request_rules = [r for r in rules if r.is_request_side]
        if side == "client":
            for rule in request_rules:
                if rule.id in violations:
                    # a request another reading of the document allows is a discrepancy, not a failure
                    followed = _followed(rule, on_request) if violations[rule.id] else []
                    self._record(
                        judgement, rule, violations[rule.id], "The request breaks this rule.", followed
                    )
            return judgement
        response = exchange.response
        if response is None:
            return judgement  # a transport error: nothing about the contract can be said
        status = self.status_of(response)
        self._judge_behaviour(judgement, request_rules, violations, response, on_request)
        on_response = functools.partial(on_request, violations=violations)
        document = parse_document(response.body, self.rules.list_elements, xml=self.rules.xml)
        for rule in rules:
            if rule.is_request_side or not rule.applies_to_answer(status, document):
                continue
            hidden = hidden_from(rule.check, rule.params, unknown, request_side=False)
            if hidden is not None:
                judgement.not_judged[rule.id] = hidden
                continue
            found = self._run(rule, exchange, history, violations, refused, documents)
            if found:
                followed = _followed(rule, on_response)
                if rule.check in WHOLE_REQUEST_CHECKS:
                    followed += stricter  # refused a request that breaks another reading of a rule
                self._record(judgement, rule, found, _message(rule), followed)
            elif found is not None:
                self._record(judgement, rule, found, _message(rule))
        return judgement

    def unknown_parts(self, exchange: Exchange) -> dict[str, Unknown]:
        """What a recorded exchange's request does not show (see ``recordings``); {} otherwise."""
        return unknown_parts(exchange, self._documents(exchange)[0], self._credentials)

    @functools.cached_property
    def _credentials(self) -> frozenset[str]:
        """The credentials recorders remove that this contract's request rules read."""
        read = {name for rule in self.rules if rule.is_request_side for name in names_read(rule.params)}
        return frozenset(read & recorder_filtered())

    def _documents(self, exchange: Exchange) -> tuple[Any, Any]:
        """The request's and the response's documents, as every check of this exchange reads them."""
        settings = (self.rules.request_parameters, self.rules.list_elements, self.rules.xml)
        return message_document(exchange.request, *settings), message_document(exchange.response, *settings)

    def _applicable_to(self, operation: str | None) -> tuple[Rule, ...]:
        catalogue, by_operation = self._applicable
        if catalogue is not self.rules:  # the catalogue was replaced: start afresh
            self._applicable = catalogue, by_operation = self.rules, {}
        rules = by_operation.get(operation)
        if rules is None:
            rules = by_operation[operation] = tuple(
                r for r in self.rules if r.check and r.applies_to(operation)
            )
        return rules

    def _judge_behaviour(
        self,
        judgement: Judgement,
        rules: list[Rule],
        violations: dict[str, list[Violation]],
        response: Response,
        on_request: Callable[..., list[Violation] | None],
    ) -> None:
        """Request rules are judged by behaviour: breaking one must get a documented rejection.
        Accepting it is a discrepancy where another reading of the rule allows the request."""
        status = self.status_of(response)
        answered = describe_status(response, self.rules.status_path)
        if self.refused_credentials(response):
            # Refused before the body was read: only the auth and transport rules can be judged.
            rules = [r for r in rules if r.direction is not Direction.REQUEST]
        broken = [r for r in rules if violations.get(r.id)]
        acceptable = sorted({code for r in broken for code in r.rejects_with})
        for rule in rules:
            if rule.id not in violations:
                continue
            if not violations[rule.id]:
                judgement.outcomes.setdefault(rule.id, "passed")
                continue
            judgement.broken_by_request.add(rule.id)
            if status in acceptable:
                judgement.outcomes.setdefault(rule.id, "passed")
                continue
            unit = "Code" if self.rules.status_path else "HTTP"
            documented = f"{unit} " + ", ".join(map(str, rule.rejects_with))
            if 200 <= status < 300:
                message = f"Accepted ({answered}) a request that breaks this rule; documented: rejected with {documented}."
            else:
                message = f"Answered {answered} to a request that breaks this rule; documented: rejected with {documented}."
            found = [
                dataclasses.replace(v, received=f"{v.received}; answered {answered}")
                for v in violations[rule.id]
            ]
            self._record(judgement, rule, found, message, _followed(rule, on_request))

    def _run(
        self,
        rule: Rule,
        exchange: Exchange,
        history: Sequence[Exchange],
        violations: dict[str, list[Violation]],
        credentials_refused: bool,
        documents: tuple[Any, Any],
    ) -> list[Violation] | None:
        assert rule.check is not None
        context = CheckContext(
            rule=rule,
            exchange=exchange,
            history=history,
            request_violations=violations,
            list_elements=self.rules.list_elements,
            contract_root=self.root,
            xml=self.rules.xml,
            request_parameters=self.rules.request_parameters,
            status_path=self.rules.status_path,
            credentials_refused=credentials_refused,
            documents=documents,
        )
        return get_check(rule.check)(context, **rule.params)

    def _record(
        self,
        judgement: Judgement,
        rule: Rule,
        violations: list[Violation],
        message: str,
        followed: Sequence[tuple[Rule, Reading]] = (),
    ) -> None:
        """Record the rule's outcome. A breach that follows other readings (``followed``: each with the
        rule it reads, this one or a request rule the refused request breaks under it) is a discrepancy."""
        exchange = judgement.exchange
        if not violations:
            judgement.outcomes.setdefault(rule.id, "passed")
            return
        readings: tuple[dict[str, Any], ...] = ()
        if followed:
            if judgement.outcomes.get(rule.id) != "failed":
                judgement.outcomes[rule.id] = "discrepancy"
            readings = _readings(followed)
            message = (
                f"{message.rstrip(':')}, as one reading of the document allows (for the vendor to settle):"
            )
            into = judgement.discrepancies
        else:
            judgement.outcomes[rule.id] = "failed"
            into = judgement.findings
        for violation in violations:
            into.append(
                Finding(
                    rule=rule.id,
                    api=self.api,
                    operation=exchange.operation or "unknown",
                    direction=rule.direction,
                    path=violation.path,
                    expected=violation.expected,
                    received=violation.received,
                    message=f"{message} {rule.statement}",
                    severity=rule.severity,
                    interaction=exchange.index,
                    source=exchange.source,
                    readings=readings,
                    decision=" / ".join(r["reading"] for r in readings if r["adopted"]) or None,
                )
            )


def _readings(followed: Sequence[tuple[Rule, Reading]]) -> tuple[dict[str, Any], ...]:
    """Each contested rule's adopted reading, then the readings the traffic follows instead."""
    by_rule: dict[str, tuple[Rule, list[Reading]]] = {}
    for rule, reading in followed:
        chosen = by_rule.setdefault(rule.id, (rule, []))[1]
        if all(reading is not other for other in chosen):
            chosen.append(reading)
    return tuple(
        entry
        for rule, readings in by_rule.values()
        for entry in (rule.adopted_reading(), *(r.as_dict(rule.id) for r in readings))
    )


def _followed(rule: Rule, run: Callable[..., list[Violation] | None]) -> list[tuple[Rule, Reading]]:
    """The readings of ``rule`` the exchange honours (``run`` runs a check on it)."""
    return [(rule, reading) for reading in rule.readings if _follows(reading, rule, run)]


def _follows(reading: Reading, rule: Rule, run: Callable[..., list[Violation] | None]) -> bool:
    """Whether the traffic honours ``reading`` (a reading without a check: the document is silent)."""
    if reading.check is None:
        return True
    return not run(dataclasses.replace(rule, check=reading.check, params=reading.params))


def _message(rule: Rule) -> str:
    return "The response breaks this rule:" if rule.direction.value == "response" else "Breaks:"


@cache
def _version(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(
        p for p in root.rglob("*") if p.is_file() and "examples" not in p.relative_to(root).parts
    ):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:12]


@cache
def _load(api: str, root: Path, settings: str = "{}") -> Contract:
    if not (root / "rules.yaml").is_file():
        known = ", ".join(known_apis(root.parent if root.name == api else None)) or "none"
        raise UsageError(f"unknown api {api!r}: no {root / 'rules.yaml'} (known apis: {known})")
    rules = load_rules(root / "rules.yaml", json.loads(settings))
    if rules.api != api:
        raise ContractLoadError(str(root / "rules.yaml"), f"declares api {rules.api!r}, expected {api!r}")
    spec_path = root / "openapi.yaml"
    spec: dict[str, Any] = {}
    if spec_path.is_file():
        document = load_yaml(spec_path)
        loaded = document.data
        if not isinstance(loaded, dict) or "paths" not in loaded:
            raise ContractLoadError(str(spec_path), "expected an OpenAPI document with 'paths'")
        dangling = _dangling_ref(loaded)
        if dangling is not None:
            where, ref = dangling
            raise document.error(
                where, f"$ref {ref!r} names nothing in this file (expected '#/...' to resolve)"
            )
        spec = loaded
    rules = _bounds_from_spec(rules, spec)
    for index, rule in enumerate(rules.rules):
        checked: list[tuple[list[str | int], str, Mapping[str, Any]]] = [
            (["rules", index, "readings", n], r.check, r.params)
            for n, r in enumerate(rule.readings)
            if r.check
        ]
        if rule.check is not None:
            checked.insert(0, (["rules", index], rule.check, rule.params))
        for where, name, params in checked:
            problem = validate_params(name, params)
            if problem:
                key = "params" if name in CHECKS else "check"
                line = load_yaml(rules.path).line_of([*where, key])
                place = "".join(f".{w}" if isinstance(w, str) else f"[{w}]" for w in where[1:])
                raise ContractLoadError(
                    str(rules.path), problem, location=f"line {line}, rule {rule.id} (rules{place}.{key})"
                )
    known_ops = {op.id for op in _operations(spec)} | _wsdl_operations(root)
    for rule in rules.rules:
        unknown = [op for op in rule.operations if op != "*" and known_ops and op not in known_ops]
        if unknown:
            raise ContractLoadError(
                str(rules.path),
                f"names unknown operation(s) {unknown}; the spec has {sorted(known_ops)}",
                location=f"rule {rule.id}",
            )
    return Contract(api, root, spec, rules)


# check -> (its parameter, the JSON Schema keyword that says the same): a request rule that leaves
# the parameter unwritten takes it from the spec's schema at its path (a SOAP contract's XSD
# facets), so the fact is written once
_SPEC_BOUNDS = {"max_length": ("max", "maxLength"), "enum": ("values", "enum")}


def _bounds_from_spec(rules: RuleCatalogue, spec: dict[str, Any]) -> RuleCatalogue:
    filled = []
    all_operations = [op.id for op in _operations(spec)]
    for index, rule in enumerate(rules.rules):
        param, keyword = _SPEC_BOUNDS.get(rule.check or "", ("", ""))
        if not param or param in rule.params or rule.direction != "request" or "path" not in rule.params:
            filled.append(rule)
            continue
        paths = rule.params["path"] if isinstance(rule.params["path"], list) else [rule.params["path"]]
        operations = all_operations if "*" in rule.operations else rule.operations
        nodes = [
            node
            for operation in operations
            for schema in request_body_schemas(spec, operation)
            for path in paths
            for node in schemas_at(schema, str(path), case_sensitive=rules.request_parameters == "body")
        ]
        if not spec:  # a SOAP contract: its XSDs say it
            nodes = [facets for path in paths for facets in xsd_facets(rules.path.parent, str(path))]
        said = {json.dumps(node[keyword]) for node in nodes if keyword in node}
        if len(said) != 1:
            line = load_yaml(rules.path).line_of(["rules", index, "params"])
            what = "no" if not said else f"differing ({', '.join(sorted(said))})"
            raise ContractLoadError(
                str(rules.path),
                f"params has no {param!r}, and the spec's request schema (or XSD) gives {what} {keyword!r} at "
                f"{', '.join(map(str, paths))}; write {param!r} or the spec's {keyword!r}",
                location=f"line {line}, rule {rule.id}",
            )
        filled.append(dataclasses.replace(rule, params={**rule.params, param: json.loads(said.pop())}))
    return dataclasses.replace(rules, rules=tuple(filled))


def _dangling_ref(spec: dict[str, Any]) -> tuple[list[str | int], str] | None:
    """The first ``$ref`` of the spec that resolves to nothing (where it is, and what it says); a
    spec with a dangling reference would otherwise judge the members it names by no schema at all."""
    stack: list[tuple[Any, list[str | int]]] = [(spec, [])]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and (not ref.startswith("#/") or _resolve_ref(spec, node) is None):
                return [*where, "$ref"], ref
            stack.extend((value, [*where, key]) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, [*where, index]) for index, value in enumerate(node))
    return None


def _soap_body(document: Any) -> dict[str, Any] | None:
    envelope = document.get("Envelope") if isinstance(document, dict) else None
    body = envelope.get("Body") if isinstance(envelope, dict) else None
    return body if isinstance(body, dict) else None


_WSDL = "{http://schemas.xmlsoap.org/wsdl/}"
_SOAP = "{http://schemas.xmlsoap.org/wsdl/soap/}"


def _wsdl_request_elements(root: Path) -> Mapping[str, str]:
    """Request Body element (local name) -> operation, from each portType operation's input message
    (document/literal: the message's part names the element)."""
    elements: dict[str, str] = {}
    for wsdl in sorted(root.glob("*.wsdl")):
        tree = xml_root(wsdl.read_bytes())
        if tree is None:
            continue  # _wsdl_operations names the malformed file
        parts = {
            message.get("name"): part.get("element", "").rpartition(":")[2]
            for message in tree.iter(f"{_WSDL}message")
            for part in message.iter(f"{_WSDL}part")
        }
        for port_type in tree.iter(f"{_WSDL}portType"):
            for operation in port_type.iter(f"{_WSDL}operation"):
                request = operation.find(f"{_WSDL}input")
                message = (request.get("message") or "").rpartition(":")[2] if request is not None else ""
                if parts.get(message) and operation.get("name"):
                    elements[parts[message]] = operation.get("name", "")
    return elements


def _wsdl_operations(root: Path) -> frozenset[str]:
    """Operation names of the WSDL portTypes in the contract folder (empty for REST contracts)."""
    names: set[str] = set()
    for wsdl in sorted(root.glob("*.wsdl")):
        tree = xml_root(wsdl.read_bytes())
        if tree is None:
            raise ContractLoadError(str(wsdl), "not well-formed XML")
        names.update(
            op.get("name")
            for op in tree.iter("{http://schemas.xmlsoap.org/wsdl/}operation")
            if op.get("name")
        )
    return frozenset(names)


def _operations(spec: dict[str, Any]) -> list[Operation]:
    operations = []
    for template, item in (spec.get("paths") or {}).items():
        for method, definition in item.items():
            if method not in HTTP_METHODS or not isinstance(definition, dict):
                continue
            pattern = re.sub(r"\\\{[^}/]+\\\}", "[^/]+", re.escape(template))
            operations.append(
                Operation(
                    id=definition.get("operationId") or f"{method.upper()} {template}",
                    method=method.upper(),
                    template=template,
                    # Routes compare case-insensitively, as the vendor's own links do (/V1/ for /v1/).
                    regex=re.compile(pattern + "/?", re.IGNORECASE),
                )
            )
    return operations


_SEGMENT = "[^/?#'\"\\s]+"  # one path segment, as it may appear in a URL or in a message quoting it


def _secret_url_patterns(spec: dict[str, Any]) -> tuple[str, ...]:
    patterns: list[str] = []
    public = _public_final_segments(spec)
    for template, item in (spec.get("paths") or {}).items():
        definitions = [item, *(d for m, d in item.items() if m in HTTP_METHODS and isinstance(d, dict))]
        parameters = [_resolve_ref(spec, p) for d in definitions for p in d.get("parameters") or []]
        secret = {
            p["name"]
            for p in parameters
            if isinstance(p, dict) and p.get("in") == "path" and p.get("x-b2bconform-secret")
        }
        for name in sorted(secret):
            before = template.split("{" + name + "}", 1)[0]
            parts = re.split(r"\{[^}/]+\}", before)  # other path parameters match any segment
            patterns.append("(?i)(" + _SEGMENT.join(map(re.escape, parts)) + ")" + _SEGMENT)
            if template.rstrip("/").endswith("{" + name + "}"):
                # the secret ends the path: an undocumented action of the same shape carries it too
                # (/API/SO/NoSuchAction/<key>), so it is masked there as well
                segments = [s for s in before.split("/") if s]
                if len(segments) >= 2:
                    # documented paths of that shape whose last segment is no secret stay as they are
                    spared = [
                        p for p in public if p[0].lower() == segments[0].lower() and len(p) == len(segments)
                    ]
                    spare = "".join(f"(?!{'/'.join(map(re.escape, p[1:]))}/)" for p in spared)
                    shape = "/" + re.escape(segments[0]) + f"/{spare}(?:{_SEGMENT}/){{1,{len(segments) - 1}}}"
                    # a shorter URL ending in one of the API's own words (/api/PO/Get) carries no key
                    words = sorted(
                        {w for t in spec.get("paths") or {} for w in t.split("/") if w and "{" not in w}
                    )
                    known = "(?!(?:" + "|".join(map(re.escape, words)) + ")(?:$|[?#'\"\\s]))"
                    patterns.append("(?i)(" + shape + ")" + known + _SEGMENT + "(?=$|[?#'\"\\s])")
    return tuple(dict.fromkeys(patterns))


def _public_final_segments(spec: dict[str, Any]) -> list[list[str]]:
    """The literal segments before a final path parameter that is no secret (``/api/X/Docs/{page}``)."""
    found = []
    for template, item in (spec.get("paths") or {}).items():
        final = re.fullmatch(r"(.*)/\{([^}/]+)\}/?", template)
        if final is None:
            continue
        definitions = [item, *(d for m, d in item.items() if m in HTTP_METHODS and isinstance(d, dict))]
        parameters = [_resolve_ref(spec, p) for d in definitions for p in d.get("parameters") or []]
        secret = any(
            isinstance(p, dict) and p.get("name") == final.group(2) and p.get("x-b2bconform-secret")
            for p in parameters
        )
        if not secret:
            found.append([s for s in final.group(1).split("/") if s])
    return found


def _resolve_ref(spec: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s (``#/components/parameters/apiKey``) to what they name."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = spec
        for token in node["$ref"][2:].split("/"):
            target = (
                target.get(token.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
            )
        node, seen = target, seen + 1
        if seen > 20:
            return None  # a reference cycle names nothing
    return node

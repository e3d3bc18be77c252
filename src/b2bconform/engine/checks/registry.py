"""Checks are plain functions registered by name; rules refer to them by that name."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from b2bconform.engine.checks.memo import derived
from b2bconform.engine.documents import (
    describe_status,
    effective_status,
    form_document,
    parse_document,
    request_parameters,
)
from b2bconform.engine.model import NO_JSON, Exchange, Request, Response, Violation

if TYPE_CHECKING:
    from b2bconform.engine.rules import Rule

__all__ = ["CHECKS", "CheckContext", "CheckFunction", "Outcome", "check", "get_check", "validate_params"]

# A check returns the violations it saw ([] = the rule held), or None when the rule did not apply
# to this exchange (the element was absent, the status was another one): "not evaluated" must
# never be counted as "passed".
Outcome = list[Violation] | None


@dataclass
class CheckContext:
    rule: Rule
    exchange: Exchange
    history: Sequence[Exchange] = ()
    # Request-rule violations of this exchange, by rule id (filled before response rules run).
    request_violations: Mapping[str, list[Violation]] = field(default_factory=dict)
    # The contract's repeating XML elements (always lists in the document tree) and its folder.
    list_elements: frozenset[str] = frozenset()
    contract_root: Path | None = None
    xml: bool = False  # the API's bodies are XML (SOAP) rather than JSON
    # "query_and_json": a request's document is its parameters (query string + JSON body, by name)
    request_parameters: str = "body"
    status_path: str | None = None  # where an envelope carries the status the API means
    # the answer refused the caller's credentials: nothing was judged about the request's content
    credentials_refused: bool = False
    # the exchange's request and response documents, when the engine has them already (every rule
    # of an exchange reads the same two); else they are worked out on demand
    documents: tuple[Any, Any] | None = None

    def document_of(self, message: Request | Response | None) -> Any:
        """A message body as a document (JSON, or an XML tree), or ``NO_JSON``.

        With ``request_parameters: query_and_json`` a request's document is its named parameters.
        """
        return message_document(message, self.request_parameters, self.list_elements, self.xml)

    @property
    def status(self) -> int | None:
        """The response's effective status (the envelope's code where the contract names one)."""
        response = self.exchange.response
        if response is None:
            return None
        return derived(
            response, ("status", self.status_path), lambda: effective_status(response, self.status_path)
        )

    def status_text(self) -> str:
        """How a finding names the status: "HTTP 403", or "Code 403 (HTTP 200)" for an envelope."""
        response = self.exchange.response
        return "no response" if response is None else describe_status(response, self.status_path)

    @property
    def request_document(self) -> Any:
        if self.documents is not None:
            return self.documents[0]
        return self.document_of(self.exchange.request)

    @property
    def response_document(self) -> Any:
        if self.documents is not None:
            return self.documents[1]
        return self.document_of(self.exchange.response)

    @property
    def empty_request(self) -> bool:
        """A request-side rule's request carries no body at all (nothing but whitespace), where the
        API takes its parameters from the body alone (not ManEx's query string)."""
        return (
            self.rule.is_request_side
            and self.request_parameters == "body"
            and not (self.exchange.request.body or b"").strip()
        )

    @property
    def empty_body(self) -> bool:
        """The message the rule speaks about carries no body at all: an empty request (see
        ``empty_request``), or an answer with nothing in it."""
        if self.rule.is_request_side:
            return self.empty_request
        response = self.exchange.response
        return response is not None and not response.body.strip()

    @property
    def subject(self) -> Any:
        """The document the rule speaks about: the request for request rules, else the response."""
        return self.request_document if self.rule.is_request_side else self.response_document


def message_document(
    message: Request | Response | None, request_parameters: str, list_elements: frozenset[str], xml: bool
) -> Any:
    """``CheckContext.document_of`` for these contract settings; parsed once per message."""
    if message is None:
        return NO_JSON
    if isinstance(message, Request):
        return derived(
            message,
            ("document", request_parameters, list_elements, xml),
            lambda: _request_document(message, request_parameters, list_elements, xml),
        )
    return derived(
        message,
        ("document", list_elements, xml),
        lambda: parse_document(message.body, list_elements, xml=xml),
    )


def _request_document(message: Request, parameters: str, list_elements: frozenset[str], xml: bool) -> Any:
    if parameters == "query_and_json":
        return request_parameters(message.url, message.body)
    if _is_form(message):
        return form_document(message.body)  # an OAuth2 token request
    return parse_document(message.body, list_elements, xml=xml)


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type") or ""
    return kind.split(";")[0].strip().lower() == "application/x-www-form-urlencoded"


CheckFunction = Callable[..., Outcome]
CHECKS: dict[str, CheckFunction] = {}


def check(name: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register ``function`` as the check called ``name``; its keyword-only arguments are the rule's params."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"check {name!r} is registered twice")
        CHECKS[name] = function
        return function

    return register


def get_check(name: str) -> CheckFunction:
    try:
        return CHECKS[name]
    except KeyError:
        raise KeyError(f"unknown check {name!r}; known: {', '.join(sorted(CHECKS))}") from None


def validate_params(name: str, params: Mapping[str, Any]) -> str | None:
    """Why ``params`` cannot be passed to the check ``name``, or None when they can."""
    try:
        function = get_check(name)
    except KeyError as exc:
        return str(exc.args[0])
    signature = inspect.signature(function)
    accepted = {p.name: p for p in signature.parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    # parameters spelled as Python keywords (`as`) arrive through **kwargs and are declared here
    extra = set(getattr(function, "extra_params", ()))
    unknown = sorted(set(params) - set(accepted) - extra)
    if unknown:
        return (
            f"check {name!r} takes no parameter {', '.join(unknown)}; it takes: {', '.join(sorted(accepted))}"
        )
    missing = sorted(
        p.name for p in accepted.values() if p.default is inspect.Parameter.empty and p.name not in params
    )
    if missing:
        return f"check {name!r} needs parameter(s) {', '.join(missing)}"
    return None

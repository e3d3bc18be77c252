"""Negative evidence from the run's own traffic: each rule's check shown to fail when what it reads breaks.

A response rule that passed shows the vendor's answer honoured it; nothing yet shows the harness
would notice if it did not. For each such rule a few conforming answers it passed on are kept (in
memory, as judged: nothing here is written), and at the end of the run each is mutated to break
exactly that rule — a member removed, a value one past its length, format, enumeration or type, an
echo that is not one, a relation turned round (``generators.mutations.breaking_answer``), the media
type or the status changed — and judged again with the same history. XML answers are mutated as
their parsed documents and written back as XML (``documents.xml_with``).

A rule judged only on the caller's requests (a client obligation) has no vendor evidence; its check
is proven on the harness's own requests instead: a request of this run that honours it is kept, and
a mutation of that request must make the client-side judgement fail it.

A rule is proven when the engine then fails it (or, for a rule with other readings, reports the
discrepancy) and fails no rule that reads another member: a document often writes one fact twice —
a format and an echo of the same member — and one changed value then breaks both, which is still
one fact broken. A rule no mutation breaks that way stays unproven, and the matrix says so.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from b2bconform.engine.checks.registry import message_document
from b2bconform.engine.contract import Contract, Judgement, Side
from b2bconform.engine.documents import xml_with
from b2bconform.engine.model import NO_JSON, Exchange, Headers, Response
from b2bconform.engine.mutations import (
    Mutation,
    breaking_answer,
    breaking_request,
    can_break,
    can_break_answer,
    can_break_request,
)
from b2bconform.engine.pointers import split
from b2bconform.engine.rules import Rule

__all__ = ["RuleProofs", "prove_answer", "prove_request", "reads_member"]

HISTORY_KEPT = 50  # earlier exchanges kept with an exemplar: duplicate and read-back rules read them
# conforming exchanges kept per rule: one may offer nothing to break alone (a member two rules read),
# the next may; and a run split over workers then still proves what one process proves
EXEMPLARS_PER_RULE = 5
_SEARCH = settings(
    max_examples=25,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    deadline=None,
)

# where a changed HTTP status is said to be: a name no JSON member has, read by the rules on the status
HTTP_STATUS = "/(HTTP status)"
# where a changed request header is said to be (followed by its name), read by the rules on that header
HEADER = "header:"
_Edit = tuple[Exchange, str | None]  # an edited exchange, and the member changed (None: the envelope)


@dataclass(frozen=True)
class _Exemplar:
    contract: Contract
    exchange: Exchange
    history: tuple[Exchange, ...]


def prove_answer(
    contract: Contract, rule_id: str, exchange: Exchange, history: Sequence[Exchange] = ()
) -> bool:
    """Whether some mutation of ``exchange``'s conforming answer makes the engine fail ``rule_id``
    and no rule that reads another member."""
    return breaking_answer_of(contract, rule_id, exchange, history) is not None


def breaking_answer_of(
    contract: Contract,
    rule_id: str,
    exchange: Exchange,
    history: Sequence[Exchange] = (),
    *,
    alone: bool = False,
) -> Exchange | None:
    """``exchange`` with its conforming answer mutated so that the engine fails ``rule_id`` and no
    rule that reads another member (a proof), or no other rule at all and as a failure, not a
    discrepancy (``alone``: a fault derived from the rule); None when no mutation does."""
    rule = contract.rules.get(rule_id)
    if exchange.response is None or rule.is_request_side:
        return None
    before = frozenset(_broken(contract, exchange, history, "vendor"))
    if rule_id in before:
        return None

    def breaks(mutated: Exchange, where: str | None) -> bool:
        if alone:
            # a fault fails its rule: a discrepancy (another reading honoured) would not be one
            judged = contract.check(mutated, history=history, side="vendor")
            return {f.rule for f in judged.findings} - before == {rule_id} and not {
                d.rule for d in judged.discrepancies
            } - before
        return _breaks_only(contract, rule_id, mutated, history, where, "vendor", before)

    if rule.check in _ANSWER_ENVELOPE:
        edits = _ANSWER_ENVELOPE[rule.check](contract, exchange, rule.params)
        return next((e for e, where in edits if breaks(e, where)), None)
    if not can_break_answer(rule):
        return None
    document = message_document(exchange.response, *_settings(contract))
    mutations = breaking_answer(rule, document) if document is not NO_JSON else None
    if mutations is None:
        return None
    return _found(
        mutations, lambda m: _answer_as(contract, exchange, m), lambda mutated, m: breaks(mutated, m.where)
    )


def prove_request(contract: Contract, rule_id: str, exchange: Exchange) -> bool:
    """Whether some mutation of ``exchange``'s request, which honours the client-side ``rule_id``,
    makes the client-side judgement fail it and no rule that reads another member."""
    return breaking_request_of(contract, rule_id, exchange) is not None


def breaking_request_of(contract: Contract, rule_id: str, exchange: Exchange) -> Exchange | None:
    """``exchange`` with its request, which honours ``rule_id``, mutated so that the client-side
    judgement fails that rule and no rule that reads another member (a proof, and the negative
    request a rule-driven suite sends); None when no mutation does."""
    rule = contract.rules.get(rule_id)
    before = frozenset(_broken(contract, exchange, (), "client"))
    if rule_id in before:
        return None
    if rule.check in _REQUEST_ENVELOPE:
        edits = _REQUEST_ENVELOPE[rule.check](contract, exchange, rule.params)
        return next(
            (e for e, where in edits if _breaks_only(contract, rule_id, e, (), where, "client", before)), None
        )
    if not can_break_request(rule):
        return None
    document = message_document(exchange.request, *_settings(contract))
    mutations = breaking_request(rule, document) if document is not NO_JSON else None
    if mutations is None:
        return None
    return _found(
        mutations,
        lambda m: _request_as(contract, exchange, m),
        lambda mutated, m: _breaks_only(contract, rule_id, mutated, (), m.where, "client", before),
    )


def _found(
    mutations: st.SearchStrategy[Mutation],
    apply: Callable[[Mutation], Exchange | None],
    breaks: Callable[[Exchange, Mutation], bool],
) -> Exchange | None:
    """The first mutated exchange (a fixed search: the same one every time) that ``breaks`` holds of."""
    found: list[Exchange] = []

    def proves(mutation: Mutation) -> bool:
        mutated = apply(mutation)
        if mutated is not None and breaks(mutated, mutation):
            found.append(mutated)
            return True
        return False

    try:
        find(mutations, proves, settings=_SEARCH)
    except (NoSuchExample, Unsatisfiable):
        return None
    return found[-1] if found else None


def _broken(contract: Contract, exchange: Exchange, history: Sequence[Exchange], side: Side) -> set[str]:
    judged = contract.check(exchange, history=history, side=side)
    return {f.rule for f in judged.findings} | {d.rule for d in judged.discrepancies}


def _breaks_only(
    contract: Contract,
    rule_id: str,
    mutated: Exchange,
    history: Sequence[Exchange],
    where: str | None,
    side: Side,
    before: frozenset[str] = frozenset(),
) -> bool:
    """Whether the engine fails ``rule_id`` on the mutated exchange (a discrepancy, where the rule
    has other readings) and no rule — beyond those the exchange broke before (``before``: a request
    of an auth test, say) — that does not read the changed member ``where`` (None: the envelope,
    which no other rule may share)."""
    broken = _broken(contract, mutated, history, side) - before
    if rule_id not in broken:
        return False
    status_path = contract.rules.status_path
    return all(
        where is not None and reads_member(contract.rules.get(other), where, status_path)
        for other in broken - {rule_id}
    )


def reads_member(rule: Rule, where: str, status_path: str | None = None) -> bool:
    """Whether one of the members ``rule`` reads is ``where``, holds it or lies inside it: those its
    parameters and its condition on the answer name (JSON pointers, wildcards included), the
    envelope's code for a rule on the status (``status_path``), and every member inside the element
    an XML Schema rule validates."""
    if where.startswith(HEADER):  # a header: the rules on that header read it
        return (
            rule.check == "header_present"
            and f"{HEADER}{rule.params.get('name', '')}".lower() == where.lower()
        )
    changed = split(where)
    if rule.check == "xsd_valid":
        return rule.params.get("element") in changed
    named = list(_pointers(rule.params))
    if rule.when_body is not None:
        named.append(rule.when_body.path)
    if rule.check in _STATUS_CHECKS or rule.statuses:
        named.append(status_path or HTTP_STATUS)
    for pointer in named:
        tokens = split(pointer)
        if all(a == b or "*" in (a, b) for a, b in zip(tokens, changed, strict=False)):
            return True
    return False


_STATUS_CHECKS = frozenset({"status_in", "equals_status", "accepts_conforming"})


def _pointers(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value.startswith("/"):
            yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():  # a mapping may name members by its keys (read-back fields)
            yield from _pointers(key)
            yield from _pointers(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _pointers(item)


# ── writing a mutated document back into the message ──────────────────────────────────────────


def _settings(contract: Contract) -> tuple[str, frozenset[str], bool]:
    rules = contract.rules
    return rules.request_parameters, rules.list_elements, rules.xml


def _body(contract: Contract, original: bytes | None, mutation: Mutation) -> bytes | None:
    if mutation.body is not None:
        return mutation.body
    if contract.rules.xml:
        return xml_with(original or b"", mutation.document, contract.rules.list_elements)
    return json.dumps(mutation.document).encode("utf-8")


def _answer_as(contract: Contract, exchange: Exchange, mutation: Mutation) -> Exchange | None:
    assert exchange.response is not None
    body = _body(contract, exchange.response.body, mutation)
    if body is None:
        return None
    return dataclasses.replace(exchange, response=dataclasses.replace(exchange.response, body=body))


def _request_as(contract: Contract, exchange: Exchange, mutation: Mutation) -> Exchange | None:
    """The request carrying the mutated document the way the API reads it: XML, a form, a JSON
    body, or (an API that merges query and body) a JSON body alone."""
    request = exchange.request
    content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    url = request.url
    if content_type == "application/x-www-form-urlencoded" and isinstance(mutation.document, dict):
        body: bytes | None = urlencode(mutation.document).encode("utf-8")
    elif contract.rules.request_parameters == "query_and_json" and mutation.body is None:
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(query=""))
        body = json.dumps(mutation.document).encode("utf-8")
        content_type = "application/json"
    else:
        body = _body(contract, request.body, mutation)
    if body is None:
        return None
    headers = _with_header(request.headers, "Content-Type", content_type) if content_type else request.headers
    return dataclasses.replace(
        exchange, request=dataclasses.replace(request, url=url, headers=headers, body=body)
    )


def _with_header(headers: Headers, name: str, value: str) -> Headers:
    kept = [(k, v) for k, v in headers.pairs() if k.lower() != name.lower()]
    return Headers([*kept, (name, value)])


# ── the envelope: rules about the media type and the status, changed alone ────────────────────


def _answer_media_type(contract: Contract, exchange: Exchange, params: Mapping[str, Any]) -> list[_Edit]:
    assert exchange.response is not None
    headers = _with_header(exchange.response.headers, "Content-Type", "text/plain")
    return [
        (
            dataclasses.replace(exchange, response=dataclasses.replace(exchange.response, headers=headers)),
            None,
        )
    ]


def _request_media_type(contract: Contract, exchange: Exchange, params: Mapping[str, Any]) -> list[_Edit]:
    headers = _with_header(exchange.request.headers, "Content-Type", "text/plain")
    return [
        (dataclasses.replace(exchange, request=dataclasses.replace(exchange.request, headers=headers)), None)
    ]


def _other_status(contract: Contract, exchange: Exchange, params: Mapping[str, Any]) -> list[_Edit]:
    """Statuses the rule does not allow, where the contract reads the status: first those of the
    answer's own class a server commonly sends (200 for a documented 202), then unusual ones."""
    allowed = set(params.get("statuses") or ())
    answered = exchange.response.status if exchange.response is not None else 0
    common = [s for s in (200, 201, 204, 400, 404, 422, 500, 503) if s // 100 == answered // 100]
    return _with_statuses(contract, exchange, [s for s in (*common, 299, 418, 599) if s not in allowed])


def _refused(contract: Contract, exchange: Exchange, params: Mapping[str, Any]) -> list[_Edit]:
    """A conforming request's answer turned into one of the rejections the rule names."""
    statuses = params.get("rejection_statuses")
    return _with_statuses(contract, exchange, list(statuses)) if isinstance(statuses, list) else []


def _with_statuses(contract: Contract, exchange: Exchange, statuses: list[int]) -> list[_Edit]:
    """The answer with each status, where the contract reads it: the envelope's code (ManEx's
    ``Code``) or HTTP's."""
    response = exchange.response
    assert response is not None
    path = contract.rules.status_path
    if not path:
        return [
            (dataclasses.replace(exchange, response=dataclasses.replace(response, status=s)), HTTP_STATUS)
            for s in statuses
        ]
    document = response.json()
    edits: list[_Edit] = []
    for status in statuses:
        changed = _replaced(document, split(path), status)
        if changed is None:
            return []
        body = json.dumps(changed).encode("utf-8")
        edits.append((dataclasses.replace(exchange, response=dataclasses.replace(response, body=body)), path))
    return edits


def _replaced(document: Any, tokens: list[str], value: Any) -> Any:
    """``document`` with the member at ``tokens`` set to ``value``, copied along the way; None when
    the way down is not all objects."""
    if not tokens:
        return value
    if not isinstance(document, dict):
        return None
    inner = _replaced(document.get(tokens[0]), tokens[1:], value)
    return None if inner is None else {**document, tokens[0]: inner}


_EnvelopeEdit = Callable[[Contract, Exchange, Mapping[str, Any]], list[_Edit]]


def _request_header(contract: Contract, exchange: Exchange, params: Mapping[str, Any]) -> list[_Edit]:
    """The header the rule names left out, or (a rule on its value) given a value it does not allow."""
    name = str(params.get("name", ""))
    request = exchange.request
    kept = Headers([(k, v) for k, v in request.headers.pairs() if k.lower() != name.lower()])
    edited = [kept] + (
        [_with_header(request.headers, name, "b2bconform-other")] if params.get("pattern") else []
    )
    return [
        (
            dataclasses.replace(exchange, request=dataclasses.replace(request, headers=headers)),
            f"{HEADER}{name}",
        )
        for headers in edited
    ]


def _not_xml_request(contract: Contract, exchange: Exchange, params: Mapping[str, Any]) -> list[_Edit]:
    """A request body that is no XML at all: every rule on its members has nothing to read."""
    return [
        (dataclasses.replace(exchange, request=dataclasses.replace(exchange.request, body=b"not xml")), None)
    ]


def _not_xml_answer(contract: Contract, exchange: Exchange, params: Mapping[str, Any]) -> list[_Edit]:
    assert exchange.response is not None
    return [
        (
            dataclasses.replace(exchange, response=dataclasses.replace(exchange.response, body=b"not xml")),
            None,
        )
    ]


_ANSWER_ENVELOPE: dict[str, _EnvelopeEdit] = {
    "content_type": _answer_media_type,
    "status_in": _other_status,
    "accepts_conforming": _refused,
    "xml_envelope": _not_xml_answer,
}
_REQUEST_ENVELOPE: dict[str, _EnvelopeEdit] = {
    "content_type": _request_media_type,
    "header_present": _request_header,
    "xml_envelope": _not_xml_request,
}


# ── the run's collection ───────────────────────────────────────────────────────────────────────


def _answer_provable(contract: Contract, rule: Rule, response: Response) -> bool:
    """Whether ``rule`` is a vendor response rule this answer offers something to break (an answer
    with no entries offers an entry rule nothing: the next answer may)."""
    if rule.is_request_side or "vendor" not in rule.judged:
        return False
    if rule.check in _ANSWER_ENVELOPE:
        return True
    if not can_break_answer(rule):
        return False
    document = message_document(response, *_settings(contract))
    return document is not NO_JSON and breaking_answer(rule, document) is not None


def answer_breakable(rule: Rule) -> bool:
    """Whether a mutation of a conforming answer may break the vendor's response rule ``rule``."""
    if rule.is_request_side or "vendor" not in rule.judged:
        return False
    return rule.check in _ANSWER_ENVELOPE or can_break_answer(rule)


def has_mutation(rule: Rule) -> bool:
    """Whether negative evidence can be derived from the rule: a mutation of a conforming answer, of
    the caller's conforming request, or a breaking request the suites send."""
    if rule.check in _ANSWER_ENVELOPE or rule.check in _REQUEST_ENVELOPE:
        return True
    return can_break(rule) or can_break_answer(rule) or can_break_request(rule)


def _client_only(rule: Rule) -> bool:
    return "vendor" not in rule.judged and (rule.check in _REQUEST_ENVELOPE or can_break_request(rule))


class RuleProofs:
    """Collects conforming exchanges per rule as the run judges, and proves the rules at its end."""

    def __init__(self) -> None:
        # (api, rule) -> a key (the answer's status; the request's operation) -> the exchange kept
        self._answers: dict[tuple[str, str], dict[Any, _Exemplar]] = {}
        self._requests: dict[tuple[str, str], dict[Any, _Exemplar]] = {}

    def offer(self, contract: Contract, judgement: Judgement, history: Sequence[Exchange]) -> None:
        """Keep ``judgement``'s exchange (as judged, before redaction) for each rule it passed that a
        mutation could break: one per status of the answer, and for the client's rules one request
        per operation that honours them."""
        response = judgement.exchange.response
        if response is None:
            return
        status = contract.status_of(response)
        for rule_id, outcome in judgement.outcomes.items():
            if outcome != "passed" or rule_id in judgement.broken_by_request:
                continue
            kept = self._answers.setdefault((contract.api, rule_id), {})
            if status in kept or len(kept) >= EXEMPLARS_PER_RULE:
                continue
            if _answer_provable(contract, contract.rules.get(rule_id), response):
                kept[status] = _Exemplar(contract, judgement.exchange, tuple(history[-HISTORY_KEPT:]))
        self._offer_request(contract, judgement.exchange)

    def _offer_request(self, contract: Contract, exchange: Exchange) -> None:
        operation = exchange.operation
        wanted = [
            rule
            for rule in contract.rules
            if rule.check and _client_only(rule) and rule.applies_to(operation)
            and operation not in self._requests.get((contract.api, rule.id), {})
        ]  # fmt: skip
        if not wanted:
            return
        outcomes = contract.check(exchange, side="client").outcomes
        for rule in wanted:
            kept = self._requests.setdefault((contract.api, rule.id), {})
            if outcomes.get(rule.id) == "passed" and len(kept) < EXEMPLARS_PER_RULE:
                kept[operation] = _Exemplar(contract, exchange, ())

    def prove(self) -> dict[str, set[str]]:
        """api -> the rules a mutation of their own conforming traffic proves."""
        proven: dict[str, set[str]] = {}
        for (api, rule_id), answers in self._answers.items():
            if any(prove_answer(e.contract, rule_id, e.exchange, e.history) for e in answers.values()):
                proven.setdefault(api, set()).add(rule_id)
        for (api, rule_id), requests in self._requests.items():
            if any(prove_request(e.contract, rule_id, e.exchange) for e in requests.values()):
                proven.setdefault(api, set()).add(rule_id)
        return proven

"""Negative evidence for response rules, from the run's own answers.

A response rule that passed shows the vendor's answer honoured it; nothing yet shows the harness
would notice if it did not. For each such rule the first conforming answer it passed on is kept (in
memory, as judged: nothing here is written; one per status, in case one offers nothing to break
alone), and at the end of the run each is mutated to break
exactly that rule — a member removed, a value one past its length, format, enumeration or type, an
echo that is not one (``generators.mutations.breaking_answer``) — and judged again with the same
history. The rule is proven when the engine then fails it and nothing else; a rule no mutation of
its answer breaks that way stays unproven, and the matrix says so.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample, Unsatisfiable

from b2bconform.contract import Contract, Judgement
from b2bconform.generators.mutations import Mutation, breaking_answer, can_break_answer
from b2bconform.model import NO_JSON, Exchange, Headers, Response

__all__ = ["AnswerProofs", "prove_answer"]

HISTORY_KEPT = 50  # earlier exchanges kept with an exemplar: duplicate and read-back rules read them
# conforming answers kept per rule: one may offer nothing to break alone (a member two rules read),
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


@dataclass(frozen=True)
class _Exemplar:
    contract: Contract
    exchange: Exchange
    history: tuple[Exchange, ...]


def prove_answer(
    contract: Contract, rule_id: str, exchange: Exchange, history: Sequence[Exchange] = ()
) -> bool:
    """Whether some mutation of ``exchange``'s (conforming, JSON) answer makes the engine fail
    ``rule_id`` and no other rule."""
    rule = contract.rules.get(rule_id)
    response = exchange.response
    if response is None or contract.rules.xml:
        return False
    if rule.check in _ENVELOPE_EDITS and not rule.is_request_side:
        return any(
            _fails_alone(contract, rule_id, dataclasses.replace(exchange, response=edited), history)
            for edited in _ENVELOPE_EDITS[rule.check](response, rule.params)
        )
    if not can_break_answer(rule):
        return False
    document = response.json()
    if document is NO_JSON:
        return False
    mutations = breaking_answer(rule, document)
    if mutations is None:
        return False

    def fails_it_alone(mutation: Mutation) -> bool:
        body = mutation.body if mutation.body is not None else json.dumps(mutation.document).encode("utf-8")
        mutated = dataclasses.replace(exchange, response=dataclasses.replace(response, body=body))
        return _fails_alone(contract, rule_id, mutated, history)

    try:
        find(mutations, fails_it_alone, settings=_SEARCH)
    except (NoSuchExample, Unsatisfiable):
        return False
    return True


def _fails_alone(contract: Contract, rule_id: str, mutated: Exchange, history: Sequence[Exchange]) -> bool:
    judged = contract.check(mutated, history=history)
    return {finding.rule for finding in judged.findings} == {rule_id}


def _other_media_type(response: Response, params: Mapping[str, Any]) -> list[Response]:
    headers = Headers([(k, v) for k, v in response.headers.pairs() if k.lower() != "content-type"])
    return [
        dataclasses.replace(response, headers=Headers([*headers.pairs(), ("Content-Type", "text/plain")]))
    ]


def _other_status(response: Response, params: Mapping[str, Any]) -> list[Response]:
    allowed = set(params.get("statuses") or ())
    return [
        dataclasses.replace(response, status=status) for status in (299, 418, 599) if status not in allowed
    ]


# Rules about the envelope, not the body: the answer's media type and its status, changed alone.
_ENVELOPE_EDITS: dict[str, Callable[[Response, Mapping[str, Any]], list[Response]]] = {
    "content_type": _other_media_type,
    "status_in": _other_status,
}


class AnswerProofs:
    """Collects one conforming answer per response rule as the run judges, and proves them at its end."""

    def __init__(self) -> None:
        self._exemplars: dict[tuple[str, str], dict[int, _Exemplar]] = {}  # (api, rule) -> status -> answer

    def offer(self, contract: Contract, judgement: Judgement, history: Sequence[Exchange]) -> None:
        """Keep ``judgement``'s exchange (as judged, before redaction) for each rule it passed that a
        mutation of the answer could break, one per status the answer has."""
        response = judgement.exchange.response
        if contract.rules.xml or response is None:
            return
        status = contract.status_of(response)
        for rule_id, outcome in judgement.outcomes.items():
            if outcome != "passed" or rule_id in judgement.broken_by_request:
                continue
            kept = self._exemplars.setdefault((contract.api, rule_id), {})
            if status in kept or len(kept) >= EXEMPLARS_PER_RULE:
                continue
            rule = contract.rules.get(rule_id)
            envelope = rule.check in _ENVELOPE_EDITS and not rule.is_request_side and "vendor" in rule.judged
            if can_break_answer(rule) or envelope:
                kept[status] = _Exemplar(contract, judgement.exchange, tuple(history[-HISTORY_KEPT:]))

    def prove(self) -> dict[str, set[str]]:
        """api -> the response rules a mutation of their own conforming answer proves."""
        proven: dict[str, set[str]] = {}
        for (api, rule_id), exemplars in self._exemplars.items():
            if any(prove_answer(e.contract, rule_id, e.exchange, e.history) for e in exemplars.values()):
                proven.setdefault(api, set()).add(rule_id)
        return proven

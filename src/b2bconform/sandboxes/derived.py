"""Faults derived from a contract's rules, two kinds:

- ``derived_faults``: the faithful sandbox's answer, mutated on its way out to break one response
  rule and no rule that reads another member (the mutation a proof uses:
  ``b2bconform.engine.proofs.breaking_answer_of``);
- ``unenforced_faults``: a request rule the sandbox refuses by (``sandboxes.refusals``) left
  unenforced, so a request breaking it is accepted.

An API gets one such fault per rule, without writing it; the fault self-test proves each fails its
rule and only it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from b2bconform.engine.contract import contract_of
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.engine.proofs import answer_breakable, breaking_answer_of
from b2bconform.sandboxes.base import Fault
from b2bconform.sandboxes.rewrites import RawHeaders

__all__ = ["BrokenAnswers", "derived_faults", "unenforced_faults"]


@dataclass(frozen=True)
class BrokenAnswers:
    """Every answer ``rule_id`` applies to, mutated to break it alone; others pass unchanged."""

    api: str
    rule_id: str
    path: str = ""

    def rewrite(
        self, asked: Request, status: int, headers: RawHeaders, body: bytes, served: Sequence[Exchange] = ()
    ) -> tuple[int, RawHeaders, bytes]:
        contract = contract_of(self.api)
        answer = Response(
            status, Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]), body
        )
        exchange = contract.classify(Exchange(self.api, asked, answer))
        # the earlier answers, as sent: a read-back compares with the order created before it
        history = [contract.classify(earlier) for earlier in served]
        broken = breaking_answer_of(contract, self.rule_id, exchange, history, alone=True)
        if broken is None or broken.response is None:
            return status, headers, body
        mutated = broken.response
        return (
            mutated.status,
            [(k.encode("latin-1"), v.encode("latin-1")) for k, v in mutated.headers.items()],
            mutated.body,
        )


def derived_faults(
    api: str, rule_ids: Iterable[str] | Mapping[str, str], *, prefix: str = "breaks-", path: str = ""
) -> list[Fault]:
    """One fault per rule of ``rule_ids`` (response rules of ``api`` a mutated answer can break),
    named ``<prefix><rule>`` or, given a mapping of rule to name, by the name it gives; ``path`` (a
    regex, searched) keeps it to the answers of those paths (one sandbox serving two APIs).

    The rules are named, not all taken: where every mutation of a rule's answers also breaks another
    rule (two rules on one member), the fault would change nothing, and the self-test would say so.
    """
    contract = contract_of(api)
    names = dict(rule_ids) if isinstance(rule_ids, Mapping) else {}
    faults = []
    for rule_id in rule_ids:
        rule = contract.rules.get(rule_id)
        if not answer_breakable(rule):
            raise ValueError(f"{rule_id}: no mutation of a conforming answer breaks it")
        name = names.get(rule_id) or f"{prefix}{rule.id.split('-', 1)[1].lower()}"
        faults.append(
            Fault(
                name,
                rule.id,
                f"answers mutated to break it alone ({rule.statement})",
                BrokenAnswers(api, rule.id, path),
            )
        )
    return faults


def unenforced_faults(api: str, rule_ids: Mapping[str, str]) -> list[Fault]:
    """One fault per request rule of ``rule_ids`` (rule -> fault name): the sandbox accepts a request
    breaking it. Only a rule judged on the vendor can be one, and only a sandbox that leaves the
    fault's rule out of its refusals plays it: refusals from ``sandboxes.refusals`` (for a rule with
    a ``rejects_with`` status), or a schema's errors where ``refusals.breaking_paths`` says the
    request breaks the rule (a SOAP service's XSD)."""
    contract = contract_of(api)
    faults = []
    for rule_id, name in rule_ids.items():
        rule = contract.rules.get(rule_id)
        if rule.direction != "request" or "vendor" not in rule.judged:
            raise ValueError(f"{rule_id}: not a request rule judged on the vendor")
        faults.append(Fault(name, rule.id, f"accepts a request breaking it ({rule.statement})"))
    return faults

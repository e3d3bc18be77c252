"""A harness run: targets, contracts, the exchange history and the conformance matrix it feeds.

The pytest plugin owns one ``HarnessSession``; tests talk to it through a ``Judge``, which sends a
request, judges the exchange against the contract and records the evidence. Tests never build
findings themselves.
"""

from __future__ import annotations

import dataclasses
import json as jsonlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from b2bconform.contract import Contract, Judgement
from b2bconform.model import Exchange, Headers, Request
from b2bconform.references import RunTag
from b2bconform.reporting.matrix import ConformanceMatrix
from b2bconform.targets import Target, TargetProfile, load_profile, make_target

__all__ = ["ContractViolation", "HarnessSession", "Judge", "TargetOptions"]

_UNSET: Any = object()


class ContractViolation(AssertionError):
    """A test failed because the target broke documented rules; carries the findings."""

    def __init__(self, judgements: list[Judgement]) -> None:
        self.findings = [f for j in judgements for f in j.findings]
        rules = sorted({f.rule for f in self.findings})
        body = "\n".join(str(f) for f in self.findings[:25])
        more = f"\n… and {len(self.findings) - 25} more" if len(self.findings) > 25 else ""
        super().__init__(f"{len(self.findings)} finding(s) on {', '.join(rules)}:\n{body}{more}")


@dataclass(frozen=True)
class TargetOptions:
    kind: str = "sandbox"
    profile: str | None = None
    fault: str | None = None
    allow_writes: bool = False
    allow_production: bool = False

    def describe(self) -> str:
        if self.kind == "live":
            return f"live ({self.profile})"
        return f"sandbox (fault: {self.fault})" if self.fault else self.kind


@dataclass
class HarnessSession:
    options: TargetOptions = field(default_factory=TargetOptions)
    matrix: ConformanceMatrix = field(default_factory=ConformanceMatrix)
    tag: RunTag = field(default_factory=RunTag)
    history: dict[str, list[Exchange]] = field(default_factory=dict)
    _targets: dict[str, Target] = field(default_factory=dict)
    # Called with each judged, redacted exchange (the pytest plugin attaches it to Allure).
    on_exchange: Callable[[Exchange, Judgement], None] | None = None

    def contract(self, api: str) -> Contract:
        contract = Contract.load(api, settings=self.settings(api))
        self.matrix.add_contract(contract)
        return contract

    def settings(self, api: str) -> dict[str, Any]:
        """The contract settings a live profile overrides (its vendor differs where the doc is silent)."""
        if self.options.kind != "live" or not self.options.profile:
            return {}
        profile = _profile(self.options.profile)
        return dict(profile.settings) if profile.api == api else {}

    def target(self, api: str) -> Target:
        if api not in self._targets:
            o = self.options
            self._targets[api] = (
                make_target(
                    o.kind,
                    api,
                    profile=o.profile,
                    fault=o.fault,
                    allow_writes=o.allow_writes,
                    allow_production=o.allow_production,
                )
                if o.kind == "live"
                else make_target(o.kind, api, fault=o.fault)
            )
        return self._targets[api]

    def close(self) -> None:
        for target in self._targets.values():
            target.close()
        self._targets.clear()


@cache
def _profile(name: str) -> TargetProfile:
    return load_profile(name)  # read once per run, not once per test


class Judge:
    """Sends requests for one test and judges each exchange against the API's contract."""

    def __init__(self, session: HarnessSession, api: str, test_id: str) -> None:
        self.session = session
        self.api = api
        self.test_id = test_id
        self.contract = session.contract(api)
        self.judgements: list[Judgement] = []

    @property
    def target(self) -> Target:
        return self.session.target(self.api)

    @property
    def tag(self) -> RunTag:
        return self.session.tag

    def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = _UNSET,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        with_credentials: bool = True,
    ) -> Judgement:
        pairs = list((headers or {}).items())
        if json is not _UNSET:
            body = jsonlib.dumps(json).encode("utf-8")
            if not any(k.lower() == "content-type" for k, _ in pairs):
                pairs.append(("Content-Type", "application/json"))
        exchange = self.target.send(
            Request(method.upper(), path, Headers(pairs), body), with_credentials=with_credentials
        )
        for earlier in self.target.take_preceding():
            self.judge(earlier)  # the token requests an auth flow made, and a refused first attempt
        return self.judge(exchange)

    def judge(self, exchange: Exchange) -> Judgement:
        """Judge the exchange as sent and received; hand out only its redacted form.

        Judging the raw exchange matters: a credential value may legitimately appear in a body
        (a key echoed, an account padded), and masking it first would change the verdict.
        """
        history = self.session.history.setdefault(self.api, [])
        exchange = dataclasses.replace(
            self.contract.classify(exchange), index=len(history), source=self.test_id
        )
        raw = self.contract.check(exchange, history=history)
        history.append(exchange)  # kept in memory only, for duplicate and read-back rules
        judgement = self.target.redactor.judgement(raw)
        self.judgements.append(judgement)
        self.session.matrix.record_judgement(judgement, self.test_id)
        if self.session.on_exchange is not None:
            self.session.on_exchange(judgement.exchange, judgement)
        return judgement

    @property
    def findings(self) -> list[Any]:
        return [f for j in self.judgements for f in j.findings]

    def expect_conforms(self, *judgements: Judgement) -> None:
        """Fail the test with every finding of ``judgements`` (default: all of this test's exchanges)."""
        chosen = list(judgements) or self.judgements
        if any(j.findings for j in chosen):
            raise ContractViolation(chosen)

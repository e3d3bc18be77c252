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
from pathlib import Path
from typing import Any

from b2bconform import clock
from b2bconform.cleanup import CleanupRegistry, Created
from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.model import Exchange, Headers, Request
from b2bconform.engine.proofs import RuleProofs
from b2bconform.errors import UsageError
from b2bconform.references import RunTag, TestTag
from b2bconform.reporting.matrix import ConformanceMatrix
from b2bconform.targets import KnownData, Target, TargetProfile, load_profile, make_target
from b2bconform.targets.replay import ReplayTarget
from b2bconform.traffic.recording import CassetteRecorder

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
    record: bool = False  # live runs: write each test's traffic as a cassette
    cassette_dir: Path | None = None  # None: <api>/suite/cassettes

    def describe(self) -> str:
        if self.kind == "live":
            return f"live ({self.profile})" + (", recording" if self.record else "")
        if self.kind == "replay":
            return f"replay ({self.cassette_dir or '<api>/suite/cassettes'})"
        return f"sandbox (fault: {self.fault})" if self.fault else self.kind


@dataclass
class HarnessSession:
    options: TargetOptions = field(default_factory=TargetOptions)
    matrix: ConformanceMatrix = field(default_factory=ConformanceMatrix)
    tag: RunTag = field(default_factory=RunTag)
    history: dict[str, list[Exchange]] = field(default_factory=dict)
    # one conforming answer per response rule, mutated at the end of the run (negative evidence)
    proofs: RuleProofs = field(default_factory=RuleProofs)
    _targets: dict[str, Target] = field(default_factory=dict)
    # Called with each judged, redacted exchange (the pytest plugin attaches it to Allure).
    on_exchange: Callable[[Exchange, Judgement], None] | None = None
    recorder: CassetteRecorder | None = None
    # what the run created on the target, deleted (or listed) when the session ends
    created: CleanupRegistry = field(default_factory=CleanupRegistry)

    def contract(self, api: str) -> Contract:
        contract = Contract.load(api, settings=self.settings(api))
        if contract.api not in self.matrix.contracts:
            self.matrix.add_contract(contract, fault_proven=_fault_proven_rules(api))
        return contract

    def settings(self, api: str) -> dict[str, Any]:
        """The contract settings a live profile overrides (its vendor differs where the doc is silent),
        or those the replayed cassettes were recorded with."""
        if self.options.kind == "replay":
            return dict(self._replay(api).settings)
        if self.options.kind != "live" or not self.options.profile:
            return {}
        profile = _profile(self.options.profile)
        return dict(profile.settings) if profile.api == api else {}

    def test_data(self, api: str) -> KnownData:
        """Where the suites' test data comes from: "sandbox" (the embedded sandbox's own master data
        and orders), what the live system holds as the profile gives it (a mapping), or None when
        the target gives none (suites that need it skip, saying so)."""
        if self.options.kind == "sandbox":
            return "sandbox"
        if self.options.kind == "replay":
            return self._replay(api).test_data
        profile = _profile(self.options.profile) if self.options.profile else None
        return profile.test_data if profile is not None and profile.api == api else None

    def _replay(self, api: str) -> ReplayTarget:
        target = self.target(api)
        assert isinstance(target, ReplayTarget)
        return target

    # ── one test's recording or replay ────────────────────────────────────────────────────────

    def begin_test(self, api: str, test_id: str) -> TestTag:
        """Start a test on ``api``'s target: a replay loads its cassette (and its recorded day), a
        recording starts its cassette with a fresh token. Returns the test's reference tag."""
        target = self.target(api)
        if isinstance(target, ReplayTarget):
            cassette = target.use_cassette(test_id)
            run_id = cassette.meta.get("run_id") if cassette is not None else None
            day = target.recorded_day()
            clock.pin(day) if day is not None else clock.unpin()
            return self.tag.for_test(test_id, run_id=str(run_id) if run_id else None)
        if self.recorder is not None:
            target.restart_token_flow()
            self.recorder.begin(target, test_id, self.tag.run_id)
            target.tap = self.recorder.add
        return self.tag.for_test(test_id)

    def end_test(self, api: str, outcome: str, reason: str | None = None) -> None:
        """Finish the current test: a recording writes its cassette."""
        if self.recorder is not None:
            self.recorder.end(Contract.load(api, settings=self.settings(api)).version, outcome, reason)

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
                else ReplayTarget(api, o.cassette_dir)
                if o.kind == "replay"
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
        self._tag: TestTag | None = None

    def begin(self) -> None:
        """Reach the target and start this test on it (see ``HarnessSession.begin_test``)."""
        self._tag = self.session.begin_test(self.api, self.test_id)

    @property
    def target(self) -> Target:
        return self.session.target(self.api)

    @property
    def tag(self) -> TestTag:
        """This test's references: reproducible from the run id and the test (see ``references``)."""
        if self._tag is None:
            self._tag = self.session.tag.for_test(self.test_id)
        return self._tag

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
        self.session.proofs.offer(self.contract, raw, history)
        history.append(exchange)  # kept in memory only, for duplicate and read-back rules
        judgement = self.target.redactor.judgement(raw)
        self.judgements.append(judgement)
        self.session.matrix.record_judgement(judgement, self.test_id)
        if self.session.on_exchange is not None:
            self.session.on_exchange(judgement.exchange, judgement)
        return judgement

    def created(
        self, kind: str, key: str, delete: Callable[[], bool] | None = None, *, reason: str = ""
    ) -> Created:
        """Register a record this test created on the target (``kind`` and ``key`` as the vendor
        names it) with the delete the API documents for it, or None (then ``reason`` says why not)."""
        return self.session.created.add(Created(self.api, kind, key, self.test_id, delete, reason))

    @property
    def findings(self) -> list[Any]:
        return [f for j in self.judgements for f in j.findings]

    def expect_conforms(self, *judgements: Judgement) -> None:
        """Fail the test with every finding of ``judgements`` (default: all of this test's exchanges)."""
        chosen = list(judgements) or self.judgements
        if any(j.findings for j in chosen):
            raise ContractViolation(chosen)


def _fault_proven_rules(api: str) -> set[str]:
    """The rules a sandbox fault breaks: tests/test_fault_detection.py proves the harness fails each
    of them when its fault runs, so they have negative evidence whatever this run's target."""
    from b2bconform.sandboxes import get_sandbox

    try:
        return {fault.rule for fault in get_sandbox(api).faults.values()}
    except UsageError:  # an API without a sandbox
        return set()

"""The per-rule conformance matrix: what each rule's evidence says after a run.

Status of a rule, from strongest evidence down:
- ``failed``: a check found a violation, or a test tied to the rule failed on a plain assertion;
- ``discrepancy``: the traffic broke the adopted reading of a rule the document contradicts or is
  silent on, and followed another reading it supports: for the vendor to settle, never a failure;
- ``broken``: only tests that hit an infrastructure problem touched it (never blamed on the contract);
- ``passed``: evaluated at least once and never failed;
- ``untested``: no check evaluated it and no test tied to it ran (the report says why).

How well a rule is verified, independent of its status:
- positive evidence: it passed an evaluation on a request that honoured it (or a test tied to it passed);
- negative evidence: the run sent a request breaking it and judged the answer, a sandbox fault
  breaks it and the fault-detection self-test proves the harness then fails exactly that rule, or
  (response rules) a conforming answer of the run, mutated to break it, made the engine fail that
  rule and no other (``b2bconform.engine.proofs``).

Score (per API and overall) = share of rules with both kinds of evidence x pass rate, where the pass
rate is passed / (passed + failed) over the rules that reached a verdict. See SCORE_DEFINITION.

A written report can be read back (``ConformanceMatrix.from_report``) and merged with another
(``merge``): pytest-xdist workers hand their matrices to the controller that way, and
``b2bconform merge`` joins the reports of CI shards. The JSON therefore keeps what a merge needs
beyond the verdicts: each rule's skip reasons and whether a sandbox fault proves it, and the
response-time samples (``response_samples_ms``), so that a merged median is the median of all.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.model import Direction, Finding, Severity
from b2bconform.engine.proofs import has_mutation
from b2bconform.engine.rules import Rule
from b2bconform.errors import InputFileError, UsageError

__all__ = [
    "SCORE_DEFINITION",
    "ConformanceMatrix",
    "RuleEvidence",
    "TestOutcome",
    "finding_line",
    "reading_line",
]

MAX_FINDINGS_PER_RULE = 20
MAX_REASONS_PER_RULE = 3
SCORE_DEFINITION = (
    "score = (rules verified both ways / all rules) x pass rate. A rule is verified both ways when it has "
    "positive evidence (it passed on a request that honoured it, or a test tied to it passed) and negative "
    "evidence (this run sent a request breaking it and judged the answer, a sandbox fault breaks it and "
    "the fault-detection self-test proves the harness then fails that rule, or a conforming answer of "
    "this run, mutated to break it, made the engine fail that rule and no rule reading another member). "
    "A rule that judges only the caller is verified both ways on the harness's own requests: one that "
    "honoured it passed, a mutation of it failed; it stays untested for the vendor. Pass rate = (passed + "
    "discrepancy) / (passed + discrepancy + failed) over the rules that reached a verdict: a discrepancy "
    "(the traffic follows another reading of a self-contradicting or silent document) is for the vendor "
    "to settle, not a failure. Untested and broken rules lower the first factor, failed rules the second."
)


@dataclass
class RuleEvidence:
    evaluated: int = 0
    negative: int = 0  # evaluations where the request broke the rule (the vendor had to reject it)
    passed: int = 0
    failed: int = 0
    discrepancy: int = 0  # evaluations where the traffic followed another reading of the document
    broken: int = 0
    positive: int = 0  # passing evaluations on requests that honoured the rule, and passing tests
    tests: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    finding_count: int = 0
    discrepancies: list[Finding] = field(default_factory=list)
    discrepancy_count: int = 0
    skip_reasons: list[str] = field(default_factory=list)

    def merge(self, other: RuleEvidence) -> None:
        """Add ``other``'s evidence (another process's or shard's) to this rule's."""
        self.evaluated += other.evaluated
        self.negative += other.negative
        self.passed += other.passed
        self.failed += other.failed
        self.discrepancy += other.discrepancy
        self.broken += other.broken
        self.positive += other.positive
        self.tests |= other.tests
        room = MAX_FINDINGS_PER_RULE - len(self.findings)
        self.findings.extend(other.findings[: max(room, 0)])
        self.finding_count += other.finding_count
        room = MAX_FINDINGS_PER_RULE - len(self.discrepancies)
        self.discrepancies.extend(other.discrepancies[: max(room, 0)])
        self.discrepancy_count += other.discrepancy_count
        for reason in other.skip_reasons:
            if reason not in self.skip_reasons and len(self.skip_reasons) < MAX_REASONS_PER_RULE:
                self.skip_reasons.append(reason)

    @property
    def status(self) -> str:
        if self.failed:
            return "failed"
        if self.discrepancy:
            return "discrepancy"
        if self.passed:
            return "passed"
        if self.broken:
            return "broken"
        return "untested"


@dataclass
class TestOutcome:
    """How one test ended, for the comparison of runs (nightly) and the retry of failed tests."""

    __test__ = False  # not a pytest test class, whatever its name

    api: str
    outcome: str  # passed | failed | broken | skipped
    rules: list[str]
    failed_rules: list[str]
    reason: str | None = None


# A test reported by two parts (the same suite against two targets): the worse outcome stands.
_OUTCOME_RANK = {"failed": 3, "broken": 2, "passed": 1, "skipped": 0}
# Run facts that name one run; parts that differ keep every value under the plural key.
_PLURAL = {"target": "targets", "run_id": "run_ids", "day": "days", "hypothesis": "hypotheses"}
_REPORT_KEYS = {"generated", "score_definition", "summary", "apis", "tests"}
MERGED_FROM = "merged_from"  # the reports a merged report was made of, as ``b2bconform merge`` names them


class ConformanceMatrix:
    def __init__(self) -> None:
        self.contracts: dict[str, Contract] = {}
        self.evidence: dict[str, dict[str, RuleEvidence]] = {}
        self.meta: dict[str, Any] = {}
        self.tests: dict[str, TestOutcome] = {}
        self.timings: dict[str, dict[str, list[float]]] = {}  # api -> operation -> response seconds
        self.fault_proven: dict[str, set[str]] = {}  # api -> rules a self-tested sandbox fault breaks
        # api -> response rules a mutation of their own conforming answer made the engine fail (proofs)
        self.mutation_proven: dict[str, set[str]] = {}

    def add_contract(self, contract: Contract, fault_proven: Iterable[str] = ()) -> None:
        """``fault_proven``: the rules of this API that a sandbox fault breaks (negative evidence
        proven by the fault-detection self-test, whatever the target of this run)."""
        if contract.api not in self.contracts:
            self.contracts[contract.api] = contract
            self.evidence[contract.api] = {rule.id: RuleEvidence() for rule in contract.rules}
            self.fault_proven[contract.api] = set(fault_proven) & set(contract.rules.ids)

    def add_mutation_proven(self, proven: dict[str, set[str]]) -> None:
        """Response rules proven by mutating this run's own conforming answers (``b2bconform.engine.proofs``)."""
        for api, rules in proven.items():
            if api in self.contracts:
                self.mutation_proven.setdefault(api, set()).update(
                    set(rules) & set(self.contracts[api].rules.ids)
                )

    def _rule(self, api: str, rule_id: str) -> RuleEvidence:
        return self.evidence[api][rule_id]

    def record_judgement(self, judgement: Judgement, test: str | None = None) -> None:
        api = judgement.exchange.api
        by_rule: dict[str, list[Finding]] = {}
        for finding in (*judgement.findings, *judgement.discrepancies):
            by_rule.setdefault(finding.rule, []).append(finding)
        for rule_id, outcome in judgement.outcomes.items():
            evidence = self._rule(api, rule_id)
            evidence.evaluated += 1
            evidence.negative += rule_id in judgement.broken_by_request
            if test:
                evidence.tests.add(test)
            if outcome == "failed":
                evidence.failed += 1
                found = by_rule.get(rule_id, [])
                evidence.finding_count += len(found)
                room = MAX_FINDINGS_PER_RULE - len(evidence.findings)
                evidence.findings.extend(found[: max(room, 0)])
            elif outcome == "discrepancy":
                evidence.discrepancy += 1
                found = by_rule.get(rule_id, [])
                evidence.discrepancy_count += len(found)
                room = MAX_FINDINGS_PER_RULE - len(evidence.discrepancies)
                evidence.discrepancies.extend(found[: max(room, 0)])
            else:
                evidence.passed += 1
                evidence.positive += rule_id not in judgement.broken_by_request
        response = judgement.exchange.response
        if response is not None and response.elapsed is not None:
            operation = judgement.exchange.operation or "unknown"
            self.timings.setdefault(api, {}).setdefault(operation, []).append(response.elapsed)

    def record_test(self, api: str, rules: Iterable[str], test: str, outcome: str) -> None:
        """A test tied to ``rules`` ended: ``passed``, ``failed`` (plain assertion) or ``broken``."""
        for rule_id in rules:
            evidence = self._rule(api, rule_id)
            evidence.tests.add(test)
            if outcome == "passed":
                evidence.evaluated += 1
                evidence.passed += 1
                evidence.positive += 1
            elif outcome == "failed":
                evidence.evaluated += 1
                evidence.failed += 1
            elif outcome == "broken":
                evidence.broken += 1

    def record_test_outcome(
        self,
        test: str,
        api: str,
        outcome: str,
        rules: Iterable[str],
        *,
        failed_rules: Iterable[str] = (),
        reason: str | None = None,
    ) -> None:
        """Every test's end, whatever its rules: ``failed_rules`` are those its findings broke; a skip
        reason becomes the reason the test's rules stay untested."""
        known = [rule_id for rule_id in rules if rule_id in self.evidence.get(api, {})]
        failed = set(failed_rules) | (set(known) if outcome == "failed" else set())
        self.tests[test] = TestOutcome(api, outcome, sorted(known), sorted(failed), reason)
        if outcome == "skipped" and reason:
            for rule_id in known:
                reasons = self._rule(api, rule_id).skip_reasons
                if reason not in reasons and len(reasons) < MAX_REASONS_PER_RULE:
                    reasons.append(reason)

    def failed_rules(self, api: str) -> set[str]:
        return {rule_id for rule_id, ev in self.evidence.get(api, {}).items() if ev.status == "failed"}

    @classmethod
    def from_report(
        cls,
        data: Mapping[str, Any],
        source: str = "conformance.json",
        load: Callable[[str], Contract] = Contract.load,
    ) -> ConformanceMatrix:
        """The matrix a conformance report (``as_dict``) was written from, to merge with another.
        Contracts come from ``load`` (the current contracts); a report naming an API or rule they
        do not have, or malformed, is an InputFileError on ``source``."""
        return _Reader(source, load).matrix(data)

    def merge(self, other: ConformanceMatrix) -> ConformanceMatrix:
        """Add ``other``'s evidence, tests, response times and run facts to this matrix; returns it.
        Counts add up, so a rule's status follows the usual precedence over both parts."""
        for api, contract in other.contracts.items():
            self.add_contract(contract)
            self.fault_proven[api] |= other.fault_proven.get(api, set())
            self.mutation_proven.setdefault(api, set()).update(other.mutation_proven.get(api, set()))
            mine = self.evidence[api]
            for rule_id, evidence in other.evidence[api].items():
                mine.setdefault(rule_id, RuleEvidence()).merge(evidence)
        for test, outcome in other.tests.items():
            self.tests[test] = _merge_outcome(self.tests.get(test), outcome)
        for api, operations in other.timings.items():
            for operation, seconds in operations.items():
                self.timings.setdefault(api, {}).setdefault(operation, []).extend(seconds)
        self.meta = _merge_meta(self.meta, other.meta)
        return self

    def as_dict(self) -> dict[str, Any]:
        apis: dict[str, Any] = {}
        totals = _counts()
        for api, contract in sorted(self.contracts.items()):
            rules: dict[str, Any] = {}
            counts = _counts()
            for rule in contract.rules:
                ev = self.evidence[api][rule.id]
                mutated = rule.id in self.mutation_proven.get(api, set())
                # a client's rule proven on the harness's own requests: one honoured it, a mutation broke it
                own_requests = mutated and "vendor" not in rule.judged
                verified = _verification(
                    ev, rule.id in self.fault_proven.get(api, set()) or mutated, own_requests=own_requests
                )
                counts["rules"] += 1
                counts[ev.status] += 1
                counts["verified_both"] += verified == "both"
                rules[rule.id] = {
                    "statement": rule.statement,
                    "source": {"file": rule.source.file, "section": rule.source.section},
                    "direction": rule.direction.value,
                    "severity": rule.severity.value,
                    "kind": rule.kind,
                    "judged": list(rule.judged),
                    "check": rule.check,
                    "decision": rule.decision,
                    "status": ev.status,
                    "evaluated": ev.evaluated,
                    "positive": ev.positive,
                    "negative": ev.negative,
                    "passed": ev.passed,
                    "failed": ev.failed,
                    "discrepancy": ev.discrepancy,
                    "broken": ev.broken,
                    "verified": verified,
                    "untested_reason": _untested_reason(rule, ev, own_requests)
                    if ev.status in ("untested", "broken")
                    else None,
                    "unproven_reason": _unproven_reason(rule, ev) if verified == "positive" else None,
                    "tests": sorted(ev.tests),
                    "findings": [f.as_dict() for f in ev.findings],
                    "findings_total": ev.finding_count,
                    "discrepancies": [f.as_dict() for f in ev.discrepancies],
                    "discrepancies_total": ev.discrepancy_count,
                    "readings": [r.as_dict(rule.id) for r in rule.readings],
                    "skip_reasons": list(ev.skip_reasons),
                    "fault_proven": rule.id in self.fault_proven.get(api, set()),
                    "mutation_proven": mutated,
                }
            samples = _samples_ms(self.timings.get(api, {}))
            apis[api] = {
                "summary": {**counts, **_scores(counts)},
                "response_times": _response_times(samples),
                "response_samples_ms": samples,
                "rules": rules,
            }
            for key in totals:
                totals[key] += counts[key]
        return {
            "generated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            **self.meta,
            "score_definition": SCORE_DEFINITION,
            "summary": {**totals, **_scores(totals)},
            "apis": apis,
            "tests": {test: asdict(outcome) for test, outcome in sorted(self.tests.items())},
        }

    def write(self, json_path: Path) -> tuple[Path, Path]:
        data = self.as_dict()
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        md_path = json_path.with_suffix(".md")
        md_path.write_text(render_markdown(data), encoding="utf-8")
        return json_path, md_path


def finding_line(finding: Mapping[str, Any]) -> str:
    """One finding of a report as one line: where, then what was received and what is documented."""
    return (
        f"{finding.get('operation')} {finding.get('path') or '(message)'}: Received: {finding.get('received')} / "
        f"Documented: {finding.get('expected')}"
    )


def reading_line(reading: Mapping[str, Any]) -> str:
    """One reading of a contested rule, as the reports print it: which, where, what it says."""
    label = "adopted reading" if reading.get("adopted") else "other reading"
    source = reading.get("source") or {}
    quote = f' ("{reading["quote"]}")' if reading.get("quote") else ""
    return (
        f"{label} of {reading.get('rule')} ({source.get('file')} § {source.get('section')}): "
        f"{reading.get('reading')}{quote}"
    )


def _counts() -> dict[str, int]:
    return {
        "rules": 0,
        "passed": 0,
        "failed": 0,
        "discrepancy": 0,
        "broken": 0,
        "untested": 0,
        "verified_both": 0,
    }


def _scores(counts: dict[str, int]) -> dict[str, float]:
    """The score and its two factors (see SCORE_DEFINITION), and the plain share of passed rules."""
    rules = counts["rules"]
    settled = (
        counts["passed"] + counts["discrepancy"]
    )  # a discrepancy is the vendor's to settle, not a failure
    judged = settled + counts["failed"]
    coverage = counts["verified_both"] / rules if rules else 0.0
    pass_rate = settled / judged if judged else 0.0
    return {
        "coverage": round(coverage, 4),
        "pass_rate": round(pass_rate, 4),
        "score": round(coverage * pass_rate, 4),
        "passed_share": round(counts["passed"] / rules, 4) if rules else 0.0,
    }


def _verification(evidence: RuleEvidence, fault_proven: bool, *, own_requests: bool = False) -> str:
    positive = evidence.positive > 0 or own_requests
    negative = evidence.negative > 0 or fault_proven
    return "both" if positive and negative else "positive" if positive else "negative" if negative else "none"


def _unproven_reason(rule: Rule, evidence: RuleEvidence) -> str:
    """Why a rule that passed has no negative evidence: the contract's own account where it gives one."""
    if rule.unproven:
        return rule.unproven
    if rule.check is None:
        return "no check reads it: the tests tied to it verify it, and no sandbox fault breaks it alone (yet)"
    if not has_mutation(rule):
        return f"no mutation is derived from its check ({rule.check}), and no sandbox fault breaks it"
    return (
        "no mutation of this run's conforming traffic broke it without also breaking a rule that reads "
        "another member, and no sandbox fault breaks it"
    )


def _untested_reason(rule: Rule, evidence: RuleEvidence, own_requests: bool = False) -> str:
    """Why a rule has no verdict: what a QA lead needs to decide whether that gap matters."""
    if evidence.status == "broken":
        return "only tests that hit a target error (broken, not blamed on the contract) touched it"
    if "vendor" not in rule.judged:
        proof = (
            "; its check is proven on the harness's own requests (one honoured it and passed, a "
            "mutation of it failed)"
            if own_requests
            else ""
        )
        return (
            "judged only on the caller's own requests (b2bconform audit --side client); no vendor run "
            f"can verify it{proof}"
        )
    if evidence.skip_reasons:
        return "its tests were skipped: " + "; ".join(evidence.skip_reasons)
    if rule.check is None:
        return "verified only by tests tied to it, and none of them ran in this run"
    where = []
    if "*" not in rule.operations:
        where.append("operations " + ", ".join(rule.operations))
    if rule.statuses:
        where.append("status " + ", ".join(str(s) for s in rule.statuses))
    if rule.when_body is not None:
        where.append("answers holding the value it speaks about")
    scope = f" ({'; '.join(where)})" if where else ""
    return f"no exchange of this run was one its check applies to{scope}"


def _samples_ms(timings: dict[str, list[float]]) -> dict[str, list[float]]:
    """Per operation, every response time in milliseconds to 0.01 ms, as recorded: the figures
    are computed from these, so a report merged from parts has the figures of the whole."""
    return {
        operation: [round(value * 1000, 2) for value in seconds]
        for operation, seconds in sorted(timings.items())
    }


def _response_times(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Per operation: count, median and 95th percentile in milliseconds (nearest-rank)."""
    result = {}
    for operation, values in samples.items():
        ordered = sorted(values)
        result[operation] = {
            "count": len(ordered),
            "median_ms": round(statistics.median(ordered), 2),
            "p95_ms": ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)],
        }
    return result


def _merge_outcome(mine: TestOutcome | None, other: TestOutcome) -> TestOutcome:
    if mine is None:
        return TestOutcome(
            other.api, other.outcome, list(other.rules), list(other.failed_rules), other.reason
        )
    worse = other if _OUTCOME_RANK.get(other.outcome, 0) > _OUTCOME_RANK.get(mine.outcome, 0) else mine
    return TestOutcome(
        worse.api,
        worse.outcome,
        sorted(set(mine.rules) | set(other.rules)),
        sorted(set(mine.failed_rules) | set(other.failed_rules)),
        worse.reason,
    )


def _meta_values(meta: Mapping[str, Any], key: str) -> list[Any]:
    plural = _PLURAL.get(key)
    if plural and isinstance(meta.get(plural), list):
        return list(meta[plural])
    return [meta[key]] if key in meta else []


def _merge_meta(mine: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    """Facts both parts share stay as they are; where the parts differ (two targets, the run ids
    of two shards) the singular key keeps what still holds for the whole (targets joined, else
    None) and the plural key lists every value."""
    merged = {k: v for k, v in mine.items() if k not in _PLURAL.values()}
    for key in [k for k in {**mine, **other} if k not in _PLURAL.values()]:
        if key == MERGED_FROM:  # the parts of parts
            merged[key] = list(mine.get(key) or []) + list(other.get(key) or [])
            continue
        values: list[Any] = []
        for value in _meta_values(mine, key) + _meta_values(other, key):
            if value not in values:
                values.append(value)
        plural = _PLURAL.get(key, f"{key}s")
        if len(values) <= 1:
            merged[key] = values[0] if values else None
            continue
        merged[key] = ", ".join(str(v) for v in values) if key == "target" else None
        merged[plural] = values
    return merged


class _Reader:
    """Reads a conformance report back into a matrix, naming the report and the place of anything
    that is not as ``as_dict`` writes it."""

    def __init__(self, source: str, load: Callable[[str], Contract]) -> None:
        self.source = source
        self.load = load

    def fail(self, where: str, expected: str) -> InputFileError:
        return InputFileError(self.source, f"{where}: expected {expected}")

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, "an object")
        return value

    def strings(self, value: Any, where: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, "a list of strings")
        return list(value)

    def count(self, rule: Mapping[str, Any], key: str, where: str) -> int:
        value = rule.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f"{where}.{key}", "a count (a whole number, 0 or more)")
        return value

    def matrix(self, data: Any) -> ConformanceMatrix:
        report = self.mapping(data, "the report")
        matrix = ConformanceMatrix()
        matrix.meta = {k: v for k, v in report.items() if k not in _REPORT_KEYS}
        for api, block in self.mapping(report.get("apis"), "apis").items():
            self.api(matrix, api, self.mapping(block, f"apis.{api}"))
        for test, entry in self.mapping(report.get("tests", {}), "tests").items():
            matrix.tests[test] = self.test(test, self.mapping(entry, f"tests.{test}"))
        return matrix

    def api(self, matrix: ConformanceMatrix, api: str, block: Mapping[str, Any]) -> None:
        try:
            contract = self.load(api)
        except InputFileError:
            raise  # a malformed contract file: named as such
        except UsageError as exc:  # an API without a contract here
            raise self.fail(f"apis.{api}", f"an API with a contract ({exc})") from None
        matrix.add_contract(contract)
        proven = matrix.fault_proven[api]
        for rule_id, entry in self.mapping(block.get("rules", {}), f"apis.{api}.rules").items():
            where = f"apis.{api}.rules.{rule_id}"
            if rule_id not in matrix.evidence[api]:
                raise InputFileError(
                    self.source,
                    f"{where}: not a rule of the current {api} contract (version {contract.version})",
                )
            rule = self.mapping(entry, where)
            evidence = matrix.evidence[api][rule_id]
            for key in ("evaluated", "negative", "passed", "failed", "broken", "positive"):
                setattr(evidence, key, self.count(rule, key, where))
            evidence.discrepancy = self.count(rule, "discrepancy", where) if "discrepancy" in rule else 0
            evidence.tests = set(self.strings(rule.get("tests", []), f"{where}.tests"))
            evidence.findings = [
                self.finding(f, f"{where}.findings[{i}]") for i, f in enumerate(rule.get("findings") or [])
            ]
            evidence.finding_count = self.count(rule, "findings_total", where)
            evidence.discrepancies = [
                self.finding(f, f"{where}.discrepancies[{i}]")
                for i, f in enumerate(rule.get("discrepancies") or [])
            ]
            evidence.discrepancy_count = (
                self.count(rule, "discrepancies_total", where) if "discrepancies_total" in rule else 0
            )
            evidence.skip_reasons = self.strings(rule.get("skip_reasons", []), f"{where}.skip_reasons")
            # a report written before the flag existed: negative evidence it did not send is the fault's
            fault_proven = rule.get("fault_proven")
            if fault_proven is None:
                fault_proven = rule.get("verified") in ("both", "negative") and not evidence.negative
            if fault_proven:
                proven.add(rule_id)
            if rule.get("mutation_proven"):
                matrix.mutation_proven.setdefault(api, set()).add(rule_id)
        samples = self.mapping(block.get("response_samples_ms", {}), f"apis.{api}.response_samples_ms")
        for operation, values in samples.items():
            where = f"apis.{api}.response_samples_ms.{operation}"
            if not isinstance(values, list) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in values
            ):
                raise self.fail(where, "a list of milliseconds")
            matrix.timings.setdefault(api, {})[operation] = [v / 1000 for v in values]

    def finding(self, value: Any, where: str) -> Finding:
        entry = self.mapping(value, where)
        try:
            return Finding(
                rule=str(entry["rule"]),
                api=str(entry["api"]),
                operation=str(entry["operation"]),
                direction=Direction(entry["direction"]),
                path=str(entry["path"]),
                expected=str(entry["expected"]),
                received=str(entry["received"]),
                message=str(entry["message"]),
                severity=Severity(entry["severity"]),
                interaction=entry.get("interaction"),
                readings=tuple(self.mapping(r, f"{where}.readings") for r in entry.get("readings") or ()),
                decision=entry.get("decision"),
            )
        except (KeyError, ValueError) as exc:
            raise self.fail(where, f"a finding as the report writes it ({exc})") from None

    def test(self, test: str, entry: Mapping[str, Any]) -> TestOutcome:
        where = f"tests.{test}"
        outcome = entry.get("outcome")
        if outcome not in _OUTCOME_RANK or not isinstance(entry.get("api"), str):
            raise self.fail(
                where, "{api, outcome: passed|failed|broken|skipped, rules, failed_rules, reason}"
            )
        reason = entry.get("reason")
        return TestOutcome(
            str(entry["api"]),
            str(outcome),
            self.strings(entry.get("rules", []), f"{where}.rules"),
            self.strings(entry.get("failed_rules", []), f"{where}.failed_rules"),
            reason if isinstance(reason, str) else None,
        )


_ICON = {
    "passed": "✅ passed",
    "failed": "❌ failed",
    "discrepancy": "⚖️ discrepancy",
    "broken": "⚠️ broken",
    "untested": "◻️ untested",
}


_VERIFIED = {"both": "both", "positive": "positive only", "negative": "negative only", "none": "none"}


def _merged_lines(data: Mapping[str, Any]) -> list[str]:
    """A merged report says what it was made of, and which run facts its parts do not share."""
    lines = []
    parts = data.get(MERGED_FROM) or []
    if parts:
        lines.append(f"Merged from {len(parts)} reports: " + ", ".join(f"`{p}`" for p in parts) + ".")
    differ = {
        "targets": "targets",
        "run_ids": "run ids",
        "days": "days generated for",
        "hypotheses": "Hypothesis settings",
    }
    for key, what in differ.items():
        values = data.get(key)
        if isinstance(values, list) and len(values) > 1:
            shown = ", ".join(
                f"`{json.dumps(v, sort_keys=True) if isinstance(v, dict) else v}`" for v in values
            )
            lines.append(f"The parts differ in their {what}: {shown}.")
    return [" ".join(lines), ""] if lines else []


def render_markdown(data: dict[str, Any]) -> str:
    lines = ["# Conformance matrix", ""]
    target = data.get("target")
    if target:
        run = f" (run id `{data['run_id']}`)" if data.get("run_id") else ""
        lines += [f"Target: `{target}`{run}  ", ""]
    lines += _merged_lines(data)
    s = data["summary"]
    lines += [
        f"Generated {data['generated']}. Overall score **{s['score']:.1%}** "
        f"(verified both ways {s['verified_both']} of {s['rules']} rules = {s['coverage']:.1%}, "
        f"pass rate {s['pass_rate']:.1%}). {s['passed']} of {s['rules']} rules passed; "
        f"{s['failed']} failed, {s.get('discrepancy', 0)} discrepancies for the vendor to settle, "
        f"{s['broken']} broken, {s['untested']} untested.",
        "",
        f"Score: {data['score_definition']}",
        "",
    ]
    for api, block in data["apis"].items():
        a = block["summary"]
        lines += [
            f"## {api}",
            "",
            f"Score **{a['score']:.1%}** (verified both ways {a['verified_both']}/{a['rules']} = "
            f"{a['coverage']:.1%}, pass rate {a['pass_rate']:.1%}): {a['passed']} passed, {a['failed']} failed, "
            f"{a.get('discrepancy', 0)} discrepancy, {a['broken']} broken, {a['untested']} untested of {a['rules']}.",
            "",
            "| rule | status | verified | evaluated (negative) | statement | source |",
            "|---|---|---|---|---|---|",
        ]
        for rule_id, rule in block["rules"].items():
            statement = rule["statement"].replace("|", "\\|")
            source = f"{rule['source']['file']} § {rule['source']['section']}"
            lines.append(
                f"| {rule_id} | {_ICON[rule['status']]} | {_VERIFIED[rule['verified']]} "
                f"| {rule['evaluated']} ({rule['negative']}) | {statement} | {source} |"
            )
        gaps = {rid: r for rid, r in block["rules"].items() if r["untested_reason"]}
        if gaps:
            lines += ["", "### Not verified in this run, and why", ""]
            for rule_id, rule in gaps.items():
                lines.append(
                    f"- **{rule_id}** ({rule['severity']}, {rule['status']}): {rule['untested_reason']}"
                )
        one_way = {rid: r for rid, r in block["rules"].items() if r.get("unproven_reason")}
        if one_way:
            lines += ["", "### Passed, but not proven able to fail, and why", ""]
            for rule_id, rule in one_way.items():
                lines.append(f"- **{rule_id}** ({rule['severity']}): {rule['unproven_reason']}")
        failed = {rid: r for rid, r in block["rules"].items() if r["findings"]}
        if failed:
            lines += ["", "### Findings", ""]
            for rule_id, rule in failed.items():
                lines.append(f"- **{rule_id}** ({rule['findings_total']} findings): {rule['statement']}")
                for finding in rule["findings"][:3]:
                    lines.append(f"  - {finding_line(finding)}")
        contested = {rid: r for rid, r in block["rules"].items() if r.get("discrepancies")}
        if contested:
            lines += ["", "### Discrepancies for the vendor to settle", ""]
            lines.append(
                "The traffic follows a reading the document supports other than the one the harness adopted: "
                "not a failure; the vendor is asked which reading it intends."
            )
            lines.append("")
            for rule_id, rule in contested.items():
                lines.append(
                    f"- **{rule_id}** ({rule['discrepancies_total']} exchanges): {rule['statement']}"
                )
                first = rule["discrepancies"][0]
                lines.append(f"  - {finding_line(first)}")
                lines += [f"  - {reading_line(r)}" for r in first.get("readings") or []]
        times = block.get("response_times") or {}
        if times:
            lines += [
                "",
                "### Response times",
                "",
                "| operation | responses | median ms | p95 ms |",
                "|---|---|---|---|",
            ]
            for operation, t in times.items():
                lines.append(f"| {operation} | {t['count']} | {t['median_ms']} | {t['p95_ms']} |")
        lines.append("")
    return "\n".join(lines)

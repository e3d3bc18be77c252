"""Two conformance reports side by side: what the nightly workflow tells a QA lead each morning.

Pure: reports in (``conformance.json`` as dicts), a ``Comparison`` out. Per API and rule:

- ``new_failures``: failed now, not failed in the previous run (rules new to the contract included;
  with no previous run every failure is new);
- ``still_failing``: failed now and before; ``fixed``: failed before, passed now;
- ``flaky``: failed in the run, but when the failed tests were re-run with the same data (the
  ``retry`` report: same run id, day and seed) every test that had failed the rule passed and the
  rule passed. A flaky rule is not counted as a failure of the run;
- ``newly_broken`` / ``newly_untested``: broken (only target errors touched it) or untested now,
  and not so before;
- ``discrepancies``: the traffic followed another reading of a rule the document contradicts or
  is silent on (listed for the vendor to settle, never a failure of the run);
- ``unattributed``: tests that failed naming no rule (and failed again on the retry), new when
  they did not fail in the previous run;
- response times per API and operation whose median changed by more than ``time_change`` (a ratio,
  either way: 0.5 = 1.5 times the previous median, or 2/3 of it) and by more than ``time_floor_ms``.

A previous report kept by the nightly may carry ``nightly.flaky`` ({api: [rule ids]}): those rules
were not failures of that run either.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "Comparison",
    "RuleChange",
    "RunFacts",
    "TestFailure",
    "TimeChange",
    "compare",
    "failed_tests",
    "render_markdown",
]

CATEGORIES = (
    "new_failures",
    "still_failing",
    "fixed",
    "flaky",
    "newly_broken",
    "newly_untested",
    "discrepancies",
)
_TITLES = {
    "new_failures": "New failures",
    "still_failing": "Still failing",
    "fixed": "Fixed",
    "flaky": "Flaky (failed, then passed when re-run with the same data)",
    "newly_broken": "Newly broken (only target errors touched them)",
    "newly_untested": "Newly untested",
    "discrepancies": "Discrepancies for the vendor to settle (the vendor follows another reading of its document; not failures)",
}
# what the last column of a category's table shows
_DETAIL = {
    "new_failures": "tests",
    "still_failing": "tests",
    "flaky": "tests",
    "fixed": "before",
    "newly_broken": "why",
    "newly_untested": "why",
    "discrepancies": "why",
}


@dataclass(frozen=True)
class RunFacts:
    run_id: str | None
    day: str | None
    generated: str | None
    target: str | None
    seed: int | None

    @classmethod
    def of(cls, report: Mapping[str, Any]) -> RunFacts:
        hypothesis = report.get("hypothesis") or {}
        return cls(
            run_id=report.get("run_id"),
            day=report.get("day"),
            generated=report.get("generated"),
            target=report.get("target"),
            seed=hypothesis.get("seed") if isinstance(hypothesis, dict) else None,
        )

    def describe(self) -> str:
        when = self.day or (self.generated or "")[:10] or "an unknown day"
        return f"run `{self.run_id or '?'}` of {when}"


@dataclass(frozen=True)
class RuleChange:
    api: str
    rule: str
    statement: str
    severity: str
    source: str  # "file § section": where the document says it
    status: str  # now
    previous: str | None  # in the previous run; None: not in it (first run, or new to the contract)
    tests: tuple[str, ...] = ()  # the tests that failed it in this run
    reason: str | None = None  # why it is untested or broken now


@dataclass(frozen=True)
class TestFailure:
    """A test that failed without naming a rule (a plain assertion in a test tied to none)."""

    __test__ = False  # not a pytest test class, whatever its name

    test: str
    api: str
    new: bool  # it did not fail in the previous run
    reason: str | None = None


@dataclass(frozen=True)
class TimeChange:
    api: str
    operation: str
    previous_ms: float
    current_ms: float
    direction: str  # slower | faster

    @property
    def ratio(self) -> float:
        return self.current_ms / self.previous_ms if self.previous_ms else float("inf")


@dataclass(frozen=True)
class Comparison:
    run: RunFacts
    previous: RunFacts | None
    failed: int  # rules failed in this run, flaky ones excluded
    broken: int
    new_failures: tuple[RuleChange, ...] = ()
    still_failing: tuple[RuleChange, ...] = ()
    fixed: tuple[RuleChange, ...] = ()
    flaky: tuple[RuleChange, ...] = ()
    newly_broken: tuple[RuleChange, ...] = ()
    newly_untested: tuple[RuleChange, ...] = ()
    discrepancies: tuple[RuleChange, ...] = ()
    response_times: tuple[TimeChange, ...] = ()
    retried: tuple[str, ...] = ()  # the failed tests the retry re-ran
    failed_tests: tuple[str, ...] = ()  # the tests that failed in this run
    apis_not_run: tuple[str, ...] = ()  # in the previous run, not in this one
    time_change: float = 0.5
    time_floor_ms: float = 20.0
    notes: tuple[str, ...] = field(default=())
    # failed (and failed again when re-run) without naming a rule: no rule category can hold them
    unattributed: tuple[TestFailure, ...] = ()

    @property
    def first_run(self) -> bool:
        return self.previous is None

    @property
    def slower(self) -> tuple[TimeChange, ...]:
        return tuple(t for t in self.response_times if t.direction == "slower")

    @property
    def faster(self) -> tuple[TimeChange, ...]:
        return tuple(t for t in self.response_times if t.direction == "faster")

    def counts(self) -> dict[str, int]:
        return {
            "failed": self.failed,
            "broken": self.broken,
            **{name: len(getattr(self, name)) for name in CATEGORIES},
            "tests_failed_without_rule": len(self.unattributed),
            "slower": len(self.slower),
            "faster": len(self.faster),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": asdict(self.run),
            "previous": asdict(self.previous) if self.previous else None,
            "first_run": self.first_run,
            "summary": self.counts(),
            **{name: [asdict(c) for c in getattr(self, name)] for name in CATEGORIES},
            "response_times": [{**asdict(t), "ratio": round(t.ratio, 3)} for t in self.response_times],
            "thresholds": {
                "response_time_change": self.time_change,
                "response_time_floor_ms": self.time_floor_ms,
            },
            "failed_tests": list(self.failed_tests),
            "retried": list(self.retried),
            "apis_not_run": list(self.apis_not_run),
            "tests_failed_without_rule": [asdict(t) for t in self.unattributed],
            "notes": list(self.notes),
        }

    def summary_line(self) -> str:
        c = self.counts()
        return (
            f"{c['new_failures']} new failures, {c['fixed']} fixed, {c['still_failing']} still failing, "
            f"{c['flaky']} flaky, {c['newly_broken']} newly broken, {c['newly_untested']} newly untested; "
            f"response times: {c['slower']} slower, {c['faster']} faster"
            + (f"; {c['tests_failed_without_rule']} failed tests naming no rule" if self.unattributed else "")
            + (f"; {c['discrepancies']} discrepancies for the vendor to settle" if self.discrepancies else "")
        )

    def markdown(self) -> str:
        return render_markdown(self)


def failed_tests(report: Mapping[str, Any]) -> list[str]:
    """The node ids of the report's tests that failed (what a retry re-runs), in report order."""
    tests = report.get("tests") or {}
    return [
        node for node, test in tests.items() if isinstance(test, dict) and test.get("outcome") == "failed"
    ]


def compare(
    previous: Mapping[str, Any] | None,
    current: Mapping[str, Any],
    retry: Mapping[str, Any] | None,
    *,
    time_change: float = 0.5,
    time_floor_ms: float = 20.0,
) -> Comparison:
    """``current`` against ``previous`` (None: the first run kept); ``retry``: the report of the
    failed tests re-run with the same data (None: no retry, so nothing is flaky)."""
    lists: dict[str, list[RuleChange]] = {name: [] for name in CATEGORIES}
    failed = broken = 0
    previous_apis = _apis(previous) if previous is not None else {}
    previous_flaky = _flaky_of(previous)
    for api, block in sorted(_apis(current).items()):
        before = previous_apis.get(api) or {}
        before_rules = before.get("rules") or {}
        failing_tests = _tests_failing(current, api)
        retry_block = (_apis(retry).get(api) or {}) if retry is not None else None
        for rule_id, rule in (block.get("rules") or {}).items():
            status = rule.get("status")
            was = (before_rules.get(rule_id) or {}).get("status")
            if was == "failed" and rule_id in previous_flaky.get(api, set()):
                was = "flaky"
            tests = tuple(sorted(failing_tests.get(rule_id, ())))
            change = _change(api, rule_id, rule, was, tests)
            if status == "failed":
                if retry_block is not None and _passed_on_retry(rule_id, tests, retry_block, retry or {}):
                    lists["flaky"].append(change)
                    continue
                failed += 1
                lists["still_failing" if was == "failed" else "new_failures"].append(change)
            elif status == "passed" and was == "failed":
                lists["fixed"].append(change)
            elif status == "broken":
                broken += 1
                if was != "broken":
                    lists["newly_broken"].append(change)
            elif status == "discrepancy":
                lists["discrepancies"].append(change)
            elif status == "untested" and was != "untested":
                lists["newly_untested"].append(change)
    times = _time_changes(previous_apis, _apis(current), time_change, time_floor_ms)
    notes = []
    if previous is None:
        notes.append("first run kept: there is no previous run to compare with, so every failure is new")
    fails = failed_tests(current)
    unattributed = _unattributed(fails, previous, current, retry)
    if fails and retry is None:
        notes.append("the failed tests were not re-run (no retry report): no rule can be called flaky")
    return Comparison(
        run=RunFacts.of(current),
        previous=RunFacts.of(previous) if previous is not None else None,
        failed=failed,
        broken=broken,
        **{name: tuple(changes) for name, changes in lists.items()},
        response_times=tuple(times),
        retried=tuple(sorted((retry or {}).get("tests") or {})) if retry is not None else (),
        failed_tests=tuple(fails),
        apis_not_run=tuple(sorted(set(previous_apis) - set(_apis(current)))),
        time_change=time_change,
        time_floor_ms=time_floor_ms,
        notes=tuple(notes),
        unattributed=tuple(unattributed),
    )


def _unattributed(
    fails: list[str],
    previous: Mapping[str, Any] | None,
    current: Mapping[str, Any],
    retry: Mapping[str, Any] | None,
) -> list[TestFailure]:
    before = (previous or {}).get("tests") or {}
    retried = (retry or {}).get("tests") or {}
    found = []
    for node in fails:
        test = current["tests"][node]
        if test.get("failed_rules"):
            continue  # its rules carry the failure
        if retry is not None and (retried.get(node) or {}).get("outcome") == "passed":
            continue  # flaky: passed with the same data
        new = (before.get(node) or {}).get("outcome") != "failed"
        found.append(TestFailure(node, str(test.get("api") or ""), new, test.get("reason")))
    return found


def _apis(report: Mapping[str, Any] | None) -> dict[str, Any]:
    apis = (report or {}).get("apis") or {}
    return apis if isinstance(apis, dict) else {}


def _flaky_of(report: Mapping[str, Any] | None) -> dict[str, set[str]]:
    flaky = ((report or {}).get("nightly") or {}).get("flaky") or {}
    return {api: set(rules) for api, rules in flaky.items()} if isinstance(flaky, dict) else {}


def _tests_failing(report: Mapping[str, Any], api: str) -> dict[str, set[str]]:
    """rule id -> the tests of ``api`` that failed it in ``report``."""
    by_rule: dict[str, set[str]] = {}
    for node, test in (report.get("tests") or {}).items():
        if isinstance(test, dict) and test.get("api") == api:
            for rule_id in test.get("failed_rules") or ():
                by_rule.setdefault(rule_id, set()).add(node)
    return by_rule


def _passed_on_retry(
    rule_id: str, tests: Collection[str], retry_block: Mapping[str, Any], retry: Mapping[str, Any]
) -> bool:
    """The rule passed on the retry, and so did every test that had failed it (a test not re-run
    leaves the failure standing: nothing says it would pass)."""
    rule = (retry_block.get("rules") or {}).get(rule_id) or {}
    if rule.get("status") != "passed":
        return False
    retried = retry.get("tests") or {}
    return bool(tests) and all((retried.get(node) or {}).get("outcome") == "passed" for node in tests)


def _change(
    api: str, rule_id: str, rule: Mapping[str, Any], was: str | None, tests: tuple[str, ...]
) -> RuleChange:
    source = rule.get("source") or {}
    where = " § ".join(str(part) for part in (source.get("file"), source.get("section")) if part)
    return RuleChange(
        api=api,
        rule=rule_id,
        statement=str(rule.get("statement") or ""),
        severity=str(rule.get("severity") or ""),
        source=where,
        status=str(rule.get("status")),
        previous=was,
        tests=tests,
        reason=rule.get("untested_reason") or _other_readings(rule),
    )


def _other_readings(rule: Mapping[str, Any]) -> str | None:
    """What a discrepancy's traffic followed instead of the adopted reading."""
    first = next(iter(rule.get("discrepancies") or ()), None)
    if not isinstance(first, Mapping):
        return None
    readings = [r for r in first.get("readings") or () if isinstance(r, Mapping)]
    return (
        "; ".join(f"{'adopted' if r.get('adopted') else 'followed'}: {r.get('reading')}" for r in readings)
        or None
    )


def _time_changes(
    previous: Mapping[str, Any], current: Mapping[str, Any], time_change: float, floor_ms: float
) -> list[TimeChange]:
    changes = []
    for api, block in sorted(current.items()):
        before = (previous.get(api) or {}).get("response_times") or {}
        for operation, now in sorted((block.get("response_times") or {}).items()):
            then = before.get(operation)
            if not then or not then.get("count") or not now.get("count"):
                continue
            old, new = float(then["median_ms"]), float(now["median_ms"])
            if abs(new - old) <= floor_ms or min(old, new) <= 0:
                continue
            if max(old, new) / min(old, new) - 1 > time_change:
                changes.append(TimeChange(api, operation, old, new, "slower" if new > old else "faster"))
    return changes


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(comparison: Comparison) -> str:
    c = comparison
    lines = ["# Nightly comparison", ""]
    lines.append(
        f"This run: {c.run.describe()}, target `{c.run.target or '?'}`"
        + ("" if c.run.seed is None else f", seed {c.run.seed}")
        + ".  "
    )
    if c.previous is None:
        lines.append("**First run kept**: there is no previous run to compare with, so every failure is new.")
    else:
        lines.append(f"Compared with {c.previous.describe()} (target `{c.previous.target or '?'}`).")
    counts = c.counts()
    lines += [
        "",
        f"Rules failed in this run: **{c.failed}** (flaky ones not counted); broken: {c.broken}.",
        "",
        "| new failures | still failing | fixed | flaky | newly broken | newly untested | discrepancies "
        "| slower | faster |",
        "|---|---|---|---|---|---|---|---|---|",
        "| " + " | ".join(str(counts[k]) for k in (*CATEGORIES, "slower", "faster")) + " |",
    ]
    for note in c.notes:
        if not note.startswith("first run kept"):
            lines += ["", f"Note: {note}."]
    if c.apis_not_run:
        lines += ["", f"Not run this time (in the previous run): {', '.join(c.apis_not_run)}."]
    for name in CATEGORIES:
        changes: tuple[RuleChange, ...] = getattr(c, name)
        if not changes:
            continue
        detail = _DETAIL[name]
        lines += ["", f"## {_TITLES[name]} ({len(changes)})", ""]
        lines += [f"| API | rule | severity | statement | source | {detail} |", "|---|---|---|---|---|---|"]
        for ch in changes:
            if detail == "tests":
                extra = "<br>".join(f"`{_cell(t)}`" for t in ch.tests) or "-"
            elif detail == "why":
                extra = f"{_cell(ch.reason or '-')} (before: {ch.previous or 'not in the run'})"
            else:
                extra = ch.previous or "not in the run"
            lines.append(
                f"| {ch.api} | `{ch.rule}` | {ch.severity} | {_cell(ch.statement)} | {_cell(ch.source)} | {extra} |"
            )
    if c.response_times:
        factor = f"{1 + c.time_change:g}"
        lines += [
            "",
            "## Response times",
            "",
            f"Medians more than {factor}x the previous one or under 1/{factor} of it, and more than "
            f"{c.time_floor_ms:g} ms apart.",
            "",
            "| API | operation | before (ms) | now (ms) | change |",
            "|---|---|---|---|---|",
        ]
        for t in c.response_times:
            lines.append(
                f"| {t.api} | {t.operation} | {t.previous_ms:g} | {t.current_ms:g} | {t.direction} ({t.ratio:.2f}x) |"
            )
    if c.unattributed:
        lines += ["", f"## Failed tests that name no rule ({len(c.unattributed)})", ""]
        lines += ["| API | test | new |", "|---|---|---|"]
        lines += [f"| {t.api} | `{_cell(t.test)}` | {'yes' if t.new else 'no'} |" for t in c.unattributed]
    if c.retried:
        lines += ["", f"Re-run with the same data ({len(c.retried)} tests):", ""]
        lines += [f"- `{node}`" for node in c.retried]
    return "\n".join(lines) + "\n"

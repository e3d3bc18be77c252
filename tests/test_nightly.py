"""The nightly workflow: two conformance reports compared rule by rule (new, still failing, fixed,
flaky, newly broken or untested, response times), the exit policy, where runs are kept, the retry
of failed tests with the same data, and one real three-night run on the embedded sandbox."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from b2bconform.errors import InputFileError, UsageError
from b2bconform.references import RUN_ID_VARIABLE
from b2bconform.reporting.compare import Comparison, compare, failed_tests
from b2bconform.runner import REPORTS_DIR, RunResult, SuiteRun
from b2bconform.targets import load_profile
from b2bconform.workflows.nightly import (
    DAY_VARIABLE,
    KEEP_RUNS,
    exit_code_for,
    history_directory,
    kept_runs,
    nightly_command,
    policy_for,
    run_nightly,
)

API = "westcon_soap"  # canned reports use a real API: the run's arguments are checked against suites/


def report(
    statuses: Mapping[str, str],
    *,
    tests: Mapping[str, tuple[str, list[str]]] | None = None,
    times: Mapping[str, float] | None = None,
    run_id: str = "RUN1",
    day: str = "2026-01-05",
    seed: int | None = None,
    api: str = API,
) -> dict[str, Any]:
    """A conformance report: rule -> status; test -> (outcome, rules it failed); operation -> median ms."""
    rules = {
        rule_id: {
            "statement": f"statement of {rule_id}",
            "source": {"file": "doc.txt", "section": "5.2"},
            "severity": "major",
            "status": status,
            "untested_reason": f"why {rule_id}" if status in ("untested", "broken") else None,
        }
        for rule_id, status in statuses.items()
    }
    counts = {
        s: sum(1 for v in statuses.values() if v == s) for s in ("passed", "failed", "broken", "untested")
    }
    summary = {"rules": len(statuses), **counts}
    return {
        "generated": f"{day}T02:00:00Z",
        "target": "sandbox",
        "run_id": run_id,
        "day": day,
        "hypothesis": {"profile": "quick" if seed is None else "nightly", "seed": seed},
        "summary": summary,
        "apis": {
            api: {
                "summary": summary,
                "response_times": {
                    op: {"count": 10, "median_ms": ms, "p95_ms": ms * 2} for op, ms in (times or {}).items()
                },
                "rules": rules,
            }
        },
        "tests": {
            node: {"api": api, "outcome": outcome, "rules": [], "failed_rules": failed, "reason": None}
            for node, (outcome, failed) in (tests or {}).items()
        },
    }


def rules_of(changes: Any) -> list[str]:
    return [change.rule for change in changes]


# ── comparison ──────────────────────────────────────────────────────────────────────────────────


def test_failing_now_and_not_before_is_new_and_failing_both_times_is_still_failing() -> None:
    previous = report({"R1": "passed", "R2": "failed", "R3": "untested"})
    current = report({"R1": "failed", "R2": "failed", "R3": "failed", "R4": "failed"})
    result = compare(previous, current, None)
    assert rules_of(result.new_failures) == ["R1", "R3", "R4"]  # R4 is new to the contract
    assert rules_of(result.still_failing) == ["R2"]
    assert result.failed == 4 and not result.first_run
    assert {c.rule: c.previous for c in result.new_failures} == {"R1": "passed", "R3": "untested", "R4": None}


def test_failed_before_and_passing_now_is_fixed_while_untested_or_broken_now_is_not() -> None:
    previous = report({"R1": "failed", "R2": "failed", "R3": "failed", "R4": "passed"})
    current = report({"R1": "passed", "R2": "untested", "R3": "broken", "R4": "passed"})
    result = compare(previous, current, None)
    assert rules_of(result.fixed) == ["R1"]
    assert rules_of(result.newly_untested) == ["R2"]
    assert rules_of(result.newly_broken) == ["R3"]
    assert result.newly_broken[0].reason == "why R3"
    assert result.failed == 0 and result.broken == 1


def test_untested_or_broken_both_times_is_not_listed_again() -> None:
    previous = report({"R1": "untested", "R2": "broken"})
    current = report({"R1": "untested", "R2": "broken"})
    result = compare(previous, current, None)
    assert not result.newly_untested and not result.newly_broken and result.broken == 1


def test_a_rule_that_passes_when_its_failed_tests_are_rerun_is_flaky_and_not_a_failure() -> None:
    previous = report({"R1": "passed", "R2": "passed"})
    current = report(
        {"R1": "failed", "R2": "failed"},
        tests={"t::a": ("failed", ["R1"]), "t::b": ("failed", ["R2"]), "t::c": ("passed", [])},
    )
    retry = report(
        {"R1": "passed", "R2": "failed"}, tests={"t::a": ("passed", []), "t::b": ("failed", ["R2"])}
    )
    result = compare(previous, current, retry)
    assert rules_of(result.flaky) == ["R1"]
    assert rules_of(result.new_failures) == ["R2"]
    assert result.failed == 1
    assert result.failed_tests == ("t::a", "t::b") and result.retried == ("t::a", "t::b")


def test_a_rule_is_not_flaky_unless_every_test_that_failed_it_passed_on_the_retry() -> None:
    current = report({"R1": "failed"}, tests={"t::a": ("failed", ["R1"]), "t::b": ("failed", ["R1"])})
    # the rule passed on the retry (t::a), but t::b failed again on something else
    retry = report({"R1": "passed"}, tests={"t::a": ("passed", []), "t::b": ("failed", [])})
    assert rules_of(compare(None, current, retry).new_failures) == ["R1"]
    # without a retry report nothing is flaky, and the comparison says why
    alone = compare(None, current, None)
    assert not alone.flaky and any("not re-run" in note for note in alone.notes)


def test_a_rule_flaky_last_night_and_failing_tonight_is_a_new_failure() -> None:
    previous = {**report({"R1": "failed", "R2": "failed"}), "nightly": {"flaky": {API: ["R1"]}}}
    current = report({"R1": "failed", "R2": "passed"})
    result = compare(previous, current, None)
    assert rules_of(result.new_failures) == ["R1"]
    assert not result.still_failing
    assert rules_of(result.fixed) == ["R2"]


def test_without_a_previous_run_every_failure_is_new_and_the_report_says_first_run() -> None:
    current = report({"R1": "failed", "R2": "passed"}, tests={"t::a": ("failed", ["R1"])})
    result = compare(None, current, None)
    assert result.first_run and result.previous is None
    assert rules_of(result.new_failures) == ["R1"]
    assert result.new_failures[0].tests == ("t::a",)
    text = result.markdown()
    assert "First run kept" in text and "## New failures (1)" in text and "`R1`" in text
    assert result.as_dict()["first_run"] is True


def test_response_times_changed_both_ways_are_listed_and_small_differences_are_not() -> None:
    before = {"slower": 100.0, "faster": 100.0, "below_floor": 10.0, "within_ratio": 100.0, "gone": 50.0}
    now = {"slower": 200.0, "faster": 40.0, "below_floor": 25.0, "within_ratio": 140.0, "added": 900.0}
    result = compare(report({"R1": "passed"}, times=before), report({"R1": "passed"}, times=now), None)
    assert [(t.operation, t.direction) for t in result.response_times] == [
        ("faster", "faster"),
        ("slower", "slower"),
    ]
    # the floor and the ratio are both thresholds
    loose = compare(
        report({}, times=before), report({}, times=now), None, time_change=0.3, time_floor_ms=10.0
    )
    assert {t.operation for t in loose.response_times} == {"slower", "faster", "below_floor", "within_ratio"}
    text = result.markdown()
    assert "| westcon_soap | slower | 100 | 200 | slower (2.00x) |" in text


def test_failed_tests_are_the_tests_whose_outcome_is_failed() -> None:
    current = report(
        {},
        tests={
            "t::a": ("failed", []),
            "t::b": ("broken", []),
            "t::c": ("skipped", []),
            "t::d": ("passed", []),
            "t::e": ("failed", []),
        },
    )
    assert failed_tests(current) == ["t::a", "t::e"]


# ── exit policy ─────────────────────────────────────────────────────────────────────────────────


def comparison(previous: Mapping[str, str], current: Mapping[str, str]) -> Comparison:
    return compare(report(previous), report(current), None)


def test_policy_new_fails_only_on_new_failures_and_policy_any_on_every_failure() -> None:
    still = comparison({"R1": "failed"}, {"R1": "failed"})
    assert exit_code_for(still, "new")[0] == 0
    assert exit_code_for(still, "any") == (1, "1 rule failed (policy: fail on any)")
    new = comparison({"R1": "passed"}, {"R1": "failed"})
    assert exit_code_for(new, "new") == (1, "1 new failure (policy: fail on new)")
    assert exit_code_for(new, "any")[0] == 1
    clean = comparison({"R1": "failed"}, {"R1": "passed"})
    assert exit_code_for(clean, "new")[0] == 0 and exit_code_for(clean, "any")[0] == 0


def test_broken_rules_exit_2_newly_broken_under_new_and_any_broken_under_any() -> None:
    newly = comparison({"R1": "passed"}, {"R1": "broken"})
    assert exit_code_for(newly, "new")[0] == 2 and exit_code_for(newly, "any")[0] == 2
    again = comparison({"R1": "broken"}, {"R1": "broken"})
    assert exit_code_for(again, "new")[0] == 0 and exit_code_for(again, "any")[0] == 2
    # a failure by the policy outranks a broken rule
    both = comparison({"R1": "passed", "R2": "passed"}, {"R1": "failed", "R2": "broken"})
    assert exit_code_for(both, "new")[0] == 1


def test_a_failed_test_naming_no_rule_is_listed_and_fails_by_the_policy() -> None:
    tests = {"t::plain": ("failed", []), "t::again": ("failed", []), "t::flaky": ("failed", [])}
    previous = report({"R1": "passed"}, tests={"t::again": ("failed", [])})
    current = report({"R1": "passed"}, tests=tests)
    retry = report(
        {"R1": "passed"},
        tests={"t::plain": ("failed", []), "t::again": ("failed", []), "t::flaky": ("passed", [])},
    )
    result = compare(previous, current, retry)
    assert [(t.test, t.new) for t in result.unattributed] == [("t::plain", True), ("t::again", False)]
    assert exit_code_for(result, "new") == (1, "1 failed test naming no rule (policy: fail on new)")
    assert exit_code_for(result, "any") == (1, "2 failed tests naming no rule (policy: fail on any)")
    assert "## Failed tests that name no rule (2)" in result.markdown()
    only_old = compare(previous, report({"R1": "passed"}, tests={"t::again": ("failed", [])}), None)
    assert exit_code_for(only_old, "new")[0] == 0


def test_flaky_rules_fail_no_policy() -> None:
    current = report({"R1": "failed"}, tests={"t::a": ("failed", ["R1"])})
    retry = report({"R1": "passed"}, tests={"t::a": ("passed", [])})
    result = compare(report({"R1": "passed"}), current, retry)
    assert exit_code_for(result, "new")[0] == 0 and exit_code_for(result, "any")[0] == 0


# ── profile keys and where runs are kept ────────────────────────────────────────────────────────

PROFILE = """\
api: westcon_soap
base_url: https://orders.example.invalid
environment: qa
credentials:
  Username: NIGHTLY_TEST_USERNAME
  Password: NIGHTLY_TEST_PASSWORD
"""


def write_profile(directory: Path, extra: str = "", name: str = "westcon_soap-nightly") -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(PROFILE + extra, encoding="utf-8")
    return path


def test_the_history_directory_comes_from_the_profile_then_the_option_then_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    relative = load_profile(str(write_profile(tmp_path, "history: var/nightly/soap\n")))
    monkeypatch.chdir(tmp_path.parent)  # a relative history key is relative to the folder the command runs in
    assert history_directory(relative, None)[0] == tmp_path.parent / "var/nightly/soap"
    monkeypatch.chdir(tmp_path)
    assert history_directory(relative, None)[0] == tmp_path / "var/nightly/soap"
    absolute = load_profile(str(write_profile(tmp_path, f"history: {tmp_path / 'kept'}\n")))
    assert history_directory(absolute, tmp_path / "other")[0] == tmp_path / "kept"
    plain = load_profile(str(write_profile(tmp_path)))
    assert history_directory(plain, tmp_path / "other")[0] == tmp_path / "other"
    assert history_directory(plain, None)[0] == REPORTS_DIR / "history" / "westcon_soap-nightly"
    assert history_directory(None, None)[0] == REPORTS_DIR / "history" / "sandbox"


def test_the_nightly_policy_comes_from_the_profile_and_the_command_line_overrides_it(tmp_path: Path) -> None:
    extra = "nightly:\n  fail_on: any\n  response_time_change: 1.0\n  response_time_floor_ms: 5\n"
    profile = load_profile(str(write_profile(tmp_path, extra)))
    assert profile.nightly == {"fail_on": "any", "response_time_change": 1.0, "response_time_floor_ms": 5}
    policy = policy_for(profile)
    assert (policy.fail_on, policy.time_change, policy.time_floor_ms) == ("any", 1.0, 5.0)
    assert policy_for(profile, "new").fail_on == "new"
    assert policy_for(None).fail_on == "new"


@pytest.mark.parametrize(
    ("extra", "key", "expected"),
    [
        ("nightly:\n  fail_on: sometimes\n", "nightly.fail_on", "expected new or any"),
        ("nightly:\n  response_time_change: 0\n", "nightly.response_time_change", "positive ratio"),
        ("nightly:\n  response_time_change: fast\n", "nightly.response_time_change", "positive ratio"),
        ("nightly:\n  response_time_floor_ms: -1\n", "nightly.response_time_floor_ms", "milliseconds"),
        ("nightly:\n  retries: 2\n", "nightly.retries", "unknown nightly setting"),
        ("nightly: new\n", "nightly", "expected dict"),
        ("history: 3\n", "history", "expected str"),
        ("history: '  '\n", "history", "expected a directory"),
    ],
)
def test_a_malformed_nightly_key_is_named_with_the_file(
    tmp_path: Path, extra: str, key: str, expected: str
) -> None:
    path = write_profile(tmp_path, extra)
    with pytest.raises(InputFileError) as raised:
        load_profile(str(path))
    message = str(raised.value)
    assert str(path) in message and f"at {key}:" in message and expected in message


def test_the_command_reports_a_malformed_profile_key_and_exits_2(tmp_path: Path) -> None:
    path = write_profile(tmp_path, "nightly:\n  fail_on: sometimes\n")
    result = CliRunner().invoke(
        nightly_command, ["--target", "live", "--profile", str(path), "--reports", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    assert "nightly.fail_on" in result.output and str(path) in result.output


# ── the workflow, driven by canned reports ──────────────────────────────────────────────────────


class Canned:
    """Stands in for SuiteRun.start: writes the next canned report where the run's reports go."""

    def __init__(self, *reports: tuple[int, dict[str, Any] | None]) -> None:
        self.queue = list(reports)
        self.runs: list[SuiteRun] = []

    def __call__(self, run: SuiteRun) -> RunResult:
        self.runs.append(run)
        code, data = self.queue.pop(0)
        run.reports.mkdir(parents=True, exist_ok=True)
        path = run.reports / "conformance.json"
        path.unlink(missing_ok=True)
        if data is not None:
            path.write_text(json.dumps(data), encoding="utf-8")
        return RunResult(pytest_code=code, reports=run.reports.resolve())


def clock(start: datetime) -> Callable[[], datetime]:
    times = iter(start + timedelta(days=n) for n in range(1000))
    return lambda: next(times)


NIGHT = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


def test_the_workflow_retries_exactly_the_failed_tests_with_the_same_run_id_day_and_seed(
    tmp_path: Path,
) -> None:
    reports, history = tmp_path / "reports", tmp_path / "history"
    first = report(
        {"R1": "failed", "R2": "failed", "R3": "passed"},
        tests={
            "suites/x.py::test_a": ("failed", ["R1"]),
            "suites/x.py::test_b[case 1]": ("failed", ["R2"]),
            "suites/x.py::test_c": ("broken", []),
            "suites/x.py::test_d": ("passed", []),
        },
        run_id="NIGHT1",
        day="2026-01-05",
        seed=4242,
    )
    retry = report(
        {"R1": "passed", "R2": "failed"},
        tests={"suites/x.py::test_a": ("passed", []), "suites/x.py::test_b[case 1]": ("failed", ["R2"])},
    )
    start = Canned((1, first), (1, retry))
    result = run_nightly(
        [API],
        reports=reports,
        history_dir=history,
        extra=["--fault", "status-71-invoiced"],
        start=start,
        now=clock(NIGHT),
    )
    run, again = start.runs
    assert run.tests == () and run.reports == reports and run.extra == ("--fault", "status-71-invoiced")
    assert again.tests == ("suites/x.py::test_a", "suites/x.py::test_b[case 1]")
    assert again.env[RUN_ID_VARIABLE] == "NIGHT1" and again.env[DAY_VARIABLE] == "2026-01-05"
    assert again.extra == ("--fault", "status-71-invoiced", "--hypothesis-seed", "4242")
    assert again.reports == reports / "retry" and again.target == run.target and again.apis == run.apis
    assert not again.allow_writes and not run.allow_writes
    assert result.retried == again.tests
    comparison = result.comparison
    assert comparison is not None and comparison.first_run
    assert rules_of(comparison.flaky) == ["R1"] and rules_of(comparison.new_failures) == ["R2"]
    assert result.exit_code == 1
    written = json.loads((reports / "nightly.json").read_text(encoding="utf-8"))
    assert written["exit_code"] == 1 and written["first_run"] is True
    assert [c["rule"] for c in written["flaky"]] == ["R1"]
    assert written["history"]["keep_last"] == KEEP_RUNS
    assert "First run kept" in (reports / "nightly.md").read_text(encoding="utf-8")
    (entry,) = kept_runs(history)
    assert entry == result.kept and entry.name.endswith("-NIGHT1")
    kept = json.loads((entry / "conformance.json").read_text(encoding="utf-8"))
    assert kept["run_id"] == "NIGHT1" and kept["nightly"]["flaky"] == {API: ["R1"]}
    assert (entry / "nightly.json").is_file()


def test_a_derandomized_run_is_retried_without_a_seed_and_a_clean_run_is_not_retried(tmp_path: Path) -> None:
    failing = report({"R1": "failed"}, tests={"t::a": ("failed", ["R1"])}, seed=None)
    start = Canned((1, failing), (1, failing), (0, report({"R1": "passed"}, tests={"t::a": ("passed", [])})))
    run_nightly([API], reports=tmp_path / "r", history_dir=tmp_path / "h", start=start, now=clock(NIGHT))
    assert "--hypothesis-seed" not in start.runs[1].extra
    result = run_nightly(
        [API],
        reports=tmp_path / "r",
        history_dir=tmp_path / "h",
        start=start,
        now=clock(NIGHT + timedelta(hours=1)),
    )
    assert len(start.runs) == 3 and result.retried == ()
    assert result.comparison is not None and rules_of(result.comparison.fixed) == ["R1"]


def test_three_nights_compare_each_with_the_one_before_under_both_policies(tmp_path: Path) -> None:
    reports, history = tmp_path / "reports", tmp_path / "history"
    times = clock(NIGHT)

    def night(statuses: Mapping[str, str], run_id: str, fail_on: str) -> Any:
        tests = {f"t::{r}": ("failed", [r]) for r, s in statuses.items() if s == "failed"}
        current = report(statuses, tests=tests, run_id=run_id)
        retry = report(statuses, tests=tests, run_id=run_id)  # failing again with the same data
        start = Canned((1 if tests else 0, current), (1, retry))
        return run_nightly(
            [API], reports=reports, history_dir=history, fail_on=fail_on, start=start, now=times
        )

    one = night({"R1": "passed", "R2": "failed"}, "N1", "new")
    assert one.exit_code == 1 and one.previous is None
    two = night({"R1": "failed", "R2": "failed"}, "N2", "new")
    assert two.exit_code == 1 and two.previous == one.kept
    assert two.comparison is not None and rules_of(two.comparison.new_failures) == ["R1"]
    three = night({"R1": "failed", "R2": "passed"}, "N3", "new")
    assert three.exit_code == 0 and three.previous == two.kept  # R1 still fails: not new
    assert three.comparison is not None and rules_of(three.comparison.fixed) == ["R2"]
    four = night({"R1": "failed", "R2": "passed"}, "N4", "any")
    assert four.exit_code == 1
    assert [p.name[-2:] for p in kept_runs(history)] == ["N1", "N2", "N3", "N4"]


def test_the_profile_history_key_and_policy_drive_a_live_nightly(tmp_path: Path) -> None:
    kept_in = tmp_path / "from-profile"
    path = write_profile(tmp_path, f"history: {kept_in}\nnightly:\n  fail_on: any\n")
    still = report({"R1": "failed"}, tests={"t::a": ("failed", ["R1"])})
    start = Canned(*[(1, still)] * 6)

    def live(**options: Any) -> Any:
        return run_nightly(
            target="live",
            profile=str(path),
            reports=tmp_path / "r",
            history_dir=tmp_path / "ignored",
            start=start,
            now=clock(NIGHT + timedelta(minutes=len(start.runs))),
            **options,
        )

    assert live().exit_code == 1  # the first run: new
    assert live().exit_code == 1  # still failing, and the profile says any
    assert live(fail_on="new").exit_code == 0  # the command line overrides the profile
    assert len(kept_runs(kept_in)) == 3 and not (tmp_path / "ignored").exists()
    run = start.runs[0]
    assert run.target == "live" and run.profile == str(path) and run.apis == (API,) and not run.allow_writes


def test_a_run_that_wrote_no_report_exits_2_and_keeps_nothing(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "nightly.json").write_text("{}")  # last night's: not this run's verdict
    start = Canned((2, None))
    result = run_nightly([API], reports=tmp_path / "r", history_dir=tmp_path / "h", start=start)
    assert result.exit_code == 2 and result.comparison is None and result.kept is None
    assert kept_runs(tmp_path / "h") == [] and not (tmp_path / "r" / "nightly.json").exists()
    # pytest could not run as asked (exit 2 and the like) even though a report was written
    start = Canned((4, report({"R1": "untested"})))
    assert run_nightly([API], reports=tmp_path / "r", history_dir=tmp_path / "h", start=start).exit_code == 2
    assert kept_runs(tmp_path / "h") == []


def test_the_last_30_runs_are_kept_and_the_latest_is_the_previous(tmp_path: Path) -> None:
    history = tmp_path / "h"
    for n in range(KEEP_RUNS):
        entry = history / f"202512{n + 1:02d}T020000.000000Z-OLD{n:02d}"
        entry.mkdir(parents=True)
        status = "failed" if n == KEEP_RUNS - 1 else "passed"
        (entry / "conformance.json").write_text(json.dumps(report({"R1": status}, run_id=f"OLD{n:02d}")))
    (history / "README.txt").write_text("not a run")
    start = Canned((0, report({"R1": "passed"}, run_id="NEW")))
    result = run_nightly([API], reports=tmp_path / "r", history_dir=history, start=start, now=clock(NIGHT))
    assert result.previous is not None and result.previous.name.endswith("OLD29")
    assert result.comparison is not None and rules_of(result.comparison.fixed) == ["R1"]
    names = [p.name for p in kept_runs(history)]
    assert len(names) == KEEP_RUNS and names[0].endswith("OLD01") and names[-1].endswith("NEW")
    assert (history / "README.txt").exists()


def test_a_malformed_report_in_the_history_stops_the_nightly_before_it_runs(tmp_path: Path) -> None:
    entry = tmp_path / "h" / "20251201T020000.000000Z-BAD"
    entry.mkdir(parents=True)
    (entry / "conformance.json").write_text("{not json")
    start = Canned()
    with pytest.raises(InputFileError, match=re.escape(str(entry / "conformance.json"))):
        run_nightly([API], reports=tmp_path / "r", history_dir=tmp_path / "h", start=start)
    assert start.runs == []


def test_a_profile_without_a_live_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="needs --target live"):
        run_nightly([API], profile=str(write_profile(tmp_path)), start=Canned())
    with pytest.raises(UsageError, match="is for api 'westcon_soap', not manex_so"):
        run_nightly(["manex_so"], target="live", profile=str(write_profile(tmp_path)), start=Canned())


# ── one real run: three nights on the embedded sandbox ─────────────────────────────────────────

FAULT = "status-71-invoiced"  # b2bconform sandbox faults --api westcon_soap: breaks WESTCON_SOAP-RES-005
FAULT_RULE = "WESTCON_SOAP-RES-005"


@pytest.mark.slow
def test_three_real_nights_on_the_sandbox_find_the_fault_as_new_and_then_as_fixed(tmp_path: Path) -> None:
    reports, history = tmp_path / "reports", tmp_path / "history"
    common = ["--api", API, "--reports", str(reports), "--history-dir", str(history)]

    def night(*pytest_args: str) -> tuple[int, dict[str, Any]]:
        args = [*common, "--", "-q", "-p", "no:randomly", *pytest_args]
        result = CliRunner().invoke(nightly_command, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result.exit_code, json.loads((reports / "nightly.json").read_text(encoding="utf-8"))

    code, first = night()
    assert code == 0 and first["first_run"] and first["summary"]["failed"] == 0, first["summary"]
    code, second = night("--fault", FAULT)
    assert code == 1, second["verdict"]
    assert [c["rule"] for c in second["new_failures"]] == [FAULT_RULE]
    assert second["retried"] and second["retried"] == second["failed_tests"]  # confirmed, not flaky
    assert not second["flaky"]
    code, third = night()
    assert code == 0, third["verdict"]
    assert [c["rule"] for c in third["fixed"]] == [FAULT_RULE] and not third["new_failures"]
    assert third["history"]["previous"] == second["history"]["kept_as"]
    assert len(kept_runs(history)) == 3

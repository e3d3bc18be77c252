"""The nightly workflow: run the suites, re-run what failed with the same data, compare with the
previous run kept in the history directory, keep this one, and exit by the chosen policy.

Exit codes:
- 1: by the policy, rules failed: ``fail_on="new"`` only rules that did not fail in the previous
  run; ``fail_on="any"`` any rule that failed. Flaky rules (passed on the retry) never count. A
  test that failed naming no rule counts alike (new: it did not fail in the previous run);
- 2: the run could not be judged as asked: a usage or profile error, pytest could not run the
  suites or wrote no report, the history holds a malformed report; or, with no failures by the
  policy, rules are broken (only target errors touched them: unreachable host, spent budget):
  newly broken ones under ``new``, any under ``any``. A run that could not run is not kept;
- 0: otherwise (response-time changes and newly untested rules are reported, never fatal).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from b2bconform.cli_support import API, pytest_args_argument, reports_errors, reports_option, target_options
from b2bconform.engine.contract import known_apis
from b2bconform.errors import InputFileError, UsageError
from b2bconform.references import RUN_ID_VARIABLE
from b2bconform.reporting.compare import Comparison, compare, failed_tests
from b2bconform.runner import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    REPORTS_DIR,
    RunResult,
    SuiteRun,
    load_conformance,
)
from b2bconform.targets import NIGHTLY_FAIL_ON, TargetProfile, load_profile, secret_url_patterns
from b2bconform.targets.live_safety import RUN_DIR_VARIABLE
from b2bconform.traffic.redaction import NOT_SECRET_CREDENTIALS, Redactor

__all__ = [
    "KEEP_RUNS",
    "NightlyPolicy",
    "NightlyResult",
    "exit_code_for",
    "history_directory",
    "kept_runs",
    "nightly_command",
    "policy_for",
    "run_nightly",
]

KEEP_RUNS = 30  # runs kept in a history directory; older ones are removed
DAY_VARIABLE = "B2BCONFORM_DAY"  # what the pytest plugin reads to generate as on that day
RETRY_DIR = "retry"
NIGHTLY_JSON, NIGHTLY_MD = "nightly.json", "nightly.md"
_ENTRY = re.compile(r"^\d{8}T\d{6}\.\d{6}Z-[A-Za-z0-9_-]+$")  # sorts by the time it was kept

StartRun = Callable[[SuiteRun], RunResult]


@dataclass(frozen=True)
class NightlyPolicy:
    fail_on: str = "new"  # new | any
    time_change: float = 0.5
    time_floor_ms: float = 20.0


@dataclass(frozen=True)
class NightlyResult:
    exit_code: int
    verdict: str  # why that exit code, in a sentence
    history: Path
    comparison: Comparison | None = None  # None: the run could not be judged
    previous: Path | None = None  # the history entry compared with
    kept: Path | None = None  # this run's history entry
    retried: tuple[str, ...] = ()  # the failed tests re-run with the same data
    json_path: Path | None = None
    md_path: Path | None = None


def policy_for(profile: TargetProfile | None, fail_on: str | None = None) -> NightlyPolicy:
    """The profile's ``nightly`` settings, the command line's ``--fail-on`` over them."""
    settings = profile.nightly if profile is not None else {}
    chosen = fail_on or settings.get("fail_on") or "new"
    if chosen not in NIGHTLY_FAIL_ON:
        raise UsageError(f"--fail-on {chosen!r}: expected one of {', '.join(NIGHTLY_FAIL_ON)}")
    defaults = NightlyPolicy()
    return NightlyPolicy(
        fail_on=chosen,
        time_change=float(settings.get("response_time_change", defaults.time_change)),
        time_floor_ms=float(settings.get("response_time_floor_ms", defaults.time_floor_ms)),
    )


def history_directory(profile: TargetProfile | None, history_dir: Path | None) -> tuple[Path, str]:
    """Where runs are kept, and why there: the profile's ``history`` key (relative to the folder
    the command runs in), else ``--history-dir``, else reports/history/<profile name or "sandbox">."""
    if profile is not None and profile.history:
        path = Path(profile.history).expanduser()
        return (
            path if path.is_absolute() else Path.cwd() / path
        ), f"the history key of profile {profile.name!r}"
    if history_dir is not None:
        return history_dir.expanduser(), "--history-dir"
    return REPORTS_DIR / "history" / (profile.name if profile is not None else "sandbox"), "the default"


def kept_runs(history: Path) -> list[Path]:
    """The runs kept in ``history``, oldest first."""
    if not history.is_dir():
        return []
    return sorted(p for p in history.iterdir() if p.is_dir() and _ENTRY.match(p.name))


def exit_code_for(comparison: Comparison, fail_on: str) -> tuple[int, str]:
    """The exit code by the policy, and why (see the module docstring)."""
    tests = comparison.unattributed
    if fail_on == "new":
        failing, broken = len(comparison.new_failures), len(comparison.newly_broken)
        tests = tuple(t for t in tests if t.new)
        what, broken_what = _count(failing, "new failure"), _count(broken, "newly broken rule")
    else:
        failing, broken = comparison.failed, comparison.broken
        what, broken_what = _count(failing, "rule") + " failed", _count(broken, "broken rule")
    policy = f"policy: fail on {fail_on}"
    findings = [what] if failing else []
    findings += [f"{_count(len(tests), 'failed test')} naming no rule"] if tests else []
    if findings:
        return EXIT_FINDINGS, f"{'; '.join(findings)} ({policy})"
    if broken:
        return EXIT_USAGE, f"{broken_what}: the target could not be judged there ({policy})"
    nothing = "no new failures" if fail_on == "new" else "no rule failed"
    return EXIT_OK, f"{nothing} ({policy})"


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def run_nightly(
    apis: Sequence[str] = (),
    *,
    target: str = "sandbox",
    profile: str | None = None,
    reports: Path = REPORTS_DIR,
    history_dir: Path | None = None,
    fail_on: str | None = None,
    allow_writes: bool = False,
    allow_production: bool = False,
    extra: Sequence[str] = (),
    start: StartRun = SuiteRun.start,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> NightlyResult:
    """One nightly run (see the module docstring); ``start`` runs a SuiteRun (tests give canned reports)."""
    if target not in ("sandbox", "live"):
        raise UsageError(f"unknown target {target!r}; the nightly runs against sandbox or live")
    loaded: TargetProfile | None = None
    if target == "live":
        if not profile:
            raise UsageError(
                "--target live needs --profile NAME (a file under an API folder's profiles/, or a path)"
            )
        loaded = load_profile(profile)
        wrong = [api for api in apis if api != loaded.api]
        if wrong:
            raise UsageError(f"profile {loaded.name!r} is for api {loaded.api!r}, not {', '.join(wrong)}")
        apis = [loaded.api]
    elif profile:
        raise UsageError("--profile names a live system; it needs --target live")
    policy = policy_for(loaded, fail_on)
    history, history_from = history_directory(loaded, history_dir)
    if loaded is not None and loaded.history and history_dir is not None:
        click.echo(f"nightly: --history-dir ignored: profile {loaded.name!r} keeps its runs in {history}")
    earlier = kept_runs(history)
    previous_path = earlier[-1] if earlier else None
    # read before the run: a malformed history stops the nightly before it spends a live budget
    previous = load_conformance(previous_path / "conformance.json") if previous_path else None
    redactor = _redactor(list(apis), loaded)
    base = SuiteRun(
        apis=tuple(apis),
        target=target,
        profile=profile,
        reports=reports,
        allow_writes=allow_writes,
        allow_production=allow_production,
        extra=tuple(extra),
    )
    base.pytest_args()  # a usage error stops here, before anything runs
    # never read a previous night's retry or comparison as this one's
    shutil.rmtree(reports / RETRY_DIR, ignore_errors=True)
    for stale in (NIGHTLY_JSON, NIGHTLY_MD):
        (reports / stale).unlink(missing_ok=True)
    with ExitStack() as stack:
        if target == "live" and not os.environ.get(RUN_DIR_VARIABLE):
            # the run and its retry share the profile's rate limit and request budget
            shared = stack.enter_context(tempfile.TemporaryDirectory(prefix="b2bconform-nightly-"))
            base = replace(base, env={RUN_DIR_VARIABLE: shared})
        result = start(base)
        current = _report_of(result)
        if current is None:
            verdict = f"the run could not be judged (pytest exit {result.pytest_code}); nothing kept"
            click.echo(f"nightly: {verdict}", err=True)
            return NightlyResult(EXIT_USAGE, verdict, history, previous=previous_path)
        failed = failed_tests(current)
        retry = _retry(base, current, failed, start) if failed else None
    comparison = compare(
        previous, current, retry, time_change=policy.time_change, time_floor_ms=policy.time_floor_ms
    )
    code, verdict = exit_code_for(comparison, policy.fail_on)
    history.mkdir(parents=True, exist_ok=True)
    entry = history / f"{now().astimezone(UTC):%Y%m%dT%H%M%S.%fZ}-{_safe(current.get('run_id'))}"
    record = {
        **comparison.as_dict(),
        "policy": {
            "fail_on": policy.fail_on,
            "response_time_change": policy.time_change,
            "response_time_floor_ms": policy.time_floor_ms,
        },
        "exit_code": code,
        "verdict": verdict,
        "history": {
            "directory": str(history),
            "chosen_by": history_from,
            "previous": previous_path.name if previous_path else None,
            "kept_as": entry.name,
            "keep_last": KEEP_RUNS,
        },
    }
    document = redactor.text(json.dumps(record, indent=2, ensure_ascii=False)) + "\n"
    markdown = redactor.text(_markdown(comparison, record))
    reports.mkdir(parents=True, exist_ok=True)
    json_path, md_path = reports / NIGHTLY_JSON, reports / NIGHTLY_MD
    json_path.write_text(document, encoding="utf-8")
    md_path.write_text(markdown, encoding="utf-8")
    kept = _keep(history, entry, current, comparison, document, redactor)
    removed = _prune(history)
    _echo_summary(comparison, code, verdict, history, kept, removed, json_path, md_path)
    return NightlyResult(
        exit_code=code,
        verdict=verdict,
        history=history,
        comparison=comparison,
        previous=previous_path,
        kept=kept,
        retried=tuple(failed),
        json_path=json_path,
        md_path=md_path,
    )


def _report_of(result: RunResult) -> dict[str, Any] | None:
    """The run's report, or None when pytest could not run as asked (exit 2) or wrote none."""
    if result.exit_code == EXIT_USAGE:
        return None
    try:
        return result.conformance()
    except InputFileError:
        return None


def _retry(
    base: SuiteRun, current: dict[str, Any], failed: list[str], start: StartRun
) -> dict[str, Any] | None:
    """Re-run exactly the failed tests once with the same data: run id, day and seed."""
    env = dict(base.env)
    if current.get("run_id"):
        env[RUN_ID_VARIABLE] = str(current["run_id"])
    if current.get("day"):
        env[DAY_VARIABLE] = str(current["day"])
    seed = (current.get("hypothesis") or {}).get("seed")
    extra = [*base.extra, "--hypothesis-seed", str(seed)] if seed is not None else list(base.extra)
    click.echo(f"nightly: re-running {len(failed)} failed test(s) with the same data (run id, day, seed)")
    run = replace(base, tests=tuple(failed), reports=base.reports / RETRY_DIR, env=env, extra=tuple(extra))
    return _report_of(start(run))


def _keep(
    history: Path,
    entry: Path,
    current: dict[str, Any],
    comparison: Comparison,
    document: str,
    redactor: Redactor,
) -> Path:
    """Write this run's entry whole or not at all (a half-written entry would be the next previous)."""
    kept = {
        **current,
        "nightly": {
            "flaky": _by_api(comparison.flaky),
            "retried": list(comparison.retried),
        },
    }
    staging = Path(tempfile.mkdtemp(prefix=".keeping-", dir=history))
    try:
        text = redactor.text(json.dumps(kept, indent=2, ensure_ascii=False)) + "\n"
        (staging / "conformance.json").write_text(text, encoding="utf-8")
        (staging / NIGHTLY_JSON).write_text(document, encoding="utf-8")
        staging.rename(entry)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return entry


def _prune(history: Path) -> list[Path]:
    runs = kept_runs(history)
    removed = runs[: max(len(runs) - KEEP_RUNS, 0)]
    for old in removed:
        shutil.rmtree(old, ignore_errors=True)
    return removed


def _by_api(changes: Sequence[Any]) -> dict[str, list[str]]:
    by_api: dict[str, list[str]] = {}
    for change in changes:
        by_api.setdefault(change.api, []).append(change.rule)
    return by_api


def _safe(run_id: object) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", str(run_id or "")) or "run"


def _redactor(apis: list[str], profile: TargetProfile | None) -> Redactor:
    """The profile's secrets (as the environment holds them) and the APIs' secret URL segments:
    what the run's report already had masked is masked again, should anything slip through."""
    secrets = []
    if profile is not None:
        for mapping in (profile.credentials, profile.alternate_credentials):
            for name, variable in mapping.items():
                if name.lower() not in NOT_SECRET_CREDENTIALS and os.environ.get(variable):
                    secrets.append(os.environ[variable])
    patterns = [pattern for api in apis or known_apis() for pattern in secret_url_patterns(api)]
    return Redactor(secrets=secrets, url_patterns=patterns)


def _markdown(comparison: Comparison, record: dict[str, Any]) -> str:
    keep = record["history"]
    policy = record["policy"]
    lines = [
        comparison.markdown().rstrip("\n"),
        "",
        "## Verdict",
        "",
        f"Exit {record['exit_code']}: {record['verdict']}.  ",
        f"Policy: fail on {policy['fail_on']} (`new`: only rules that did not fail in the previous run; "
        "`any`: every rule that failed; flaky rules never count).  ",
        f"History: `{keep['directory']}` (chosen by {keep['chosen_by']}), this run kept as `{keep['kept_as']}`; "
        f"the last {keep['keep_last']} runs are kept.",
    ]
    return "\n".join(lines) + "\n"


def _echo_summary(
    comparison: Comparison,
    code: int,
    verdict: str,
    history: Path,
    kept: Path,
    removed: list[Path],
    json_path: Path,
    md_path: Path,
) -> None:
    against = (
        "first run kept: nothing to compare with, every failure is new"
        if comparison.previous is None
        else f"compared with run {comparison.previous.run_id} of {comparison.previous.day}"
    )
    click.echo(f"nightly: {comparison.summary_line()}")
    click.echo(f"nightly: {against}")
    for change in comparison.new_failures:
        click.echo(f"  new failure: {change.api} {change.rule} {change.statement[:100]}")
    for change in comparison.fixed:
        click.echo(f"  fixed: {change.api} {change.rule}")
    for change in comparison.flaky:
        click.echo(f"  flaky: {change.api} {change.rule}")
    pruned = f", {len(removed)} older removed" if removed else ""
    click.echo(
        f"nightly: history {history} (this run kept as {kept.name}; the last {KEEP_RUNS} runs are kept{pruned})"
    )
    click.echo(f"nightly: reports {json_path}, {md_path}")
    click.echo(f"nightly: exit {code}: {verdict}")


@click.command("nightly")
@click.option(
    "--api",
    "apis",
    multiple=True,
    type=API,
    help="repeatable; default: every API with a suite (live: the profile's)",
)
@target_options(("sandbox", "live"))
@click.option(
    "--history-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="where runs are kept when the profile names no `history` (default reports/history/<profile or sandbox>)",
)
@click.option(
    "--fail-on",
    type=click.Choice(list(NIGHTLY_FAIL_ON)),
    default=None,
    help="exit 1 on new failures only, or on any failure (default: the profile's nightly.fail_on, else new)",
)
@reports_option(REPORTS_DIR, "where the run's reports, retry/, nightly.json and nightly.md go")
@pytest_args_argument
@reports_errors
def nightly_command(
    apis: tuple[str, ...],
    target: str,
    profile: str | None,
    history_dir: Path | None,
    fail_on: str | None,
    reports: Path,
    allow_writes: bool,
    allow_production: bool,
    pytest_args: tuple[str, ...],
) -> None:
    """Run the suites, re-run failed tests once with the same data, compare with the previous run.

    Lists new failures, fixed, still failing and flaky rules and response-time changes
    (reports/nightly.json, nightly.md), keeps the run in the history directory (the last 30), and
    exits 1 on failures by the policy (--fail-on new|any), 2 when the run could not be judged or
    rules are broken, 0 otherwise.
    """
    result = run_nightly(
        apis,
        target=target,
        profile=profile,
        reports=reports,
        history_dir=history_dir,
        fail_on=fail_on,
        allow_writes=allow_writes,
        allow_production=allow_production,
        extra=pytest_args,
    )
    sys.exit(result.exit_code)

"""The harness's suites run as a user runs them: pytest in a fresh interpreter, against the
in-process sandbox (``--fault`` for a faulty one) or, as a live target, against a sandbox served on
127.0.0.1 whose requests are counted."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Direction
from b2bconform.locations import suite_dir
from b2bconform.runner import located_node_id
from b2bconform.targets.live_safety import RUN_DIR_VARIABLE
from b2bconform.targets.served import sandbox_profile
from bench.common import PYTHON, Served, run

__all__ = ["PREFIX", "SuiteResult", "response_rules", "run_live", "run_suite"]

PREFIX = "B2BBENCH_LIVE"  # the served sandbox's credentials reach pytest under this prefix


@dataclass
class SuiteResult:
    api: str
    exit_code: int
    seconds: float
    failed_rules: list[str]
    conformance: dict[str, Any] = field(repr=False, default_factory=dict)
    requests: int | None = None
    active_seconds: float | None = None
    command: str = ""
    output_tail: str = field(repr=False, default="")

    @property
    def rules(self) -> dict[str, Any]:
        api = (self.conformance.get("apis") or {}).get(self.api) or {}
        return dict(api.get("rules") or {})

    @property
    def tests(self) -> dict[str, Any]:
        return {k: v for k, v in (self.conformance.get("tests") or {}).items() if v.get("api") == self.api}

    def exchanges(self) -> int:
        """Exchanges the run judged (the conformance report's response-time counts)."""
        api = (self.conformance.get("apis") or {}).get(self.api) or {}
        return sum(int(t.get("count") or 0) for t in (api.get("response_times") or {}).values())


def _pytest(paths: Sequence[str], report: Path, *extra: str) -> list[str]:
    return [
        PYTHON, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
        "--conformance-report", str(report), "-W", "ignore::DeprecationWarning", *extra,
    ]  # fmt: skip


def _result(api: str, report: Path, finished: Any) -> SuiteResult:
    conformance: dict[str, Any] = {}
    if report.is_file():
        conformance = json.loads(report.read_text(encoding="utf-8"))
    rules = ((conformance.get("apis") or {}).get(api) or {}).get("rules") or {}
    failed = sorted(rule for rule, data in rules.items() if data.get("status") == "failed")
    return SuiteResult(
        api=api,
        exit_code=finished.exit_code,
        seconds=finished.seconds,
        failed_rules=failed,
        conformance=conformance,
        command=" ".join(finished.command),
        output_tail=finished.output[-2000:],
    )


def run_suite(
    api: str,
    *,
    fault: str | None = None,
    tests: Sequence[str] = (),
    profile: str = "selftest",
) -> SuiteResult:
    """The ``api`` suites (or just ``tests``, node ids) against the in-process sandbox, as
    tests/test_fault_detection.py runs them."""
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        report = Path(tmp) / "conformance.json"
        paths = [located_node_id(test) for test in tests] or [str(suite_dir(api))]
        command = _pytest(paths, report, "--hypothesis-profile", profile)
        if fault is not None:
            command += ["--fault", fault]
        finished = run(command, env={"CI": "1"}, timeout=1800)
        return _result(api, report, finished)


def run_live(
    target: Served, *, marker: str | None = None, keyword: str | None = None, profile: str = "quick"
) -> SuiteResult:
    """The ``target.api`` suites as a live run (writes allowed) against the served sandbox; the
    requests it sent are counted by the sandbox's counter."""
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        folder = Path(tmp)
        path, credentials = sandbox_profile(
            target.api, target.url, folder, sandbox=target.sandbox, prefix=PREFIX, name=f"{target.api}-bench"
        )
        report = folder / "conformance.json"
        command = _pytest(
            [str(suite_dir(target.api))], report,
            "--target", "live", "--profile", str(path), "--allow-writes", "--hypothesis-profile", profile,
        )  # fmt: skip
        command += ["-m", marker] if marker else []
        command += ["-k", keyword] if keyword else []
        before = target.counter.requests
        target.counter.first = target.counter.last = None
        finished = run(command, env=credentials, drop=(PREFIX, RUN_DIR_VARIABLE), timeout=1800)
        result = _result(target.api, report, finished)
        result.requests = target.counter.requests - before
        result.active_seconds = target.counter.active_seconds
        return result


def response_rules(api: str) -> list[str]:
    """The API's response-side rules a vendor run can verify (direction response, judged on the vendor)."""
    return [
        rule.id
        for rule in Contract.load(api).rules
        if rule.direction is Direction.RESPONSE and "vendor" in rule.judged
    ]

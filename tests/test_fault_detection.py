"""Self-test: the harness's detection power is measured, not assumed.

Each sandbox fault breaks exactly one declared rule. The API's suites run against the sandbox with
that fault injected must fail on that rule and only there; against the faithful sandbox they pass.
The suites run as real pytest processes, exactly as a user runs them, two at a time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from b2bconform.locations import SHIPPED_SUITES
from b2bconform.sandboxes import SANDBOXES

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

ROOT = Path(__file__).resolve().parents[1]
APIS = sorted(api for api in SANDBOXES if (SHIPPED_SUITES / api).is_dir())
FAITHFUL = "(faithful)"


@dataclass(frozen=True)
class SuiteRun:
    api: str
    fault: str
    exit_code: int
    failed_rules: frozenset[str]
    output: str


def _run_suite(api: str, fault: str, out_dir: Path) -> SuiteRun:
    report = out_dir / f"{api}.{fault.strip('()')}.json"
    command = [sys.executable, "-m", "pytest", str(SHIPPED_SUITES / api), "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
               "--conformance-report", str(report), "-W", "ignore::DeprecationWarning", "--hypothesis-profile", "selftest"]  # fmt: skip
    if fault != FAITHFUL:
        command += ["--fault", fault]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=900, env={**os.environ, "CI": "1"}
    )
    failed: frozenset[str] = frozenset()
    if report.is_file():
        rules = json.loads(report.read_text())["apis"][api]["rules"]
        failed = frozenset(rule for rule, data in rules.items() if data["status"] == "failed")
    return SuiteRun(api, fault, done.returncode, failed, done.stdout[-4000:] + done.stderr[-2000:])


@pytest.fixture(scope="session")
def suite_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], SuiteRun]:
    out_dir = tmp_path_factory.mktemp("selftest")
    jobs = [(api, fault) for api in APIS for fault in [FAITHFUL, *sorted(SANDBOXES[api].faults)]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda job: _run_suite(job[0], job[1], out_dir), jobs))
    by_key = {(run.api, run.fault): run for run in runs}
    _write_summary(by_key)
    return by_key


def _write_summary(runs: dict[tuple[str, str], SuiteRun]) -> None:
    summary: dict[str, dict[str, object]] = {}
    for api in APIS:
        faults = SANDBOXES[api].faults
        detected = [name for name, fault in faults.items() if runs[(api, name)].failed_rules == {fault.rule}]
        summary[api] = {
            "faults": len(faults),
            "detected_on_declared_rule_only": len(detected),
            "detection_rate": round(len(detected) / len(faults), 4) if faults else None,
            "faithful_sandbox_failed_rules": sorted(runs[(api, FAITHFUL)].failed_rules),
            "per_fault": {
                name: {"rule": f.rule, "failed_rules": sorted(runs[(api, name)].failed_rules)}
                for name, f in faults.items()
            },
        }
    out = ROOT / "reports" / "selftest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")
    for api, data in summary.items():
        print(
            f"\nfault detection {api}: {data['detected_on_declared_rule_only']}/{data['faults']} ({data['detection_rate']:.0%})"
        )


CASES = [
    pytest.param(api, fault, id=f"{api}:{fault}") for api in APIS for fault in sorted(SANDBOXES[api].faults)
]


@pytest.mark.parametrize("api", APIS)
def test_suite_passes_against_the_faithful_sandbox(
    suite_runs: dict[tuple[str, str], SuiteRun], api: str
) -> None:
    run = suite_runs[(api, FAITHFUL)]
    assert run.exit_code == 0 and not run.failed_rules, (
        f"faithful sandbox failed {sorted(run.failed_rules)}:\n{run.output}"
    )


@pytest.mark.parametrize(("api", "fault"), CASES)
def test_suite_fails_on_the_faults_declared_rule_and_only_there(
    suite_runs: dict[tuple[str, str], SuiteRun], api: str, fault: str
) -> None:
    declared = SANDBOXES[api].faults[fault].rule
    run = suite_runs[(api, fault)]
    assert run.exit_code == 1, f"suite exit code {run.exit_code} (1 expected: tests failed):\n{run.output}"
    assert run.failed_rules == {declared}, (
        f"declared {declared}; failed {sorted(run.failed_rules)}:\n{run.output}"
    )


def test_every_api_with_a_suite_has_at_least_twelve_faults() -> None:
    assert APIS, "no API has both a sandbox and a suite"
    for api in APIS:
        assert len(SANDBOXES[api].faults) >= 12, f"{api} has {len(SANDBOXES[api].faults)} faults"

"""Self-test: the harness's detection power is measured, not assumed.

Each sandbox fault breaks exactly one declared rule. The API's suites run against the sandbox with
that fault injected must fail on that rule and only there; against the faithful sandbox they pass.
Each suite runs as a full pytest session with the user's command-line options; one worker process
per API (tests/fault_worker.py) runs its faithful session and its fault sessions one after another,
two APIs at a time, so pytest and the harness are started once per API, not once per fault.

A fault runs first through the tests whose exchanges touched its rule in the faithful run (the
faithful conformance report lists them): a fault changes the answers its rule reads. When that
subset does not fail exactly the declared rule, the whole suite runs, so a fault is never called
missed, or caught, because of the selection.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from b2bconform.locations import suite_dir
from b2bconform.sandboxes import SANDBOXES

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

ROOT = Path(__file__).resolve().parents[1]
APIS = sorted(api for api in SANDBOXES if (suite_dir(api)).is_dir())
FAITHFUL = "(faithful)"


@dataclass(frozen=True)
class SuiteRun:
    api: str
    fault: str
    exit_code: int
    failed_rules: frozenset[str]
    output: str
    tests_by_rule: dict[str, list[str]] = field(default_factory=dict)  # from the run's report
    scope: str = "whole suite"
    mutation_proven: frozenset[str] = frozenset()  # rules a mutation of the run's own traffic proved


def _run_api(api: str, out_dir: Path) -> list[SuiteRun]:
    """The API's faithful run and one run per fault, in one worker process (tests/fault_worker.py)."""
    command = [sys.executable, str(ROOT / "tests" / "fault_worker.py"), api, str(out_dir), *sorted(SANDBOXES[api].faults)]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=1800, env={**os.environ, "CI": "1"}
    )
    runs = []
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            data = json.loads(line)
            runs.append(
                SuiteRun(
                    data["api"],
                    data["fault"],
                    data["exit_code"],
                    frozenset(data["failed_rules"]),
                    data["output"],
                    data["tests_by_rule"],
                    data["scope"],
                    frozenset(data["mutation_proven"]),
                )
            )
    if not runs:
        raise RuntimeError(
            f"the fault worker of {api} ran nothing (exit {done.returncode}): {done.stderr[-3000:]}"
        )
    return runs


@pytest.fixture(scope="session")
def suite_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], SuiteRun]:
    out_dir = tmp_path_factory.mktemp("selftest")
    # the APIs with the most faults first: the two workers then finish about together
    order = sorted(APIS, key=lambda api: len(SANDBOXES[api].faults), reverse=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [run for api_runs in pool.map(lambda api: _run_api(api, out_dir), order) for run in api_runs]
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
                name: {
                    "rule": f.rule,
                    "failed_rules": sorted(runs[(api, name)].failed_rules),
                    "scope": runs[(api, name)].scope,
                }
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


# one rule of each way a mutation of the run's own traffic proves: an XML answer against its schema,
# a table of codes, the envelope's code, the media type (a rule with another reading), a refusal of a
# conforming request, a relation inside each line, dates, a constant that is not text, and the
# caller's rules on the harness's own JSON and XML requests (WS-Security header included)
PROVEN_BY_MUTATION = {
    "westcon_soap": {
        "WESTCON_SOAP-RES-004",
        "WESTCON_SOAP-RES-007",
        "WESTCON_SOAP-REQ-009",
        "WESTCON_SOAP-AUTH-005",
    },
    "manex_po": {"MANEX_PO-ENV-004"},
    "manex_so": {"MANEX_SO-RES-039", "MANEX_SO-ENV-012"},
    "westcon_rest": {"WESTCON_REST-TRN-006", "WESTCON_REST-RES-015"},
    "moduslink_po": {"MODUSLINK_PO-RES-013", "MODUSLINK_PO-REQ-015"},
    # a contract-built sandbox: a ServiceMessage code table, a refusal's empty answer, the caller's id
    "promostandards_osn": {
        "PROMOSTANDARDS_OSN-ERR-003",
        "PROMOSTANDARDS_OSN-ERR-010",
        "PROMOSTANDARDS_OSN-AUTH-001",
    },
}


@pytest.mark.parametrize("api", APIS)
def test_the_faithful_run_proves_rules_by_mutating_its_own_traffic(
    suite_runs: dict[tuple[str, str], SuiteRun], api: str
) -> None:
    proven = suite_runs[(api, FAITHFUL)].mutation_proven
    assert PROVEN_BY_MUTATION[api] <= proven, sorted(PROVEN_BY_MUTATION[api] - proven)


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

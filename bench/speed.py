"""Speed: test cases per second, the harness's suites against bare schemathesis on the same
operations, both sending over HTTP to the same faithful sandbox served on 127.0.0.1; and the wall
time of the default conformance run (``b2bconform run``, every API, in-process sandboxes).

A test case is a request the sandbox received (counted by a wrapper around it), for both tools.
Rates are given over the window from the first request to the end of the last (start-up, collection
and schema loading left out) and over the whole wall time.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.bare_schemathesis import SchemathesisRun, run_schemathesis
from bench.common import PYTHON, REST_APIS, run, served
from bench.detection import EXAMPLE_BUDGET
from bench.harness import SuiteResult, run_live

__all__ = ["SpeedResults", "measure"]

Log = Callable[[str], None]
# The suites whose tests take schemathesis's generated cases and judge them: the same generator,
# with the harness's checks on top.
SCHEMA_GENERATED = {"moduslink_po": "schema_generated", "westcon_rest": "schema_generated"}


@dataclass
class SpeedResults:
    report: dict[str, Any]
    live_full: dict[str, SuiteResult] = field(default_factory=dict)
    faithful_schemathesis: dict[str, SchemathesisRun] = field(default_factory=dict)


def _rates(requests: int | None, active: float | None, wall: float) -> dict[str, Any]:
    return {
        "requests": requests,
        "active_seconds": None if active is None else round(active, 2),
        "wall_seconds": round(wall, 2),
        "cases_per_second_active": round(requests / active, 1) if requests and active else None,
        "cases_per_second_wall": round(requests / wall, 1) if requests and wall else None,
    }


def _harness(result: SuiteResult) -> dict[str, Any]:
    outcomes = [t.get("outcome") for t in result.tests.values()]
    return {
        **_rates(result.requests, result.active_seconds, result.seconds),
        "exit_code": result.exit_code,
        "tests": len(outcomes),
        "tests_passed": outcomes.count("passed"),
        "failed_rules": result.failed_rules,
    }


def measure(apis: Sequence[str], *, log: Log = print) -> SpeedResults:
    results = SpeedResults({"apis": {}})
    for api in apis:
        entry: dict[str, Any] = {}
        with served(api) as target:
            full = run_live(target)
            results.live_full[api] = full
            entry["harness_suites"] = _harness(full)
            log(f"speed {api}: harness {entry['harness_suites']}")
        if api in SCHEMA_GENERATED:
            with served(api) as target:
                subset = run_live(target, keyword=SCHEMA_GENERATED[api])
            entry["harness_schemathesis_generated_tests"] = {
                **_harness(subset),
                "selected": f"-k {SCHEMA_GENERATED[api]}",
            }
            log(
                f"speed {api}: harness (schemathesis-generated tests) {entry['harness_schemathesis_generated_tests']}"
            )
        if api in REST_APIS:
            with served(api) as target:
                st = run_schemathesis(target, EXAMPLE_BUDGET)
            results.faithful_schemathesis[api] = st
            entry["schemathesis"] = {
                **_rates(st.requests, st.active_seconds, st.seconds),
                "exit_code": st.exit_code,
                "generated": st.generated,
                "failures": len(st.failures),
            }
            log(f"speed {api}: schemathesis {entry['schemathesis']}")
        else:
            entry["schemathesis"] = "n/a (WSDL)"
        results.report["apis"][api] = entry
    results.report["default_run"] = default_run(log)
    return results


def default_run(log: Log = print) -> dict[str, Any]:
    """``b2bconform run`` for every API into a temporary reports folder: its wall time."""
    script = Path(sys.executable).with_name("b2bconform")
    command = [str(script)] if script.exists() else [PYTHON, "-c", "from b2bconform.cli import main; main()"]
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        finished = run([*command, "run", "--reports", tmp], timeout=3600)
        summary: dict[str, Any] = {}
        try:
            data = json.loads((Path(tmp) / "conformance.json").read_text(encoding="utf-8"))
            summary = data.get("summary") or {}
            exchanges = sum(
                int(t.get("count") or 0)
                for api in (data.get("apis") or {}).values()
                for t in (api.get("response_times") or {}).values()
            )
        except (OSError, ValueError):
            exchanges = None
    out = {
        "command": "b2bconform run --reports <tmp>",
        "exit_code": finished.exit_code,
        "wall_seconds": round(finished.seconds, 1),
        "exchanges": exchanges,
        "rules": summary.get("rules"),
        "passed": summary.get("passed"),
        "failed": summary.get("failed"),
    }
    log(f"speed default run: {out}")
    return out

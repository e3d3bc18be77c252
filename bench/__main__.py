"""``python -m bench [--quick] [--only detection,speed,audit,economy,tests]``: the benchmark.

Writes ``reports/bench.json`` and ``reports/bench.md``. The timed measurements (speed, audit) run
one at a time; the detection runs, which are not timed, run two at a time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import audit_throughput, detection, economy, generation, speed, suite_times
from bench.common import ROOT
from bench.report import machine, write

MEASUREMENTS = (
    "speed",
    "audit",
    "generation",
    "economy",
    "detection",
    "tests",
)  # timed ones first, on a quieter machine
FULL_INTERACTIONS = 100_000
QUICK_INTERACTIONS = 5_000


def _log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer faults (2 per API), 5,000 interactions")
    parser.add_argument(
        "--only", default=",".join(MEASUREMENTS), help="comma-separated: " + ",".join(MEASUREMENTS)
    )
    parser.add_argument(
        "--apis", default=None, help="comma-separated API ids (default: every API with a suite)"
    )
    parser.add_argument("--interactions", type=int, default=None, help="per generated file (audit)")
    parser.add_argument(
        "--compare-src", type=Path, default=None, help="also audit with the library in this src folder"
    )
    parser.add_argument(
        "--reports", type=Path, default=ROOT / "reports", help="where bench.json and bench.md go"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    only = [name.strip() for name in options.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(MEASUREMENTS))
    if unknown:
        _parser().error(f"unknown measurement(s) {', '.join(unknown)}; known: {', '.join(MEASUREMENTS)}")
    from b2bconform.runner import suite_apis

    apis = options.apis.split(",") if options.apis else suite_apis()
    report: dict[str, Any] = {
        "machine": machine(),
        "quick": options.quick,
        "apis": apis,
        "results": {},
        "seconds": {},
    }
    results = report["results"]
    speed_results: speed.SpeedResults | None = None
    for name in (m for m in MEASUREMENTS if m in only):
        started = time.perf_counter()
        _log(f"{name} ...")
        if name == "speed":
            speed_results = speed.measure(apis, log=_log)
            results["speed"] = speed_results.report
        elif name == "audit":
            count = options.interactions or (QUICK_INTERACTIONS if options.quick else FULL_INTERACTIONS)
            results["audit"] = audit_throughput.measure(count, log=_log, compare_source=options.compare_src)
        elif name == "economy":
            results["economy"] = economy.measure(
                apis, log=_log, full_runs=speed_results.live_full if speed_results else None
            )
        elif name == "generation":
            results["generation"] = generation.measure(apis, draws=10 if options.quick else 50, log=_log)
        elif name == "tests":
            results["tests"] = suite_times.measure(log=_log)
        else:
            results["detection"] = detection.measure(
                apis,
                quick=options.quick,
                log=_log,
                faithful_runs=speed_results.faithful_schemathesis if speed_results else None,
            )
        report["seconds"][name] = round(time.perf_counter() - started, 1)
        report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        data, text = write(report, options.reports)  # after each measurement: a long run keeps what it has
    _log(f"wrote {data} and {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The time of each test file of the harness's own tests, and of the fault self-test, so that a
regression in either shows: one pytest run over ``tests/`` (or the files given), timed per file
from its JUnit XML (setup, call and teardown of every test, as pytest reports them)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from bench.common import ROOT

__all__ = ["SELF_TEST", "file_times", "measure"]

SELF_TEST = "tests/test_fault_detection.py"


def file_times(junit: Path) -> dict[str, dict[str, float | int]]:
    """Per test file (its path under the checkout): seconds and number of tests, from JUnit XML."""
    seconds: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        module = case.get("classname", "").split(".")
        # the longest dotted prefix that names a file under tests/ is the module (classes follow it)
        for cut in range(len(module), 0, -1):
            candidate = "/".join(module[:cut]) + ".py"
            if (ROOT / candidate).is_file():
                seconds[candidate] += float(case.get("time") or 0.0)
                counts[candidate] += 1
                break
    return {name: {"seconds": round(seconds[name], 2), "tests": counts[name]} for name in sorted(seconds)}


def measure(paths: Sequence[str] = ("tests",), *, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the tests once and time each file; the self-test's own line is kept apart."""
    with tempfile.TemporaryDirectory(prefix="b2bconform-bench-") as folder:
        junit = Path(folder) / "junit.xml"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - started
        if not junit.is_file():
            raise RuntimeError(
                f"the test run wrote no JUnit report (exit {done.returncode}): {done.stdout[-2000:]}"
            )
        files = file_times(junit)
    log(f"tests: {sum(f['tests'] for f in files.values())} tests in {wall:.0f} s (exit {done.returncode})")
    return {
        "wall_seconds": round(wall, 1),
        "exit_code": done.returncode,
        "files": files,
        "self_test_seconds": files.get(SELF_TEST, {}).get("seconds"),
    }


def markdown(result: dict[str, Any]) -> list[str]:
    slowest = sorted(result["files"].items(), key=lambda item: item[1]["seconds"], reverse=True)
    lines = [
        "## The harness's own tests",
        "",
        f"One run: {result['wall_seconds']} s wall (exit {result['exit_code']}); the fault self-test "
        f"({SELF_TEST}) {result['self_test_seconds']} s.",
        "",
        "| test file | tests | seconds |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {entry['tests']} | {entry['seconds']} |" for name, entry in slowest]
    return [*lines, ""]

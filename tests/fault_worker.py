"""The fault self-test's worker: one process per API runs its suite against the faithful sandbox and
against each fault, every run a full pytest session of its own (``pytest.main``) in this process.

Starting pytest, the harness and its libraries costs about 2 s a process; one process per API pays
it once instead of once per fault. Each run still writes its own conformance report, which is what
the self-test judges. A fault runs first through the tests whose exchanges touched its rule in the
faithful run; when that subset does not fail exactly the declared rule, the whole suite runs, so a
fault is never called missed, or caught, because of the selection.

Usage: python tests/fault_worker.py API OUT_DIR [FAULT ...]  (prints one JSON line per run)
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from b2bconform.locations import PACKAGE_DIR, suite_dir
from b2bconform.sandboxes import SANDBOXES

FAITHFUL = "(faithful)"
_ARGS = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-W", "ignore::DeprecationWarning",
         "--hypothesis-profile", "selftest"]  # fmt: skip


def _pytest(args: list[str]) -> tuple[int, str]:
    """One pytest session in this process: its exit code and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = int(pytest.main(args))
    return code, out.getvalue()


def _unaddressable(api: str) -> frozenset[str]:
    """Node ids the suite gives to more than one item (schemathesis's items of one test function,
    one per operation): pytest cannot select them by id, so a subset leaves them out."""
    _, printed = _pytest([str(suite_dir(api)), "--collect-only", "-q", "-p", "no:cacheprovider"])
    ids = [line.strip() for line in printed.splitlines() if "::" in line]
    return frozenset(node for node, count in Counter(ids).items() if count > 1)


def run(api: str, fault: str, out_dir: Path, tests: list[str] | None = None) -> dict[str, Any]:
    report = out_dir / f"{api}.{fault.strip('()')}{'.subset' if tests else ''}.json"
    targets = [str(PACKAGE_DIR / test) for test in tests or []] or [str(suite_dir(api))]
    args = [*targets, *_ARGS, "--conformance-report", str(report)]
    if fault != FAITHFUL:
        args += ["--fault", fault]
    code, output = _pytest(args)
    failed: list[str] = []
    proven: list[str] = []
    by_rule: dict[str, list[str]] = {}
    if report.is_file():
        rules = json.loads(report.read_text())["apis"][api]["rules"]
        failed = sorted(rule for rule, data in rules.items() if data["status"] == "failed")
        proven = sorted(rule for rule, data in rules.items() if data["mutation_proven"])
        by_rule = {rule: list(data.get("tests") or []) for rule, data in rules.items()}
    return {
        "api": api,
        "fault": fault,
        "exit_code": code,
        "failed_rules": failed,
        "output": output[-6000:],
        "tests_by_rule": by_rule,
        "scope": f"{len(tests)} tests that touched the rule" if tests else "whole suite",
        "mutation_proven": proven,
    }


def main(api: str, out_dir: Path, faults: list[str]) -> None:
    faithful = run(api, FAITHFUL, out_dir)
    print(json.dumps(faithful), flush=True)
    skipped = _unaddressable(api)
    for fault in faults:
        declared = SANDBOXES[api].faults[fault].rule
        # a report names such an item by its id and its own name ("...::test[POST /orders]")
        tests = [
            t for t in faithful["tests_by_rule"].get(declared) or [] if t.split("[", 1)[0] not in skipped
        ]
        result = run(api, fault, out_dir, tests) if tests else None
        if result is None or result["exit_code"] != 1 or result["failed_rules"] != [declared]:
            result = run(api, fault, out_dir)
        result["tests_by_rule"] = {}  # only the faithful run's map is read
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3:])

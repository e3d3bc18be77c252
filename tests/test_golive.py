"""Go-live: one API, one target, one command, a verdict and the report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from b2bconform.workflows.golive import judge_go_live

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

ROOT = Path(__file__).resolve().parents[1]


def _report(**statuses: tuple[str, str, list[str]]) -> dict[str, Any]:
    """A conformance report of one API whose rules have the given (status, severity, judged)."""
    rules = {
        rule_id: {
            "statement": f"statement of {rule_id}", "severity": severity, "status": status, "judged": judged,
            "findings": [{"operation": "Op", "path": "/a", "received": "x", "expected": "y"}] if status == "failed" else [],
            "untested_reason": "no exchange of this run was one its check applies to" if status == "untested" else None,
        }
        for rule_id, (status, severity, judged) in statuses.items()
    }  # fmt: skip
    summary = {"rules": len(rules), "passed": 0, "failed": 0, "broken": 0, "untested": 0, "score": 0.5,
               "coverage": 0.5, "pass_rate": 1.0}  # fmt: skip
    return {"target": "sandbox", "apis": {"api": {"summary": summary, "rules": rules}}}


VENDOR, CLIENT = ["vendor", "client"], ["client"]


def test_a_run_where_every_judged_rule_passed_is_a_go_listing_what_it_did_not_verify() -> None:
    verdict = judge_go_live(
        _report(A=("passed", "critical", VENDOR), B=("untested", "critical", VENDOR)), "api", min_verified=0.5
    )
    assert verdict.go and verdict.exit_code == 0
    assert [r["rule"] for r in verdict.unverified] == ["B"]
    assert verdict.unverified[0]["reason"].startswith("no exchange")


def test_a_failed_rule_is_a_no_go_naming_the_rule_and_its_finding() -> None:
    verdict = judge_go_live(_report(A=("failed", "minor", VENDOR), B=("passed", "critical", VENDOR)), "api")
    assert not verdict.go and verdict.exit_code == 1
    assert "A" in verdict.reasons[0]
    assert verdict.failed[0]["finding"] == "Op /a: Received: x / Documented: y"


def test_a_broken_rule_is_a_no_go_because_it_was_never_judged() -> None:
    verdict = judge_go_live(_report(A=("broken", "normal", VENDOR), B=("passed", "critical", VENDOR)), "api")
    assert not verdict.go
    assert "target errors" in verdict.reasons[0]


def test_strict_makes_an_unverified_blocker_or_critical_vendor_rule_a_no_go() -> None:
    report = _report(
        A=("passed", "normal", VENDOR), B=("untested", "blocker", VENDOR), C=("untested", "normal", VENDOR)
    )
    assert judge_go_live(report, "api", min_verified=0.3).go
    strict = judge_go_live(report, "api", strict=True, min_verified=0.3)
    assert not strict.go and "B" in strict.reasons[0] and "C" not in strict.reasons[0]


def test_a_run_that_verified_too_few_of_the_vendors_rules_is_not_a_go() -> None:
    rules = {f"R{n}": ("passed" if n < 7 else "untested", "normal", VENDOR) for n in range(10)}
    verdict = judge_go_live(_report(**rules, C=("untested", "normal", CLIENT)), "api")
    assert not verdict.go and verdict.exit_code == 1
    assert verdict.reasons == [
        "not enough evidence: 7 of 10 rules binding the vendor were verified (70%; a GO needs 80%)"
    ]
    assert judge_go_live(_report(**rules), "api", min_verified=0.7).go


def test_strict_never_gates_on_rules_that_judge_only_the_caller() -> None:
    report = _report(A=("passed", "normal", VENDOR), B=("untested", "critical", CLIENT))
    assert judge_go_live(report, "api", strict=True).go


def _golive(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "b2bconform.cli", "golive", "--no-html", "--reports", str(tmp_path), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_golive_against_the_sandbox_ends_with_go_and_writes_the_report(tmp_path: Path) -> None:
    done = _golive(tmp_path, "--api", "westcon_soap", "--", "-q")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "westcon_soap: GO." in done.stdout
    assert (
        (tmp_path / "golive.md")
        .read_text(encoding="utf-8")
        .startswith("# Go-live verdict: westcon_soap — GO")
    )
    verdict = json.loads((tmp_path / "golive.json").read_text(encoding="utf-8"))
    assert verdict["go"] is True and verdict["summary"]["failed"] == 0
    assert (tmp_path / "conformance.md").is_file() and (tmp_path / "junit.xml").is_file()


def test_golive_against_a_faulty_sandbox_is_a_no_go_naming_the_broken_rule(tmp_path: Path) -> None:
    done = _golive(tmp_path, "--api", "westcon_soap", "--", "-q", "--fault", "accepts-unknown-order-type")
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    assert "westcon_soap: NO-GO. " in done.stdout
    assert "WESTCON_SOAP-REQ-004" in done.stdout.split("NO-GO. ")[1].splitlines()[0]
    assert "WESTCON_SOAP-REQ-004" in (tmp_path / "golive.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--api", "westcon_soap", "--target", "live"], "--target live needs --profile NAME"),
        (["--api", "nope"], "Invalid value for '--api'"),
    ],
)
def test_golive_without_what_it_needs_exits_2_saying_why(
    tmp_path: Path, args: list[str], message: str
) -> None:
    done = _golive(tmp_path, *args)
    assert done.returncode == 2
    assert message in done.stderr

"""`b2bconform run`, the README's main job: suites in, reports out, exit code from the verdict."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

ROOT = Path(__file__).resolve().parents[1]


def _run(reports: Path, *pytest_args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "b2bconform.cli",
        "run",
        "--api",
        "moduslink_po",
        "--reports",
        str(reports),
        "--",
        *pytest_args,
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_the_main_job_writes_every_report_and_exits_0_when_conforming(tmp_path: Path) -> None:
    done = _run(tmp_path, "-q", "-k", "REQ-012 or without-ClientAuthKey")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (tmp_path / "junit.xml").is_file()
    assert any((tmp_path / "allure-results").glob("*-result.json"))
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["apis"]["moduslink_po"]["rules"]["MODUSLINK_PO-REQ-012"]["status"] == "passed"
    assert (tmp_path / "conformance.md").read_text().startswith("# Conformance matrix")


def test_the_main_job_exits_1_when_the_target_breaks_a_rule(tmp_path: Path) -> None:
    done = _run(tmp_path, "-q", "-k", "REQ-012", "--fault", "accepts-long-request-reference")
    assert done.returncode == 1, done.stdout[-2000:]
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["apis"]["moduslink_po"]["rules"]["MODUSLINK_PO-REQ-012"]["status"] == "failed"
    assert "MODUSLINK_PO-REQ-012" in (tmp_path / "conformance.md").read_text()


def test_the_main_job_exits_2_on_a_usage_error(tmp_path: Path) -> None:
    done = _run(tmp_path, "--target", "live")
    assert done.returncode == 2
    assert "--profile" in done.stdout + done.stderr

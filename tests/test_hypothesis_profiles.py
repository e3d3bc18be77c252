"""The Hypothesis profiles mean the same on a developer's machine and on a CI server: Hypothesis
derandomizes its default settings when it sees a CI variable, and profiles inherit that default."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from b2bconform.locations import suite_dir

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

ROOT = Path(__file__).resolve().parents[1]


def _header(profile: str, ci: bool) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "__TOX_ENVIRONMENT_VARIABLE_ORIGINAL_CI")}
    if ci:
        env["CI"] = "true"
    command = [
        sys.executable, "-m", "pytest", "--collect-only", "-p", "no:cacheprovider",
        "--hypothesis-profile", profile, str(suite_dir("westcon_soap") / "test_soap_auth.py"),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("b2bconform: target"))
    return line


@pytest.mark.parametrize("ci", [False, True], ids=["workstation", "ci-server"])
def test_the_nightly_profile_draws_at_random_and_prints_its_seed(ci: bool) -> None:
    header = _header("nightly", ci)
    assert "hypothesis profile 'nightly'" in header
    assert re.search(r"seed \d+ \(replay: --hypothesis-seed=\d+\)", header), header


@pytest.mark.parametrize("ci", [False, True], ids=["workstation", "ci-server"])
def test_the_quick_profile_is_derandomized_everywhere(ci: bool) -> None:
    header = _header("quick", ci)
    assert "derandomized (same examples every run)" in header, header

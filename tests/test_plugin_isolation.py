"""The pytest11 plugin loads into every pytest run of an environment with b2bconform installed; for a
run that is not a b2bconform suite run it changes nothing: Hypothesis keeps its own defaults, its
private hooks stay as they are, no report is written. The same file run with --b2bconform shows the
harness's settings, so the checks below can fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from b2bconform.locations import PACKAGE_DIR, suite_dir

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

UNRELATED = """
import json, os
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.internal.conjecture import providers

SEEN = []

@given(st.integers())
def test_draws(n):
    SEEN.append(n)

def test_zz_report(pytestconfig):
    current = settings()
    facts = {
        "profile": settings.get_current_profile_name(),
        "max_examples": current.max_examples,
        "derandomize": current.derandomize,
        "database": current.database is not None,
        "local_constants_hook": providers._get_local_constants.__module__,
        "draws": len(SEEN),
        "harness": pytestconfig.pluginmanager.has_plugin("b2bconform.harness"),
        "entry_point": pytestconfig.pluginmanager.has_plugin("b2bconform"),
    }
    with open(os.environ["FACTS_FILE"], "w") as out:
        json.dump(facts, out)
"""


def _run(folder: Path, *extra: str) -> tuple[dict[str, object], subprocess.CompletedProcess[str]]:
    (folder / "test_unrelated.py").write_text(UNRELATED, encoding="utf-8")
    facts = folder / "facts.json"
    command = [sys.executable, "-m", "pytest", "test_unrelated.py", "-q", "-p", "no:randomly", *extra]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYPOTHESIS")}
    env["FACTS_FILE"] = str(facts)
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return json.loads(facts.read_text(encoding="utf-8")), done


def test_an_unrelated_hypothesis_test_runs_under_hypothesis_defaults(tmp_path: Path) -> None:
    facts, done = _run(tmp_path)
    # Hypothesis's own defaults here: the same file with b2bconform's plugin switched off (on a CI
    # server, where CI is set, Hypothesis's own default is its "ci" profile)
    (tmp_path / "without").mkdir()
    own, _ = _run(tmp_path / "without", "-p", "no:b2bconform")
    assert facts["entry_point"] is True  # the plugin is loaded ...
    assert facts["harness"] is False  # ... and stays out of the way
    assert own["entry_point"] is False
    for fact in ("profile", "max_examples", "derandomize", "database", "local_constants_hook", "draws"):
        assert facts[fact] == own[fact], fact
    assert facts["profile"] in ("default", "ci")
    assert facts["max_examples"] == facts["draws"] == 100
    assert facts["local_constants_hook"] == "hypothesis.internal.conjecture.providers"
    assert not (tmp_path / "reports").exists()  # no conformance report of ours
    assert "b2bconform:" not in done.stdout  # no header line of ours


def test_the_same_file_run_as_a_suite_gets_the_harness_settings(tmp_path: Path) -> None:
    facts, _ = _run(tmp_path, "--b2bconform", "--conformance-report", "")
    assert facts["harness"] is True
    assert facts["profile"] == "quick"
    assert facts["derandomize"] is True
    assert facts["database"] is False
    assert facts["max_examples"] != 100
    assert facts["local_constants_hook"] != "hypothesis.internal.conjecture.providers"


def test_paths_in_the_shipped_suites_make_a_suite_run(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pytest", str(suite_dir("westcon_soap") / "test_soap_auth.py"),
               "--collect-only"]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "hypothesis profile 'quick'" in done.stdout  # the harness's header line
    assert f"rootdir: {PACKAGE_DIR}\n" in done.stdout  # node ids suites/<api>/... wherever installed


@pytest.mark.parametrize("variable", ["B2BCONFORM_PATH"])
def test_a_user_path_that_is_no_folder_is_a_usage_error_not_a_traceback(
    tmp_path: Path, variable: str
) -> None:
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q"]
    env = {**os.environ, variable: str(tmp_path / "missing")}
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "B2BCONFORM_PATH" in done.stderr and "Traceback" not in done.stderr

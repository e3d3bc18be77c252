"""What a run's conformance report says about tests that never began: a test skipped before it
reached the target still names its rules, and they say why they stay unverified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.live_runs import run_live, serving, write_profile

from b2bconform.locations import suite_dir
from b2bconform.sandboxes import get_sandbox

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")


def test_a_test_skipped_for_lack_of_test_data_leaves_its_rules_untested_with_the_reason(
    tmp_path: Path,
) -> None:
    sandbox = get_sandbox("westcon_soap")()
    with serving(sandbox.asgi()) as url:
        profile, credentials = write_profile(tmp_path, sandbox, url)
        # a vendor's system: the profile gives no test data, so sandbox-only tests skip
        profile.write_text(
            profile.read_text(encoding="utf-8").replace("test_data: sandbox\n", ""), encoding="utf-8"
        )
        done = run_live(
            [str(suite_dir("westcon_soap") / "test_soap_lookups.py")], profile, credentials, tmp_path
        )
    assert done.returncode == 0, done.stdout[-3000:]
    report = json.loads((tmp_path / "conformance.json").read_text(encoding="utf-8"))
    skipped = {test: t for test, t in report["tests"].items() if t["outcome"] == "skipped"}
    assert skipped, report["tests"]
    test = next(iter(skipped.values()))
    assert test["reason"].startswith("needs a sandbox")
    rules = report["apis"]["westcon_soap"]["rules"]
    untested = [rule for rule in test["rules"] if rules[rule]["status"] == "untested"]
    assert untested, test
    assert all(
        rules[rule]["untested_reason"].startswith("its tests were skipped: needs a sandbox")
        for rule in untested
    )

"""The cassettes shipped under b2bconform/suites/<api>/cassettes replay offline to the verdicts of the run that
recorded them (kept beside them as recorded-conformance.json), under the current contracts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from b2bconform.engine.contract import Contract
from b2bconform.locations import suite_dir, suite_dirs
from b2bconform.targets.served import RECORDED_REPORT

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

APIS = sorted(
    api for api, folder in suite_dirs().items() if (folder / "cassettes" / RECORDED_REPORT).is_file()
)


def test_every_api_with_a_suite_ships_cassettes() -> None:
    suites = sorted(suite_dirs())
    assert sorted(APIS) == suites


@pytest.mark.parametrize("api", APIS)
def test_shipped_cassettes_replay_to_the_recorded_verdicts(api: str, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pytest", str(suite_dir(api)), "-p", "no:cacheprovider", "-q",
               "--target", "replay", "--conformance-report", str(tmp_path / "c.json"),
               "-W", "ignore::DeprecationWarning"]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=1200)
    output = done.stdout[-4000:] + done.stderr[-2000:]
    assert "cassette miss" not in done.stdout, output
    assert "recorded against contract version" not in done.stdout, (
        f"the {api} cassettes predate the current contract ({Contract.load(api).version}): "
        f"re-record them with `b2bconform cassettes record --api {api}`"
    )
    recorded = json.loads((suite_dir(api) / "cassettes" / RECORDED_REPORT).read_text())
    replayed = json.loads((tmp_path / "c.json").read_text())
    statuses = {rule: entry["status"] for rule, entry in replayed["apis"][api]["rules"].items()}
    expected = {rule: entry["status"] for rule, entry in recorded["apis"][api]["rules"].items()}
    assert statuses == expected, output
    assert done.returncode == (0 if recorded["summary"]["failed"] == 0 else 1), output

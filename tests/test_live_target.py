"""The live target end to end: the suites run over real HTTP against the sandbox served on 127.0.0.1,
with credentials only from the environment, and refuse to start without them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from b2bconform.locations import suite_dir
from b2bconform.sandboxes import get_sandbox
from b2bconform.sandboxes.serve import start_in_thread

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

ROOT = Path(__file__).resolve().parents[1]
VARIABLES = {
    "ClientConfigId": "B2BTEST_CCID",
    "ClientAuthKey": "B2BTEST_AUTH_KEY",
    "Ocp-Apim-Subscription-Key": "B2BTEST_SUBSCRIPTION",
}
SITE2 = {
    "ClientConfigId": "B2BTEST_SITE2_CCID",
    "ClientAuthKey": "B2BTEST_SITE2_AUTH_KEY",
    "Ocp-Apim-Subscription-Key": "B2BTEST_SUBSCRIPTION",
}


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    base_url, stop = start_in_thread("moduslink_po")
    yield base_url
    stop()


def _profile(tmp_path: Path, base_url: str, *, writes: bool = True, environment: str = "qa") -> Path:
    lines = ["api: moduslink_po", f"base_url: {base_url}", f"environment: {environment}", "credentials:"]
    lines += [f"  {header}: {variable}" for header, variable in VARIABLES.items()]
    lines += ["alternate_credentials:"] + [f"  {header}: {variable}" for header, variable in SITE2.items()]
    lines += [
        f"writes_allowed: {'true' if writes else 'false'}",
        "rate_limit: 500",
        "budget: 5000",
        "timeout: 10",
    ]
    path = tmp_path / "local.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _environment(with_credentials: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("B2BTEST_")}
    if with_credentials:
        sandbox = get_sandbox("moduslink_po")()
        for site, mapping in ((0, VARIABLES), (1, SITE2)):
            headers = sandbox.client_headers(site)
            env.update({variable: headers[header] for header, variable in mapping.items()})
    return env


def _run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", str(suite_dir("moduslink_po")), "-q", "-p", "no:cacheprovider",
               "--conformance-report", str(tmp_path / "conformance.json"), "-W", "ignore::DeprecationWarning", *args]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_a_live_run_without_credentials_stops_naming_every_missing_variable(
    served: str, tmp_path: Path
) -> None:
    profile = _profile(tmp_path, served)
    done = _run(
        ["--target", "live", "--profile", str(profile), "--allow-writes"], _environment(False), tmp_path
    )
    assert done.returncode == 2, done.stdout + done.stderr
    output = done.stdout + done.stderr
    for variable in VARIABLES.values():
        assert variable in output
    assert "passed" not in output.splitlines()[-1]


def test_the_suites_pass_over_http_against_the_served_sandbox(served: str, tmp_path: Path) -> None:
    profile = _profile(tmp_path, served)
    env = _environment(True)
    done = _run(["--target", "live", "--profile", str(profile), "--allow-writes"], env, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["summary"]["failed"] == 0
    assert report["target"] == f"live ({profile})"
    written = (
        (tmp_path / "conformance.json").read_text()
        + (tmp_path / "conformance.md").read_text()
        + done.stdout
        + done.stderr
    )
    for variable in [*VARIABLES.values(), *SITE2.values()]:
        assert env[variable] not in written, f"the value of {variable} reached the output"


def test_without_allow_writes_the_write_tests_are_skipped_with_the_reason(
    served: str, tmp_path: Path
) -> None:
    profile = _profile(tmp_path, served)
    done = _run(["--target", "live", "--profile", str(profile), "-rs"], _environment(True), tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "--allow-writes" in done.stdout
    assert " skipped" in done.stdout


def test_a_production_profile_is_refused_unless_allowed(served: str, tmp_path: Path) -> None:
    profile = _profile(tmp_path, served, environment="production")
    done = _run(
        ["--target", "live", "--profile", str(profile), "--allow-writes"], _environment(True), tmp_path
    )
    assert done.returncode == 2
    assert "--allow-production" in done.stdout + done.stderr

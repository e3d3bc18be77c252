"""Westcon REST over real HTTP: the suites run as a live target against the sandbox served on
127.0.0.1, fetching their token from the profile's token_url with credentials from the
environment only, and the secret, key and tokens appear nowhere in what the run writes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from b2bconform.apis.westcon_rest.sandbox import WestconRestSandbox
from b2bconform.locations import suite_dir
from b2bconform.sandboxes.serve import start_in_thread

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

ROOT = Path(__file__).resolve().parents[1]
VARIABLES = {
    "client_id": "B2BTEST_WR_CLIENT_ID",
    "client_secret": "B2BTEST_WR_CLIENT_SECRET",
    "resource": "B2BTEST_WR_RESOURCE",
    "Ocp-Apim-Subscription-Key": "B2BTEST_WR_SUBSCRIPTION_KEY",
    "partnerKey": "B2BTEST_WR_PARTNER_KEY",
}
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+")


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    base_url, stop = start_in_thread("westcon_rest")
    yield base_url
    stop()


def _profile(tmp_path: Path, base_url: str) -> Path:
    lines = ["api: westcon_rest", f"base_url: {base_url}", "environment: qa",
             f"token_url: {base_url}{WestconRestSandbox.token_path}", "credentials:"]  # fmt: skip
    lines += [f"  {name}: {variable}" for name, variable in VARIABLES.items()]
    lines += ["rate_limit: 500", "budget: 5000", "timeout: 10"]
    path = tmp_path / "westcon-rest-local.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _environment(with_credentials: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("B2BTEST_")}
    if with_credentials:
        credentials = WestconRestSandbox().client_credentials(0)
        env.update({variable: credentials[name] for name, variable in VARIABLES.items()})
    return env


def _run(profile: Path, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", str(suite_dir("westcon_rest")), "-q", "-p", "no:cacheprovider",
               "--target", "live", "--profile", str(profile), "--hypothesis-profile", "selftest",
               "--conformance-report", str(tmp_path / "conformance.json"), "-W", "ignore::DeprecationWarning"]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_a_live_run_without_credentials_stops_naming_every_missing_variable(
    served: str, tmp_path: Path
) -> None:
    done = _run(_profile(tmp_path, served), _environment(False), tmp_path)
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    output = done.stdout + done.stderr
    assert all(variable in output for variable in VARIABLES.values())


def test_the_suites_pass_over_http_with_the_token_from_the_profiles_token_url(
    served: str, tmp_path: Path
) -> None:
    env = _environment(True)
    done = _run(_profile(tmp_path, served), env, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["summary"]["failed"] == 0
    rules = report["apis"]["westcon_rest"]["rules"]
    assert rules["WESTCON_REST-TOK-010"]["status"] == "passed"  # the token exchange was judged
    assert rules["WESTCON_REST-AUTH-002"]["status"] == "passed"
    # what needs the sandbox's own data or token issuer is skipped with its reason, not failed
    assert "skipped" in done.stdout.splitlines()[-1]
    written = (tmp_path / "conformance.json").read_text() + (tmp_path / "conformance.md").read_text()
    written += done.stdout + done.stderr
    for name in ("client_secret", "Ocp-Apim-Subscription-Key"):
        assert env[VARIABLES[name]] not in written, f"the value of {VARIABLES[name]} reached the output"
    assert not JWT.search(written)

"""The HTML report's tool is installed by the set-up (`b2bconform report setup`, which tox runs before
the main job), through the network the user's shell has: proxy and certificate variables reach npm.
A run asked for its HTML report never ends in success without it."""

from __future__ import annotations

import configparser
import fnmatch
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from b2bconform.cli import cli
from b2bconform.errors import UsageError
from b2bconform.reporting.html import ALLURE_VERSION, TOOLS_ENV, find_allure, install_allure, npm_environment

ROOT = Path(__file__).resolve().parents[1]
NETWORK_VARIABLES = [
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "PIP_CERT", "npm_config_cache",
    "npm_config_cafile", "JAVA_HOME",
]  # fmt: skip

FAKE_NPM = """#!/bin/sh
# stands in for npm: records what it was given, then installs or fails as told
env > "$FAKE_NPM_LOG.env"
echo "$@" >> "$FAKE_NPM_LOG.args"
if [ -n "$FAKE_NPM_FAIL" ]; then
  echo "npm error code SELF_SIGNED_CERT_IN_CHAIN" >&2
  exit 1
fi
while [ "$1" != "--prefix" ]; do shift; done
package="$2/node_modules/allure-commandline"
mkdir -p "$package/dist/bin"
printf '{"version": "%s"}' "$FAKE_VERSION" > "$package/package.json"
printf '#!/bin/sh\\necho 2.0\\n' > "$package/dist/bin/allure"
chmod +x "$package/dist/bin/allure"
"""


@pytest.fixture
def fake_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(FAKE_NPM, encoding="utf-8")
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "npm"
    monkeypatch.setenv("FAKE_NPM_LOG", str(log))
    monkeypatch.setenv("FAKE_VERSION", ALLURE_VERSION)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin")
    monkeypatch.setenv(TOOLS_ENV, str(tmp_path / "tools"))
    monkeypatch.delenv("B2BCONFORM_ALLURE", raising=False)
    return log


def _npm_env(log: Path) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in log.with_suffix(".env").read_text().splitlines() if "=" in line
    )


def test_npm_is_given_the_shells_ca_bundle_when_node_has_none(tmp_path: Path) -> None:
    bundle = tmp_path / "proxy-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    env = npm_environment({"SSL_CERT_FILE": str(bundle), "HTTPS_PROXY": "http://proxy:3128"})
    assert env["NODE_EXTRA_CA_CERTS"] == str(bundle)
    assert env["HTTPS_PROXY"] == "http://proxy:3128"
    kept = npm_environment({"SSL_CERT_FILE": str(bundle), "NODE_EXTRA_CA_CERTS": "/own.pem"})
    assert kept["NODE_EXTRA_CA_CERTS"] == "/own.pem"
    assert "NODE_EXTRA_CA_CERTS" not in npm_environment({"SSL_CERT_FILE": str(tmp_path / "missing.pem")})


def test_setup_installs_the_pinned_tool_through_the_shells_proxy(
    fake_npm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "proxy-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.delenv("NODE_EXTRA_CA_CERTS", raising=False)
    installed = install_allure()
    seen = _npm_env(fake_npm)
    assert seen["HTTPS_PROXY"] == "http://proxy.corp:3128"
    assert seen["NODE_EXTRA_CA_CERTS"] == str(bundle)
    assert f"allure-commandline@{ALLURE_VERSION}" in fake_npm.with_suffix(".args").read_text()
    assert find_allure() == installed
    install_allure()  # installed once: a second set-up does not call npm again
    assert len(fake_npm.with_suffix(".args").read_text().splitlines()) == 1


def test_a_refused_certificate_is_a_usage_error_that_says_what_to_set(
    fake_npm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_NPM_FAIL", "1")
    result = CliRunner().invoke(cli, ["report", "setup"])
    assert result.exit_code == 2, result.output
    assert "SELF_SIGNED_CERT_IN_CHAIN" in result.output
    assert "NODE_EXTRA_CA_CERTS" in result.output and "HTTPS_PROXY" in result.output


def test_a_report_never_installs_the_tool_itself(fake_npm: Path) -> None:
    with pytest.raises(UsageError, match="b2bconform report setup"):
        find_allure()
    assert not fake_npm.with_suffix(".args").exists()


def test_run_with_html_stops_before_running_when_the_tool_is_missing(
    fake_npm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["run", "--api", "moduslink_po", "--html"])
    assert result.exit_code == 2, result.output
    assert "b2bconform report setup" in result.output
    assert not (tmp_path / "reports").exists()  # nothing was run


def test_run_without_its_html_report_does_not_end_in_success(tmp_path: Path) -> None:
    from b2bconform.cli_support import echo_html_report

    (tmp_path / "allure-results").mkdir()  # no results: the report cannot be built
    assert echo_html_report(tmp_path, 0) == 2


def test_tox_hands_the_network_variables_to_every_environment() -> None:
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    patterns = [line.strip() for line in tox["testenv"]["pass_env"].splitlines()]
    patterns = [p for p in patterns if p and not p.startswith("#")]
    missing = [name for name in NETWORK_VARIABLES if not any(fnmatch.fnmatchcase(name, p) for p in patterns)]
    assert not missing, f"tox.ini [testenv] pass_env does not pass {missing}"


def test_the_main_job_installs_the_report_tool_before_it_runs() -> None:
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    assert tox["testenv:conformance"]["commands_pre"].strip() == "b2bconform report setup"
    assert "--html" in tox["testenv:conformance"]["commands"]

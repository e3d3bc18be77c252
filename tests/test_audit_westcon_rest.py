"""`b2bconform audit --api westcon_rest` judges recorded traffic of both the Azure AD token endpoint
and the order status API; no client secret, token or subscription key reaches a recording, the
audit's output, or anything a suite run writes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from b2bconform.apis.westcon_rest.generators import ORDER_STATUS_PATH, query
from b2bconform.apis.westcon_rest.sandbox import SEED
from b2bconform.cli import cli
from b2bconform.engine.model import Exchange, Headers, Request
from b2bconform.locations import suite_dir
from b2bconform.targets import SandboxTarget
from b2bconform.traffic.cassettes import read_cassette, write_cassette
from b2bconform.traffic.redaction import Redactor

ROOT = Path(__file__).resolve().parents[1]
JSON = Headers({"Content-Type": "application/json"})
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+")  # any token the sandbox issued


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def _traffic(target: SandboxTarget) -> list[Exchange]:
    """Two order status calls by the token flow: the token request, then the queries of both kinds."""
    recorded: list[Exchange] = []
    for order_type, number in (("W", "600004"), ("C", "PO-77812")):
        body = json.dumps(query(SEED.partner_keys[0], order_type, [number])).encode()
        answer = target.send(Request("POST", ORDER_STATUS_PATH, JSON, body))
        recorded += [*target.take_preceding(), answer]
    return recorded


def _record(tmp_path: Path, exchanges: list[Exchange], redactor: Redactor) -> Path:
    path = tmp_path / "westcon_rest.yaml"
    write_cassette(path, exchanges, redactor, meta={"target": "sandbox"})
    return path


class _Verbatim(Redactor):
    """Records exchanges as they were: another tool's cassette, before any redaction."""

    def exchange(self, exchange: Exchange) -> Exchange:
        return exchange

    def text(self, value: str) -> str:
        return value


def _secrets(target: SandboxTarget) -> list[str]:
    assert target.auth is not None
    return list(target.auth.secrets)


def test_recorded_token_and_order_status_traffic_audits_clean(tmp_path: Path) -> None:
    target = SandboxTarget("westcon_rest")
    cassette = _record(tmp_path, _traffic(target), target.redactor)
    assert [e.request.url.split("/")[-1] for e in read_cassette(cassette)] == [
        "token",
        "orderStatus",
        "orderStatus",
    ]
    result = invoke("audit", "--api", "westcon_rest", "--format", "json", cassette)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["findings"] == [] and report["interactions"] == 3


@pytest.mark.parametrize(
    ("fault", "rule"),
    [("token-type-not-bearer", "WESTCON_REST-TOK-010"), ("iso-status-date", "WESTCON_REST-RES-013")],
)
def test_a_faulty_sandboxs_recorded_traffic_is_judged_on_its_rule(
    tmp_path: Path, fault: str, rule: str
) -> None:
    target = SandboxTarget("westcon_rest", fault=fault)
    cassette = _record(tmp_path, _traffic(target), target.redactor)
    result = invoke("audit", "--api", "westcon_rest", "--format", "json", cassette)
    assert result.exit_code == 1, result.output
    assert {f["rule"] for f in json.loads(result.output)["findings"]} == {rule}


def test_a_recording_keeps_no_secret_token_or_key_and_neither_does_the_audit(tmp_path: Path) -> None:
    target = SandboxTarget("westcon_rest")
    exchanges = _traffic(target)
    secrets = _secrets(target)
    # recorded without redaction, as another tool might have: everything sits in the file
    raw = _record(tmp_path, exchanges, _Verbatim())
    assert all(secret in raw.read_text() for secret in secrets)
    for output_format in ("text", "json"):
        output = invoke("audit", "--api", "westcon_rest", "--format", output_format, raw).output
        assert [s for s in secrets if s in output] == []
    text = _record(tmp_path / "redacted", exchanges, target.redactor).read_text()
    assert [s for s in secrets if s in text] == [] and not JWT.search(text)
    # masked where they were: the absence is redaction, not silence
    assert "client_secret=***" in text and "Bearer ***" in text and '"access_token": "***"' in text


@pytest.mark.slow
def test_a_suite_run_writes_no_secret_token_or_key(tmp_path: Path) -> None:
    """A run with failures (so messages carry requests) leaves no client secret, subscription key or
    token in its output, Allure results, JUnit XML or conformance report."""
    credentials = SandboxTarget("westcon_rest").credentials()
    secrets = [credentials["client_secret"], credentials["Ocp-Apim-Subscription-Key"]]
    command = [sys.executable, "-m", "pytest", str(suite_dir("westcon_rest")), "-q", "-p", "no:randomly",
               "-k", "token or auth or sample", "--fault", "token-type-not-bearer",
               "--hypothesis-profile", "selftest", "--alluredir", str(tmp_path / "allure"),
               "--junitxml", str(tmp_path / "junit.xml"), "--conformance-report", str(tmp_path / "conformance.json"),
               "-W", "ignore::DeprecationWarning"]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout[-2000:]  # the fault was caught: messages were written
    output = done.stdout + done.stderr
    assert [s for s in secrets if s in output] == [] and not JWT.search(output)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    leaks = [p.name for p in written for s in secrets if s in p.read_text(errors="replace")]
    tokens = [p.name for p in written if JWT.search(p.read_text(errors="replace"))]
    assert leaks == [] and tokens == []
    assert any("client_secret=***" in p.read_text(errors="replace") for p in written)

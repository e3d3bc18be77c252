"""Partner onboarding (`b2bconform onboard`): a conforming system served on 127.0.0.1 is certified
PASSED with a certificate in both formats whose bundle hash anyone can recompute; a fault in the
smoke subset, a missing credential and an unreachable host each fail with exit 1 and say why;
nothing secret reaches the output or the terminal; and every smoke test only reads."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import yaml
from click.testing import CliRunner

from b2bconform.engine.contract import Contract
from b2bconform.locations import APIS_DIR
from b2bconform.runner import RunResult, SuiteRun, suite_apis
from b2bconform.sandboxes import get_sandbox
from b2bconform.sandboxes.serve import serve_in_thread, start_in_thread
from b2bconform.targets.live_safety import RUN_DIR_VARIABLE
from b2bconform.targets.served import sandbox_profile
from b2bconform.traffic.recording import harness_version
from b2bconform.workflows.certificate import rule_group
from b2bconform.workflows.onboard import onboard, onboard_command
from b2bconform.workflows.preflight import probe
from live_runs import closed_port

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

API = "westcon_soap"  # the smallest suite: its smoke subset runs in seconds
PREFIX = "B2BTEST_ONBOARD"
MARKER = "qx9onbrdz"  # in every secret value below and nowhere else
SITES = [
    {"Username": "1001065", "Password": f"onboard-{MARKER}-password-site0"},
    {"Username": "2002002", "Password": f"onboard-{MARKER}-password-site1"},
]
SECRETS = [site["Password"] for site in SITES]


def _environment(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX) and k != RUN_DIR_VARIABLE}
    return {**env, **extra}


@dataclass
class Served:
    url: str
    profile: Path
    credentials: dict[str, str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The westcon_soap sandbox on 127.0.0.1, accepting only this module's credentials."""
    sandbox = get_sandbox(API)(credentials=SITES)
    url, stop = serve_in_thread(sandbox.asgi(), name="onboard-westcon_soap")
    directory = tmp_path_factory.mktemp("profiles")
    profile, credentials = sandbox_profile(
        API, url, directory, sandbox=sandbox, prefix=PREFIX, name=f"{API}-onboard"
    )
    yield Served(url, profile, credentials)
    stop()


@dataclass
class CliRun:
    code: int
    output: str
    directory: Path


@pytest.fixture(scope="module")
def passed_run(served: Served, tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """`onboard` through its click command in a fresh interpreter, as a user would run it."""
    folder = tmp_path_factory.mktemp("onboarding")
    out = folder / "certificate"
    command = [
        sys.executable, "-c", "from b2bconform.workflows.onboard import onboard_command; onboard_command()",
        "--profile", str(served.profile), "--output", str(out),
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=folder, env=_environment(served.credentials), capture_output=True, text=True, timeout=600
    )
    return CliRun(done.returncode, done.stdout + done.stderr, out)


def _manifest_of(evidence: Path) -> str:
    lines = [
        f"{path.relative_to(evidence).as_posix()}\t{hashlib.sha256(path.read_bytes()).hexdigest()}\n"
        for path in evidence.rglob("*")
        if path.is_file() and path.name != "MANIFEST.sha256"
    ]
    return "".join(sorted(lines))


def test_a_conforming_system_is_certified_passed_with_every_rule_group_and_the_versions(
    passed_run: CliRun,
) -> None:
    assert passed_run.code == 0, passed_run.output[-3000:]
    md = (passed_run.directory / "certificate.md").read_text(encoding="utf-8")
    page = (passed_run.directory / "certificate.html").read_text(encoding="utf-8")
    contract = Contract.load(API)
    groups = {rule_group(rule.id) for rule in contract.rules}
    assert groups >= {"AUTH", "REQ", "RES"}
    for text in (md, page):
        assert "Verdict: PASSED" in text
        assert harness_version() in text and contract.version in text
        for group in groups:
            assert f"<td>{group}</td>" in text if text is page else f"| {group} |" in text
    for group in ("AUTH", "REQ", "RES"):  # what the smoke subset reaches
        assert f"| {group} | PASSED |" in md
    for evidence in ("reports/conformance.json", "reports/conformance.md", "reports/junit.xml", "cassettes/"):
        assert evidence in md
    assert "QA engineer" in md and "Partner contact" in md


def test_the_bundle_hash_is_recomputed_from_the_evidence_files(passed_run: CliRun) -> None:
    evidence = passed_run.directory / "evidence"
    manifest = _manifest_of(evidence)
    assert (evidence / "MANIFEST.sha256").read_text(encoding="utf-8") == manifest
    assert len(list((evidence / "cassettes" / API).rglob("*.yaml"))) >= 3  # one per smoke test
    bundle = hashlib.sha256(manifest.encode("utf-8")).hexdigest()
    for name in ("certificate.md", "certificate.html"):
        assert bundle in (passed_run.directory / name).read_text(encoding="utf-8")


def test_the_html_certificate_is_self_contained(passed_run: CliRun) -> None:
    page = (passed_run.directory / "certificate.html").read_text(encoding="utf-8").lower()
    assert page.startswith("<!doctype html>") and "<style>" in page
    for external in ("<script", "src=", "href=", "<link", "@import", "url("):
        assert external not in page, external


def test_nothing_secret_reaches_the_output_or_the_terminal(passed_run: CliRun) -> None:
    assert passed_run.code == 0  # the sandbox accepted the secret: it was sent, and is masked
    forms = {form for secret in SECRETS for form in (secret, quote(secret, safe=""), quote_plus(secret))}
    forms.add(MARKER)
    files = [path for path in passed_run.directory.rglob("*") if path.is_file()]
    assert len(files) > 5
    leaks = [
        (str(path.relative_to(passed_run.directory)), form)
        for path in files
        for form in forms
        if form.encode() in path.read_bytes()
    ]
    assert leaks == []
    assert not [form for form in forms if form in passed_run.output]


def test_a_fault_in_the_smoke_subset_fails_the_onboarding_with_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fault = "ignores-missing-token"
    rule = get_sandbox(API)(fault).broken_rule
    url, stop = start_in_thread(API, fault)
    try:
        profile, credentials = sandbox_profile(API, url, tmp_path, prefix=PREFIX, name=f"{API}-fault")
        for variable, value in credentials.items():
            monkeypatch.setenv(variable, value)
        monkeypatch.delenv(RUN_DIR_VARIABLE, raising=False)
        result = onboard([str(profile)], tmp_path / "out", echo=lambda _: None)
    finally:
        stop()
    assert result.exit_code == 1
    (outcome,) = result.profiles
    assert outcome.verdict == "FAILED" and rule is not None and rule in " ".join(outcome.reasons)
    report = json.loads((tmp_path / "out" / "evidence" / "reports" / "conformance.json").read_text())
    assert any(rule in test["rules"] for test in report["tests"].values())  # the smoke subset holds it
    md = outcome.certificate_md.read_text(encoding="utf-8")
    assert f"| {rule_group(rule)} | FAILED |" in md and "## Failed rules" in md and rule in md


def test_a_missing_credential_is_named_and_nothing_is_sent(served: Served, tmp_path: Path) -> None:
    missing = f"{PREFIX}_PASSWORD"
    env = {k: v for k, v in served.credentials.items() if k != missing}
    out = tmp_path / "out"
    done = CliRunner().invoke(
        onboard_command, ["--profile", str(served.profile), "--output", str(out)], env={**env, missing: None}
    )
    assert done.exit_code == 1, done.output
    md = (out / "certificate.md").read_text(encoding="utf-8")
    assert "Verdict: FAILED" in md and f"${missing}" in md and "not set" in md
    assert f"${missing}" in (out / "certificate.html").read_text(encoding="utf-8")
    assert "Not run" in md
    assert not (out / "evidence" / "cassettes").exists() and not (out / "evidence" / "reports").exists()


def _no_run(run: SuiteRun) -> RunResult:
    raise AssertionError(f"the smoke subset ran: {run.pytest_args()}")


def _profile(directory: Path, base_url: str, **settings: Any) -> Path:
    path = directory / "partner-qa.yaml"
    profile = {
        "api": API, "base_url": base_url, "environment": "qa",
        "credentials": {"Username": f"{PREFIX}_USERNAME", "Password": f"{PREFIX}_PASSWORD"}, **settings,
    }  # fmt: skip
    path.write_text(yaml.safe_dump(profile), encoding="utf-8")
    return path


def test_an_unreachable_base_url_is_reported_as_unreachable(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, value in served.credentials.items():
        monkeypatch.setenv(variable, value)
    port = closed_port()
    result = onboard([str(_profile(tmp_path, f"http://127.0.0.1:{port}"))], tmp_path / "out",
                     start=_no_run, echo=lambda _: None)  # fmt: skip
    assert result.exit_code == 1
    (outcome,) = result.profiles
    assert outcome.verdict == "FAILED"
    assert "unreachable" in " ".join(outcome.reasons) and "connection refused" in " ".join(outcome.reasons)
    assert f"connection refused on port {port}" in outcome.certificate_md.read_text(encoding="utf-8")


def test_broken_rules_make_the_certificate_incomplete_not_passed(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, value in served.credentials.items():
        monkeypatch.setenv(variable, value)
    rules = {rule.id: {"status": "untested", "severity": "normal", "statement": "", "findings": []}
             for rule in Contract.load(API).rules}  # fmt: skip
    rules[f"{API.upper()}-AUTH-003"]["status"] = "passed"
    rules[f"{API.upper()}-REQ-001"]["status"] = "broken"

    def start(run: SuiteRun) -> RunResult:
        assert "--allow-writes" not in run.pytest_args() and run.extra == ["-m", "smoke"]
        run.reports.mkdir(parents=True, exist_ok=True)
        test = {
            "api": API,
            "outcome": "broken",
            "rules": [],
            "failed_rules": [],
            "reason": "timed out after 5s",
        }
        report = {"summary": {}, "run_id": "RUN1", "apis": {API: {"rules": rules}}, "tests": {"t::x": test}}
        (run.reports / "conformance.json").write_text(json.dumps(report), encoding="utf-8")
        return RunResult(pytest_code=1, reports=run.reports)

    result = onboard([str(served.profile)], tmp_path / "out", start=start, echo=lambda _: None)
    (outcome,) = result.profiles
    assert (outcome.verdict, result.exit_code) == ("INCOMPLETE", 1)
    md = outcome.certificate_md.read_text(encoding="utf-8")
    assert "| REQ | INCOMPLETE |" in md and "| AUTH | PASSED |" in md and "`RUN1`" in md


def test_unknown_malformed_and_production_profiles_are_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(
        onboard_command, ["--profile", "no-such-partner-profile", "--output", str(tmp_path / "a")]
    )
    malformed = runner.invoke(
        onboard_command,
        ["--profile", str(_profile(tmp_path, "http://127.0.0.1:9", environment="staging")), "--output", str(tmp_path / "b")],
    )  # fmt: skip
    production = runner.invoke(
        onboard_command,
        ["--profile", str(_profile(tmp_path, "http://127.0.0.1:9", environment="production")), "--output", str(tmp_path / "c")],
    )  # fmt: skip
    assert [unknown.exit_code, malformed.exit_code, production.exit_code] == [2, 2, 2]
    assert "not found" in unknown.output and "environment" in malformed.output
    assert "--allow-production" in production.output
    assert not any((tmp_path / name).exists() for name in "abc")  # nothing checked, nothing written


def test_probe_tells_dns_refusal_tls_and_timeout_apart(served: Served) -> None:
    assert "DNS lookup of no-such-host.invalid failed" in probe("https://no-such-host.invalid/").detail
    assert "connection refused" in probe(f"http://127.0.0.1:{closed_port()}").detail
    assert (
        "TLS handshake failed" in probe(served.url.replace("http://", "https://")).detail
    )  # plain HTTP there
    with socket.socket() as silent:  # accepts the connection (the kernel does), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        result = probe(f"https://127.0.0.1:{silent.getsockname()[1]}", timeout=0.5)
    assert result.ok is False and "TLS handshake timed out after 0.5s" in result.detail
    assert probe(served.url).ok is True


COLLECT = """
import json, sys, pytest
class Marks:
    def __init__(self): self.items = {}
    def pytest_collection_finish(self, session):  # after -m deselected the rest
        self.items = {i.nodeid: {"marks": sorted({m.name for m in i.iter_markers()}),
                                 "rules": [r for m in i.iter_markers("rules") for r in m.args]} for i in session.items}
marks = Marks()
code = pytest.main([sys.argv[1], "-m", "smoke", "--collect-only", "-q", "-p", "no:cacheprovider"], plugins=[marks])
print("MARKS" + json.dumps(marks.items))
sys.exit(code)
"""


def test_every_smoke_test_only_reads_and_each_api_has_its_auth_rules_in_the_subset(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", COLLECT, str(APIS_DIR)], cwd=tmp_path, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    items: dict[str, Any] = json.loads(done.stdout.split("MARKS", 1)[1].splitlines()[0])
    assert items, "no smoke test collected"
    writes = [test for test, item in items.items() if "writes" in item["marks"]]
    assert writes == []
    for api in suite_apis():
        mine = [item for test, item in items.items() if test.startswith(f"apis/{api}/suite/")]
        assert len(mine) >= 2, api
        assert any("-AUTH-" in rule for item in mine for rule in item["rules"]), api

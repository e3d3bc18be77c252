"""Partner onboarding: are the credentials there, is the system reachable, does it answer the
read-only smoke subset as documented? The answer is a certificate to sign, with its evidence.

Per profile: every credential variable the profile names is checked (names only, never values);
the base URL (and the token URL) is resolved, connected to and TLS-handshaken without sending a
request; then the suites' ``smoke`` tests run against it as a live target, recorded, never with
writes allowed. The certificate (Markdown and HTML) gives the verdict per rule group and pins the
evidence (redacted cassettes, the run's reports, the checks) with one hash.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import click

from b2bconform.cli_support import reports_errors
from b2bconform.engine.contract import Contract
from b2bconform.errors import InputFileError, UsageError
from b2bconform.locations import suite_file
from b2bconform.references import RUN_ID_VARIABLE, new_run_id
from b2bconform.reporting.matrix import finding_line, reading_line
from b2bconform.runner import EXIT_FINDINGS, EXIT_OK, REPORTS_DIR, RunResult, SuiteRun, suite_apis
from b2bconform.targets import TargetProfile, load_profile, secret_url_patterns
from b2bconform.traffic.recording import harness_version
from b2bconform.traffic.redaction import NOT_SECRET_CREDENTIALS, Redactor
from b2bconform.workflows.certificate import (
    FAILED,
    INCOMPLETE,
    PASSED,
    Certificate,
    ContestedRule,
    FailedRule,
    SmokeTest,
    group_results,
    render_html,
    render_markdown,
    write_manifest,
)
from b2bconform.workflows.preflight import check_credentials, check_reachability, gate_production

__all__ = ["SMOKE_MARKER", "OnboardingResult", "ProfileOnboarding", "onboard", "onboard_command"]

SMOKE_MARKER = "smoke"
ONBOARDING_DIR = REPORTS_DIR / "onboarding"
CHECKS_FILE = "checks.json"
Starter = Callable[[SuiteRun], RunResult]


@dataclass(frozen=True)
class ProfileOnboarding:
    profile: str
    api: str
    verdict: str
    reasons: list[str]
    output: Path
    certificate_md: Path
    certificate_html: Path
    bundle_hash: str


@dataclass(frozen=True)
class OnboardingResult:
    profiles: list[ProfileOnboarding]

    @property
    def exit_code(self) -> int:
        return EXIT_OK if all(p.verdict == PASSED for p in self.profiles) else EXIT_FINDINGS


# ── the smoke run and its verdict ───────────────────────────────────────────────────────────────


@dataclass
class _Smoke:
    summary: str
    statuses: dict[str, str]
    tests: list[SmokeTest]
    failures: list[str]
    gaps: list[str]
    failed: list[FailedRule] = field(default_factory=list)
    discrepancies: list[ContestedRule] = field(default_factory=list)
    run_id: str | None = None


def _not_run(contract: Contract, why: str) -> _Smoke:
    return _Smoke(f"Not run: {why}.", {rule.id: "untested" for rule in contract.rules}, [], [], [])


def _smoke_run(name: str, profile: TargetProfile, evidence: Path, run_id: str, *, allow_production: bool,
               start: Starter, contract: Contract) -> _Smoke:  # fmt: skip
    run = SuiteRun(
        apis=[profile.api],
        target="live",
        profile=name,
        reports=evidence / "reports",
        allow_production=allow_production,
        record=True,
        cassette_dir=evidence / "cassettes",
        extra=["-m", SMOKE_MARKER],
        env={RUN_ID_VARIABLE: run_id},
    )  # never allow_writes: onboarding only reads
    result = start(run)
    try:
        report = result.conformance()
    except InputFileError:
        smoke = _not_run(
            contract, f"the run wrote no conformance report (pytest exit code {result.pytest_code})"
        )
        smoke.summary = smoke.summary.replace("Not run", "Did not complete")
        smoke.gaps.append(f"the smoke run did not complete (pytest exit code {result.pytest_code})")
        return smoke
    rules = (report["apis"].get(profile.api) or {}).get("rules", {})
    statuses = {rule_id: str(rule.get("status", "untested")) for rule_id, rule in rules.items()}
    judged = {
        test: SmokeTest(test, str(t.get("outcome")), t.get("reason"))
        for test, t in report.get("tests", {}).items()
        if t.get("api") in (None, profile.api)
    }
    # a test skipped before it reached the harness (sandbox_only) is only in the JUnit report
    tests = sorted({**_junit_tests(result.reports / "junit.xml"), **judged}.values(), key=lambda t: t.test)
    smoke = _Smoke("", statuses, tests, [], [], run_id=report.get("run_id"))
    counts = {
        k: sum(1 for s in statuses.values() if s == k) for k in ("passed", "failed", "broken", "discrepancy")
    }
    outcomes = {k: [t for t in tests if t.outcome == k] for k in ("passed", "failed", "broken", "skipped")}
    smoke.summary = (
        f"{len(tests)} read-only smoke tests were selected (pytest -m {SMOKE_MARKER}, live target, "
        f"recorded, writes not allowed): {len(outcomes['passed'])} passed, {len(outcomes['failed'])} failed, "
        f"{len(outcomes['broken'])} broken, {len(outcomes['skipped'])} skipped. Rules: {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['broken']} broken, {counts['discrepancy']} discrepancies "
        "for the vendor to settle; the rest are outside the smoke subset."
    )
    smoke.discrepancies = [
        _contested_rule(rule_id, rules[rule_id])
        for rule_id, s in sorted(statuses.items())
        if s == "discrepancy"
    ]
    failed_rules = sorted(r for r, s in statuses.items() if s == "failed")
    smoke.failed = [_failed_rule(rule_id, rules[rule_id]) for rule_id in failed_rules]
    if failed_rules:
        smoke.failures.append(
            f"{len(failed_rules)} rule(s) failed in the smoke run: {', '.join(failed_rules)}"
        )
    elif outcomes["failed"]:
        smoke.failures.append(
            f"{len(outcomes['failed'])} smoke test(s) failed: {', '.join(t.test for t in outcomes['failed'])}"
        )
    broken = sorted(r for r, s in statuses.items() if s == "broken")
    if broken or outcomes["broken"]:
        first = next((t.reason for t in outcomes["broken"] if t.reason), None)
        smoke.gaps.append(
            f"{len(broken)} rule(s) and {len(outcomes['broken'])} test(s) broken: the system could not be "
            f"exercised{f' ({first})' if first else ''}, which is not a finding"
        )
    if outcomes["skipped"]:
        reasons = sorted({t.reason or "no reason given" for t in outcomes["skipped"]})
        smoke.gaps.append(f"{len(outcomes['skipped'])} smoke test(s) did not run: {'; '.join(reasons)}")
    if not tests:
        smoke.gaps.append("the smoke subset selected no test for this API")
    elif not counts["passed"] and not counts["discrepancy"] and not failed_rules:
        smoke.gaps.append("no rule was verified")
    if result.pytest_code not in (0, 1):
        smoke.gaps.append(f"pytest ended with exit code {result.pytest_code}")
    return smoke


def _junit_tests(path: Path) -> dict[str, SmokeTest]:
    """Every test of the run with pytest's outcome, from its JUnit XML (empty when there is none)."""
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError):
        return {}
    tests = {}
    for case in root.iter("testcase"):
        test = _node_id(case.get("classname", ""), case.get("name", ""))
        outcome, reason = "passed", None
        for tag, meaning in (("failure", "failed"), ("error", "broken"), ("skipped", "skipped")):
            found = case.find(tag)
            if found is not None:
                outcome, reason = meaning, found.get("message")
                break
        tests[test] = SmokeTest(test, outcome, reason)
    return tests


def _node_id(classname: str, name: str) -> str:
    """pytest's node id from JUnit's dotted classname: the longest prefix naming a file is the module."""
    parts = classname.split(".")
    for cut in range(len(parts), 0, -1):
        module = "/".join(parts[:cut]) + ".py"
        if suite_file(module) is not None:
            return "::".join([module, *parts[cut:], name])
    return "::".join([*parts, name])


def _contested_rule(rule_id: str, rule: dict[str, Any]) -> ContestedRule:
    first = next(iter(rule.get("discrepancies") or ()), None)
    first = first if isinstance(first, dict) else {}
    return ContestedRule(
        rule_id,
        str(rule.get("severity", "")),
        str(rule.get("statement", "")),
        finding_line(first) if first else "",
        [reading_line(r) for r in first.get("readings") or () if isinstance(r, dict)],
    )


def _failed_rule(rule_id: str, rule: dict[str, Any]) -> FailedRule:
    findings = rule.get("findings") or []
    first = findings[0] if findings else None
    text = finding_line(first) if isinstance(first, dict) else "a test tied to it failed"
    return FailedRule(rule_id, str(rule.get("severity", "")), str(rule.get("statement", "")), text)


def _verdict(failures: list[str], gaps: list[str], passed_detail: str) -> tuple[str, list[str]]:
    if failures:
        return FAILED, [f"{s[0].upper()}{s[1:]}." for s in [*failures, *gaps]]
    if gaps:
        return INCOMPLETE, [f"{s[0].upper()}{s[1:]}." for s in gaps]
    return PASSED, [passed_detail]


# ── one profile ─────────────────────────────────────────────────────────────────────────────────


def _redactor(profile: TargetProfile) -> Redactor:
    """Scrubs the profile's secret values from whatever onboarding itself writes or prints."""
    sections = (profile.credentials, profile.alternate_credentials)
    secrets = [
        os.environ[variable]
        for section in sections
        for name, variable in section.items()
        if name.lower() not in NOT_SECRET_CREDENTIALS and os.environ.get(variable)
    ]
    return Redactor(secrets=secrets, url_patterns=secret_url_patterns(profile.api))


def _onboard_one(name: str, profile: TargetProfile, out: Path, *, allow_production: bool, start: Starter,
                 echo: Callable[[str], None]) -> ProfileOnboarding:  # fmt: skip
    redactor = _redactor(profile)

    def say(text: str) -> None:
        echo(redactor.text(text))

    contract = Contract.load(profile.api, settings=profile.settings)
    evidence = out / "evidence"
    evidence.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    run_id = new_run_id()
    say(f"onboarding {profile.name}: {profile.api} at {profile.base_url} ({profile.environment})")
    credentials = check_credentials(profile)
    reachability = check_reachability(profile)
    for check in [*credentials, *reachability]:
        say(
            f"  {'ok  ' if check.ok else '--  ' if check.ok is None else 'FAIL'} {check.name}: {check.detail}"
        )
    failures = []
    missing = [f"{c.subject} ({c.detail})" for c in credentials if c.ok is False]
    unreachable = [f"{c.subject}: {c.detail}" for c in reachability if c.ok is False]
    if missing:
        failures.append(f"credential environment variable(s) missing: {', '.join(missing)}")
    if unreachable:
        failures.append(f"the system is unreachable at {'; '.join(unreachable)}")
    if failures:
        smoke = _not_run(contract, "the credential or reachability check failed, so nothing was sent")
        failures.append("the smoke subset was not run, so nothing was sent")
    else:
        say(f"  running the smoke subset of {profile.api} (read-only, recorded)")
        smoke = _smoke_run(name, profile, evidence, run_id, allow_production=allow_production, start=start,
                           contract=contract)  # fmt: skip
    groups = group_results(smoke.statuses)
    passed_groups = [g.group for g in groups if g.verdict == PASSED]
    verdict, reasons = _verdict(
        [*failures, *smoke.failures],
        smoke.gaps,
        f"Credentials are set, the system is reachable, and the read-only smoke subset passed with no failed "
        f"or broken rule ({sum(g.passed for g in groups)} rules passed in groups {', '.join(passed_groups)}).",
    )
    versions = {profile.api: contract.version}
    facts: dict[str, Any] = {
        "profile": profile.name, "api": profile.api, "environment": profile.environment,
        "base_url": profile.base_url, "token_url": profile.token_url, "started": started.isoformat(),
        "run_id": smoke.run_id or run_id, "harness_version": harness_version(), "contract_versions": versions,
        "credentials": [asdict(c) for c in credentials], "reachability": [asdict(c) for c in reachability],
        "smoke": smoke.summary,
    }  # fmt: skip
    (evidence / CHECKS_FILE).write_text(
        redactor.text(json.dumps(facts, indent=2, ensure_ascii=False)) + "\n", encoding="utf-8"
    )
    files, bundle_hash = write_manifest(evidence)
    certificate = Certificate(
        partner=contract.rules.vendor,
        api=profile.api,
        api_title=contract.rules.title,
        profile=profile.name,
        environment=profile.environment,
        base_url=profile.base_url,
        token_url=profile.token_url,
        date=started.strftime("%Y-%m-%d %H:%M:%S UTC"),
        run_id=smoke.run_id or run_id,
        verdict=verdict,
        reasons=reasons,
        credentials=credentials,
        reachability=reachability,
        smoke=smoke.summary,
        groups=groups,
        tests=smoke.tests,
        failed=smoke.failed,
        discrepancies=smoke.discrepancies,
        evidence=files,
        bundle_hash=bundle_hash,
        harness_version=harness_version(),
        contract_versions=versions,
    )
    md, page = out / "certificate.md", out / "certificate.html"
    md.write_text(redactor.text(render_markdown(certificate)), encoding="utf-8")
    page.write_text(redactor.text(render_html(certificate)), encoding="utf-8")
    say(f"  {verdict}: {' '.join(reasons)}")
    say(f"  certificate: {md} and {page.name}; evidence bundle sha256 {bundle_hash}")
    return ProfileOnboarding(profile.name, profile.api, verdict, reasons, out, md, page, bundle_hash)


# ── entry points ────────────────────────────────────────────────────────────────────────────────


def _output_dirs(profiles: list[TargetProfile], output: Path | None, stamp: str) -> list[Path]:
    """One directory per profile: ``output`` itself for one profile, ``output/<profile>`` for several,
    ``reports/onboarding/<profile>-<UTC timestamp>`` by default."""
    if output is None:
        dirs = [ONBOARDING_DIR / f"{p.name}-{stamp}" for p in profiles]
    elif len(profiles) == 1:
        dirs = [output]
    else:
        dirs = [output / p.name for p in profiles]
    if len(set(dirs)) != len(dirs):
        raise UsageError("two profiles share a name: onboard them one at a time, each with its own --output")
    for directory in dirs:
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise UsageError(
                f"output directory {directory} is not empty: a certificate's evidence must be this run's alone; "
                "choose another --output"
            )
    return dirs


def onboard(
    profile_names: Sequence[str],
    output: Path | None = None,
    *,
    allow_production: bool = False,
    start: Starter = SuiteRun.start,
    echo: Callable[[str], None] = click.echo,
) -> OnboardingResult:
    """Onboard each profile (a name under an API folder's profiles/, or a path); UsageError for an unknown or
    malformed profile, an API without a suite, or a production profile without ``allow_production``,
    before anything is checked or sent."""
    names = list(dict.fromkeys(profile_names))
    if not names:
        raise UsageError("onboard needs at least one --profile NAME")
    profiles = [load_profile(name) for name in names]
    for profile in profiles:
        if profile.api not in suite_apis():
            raise UsageError(
                f"profile {profile.name!r} is for {profile.api!r}, which has no suite folder (<api>/suite/)"
            )
        gate_production(profile, allow_production)
    dirs = _output_dirs(profiles, output, datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))
    return OnboardingResult(
        [
            _onboard_one(name, profile, out, allow_production=allow_production, start=start, echo=echo)
            for name, profile, out in zip(names, profiles, dirs, strict=True)
        ]
    )


@click.command("onboard")
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    required=True,
    help="target profile: a name under an API folder's profiles/, or a path; repeatable",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="where the certificate and evidence go (default reports/onboarding/<profile>-<UTC timestamp>; "
    "with several profiles, one subdirectory each)",
)
@click.option("--allow-production", is_flag=True, help="allow a profile whose environment is production")
@reports_errors
def onboard_command(profiles: tuple[str, ...], output: Path | None, allow_production: bool) -> None:
    """Onboard a partner system: credentials, reachability and the read-only smoke subset per API,
    then a certificate to sign (certificate.md and certificate.html) with the evidence and its hash.

    Exit 0 when every profile PASSED, 1 when a check or rule failed or the run was incomplete,
    2 on an unknown or malformed profile.
    """
    result = onboard(profiles, output, allow_production=allow_production)
    raise SystemExit(result.exit_code)

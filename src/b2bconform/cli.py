"""The ``b2bconform`` command line: audit recorded traffic, serve sandboxes, list rules, run suites.

Exit codes: 0 conforming (or tests passed), 1 findings (or tests failed), 2 the command could not
judge anything as asked (usage error, malformed input, nothing to judge, pytest could not run).
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from b2bconform.audit import AuditReport, audit
from b2bconform.contract import Contract, known_apis
from b2bconform.errors import B2BConformError
from b2bconform.model import Finding
from b2bconform.rules import Rule

__all__ = ["REPO_ROOT", "SUITES_DIR", "cli", "main"]

REPO_ROOT = Path(__file__).resolve().parents[2]
SUITES_DIR = REPO_ROOT / "suites"

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])

_API = click.Choice(known_apis())
_FORMAT = click.Choice(["text", "json"])


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _reports_errors(command: F) -> F:
    """Turn the harness's own errors into `error: …` on stderr and exit 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except B2BConformError as exc:
            _fail(str(exc))

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="b2bconform", prog_name="b2bconform")
def cli() -> None:
    """Conformance harness for B2B partner APIs: vendor documents as executable contracts."""


# ── audit ─────────────────────────────────────────────────────────────────────────────────────


@cli.command("audit")
@click.argument("cassettes", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="CASSETTE...")
@click.option("--api", required=True, type=_API, help="the API the traffic was recorded against")
@click.option("--format", "output_format", type=_FORMAT, default="text", show_default=True)
@click.option(
    "--side",
    type=click.Choice(["vendor", "client"]),
    default="vendor",
    show_default=True,
    help="judge the vendor's behaviour, or our client's outgoing requests",
)
@_reports_errors
def audit_command(cassettes: tuple[Path, ...], api: str, output_format: str, side: str) -> None:
    """Judge recorded VCR.py cassettes against API's contract.

    Exit 0 when every interaction conforms, 1 when there are findings, 2 on unusable input.
    """
    report = audit(cassettes, api, side="client" if side == "client" else "vendor")
    if report.interactions == 0:
        _fail(f"no interactions to judge in {', '.join(report.files)}; nothing was checked")
    if output_format == "json":
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(_render_text(report))
    sys.exit(EXIT_FINDINGS if report.findings else EXIT_OK)


def _render_text(report: AuditReport) -> str:
    blocks: list[str] = []
    current: str | None = None
    for finding in report.findings:
        # Interaction numbers restart in each file, so say which file when there are several.
        if len(report.files) > 1 and finding.source != current:
            current = finding.source
            blocks.append(f"== {current}")
        blocks.append(_render_finding(finding))
    blocks.append(_summary(report))
    return "\n".join(blocks)


def _render_finding(finding: Finding) -> str:
    return (
        f"interaction {finding.interaction}  {finding.rule} [{finding.severity.value}] "
        f"{finding.operation} {finding.path or '(message)'}\n"
        f"    Received: {finding.received}\n"
        f"    Documented: {finding.expected}\n"
        f"    {finding.message}"
    )


def _summary(report: AuditReport) -> str:
    if not report.findings:
        return f"{report.interactions} interactions, conforming"
    return f"{report.interactions} interactions, {len(report.findings)} findings ({len(report.rules)} rules)"


# ── sandbox ───────────────────────────────────────────────────────────────────────────────────


@cli.group("sandbox")
def sandbox_group() -> None:
    """The embedded vendor doubles: serve one over HTTP, list its faults."""


@sandbox_group.command("serve")
@click.option("--api", required=True, type=_API)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="default: a free port, printed at start"
)
@click.option("--fault", default=None, help="run with this named misbehaviour (see `sandbox faults`)")
@_reports_errors
def sandbox_serve(api: str, port: int, fault: str | None) -> None:
    """Serve API's sandbox on 127.0.0.1 until interrupted."""
    from b2bconform.sandboxes.serve import serve  # uvicorn is only needed here

    serve(api, port=port, fault=fault)


@sandbox_group.command("faults")
@click.option("--api", required=True, type=_API)
@_reports_errors
def sandbox_faults(api: str) -> None:
    """List API's sandbox faults: name, the one rule it breaks, what it does."""
    from b2bconform.sandboxes import get_sandbox

    faults = list(get_sandbox(api).faults.values())
    name_width = max((len(f.name) for f in faults), default=0)
    rule_width = max((len(f.rule) for f in faults), default=0)
    for fault in faults:
        click.echo(f"{fault.name:<{name_width}}  {fault.rule:<{rule_width}}  {fault.description}")


# ── rules ─────────────────────────────────────────────────────────────────────────────────────


@cli.command("rules")
@click.option("--api", required=True, type=_API)
@click.option("--format", "output_format", type=_FORMAT, default="text", show_default=True)
@_reports_errors
def rules_command(api: str, output_format: str) -> None:
    """List API's rule catalogue: id, direction, severity, how it is verified, statement."""
    catalogue = Contract.load(api).rules
    rules = list(catalogue)
    if output_format == "json":
        click.echo(json.dumps([_rule_dict(r) for r in rules], indent=2, ensure_ascii=False))
        return
    for setting in catalogue.settings.values():
        # the assumptions first: a profile's `settings:` may override them
        click.echo(f"setting {setting.name} = {json.dumps(setting.value)}  (decision: {setting.decision})")
    for rule in rules:
        click.echo(
            f"{rule.id}  {rule.direction.value}  {rule.severity.value}  "
            f"{rule.check or 'test'}  {rule.statement}"
        )
        if rule.decision:
            click.echo(f"    decision: {rule.decision}")


def _rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "statement": rule.statement,
        "direction": rule.direction.value,
        "severity": rule.severity.value,
        "kind": rule.kind,
        "operations": list(rule.operations),
        "check": rule.check,  # null: verified by a suite test, not a check
        "source": {"file": rule.source.file, "section": rule.source.section},
        "decision": rule.decision,
    }


# ── run ───────────────────────────────────────────────────────────────────────────────────────


def _suite_apis() -> list[str]:
    return sorted(p.name for p in SUITES_DIR.iterdir() if p.is_dir()) if SUITES_DIR.is_dir() else []


@cli.command("run")
@click.option("--api", "apis", multiple=True, type=_API, help="repeatable; default: every API with a suite")
@click.option("--target", type=click.Choice(["sandbox", "live"]), default="sandbox", show_default=True)
@click.option("--profile", default=None, help="target profile under profiles/ (or a path), for --target live")
@click.option("--allow-writes", is_flag=True, help="let writes reach a live target whose profile allows them")
@click.option(
    "--reports",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO_ROOT / "reports",
    show_default=True,
    help="where Allure results, JUnit XML and the conformance matrix go",
)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- PYTEST_ARGS...]")
@_reports_errors
def run_command(
    apis: tuple[str, ...],
    target: str,
    profile: str | None,
    allow_writes: bool,
    reports: Path,
    pytest_args: tuple[str, ...],
) -> None:
    """Run the conformance suites with pytest and write the reports.

    Exit 0 when every test passed, 1 when tests failed, 2 when pytest could not run them.
    """
    args = _pytest_args(list(apis) or _suite_apis(), target, profile, allow_writes, reports, pytest_args)
    # A fresh interpreter, so pytest's assertion rewriting sees the suites before anything imports them.
    code = subprocess.run([sys.executable, "-m", "pytest", *args], check=False).returncode
    click.echo(f"reports: {reports} (allure-results/, junit.xml, conformance.json, conformance.md)")
    sys.exit(EXIT_OK if code == 0 else EXIT_FINDINGS if code == 1 else EXIT_USAGE)


def _pytest_args(
    apis: Sequence[str],
    target: str,
    profile: str | None,
    allow_writes: bool,
    reports: Path,
    extra: Sequence[str],
) -> list[str]:
    if not apis:
        _fail(f"no suites found under {SUITES_DIR}")
    missing = [api for api in apis if not (SUITES_DIR / api).is_dir()]
    if missing:
        _fail(f"no suite for {', '.join(missing)} under {SUITES_DIR} (suites: {', '.join(_suite_apis())})")
    if target == "live" and not profile:
        _fail("--target live needs --profile NAME (a file under profiles/)")
    reports = reports.resolve()
    args = [str(SUITES_DIR / api) for api in apis]
    args += ["--alluredir", str(reports / "allure-results"), "--clean-alluredir"]
    args += ["--junitxml", str(reports / "junit.xml")]
    args += ["--conformance-report", str(reports / "conformance.json")]
    args += ["-p", "no:cacheprovider", "--target", target]
    if profile:
        args += ["--profile", profile]
    if allow_writes:
        args.append("--allow-writes")
    return [*args, *extra]


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="b2bconform")


if __name__ == "__main__":
    main()

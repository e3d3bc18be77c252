"""The ``b2bconform`` command line: audit recorded traffic, serve sandboxes, list rules, run suites.

Exit codes: 0 conforming (or tests passed), 1 findings (or tests failed), 2 the command could not
judge anything as asked (usage error, malformed input, nothing to judge, pytest could not run).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

import click

from b2bconform.audit import AuditReport, audit
from b2bconform.cli_support import (
    API,
    echo_html_report,
    pytest_args_argument,
    reports_errors,
    reports_option,
    require_html_tools,
    target_options,
)
from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Finding
from b2bconform.engine.rules import Rule
from b2bconform.locations import PATH_VARIABLE
from b2bconform.reporting.matrix import reading_line
from b2bconform.runner import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    REPORTS_DIR,
    SuiteRun,
    exit_code_of,
    suite_apis,
)

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

__all__ = ["cli", "main"]


F = TypeVar("F", bound=Callable[..., Any])

_API = API
_FORMAT = click.Choice(["text", "json"])


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


_reports_errors = reports_errors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="b2bconform", prog_name="b2bconform")
@click.option(
    "--path",
    "user_folders",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="a folder of your own API folders (<api>/contract/, <api>/suite/, <api>/profiles/), used beside "
    "the shipped ones "
    f"(repeatable; added to ${PATH_VARIABLE}, which the runs it starts inherit)",
)
def cli(user_folders: tuple[Path, ...]) -> None:
    """Conformance harness for B2B partner APIs: vendor documents as executable contracts."""
    if user_folders:
        given = [str(folder.resolve()) for folder in user_folders]
        os.environ[PATH_VARIABLE] = os.pathsep.join([*given, *filter(None, [os.environ.get(PATH_VARIABLE)])])


# ── audit ─────────────────────────────────────────────────────────────────────────────────────


@cli.command("audit")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE...")
@click.option(
    "--api",
    default=None,
    type=_API,
    help="judge everything against this API (default: each interaction's API, from the contracts' operations)",
)
@click.option("--format", "output_format", type=_FORMAT, default="text", show_default=True)
@click.option(
    "--side",
    type=click.Choice(["vendor", "client"]),
    default="vendor",
    show_default=True,
    help="judge the vendor's behaviour, or our client's outgoing requests",
)
@_reports_errors
def audit_command(files: tuple[Path, ...], api: str | None, output_format: str, side: str) -> None:
    """Judge recorded traffic: VCR.py cassettes, schemathesis VCR files and HAR 1.2, mixed.

    Exit 0 when every judged interaction conforms, 1 when there are findings, 2 on unusable input
    or when nothing could be judged.
    """
    with _AuditProgress(sys.stderr) as progress:
        report = audit(files, api, side="client" if side == "client" else "vendor", progress=progress)
    if report.judged == 0:
        _fail(_nothing_judged(report, api))
    if output_format == "json":
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(_render_text(report, detected=api is None))
    sys.exit(EXIT_FINDINGS if report.findings else EXIT_OK)


def _nothing_judged(report: AuditReport, api: str | None = None) -> str:
    files = ", ".join(report.files)
    if report.interactions == 0:
        return f"no interactions to judge in {files}; nothing was checked"
    reasons = []
    if report.unclassified:
        first = report.unjudged[0].reason if report.unjudged else ""
        reasons.append(
            f"{report.unclassified} are no operation of {api} (the first: {first})"
            if api is not None
            else f"{report.unclassified} match no single known API (name it with --api)"
        )
    if report.unanswered:
        first = next((u.reason for u in report.unjudged), "")
        reasons.append(
            f"{report.unanswered} have no answer of the API recorded (the first: {first}; "
            "--side client judges the requests)"
        )
    return f"none of the {report.interactions} interactions in {files} could be judged: {'; '.join(reasons)}"


PROGRESS_MIN_BYTES = 16 * 1024 * 1024  # smaller files are read before a bar would be worth drawing


class _AuditProgress:
    """A progress bar on stderr for each large file, by bytes read; only when stderr is a terminal."""

    def __init__(self, stream: TextIO, min_bytes: int = PROGRESS_MIN_BYTES) -> None:
        self._stream = stream
        self._enabled = stream.isatty()
        self._min_bytes = min_bytes
        self._path: Path | None = None
        self._bar: ProgressBar[int] | None = None
        self._shown = 0
        self._step = 1

    def __enter__(self) -> _AuditProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._finish()  # also when a malformed entry stops the audit: the error starts a fresh line

    def __call__(self, path: Path, position: int) -> None:
        if not self._enabled:
            return
        if path != self._path:
            self._start(path)
        if self._bar is not None and position - self._shown >= self._step:
            self._bar.update(position - self._shown)
            self._shown = position

    def _start(self, path: Path) -> None:
        self._finish()
        self._path = path
        size = path.stat().st_size
        if size >= self._min_bytes:
            self._bar = click.progressbar(length=size, label=f"reading {path.name}", file=self._stream)
            self._bar.__enter__()
            self._shown, self._step = 0, max(1, size // 200)  # redraw every half percent

    def _finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _render_text(report: AuditReport, *, detected: bool = False) -> str:
    blocks: list[str] = []
    current: str | None = None
    for finding in report.findings:
        # Interaction numbers restart in each file, so say which file when there are several.
        if len(report.files) > 1 and finding.source != current:
            current = finding.source
            blocks.append(f"== {current}")
        blocks.append(_render_finding(finding))
    if detected:
        for api in sorted(report.apis):
            counts = report.apis[api]
            operations = ", ".join(f"{op} {n}" for op, n in sorted(counts.operations.items()))
            blocks.append(f"{api}: {counts.interactions} interactions ({operations})")
    blocks.extend(_render_discrepancies(report))
    blocks.extend(_render_unjudged(report))
    blocks.extend(_render_not_judged(report))
    blocks.append(_summary(report))
    return "\n".join(blocks)


def _render_unjudged(report: AuditReport) -> list[str]:
    lines = []
    if report.unclassified:
        lines.append(f"unclassified: {report.unclassified} interactions, not judged")
    if report.unanswered:
        lines.append(f"no answer of the API recorded: {report.unanswered} interactions, not judged")
    for skipped in report.unjudged:
        where = f"{skipped.source} " if len(report.files) > 1 else ""
        lines.append(
            f"    {where}interaction {skipped.interaction}  {skipped.method} {skipped.url}: {skipped.reason}"
        )
    left_out = report.unclassified + report.unanswered - len(report.unjudged)
    if left_out > 0:
        lines.append(f"    ... and {left_out} more")
    return lines


def _render_not_judged(report: AuditReport) -> list[str]:
    """Rules the recordings could not judge (they did not show what the rule reads): said, with
    why, so that "no finding" is never read as "verified"."""
    lines = []
    for api in sorted(report.apis):
        counts = report.apis[api]
        for rule, reason in sorted(counts.not_judged.items()):
            lines.append(f"not judged: {rule} on {counts.rules[rule].not_judged} interactions: {reason}")
    return lines


def _render_discrepancies(report: AuditReport) -> list[str]:
    """Traffic following another reading of the document: listed apart, with every reading."""
    lines = []
    for found in report.discrepancies:
        where = f"{found.source} " if len(report.files) > 1 else ""
        lines.append(
            f"discrepancy: {where}interaction {found.interaction}  {found.rule} {found.operation} "
            f"{found.path or '(message)'}\n    Received: {found.received}"
        )
        lines += [f"    {reading_line(reading)}" for reading in found.readings]
    return lines


def _render_finding(finding: Finding) -> str:
    return (
        f"interaction {finding.interaction}  {finding.rule} [{finding.severity.value}] "
        f"{finding.operation} {finding.path or '(message)'}\n"
        f"    Received: {finding.received}\n"
        f"    Documented: {finding.expected}\n"
        f"    {finding.message}"
    )


def _summary(report: AuditReport) -> str:
    judged = f"{report.interactions} interactions"
    if report.judged != report.interactions:
        judged += f" ({report.judged} judged)"
    settle = (
        f", {len(report.discrepancies)} discrepancies for the vendor to settle"
        if report.discrepancies
        else ""
    )
    if not report.findings:
        return f"{judged}, conforming{settle}"
    return f"{judged}, {len(report.findings)} findings ({len(report.rules)} rules){settle}"


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
@click.option(
    "--credentials-from-env",
    "prefix",
    default=None,
    metavar="PREFIX",
    help="accept the credentials in PREFIX_<NAME> (and PREFIX_SITE2_<NAME> for a second site) "
    "instead of the demo ones; NAME is the credential's name upper-cased, other characters as _ "
    "(ClientAuthKey: PREFIX_CLIENTAUTHKEY, {apiKey}: PREFIX_APIKEY); the values are never printed",
)
@_reports_errors
def sandbox_serve(api: str, port: int, fault: str | None, prefix: str | None) -> None:
    """Serve API's sandbox on 127.0.0.1 until interrupted.

    At start it prints what a client needs: the base URL (and the WSDL URL, or the token URL and
    tenant), the operations, and each credential: what it is, where it is sent, the variable a live
    profile reads it from, and its demo value. It accepts its demo credentials, or with
    --credentials-from-env only the values in those environment variables (never printed): e.g.
    canary values, to prove a run writes none of them.
    """
    from b2bconform.sandboxes.serve import credentials_from_env, serve  # uvicorn is only needed here

    credentials = credentials_from_env(api, prefix) if prefix else None
    serve(api, port=port, fault=fault, credentials=credentials)


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


@cli.command("run")
@click.option("--api", "apis", multiple=True, type=_API, help="repeatable; default: every API with a suite")
@target_options()
@click.option("--record", is_flag=True, help="with --target live: write each test's traffic as a cassette")
@click.option(
    "--cassette-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="where --record writes and --target replay reads cassettes (default <api>/suite/cassettes)",
)
@reports_option(REPORTS_DIR, "where Allure results, JUnit XML and the conformance matrix go")
@click.option(
    "--html",
    is_flag=True,
    help="then build the offline HTML report (reports/allure-report; needs Java and the Allure command "
    "line that `b2bconform report setup` installs); without it the run exits 2",
)
@pytest_args_argument
@_reports_errors
def run_command(
    apis: tuple[str, ...],
    target: str,
    profile: str | None,
    allow_writes: bool,
    allow_production: bool,
    record: bool,
    cassette_dir: Path | None,
    reports: Path,
    html: bool,
    pytest_args: tuple[str, ...],
) -> None:
    """Run the conformance suites with pytest and write the reports.

    Exit 0 when every test passed, 1 when tests failed, 2 when pytest could not run them (or, with
    --html, when the HTML report could not be built).
    """
    if html:
        require_html_tools()
    result = SuiteRun(
        apis=apis,
        target=target,
        profile=profile,
        reports=reports,
        allow_writes=allow_writes,
        allow_production=allow_production,
        record=record,
        cassette_dir=cassette_dir,
        extra=pytest_args,
    ).start()
    click.echo(f"reports: {result.reports} (allure-results/, junit.xml, conformance.json, conformance.md)")
    if html and result.exit_code != EXIT_USAGE:
        sys.exit(echo_html_report(result.reports, result.exit_code))
    sys.exit(result.exit_code)


# ── cassettes ─────────────────────────────────────────────────────────────────────────────────


@cli.group("cassettes")
def cassettes_group() -> None:
    """Recorded traffic for offline replay (`run --target replay`)."""


@cassettes_group.command("record")
@click.option("--api", "apis", multiple=True, type=_API, help="repeatable; default: every API with a suite")
@click.option(
    "--fault", default=None, help="record the sandbox running this fault (a replay then fails alike)"
)
@click.option(
    "--cassette-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="default <api>/suite/cassettes (the set shipped with the suites)",
)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- PYTEST_ARGS...]")
@_reports_errors
def cassettes_record(
    apis: tuple[str, ...], fault: str | None, cassette_dir: Path | None, pytest_args: tuple[str, ...]
) -> None:
    """Record cassettes from the sandboxes: each served on 127.0.0.1 and run as a live target.

    The set is replaced, and the recording run's conformance report is kept beside it
    (recorded-conformance.json), which a replay must reproduce. Exit as `run` does.
    """
    from b2bconform.targets.served import record_from_sandbox

    worst = 0
    for api in list(apis) or suite_apis():
        code = record_from_sandbox(
            api,
            cassette_dir=cassette_dir.resolve() if cassette_dir is not None else None,
            fault=fault,
            pytest_args=pytest_args,
        )
        worst = max(worst, code)
    sys.exit(exit_code_of(worst))


# ── workflows and reports (each command lives beside its library code) ────────────────────────


def _add_workflow_commands() -> None:
    from b2bconform.reporting.html_command import report_group
    from b2bconform.reporting.merge_command import merge_command
    from b2bconform.review.command import review_command
    from b2bconform.workflows.golive import golive_command
    from b2bconform.workflows.nightly import nightly_command
    from b2bconform.workflows.onboard import onboard_command
    from b2bconform.workflows.scaffold import new_api_command

    cli.add_command(golive_command)
    cli.add_command(nightly_command)
    cli.add_command(review_command)
    cli.add_command(onboard_command)
    cli.add_command(report_group)
    cli.add_command(merge_command)
    cli.add_command(new_api_command)


_add_workflow_commands()


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="b2bconform")


if __name__ == "__main__":
    main()

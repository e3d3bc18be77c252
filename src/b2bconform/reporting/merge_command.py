"""``b2bconform merge``: one report from the report folders of several runs (CI shards).

The command is a module-level object so that the command line adds it (``cli.add_command``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from b2bconform.cli_support import echo_html_report, reports_errors, require_html_tools
from b2bconform.reporting.merge import merge_reports

__all__ = ["merge_command"]

EXIT_OK, EXIT_FINDINGS = 0, 1


@click.command("merge")
@click.argument(
    "shards",
    nargs=-1,
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="SHARD_DIR...",
)
@click.option(
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="the merged report folder (its allure-results/ and report files are replaced; allure-history/ is kept)",
)
@click.option(
    "--html",
    is_flag=True,
    help="then build the offline HTML report in OUTPUT/allure-report, its trend in OUTPUT/allure-history "
    "(needs Java and npm)",
)
@reports_errors
def merge_command(shards: tuple[Path, ...], output: Path, html: bool) -> None:
    """Merge the --reports folders of several runs (CI shards by API and target profile) into one.

    Each SHARD_DIR holds a run's conformance.json and, as `b2bconform run` writes them,
    allure-results/, junit.xml and (live runs) cleanup.json. The merged conformance.json adds the
    evidence rule by rule (a rule failed in any shard is failed), the Allure results are copied into
    one folder, the JUnit files become one <testsuites>, the clean-up lists one list.

    Exit as `run` does over all shards: 0 when every test passed (or was skipped) and no rule failed,
    1 otherwise, 2 when an input is missing or malformed (nothing is written then).
    """
    if html:
        require_html_tools()
    result = merge_reports(list(shards), output)
    s, t = result.summary, result.tests
    click.echo(
        f"merged {len(shards)} reports: {s['passed']}/{s['rules']} rules passed, {s['failed']} failed, "
        f"{s['broken']} broken, {s['untested']} untested -> {result.conformance}, {result.markdown}"
    )
    click.echo(
        f"tests: {t['passed']} passed, {t['failed']} failed, {t['broken']} broken, {t['skipped']} skipped"
    )
    copied = f"{result.allure_files} Allure result files"
    if result.duplicates:
        copied += f" ({result.duplicates} identical copies skipped)"
    click.echo(f"{copied} -> {result.output / 'allure-results'}")
    for path in (result.junit, result.cleanup):
        if path is not None:
            click.echo(f"-> {path}")
    code = EXIT_FINDINGS if s["failed"] or t["failed"] or t["broken"] else EXIT_OK
    sys.exit(echo_html_report(result.output, code) if html else code)

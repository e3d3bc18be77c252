"""``b2bconform report html``: the offline HTML report of a run's Allure results.

The command is a module-level group so that the command line adds it (``cli.add_command``).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from b2bconform.cli_support import reports_errors
from b2bconform.reporting.html import (
    ALLURE_VERSION,
    generate_html,
    install_allure,
    require_report_tools,
    tools_dir,
)

__all__ = ["html_command", "report_group", "setup_command"]

EXIT_USAGE = 2
REPORTS = Path("reports")  # in the folder the command runs in


@click.group("report")
def report_group() -> None:
    """Reports built from a run's results."""


_FOLDER = click.Path(file_okay=False, path_type=Path)


@report_group.command("html")
@click.option("--results", type=_FOLDER, default=REPORTS / "allure-results", show_default=True)
@click.option(
    "--output",
    type=_FOLDER,
    default=REPORTS / "allure-report",
    show_default=True,
    help="the report folder; it is replaced",
)
@click.option(
    "--history-dir",
    type=_FOLDER,
    default=REPORTS / "allure-history",
    show_default=True,
    help="where the trend is kept between reports",
)
@click.option("--no-history", is_flag=True, help="a report without trend, and the history folder untouched")
@click.option("--single-file", is_flag=True, help="one self-contained index.html, to mail or open from disk")
@reports_errors
def html_command(results: Path, output: Path, history_dir: Path, no_history: bool, single_file: bool) -> None:
    """Build the HTML report of Allure results with the Allure command line (Allure 2, on Java).

    Offline: the analytics tag is turned off and the page is checked to request nothing from another
    host. The Allure command line is $B2BCONFORM_ALLURE, `allure` on the PATH, or the
    allure-commandline that `b2bconform report setup` installs. Exit 0 with a report, 2 without.
    """
    history = None if no_history else history_dir
    index = generate_html(results, output, history=history, single_file=single_file)
    if single_file:
        click.echo(f"HTML report (one file, opens from disk or mail): {index}")
    else:
        click.echo(f"HTML report: {index}")
        click.echo(f"  serve the folder to read it (browsers do not load its data from file://): "
                   f"python3 -m http.server -d {output}")  # fmt: skip
    if history is not None:
        click.echo(f"history: {history} ({_runs(history)} in the trend)")


@report_group.command("setup")
@reports_errors
def setup_command() -> None:
    """Install the HTML report's tool: the pinned Allure command line (npm package
    allure-commandline) into $B2BCONFORM_TOOLS/allure, a checkout's .tools/allure, or the user's cache
    folder; then check that it and the Java it runs on work. npm uses the shell's proxy and
    certificate variables (HTTPS_PROXY, NODE_EXTRA_CA_CERTS or SSL_CERT_FILE). Idempotent.
    Exit 0 when the report can be built, 2 (saying what to install) when it cannot.
    """
    allure = install_allure()
    require_report_tools()
    click.echo(
        f"HTML report tool: allure-commandline@{ALLURE_VERSION} at {allure} (tools folder {tools_dir()})"
    )


def _runs(history: Path) -> str:
    try:
        count = len(json.loads((history / "history-trend.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return "no run"
    return f"{count} run" + ("s" if count != 1 else "")

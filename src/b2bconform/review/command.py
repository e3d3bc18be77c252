"""``b2bconform review``: write the list of discrepancies to raise with each vendor.

Exit 0 when the list was written and every example judges as judging.yaml records; 1 when there is
drift (the list is written all the same, with the drift in it); 2 when an examples folder is
malformed (the file, the line and what was expected are named) or the command was misused.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from b2bconform.cli_support import reports_errors
from b2bconform.review.judging import review
from b2bconform.review.report import write_report

__all__ = ["DEFAULT_OUTPUT", "review_command"]

DEFAULT_OUTPUT = Path("reports") / "vendor-doc-review.md"  # in the folder the command runs in
EXIT_OK, EXIT_DRIFT, EXIT_USAGE = 0, 1, 2


@click.command("review")
@click.option(
    "--api",
    "apis",
    multiple=True,
    metavar="NAME",
    help="repeatable; default: every API whose contract has examples",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="the Markdown list; the JSON is written beside it (same stem, .json)",
)
@click.option(
    "--contracts",
    "contracts_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="the contracts folder to review (default: the harness's contracts/)",
)
@reports_errors
def review_command(apis: tuple[str, ...], output: Path, contracts_dir: Path | None) -> None:
    """Judge each vendor document's own examples against its rules and write the discrepancies to
    raise with the vendor: where, what the document says, which reading the harness adopted.

    Exit 0 when the list matches the recorded judging, 1 on drift, 2 on a malformed examples folder.
    """
    result = review(tuple(dict.fromkeys(apis)), contracts_dir)
    markdown, data = write_report(result, output)
    for api in result.apis:
        click.echo(
            f"{api.api}: {len(api.discrepancies)} discrepancies in {api.examples} examples, "
            f"{len(api.undemonstrated)} other contradictions and silences, {len(api.drift)} drift"
        )
    click.echo(f"written: {markdown} and {data}")
    if result.drift:
        click.echo(f"drift: {len(result.drift)} example(s) no longer judge as judging.yaml records:")
        for drift in result.drift:
            click.echo(f"  {drift}")
        sys.exit(EXIT_DRIFT)
    sys.exit(EXIT_OK)

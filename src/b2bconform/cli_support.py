"""What every command shares: the error contract (`error: …`, exit 2, never a traceback) and the
options that say what to run against, so `run`, `golive`, `nightly` and `onboard` read alike."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from b2bconform.errors import B2BConformError
from b2bconform.runner import EXIT_USAGE

__all__ = ["pytest_args_argument", "reports_errors", "reports_option", "target_options"]

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn the harness's own errors into `error: …` on stderr and exit 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except B2BConformError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


def target_options(
    targets: Sequence[str] = ("sandbox", "live", "replay"), *, writes: bool = True
) -> Callable[[F], F]:
    """--target, --profile, --allow-production and (unless ``writes`` is False) --allow-writes."""

    def decorate(command: F) -> F:
        options = [
            click.option(
                "--target",
                type=click.Choice(list(targets)),
                default="sandbox",
                show_default=True,
                help="the embedded sandboxes, a live system (--profile)"
                + (", or recorded cassettes" if "replay" in targets else ""),
            ),
            click.option(
                "--profile",
                default=None,
                help="target profile under profiles/ (or a path), for --target live",
            ),
            *(
                [
                    click.option(
                        "--allow-writes",
                        is_flag=True,
                        help="let writes reach a live target whose profile allows them",
                    )
                ]
                if writes
                else []
            ),
            click.option(
                "--allow-production", is_flag=True, help="allow a profile whose environment is production"
            ),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def reports_option(default: Path | None, help: str) -> Callable[[F], F]:
    return click.option(
        "--reports",
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=default is not None,
        help=help,
    )


def pytest_args_argument(command: F) -> F:
    """Everything after `--` goes to pytest as given."""
    return click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- PYTEST_ARGS...]")(
        command
    )


def echo_html_report(folder: Path) -> None:
    """Build the HTML report beside the reports in ``folder`` and say where it is; a machine without
    Java or npm still has every other report, so its absence is said, not raised."""
    from b2bconform.reporting.html import report_beside

    try:
        index = report_beside(folder)
    except B2BConformError as exc:
        click.echo(f"no HTML report: {exc}", err=True)
        return
    click.echo(f"HTML report: {index} (serve it: python3 -m http.server -d {index.parent})")

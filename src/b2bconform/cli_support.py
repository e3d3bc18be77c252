"""What every command shares: the error contract (`error: …`, exit 2, never a traceback) and the
options that say what to run against, so `run`, `golive`, `nightly` and `onboard` read alike."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from b2bconform.errors import B2BConformError
from b2bconform.runner import EXIT_USAGE

__all__ = ["API", "ApiChoice", "pytest_args_argument", "reports_errors", "reports_option", "target_options"]

F = TypeVar("F", bound=Callable[..., Any])


if TYPE_CHECKING:
    _TextParam = click.ParamType[str]
else:  # generic only to type checkers in the click versions pyproject admits
    _TextParam = click.ParamType


class ApiChoice(_TextParam):
    """An API id among the contracts found when the command runs (the shipped ones and those of
    the user's folders, which --path or $B2BCONFORM_PATH may name after this module is imported)."""

    name = "api"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from b2bconform.engine.contract import known_apis

        try:
            apis = known_apis()
        except B2BConformError as exc:
            self.fail(str(exc), param, ctx)
        if value not in apis:
            self.fail(f"{value!r} is not one of {', '.join(apis) or '(no contracts found)'}", param, ctx)
        return str(value)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "API"


API = ApiChoice()


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
                help="target profile: a name under an API folder's profiles/, or a path, for --target live",
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


def require_html_tools() -> None:
    """Before a run asked for its HTML report starts: the report tool and Java are there, or the
    command stops now with what to install (exit 2), instead of after the whole run."""
    from b2bconform.reporting.html import require_report_tools

    require_report_tools()


def echo_html_report(folder: Path, exit_code: int) -> int:
    """Build the HTML report beside the reports in ``folder`` and say where it is. The command's exit
    code: ``exit_code`` with the report; 2 without it, for a run asked for its HTML report has not
    succeeded without it (every other report is still written and named)."""
    from b2bconform.reporting.html import report_beside

    try:
        index = report_beside(folder)
    except B2BConformError as exc:
        click.echo(f"error: no HTML report: {exc}", err=True)
        return 2
    click.echo(f"HTML report: {index} (serve it: python3 -m http.server -d {index.parent})")
    return exit_code

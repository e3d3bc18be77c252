"""The pytest plugin (entry point ``pytest11: b2bconform``), which minds its own business.

Installed with b2bconform it loads into every pytest run in the environment, so this module only
adds the harness's command-line options and decides whether the run is a b2bconform suite run: its
paths lie in an API folder's ``suite/`` (a shipped one, or one in a folder of ``$B2BCONFORM_PATH``), or
``--b2bconform`` asks for it. Only then is ``harness`` registered (before pytest configures its
plugins), which loads the harness's
Hypothesis profiles and seed, its markers, fixtures and reports. Any other pytest run keeps
Hypothesis's own settings and writes nothing of ours.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

__all__ = ["SUITE_RUN_INPUT", "is_suite_run"]

REPORT_DEFAULT = "reports/conformance.json"
SUITE_RUN_INPUT = "b2bconform_suite_run"  # pytest-xdist workerinput key: the controller's decision
_HARNESS = "b2bconform.harness"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("b2bconform", "b2bconform conformance harness")
    group.addoption(
        "--b2bconform",
        action="store_true",
        help="run these tests as b2bconform suites (implied when the paths lie in a suite folder)",
    )
    group.addoption(
        "--target",
        choices=("sandbox", "live", "replay"),
        default="sandbox",
        help="where requests go: the embedded sandbox (default), a live system, or recorded cassettes",
    )
    group.addoption(
        "--keep-created",
        action="store_true",
        help="live runs: delete nothing the run created (it is still listed in cleanup.json)",
    )
    group.addoption(
        "--record",
        action="store_true",
        help="with --target live: write each test's traffic, redacted, as a VCR.py cassette",
    )
    group.addoption(
        "--cassette-dir",
        default=None,
        type=Path,
        help="where --record writes and --target replay reads cassettes (default <api>/suite/cassettes)",
    )
    group.addoption(
        "--profile",
        default=None,
        help="target profile: a name under an API folder's profiles/, or a path, for --target live",
    )
    group.addoption(
        "--fault", default=None, help="run against the sandbox with this fault injected (self-tests)"
    )
    group.addoption(
        "--allow-writes",
        action="store_true",
        help="let write operations reach a live target whose profile allows writes",
    )
    group.addoption(
        "--allow-production", action="store_true", help="allow a profile whose environment is production"
    )
    group.addoption(
        "--conformance-report",
        default=REPORT_DEFAULT,
        help=f"where to write the conformance matrix (default {REPORT_DEFAULT}); '' to skip",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Before any plugin is configured: a suite run gets the harness. Its Hypothesis profiles are
    registered now, so that Hypothesis's plugin finds the one --hypothesis-profile names; the
    harness configures itself after Hypothesis has loaded it (its pytest_configure is trylast)."""
    if is_suite_run(config) and not config.pluginmanager.has_plugin(_HARNESS):
        from b2bconform.pytest_plugin import harness

        harness.register_hypothesis_profiles()
        config.pluginmanager.register(harness, _HARNESS)


def is_suite_run(config: pytest.Config) -> bool:
    """A b2bconform suite run: --b2bconform, a path inside a suite folder (or an API folder, or a
    folder of them), or (an xdist worker) the controller's decision."""
    workerinput: dict[str, Any] = getattr(config, "workerinput", {})
    if workerinput.get(SUITE_RUN_INPUT) or config.getoption("b2bconform", False):
        return True
    from b2bconform.errors import UsageError
    from b2bconform.locations import suite_dirs

    try:
        roots = [folder.resolve() for folder in suite_dirs().values()]
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    here = config.invocation_params.dir
    for arg in config.args:
        path = (here / arg.split("::", 1)[0]).resolve()
        # a suite folder or a path in one, its API folder, or the folder of API folders
        if any(path in (root, root.parent, root.parent.parent) or root in path.parents for root in roots):
            return True
    return False

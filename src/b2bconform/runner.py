"""Starting a run of the suites: the one way `run`, go-live, nightly and onboarding call pytest.

Each run is a fresh interpreter, so pytest's assertion rewriting sees the suites before anything
imports them, and a run's Hypothesis and clock state never leaks into the next.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from b2bconform.errors import InputFileError, UsageError
from b2bconform.locations import api_roots, suite_dir, suite_dirs, suite_file

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_USAGE",
    "REPORTS_DIR",
    "RunResult",
    "SuiteRun",
    "exit_code_of",
    "located_node_id",
    "suite_apis",
]

REPORTS_DIR = Path("reports")  # in the folder the command runs in
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
CONFORMANCE_FILE = "conformance.json"


def suite_apis() -> list[str]:
    """Every API with a suite (in the user's API folders and the shipped ones)."""
    return list(suite_dirs())


def exit_code_of(pytest_code: int) -> int:
    """pytest's exit code as ours: 0 every test passed, 1 tests failed, 2 anything else."""
    return EXIT_OK if pytest_code == 0 else EXIT_FINDINGS if pytest_code == 1 else EXIT_USAGE


@dataclass(frozen=True)
class SuiteRun:
    """What to run against what, and where its reports go."""

    apis: Sequence[str]
    target: str = "sandbox"
    profile: str | None = None
    reports: Path = REPORTS_DIR
    allow_writes: bool = False
    allow_production: bool = False
    record: bool = False
    cassette_dir: Path | None = None
    tests: Sequence[str] = ()  # node ids instead of whole suites (a retry of failed tests)
    extra: Sequence[str] = ()  # further pytest arguments, passed as given
    env: Mapping[str, str] = field(default_factory=dict)  # added to this process's environment

    def pytest_args(self) -> list[str]:
        apis = list(self.apis) or suite_apis()
        if not apis:
            raise UsageError(f"no suites found under {', '.join(map(str, api_roots()))}")
        missing = [api for api in apis if not suite_dir(api).is_dir()]
        if missing:
            raise UsageError(
                f"no suite for {', '.join(missing)} under {', '.join(map(str, api_roots()))} "
                f"(suites: {', '.join(suite_apis())})"
            )
        if self.target == "live" and not self.profile:
            raise UsageError(
                "--target live needs --profile NAME (a file under an API folder's profiles/, or a path)"
            )
        if self.record and self.target != "live":
            raise UsageError("--record writes a live run's traffic; it needs --target live --profile NAME")
        reports = self.reports.resolve()
        args = (
            [located_node_id(test) for test in self.tests]
            if self.tests
            else [str(suite_dir(api)) for api in apis]
        )
        args += ["--alluredir", str(reports / "allure-results"), "--clean-alluredir"]
        args += ["--junitxml", str(reports / "junit.xml")]
        args += ["--conformance-report", str(reports / CONFORMANCE_FILE)]
        args += ["-p", "no:cacheprovider", "--target", self.target]
        if self.profile:
            args += ["--profile", self.profile]
        args += ["--allow-writes"] if self.allow_writes else []
        args += ["--allow-production"] if self.allow_production else []
        args += ["--record"] if self.record else []
        if self.cassette_dir is not None:
            args += ["--cassette-dir", str(self.cassette_dir.resolve())]
        return [*args, *self.extra]

    def start(self) -> RunResult:
        """Run pytest to the end (its output goes to this process's terminal)."""
        args = self.pytest_args()
        (self.reports / CONFORMANCE_FILE).unlink(missing_ok=True)  # never read a previous run's report
        code = subprocess.run(
            [sys.executable, "-m", "pytest", *args],
            check=False,
            env={**os.environ, **self.env},
        ).returncode
        return RunResult(pytest_code=code, reports=self.reports.resolve())


def located_node_id(node_id: str) -> str:
    """A node id as a report gives it (relative to pytest's rootdir: the folder holding the API
    folders' folder, ``apis/<api>/suite/...``) made absolute, so that pytest finds it from any folder."""
    module, sep, rest = node_id.partition("::")
    found = None if Path(module).is_absolute() else suite_file(module)
    return node_id if found is None else f"{found}{sep}{rest}"


@dataclass(frozen=True)
class RunResult:
    pytest_code: int
    reports: Path

    @property
    def exit_code(self) -> int:
        return exit_code_of(self.pytest_code)

    @property
    def conformance_path(self) -> Path:
        return self.reports / CONFORMANCE_FILE

    def conformance(self) -> dict[str, Any]:
        """The run's conformance report; InputFileError when pytest wrote none (it could not run)."""
        return load_conformance(self.conformance_path)


def load_conformance(path: Path) -> dict[str, Any]:
    """A conformance.json, checked for the parts the workflows read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(
            str(path), "no conformance report: the run did not get as far as writing one"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputFileError(str(path), f"not JSON: {exc.msg}", location=f"line {exc.lineno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("apis"), dict) or "summary" not in data:
        raise InputFileError(
            str(path), "not a conformance report: expected an object with 'summary' and 'apis'"
        )
    return data

"""The HTML report: Allure 2's command line over ``allure-results``, offline and with a trend.

- The Allure command line is ``$B2BCONFORM_ALLURE``, else ``allure`` on the PATH, else the pinned npm
  package ``allure-commandline`` that ``b2bconform report setup`` installs into the tools folder
  (``tools_dir()``); npm contacts only its registry, the package's install scripts are not run, and
  the shell's proxy and certificate variables reach it. It runs on Java. A report never installs
  anything half-way through a run: without the tool it fails at once and says what to install.
- Allure embeds an analytics tag unless ``ALLURE_NO_ANALYTICS=true``; that is set, and the generated
  page is then checked (``offline.check_offline``): a report that would request anything from another
  host fails (``ThirdPartyRequestError``) and is removed.
- History: ``<history>/`` holds the ``history/`` folder of the last report. It is copied into the
  results before generating and the new one copied back after, so trends grow by one run per
  report. Reporting the same results again (a single file after the multi-file report, say) replaces
  that run's entry instead of adding one: ``<history>/previous/`` keeps the history before the last
  report, and ``<history>/last-report.json`` which results it was made from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from filelock import FileLock

from b2bconform.errors import UsageError
from b2bconform.locations import PACKAGE_DIR
from b2bconform.reporting.offline import ThirdPartyRequestError, check_offline

__all__ = [
    "ALLURE_ENV",
    "ALLURE_VERSION",
    "TOOLS_ENV",
    "find_allure",
    "generate_html",
    "install_allure",
    "npm_environment",
    "report_beside",
    "require_report_tools",
    "tools_dir",
]

ALLURE_VERSION = "2.46.1"
ALLURE_ENV = "B2BCONFORM_ALLURE"
TOOLS_ENV = "B2BCONFORM_TOOLS"  # the folder the report tool is installed into
SETUP_COMMAND = "b2bconform report setup"

NPM_TIMEOUT = 600  # seconds: a first install downloads about 30 MB
ALLURE_TIMEOUT = 900  # seconds: the shipped suites' 7000 result files take 5-10 s on two cores

CATEGORIES = [
    {"name": "Contract violations", "matchedStatuses": ["failed"]},
    {"name": "Target errors (broken, not blamed on the contract)", "matchedStatuses": ["broken"]},
]
HISTORY_STATE = "last-report.json"
HISTORY_PREVIOUS = "previous"


# ── locating the Allure command line ──────────────────────────────────────────────────────────


def tools_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the report tool is installed: ``$B2BCONFORM_TOOLS/allure``; in a checkout of the
    project ``.tools/allure`` beside its pyproject.toml; else the user's cache folder."""
    env = os.environ if environ is None else environ
    if env.get(TOOLS_ENV):
        return Path(env[TOOLS_ENV]).expanduser() / "allure"
    checkout = PACKAGE_DIR.parents[1]
    if (checkout / "pyproject.toml").is_file() and checkout / "src" / "b2bconform" == PACKAGE_DIR:
        return checkout / ".tools" / "allure"
    cache = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(cache).expanduser() / "b2bconform" / "allure"


def find_allure(*, tools: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The Allure 2 executable to run; UsageError saying how to install it when there is none."""
    env = os.environ if environ is None else environ
    given = env.get(ALLURE_ENV)
    if given:
        path = Path(given).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise UsageError(f"{ALLURE_ENV}={given}: not an executable file (it names the allure command)")
        return path
    on_path = shutil.which("allure", path=env.get("PATH", ""))
    if on_path:
        return Path(on_path)
    folder = tools if tools is not None else tools_dir(env)
    pinned = _pinned_executable(folder)
    if _pinned_version(folder) != ALLURE_VERSION or not pinned.is_file():
        raise UsageError(
            f"the HTML report needs the Allure command line, and it is not installed: run `{SETUP_COMMAND}` "
            f"(it installs allure-commandline@{ALLURE_VERSION} with npm into {folder}; `./run` does it "
            f"in a checkout), or put Allure 2's `allure` on the PATH (or set {ALLURE_ENV} to it)"
        )
    return pinned


def install_allure(*, tools: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """Install the pinned Allure command line with npm (once; a second call finds it) and return it."""
    env = os.environ if environ is None else environ
    folder = tools if tools is not None else tools_dir(env)
    folder.parent.mkdir(parents=True, exist_ok=True)
    pinned = _pinned_executable(folder)
    with FileLock(str(folder.parent / f"{folder.name}.lock"), timeout=NPM_TIMEOUT):
        if _pinned_version(folder) != ALLURE_VERSION or not pinned.is_file():
            _npm_install(folder, env)
    if _pinned_version(folder) != ALLURE_VERSION or not pinned.is_file():
        raise UsageError(f"npm did not install allure-commandline@{ALLURE_VERSION} into {folder}")
    return pinned


def require_report_tools(environ: Mapping[str, str] | None = None) -> Path:
    """The Allure command line and the Java it runs on, both present, or UsageError saying what to
    install: checked before a run starts, so that a run asked for its HTML report cannot end without."""
    env = dict(os.environ if environ is None else environ)
    allure = find_allure(environ=env)
    _require_java(env)
    return allure


def _pinned_executable(folder: Path) -> Path:
    return folder / "node_modules" / "allure-commandline" / "dist" / "bin" / "allure"


def npm_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment npm runs in: the caller's, proxy and certificate variables included. Node reads
    no system CA bundle of its own: where the shell names one (SSL_CERT_FILE, REQUESTS_CA_BUNDLE,
    CURL_CA_BUNDLE) and NODE_EXTRA_CA_CERTS is unset, npm is given it, so a TLS-intercepting proxy's
    CA that the shell trusts is trusted by npm too."""
    env = dict(environ)
    if not env.get("NODE_EXTRA_CA_CERTS"):
        for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            if env.get(name) and Path(env[name]).is_file():
                env["NODE_EXTRA_CA_CERTS"] = env[name]
                break
    env.setdefault("npm_config_update_notifier", "false")
    return env


def _pinned_version(tools_dir: Path) -> str | None:
    package = tools_dir / "node_modules" / "allure-commandline" / "package.json"
    try:
        version = json.loads(package.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None
    return version if isinstance(version, str) else None


def _npm_install(folder: Path, env: Mapping[str, str]) -> None:
    npm = shutil.which("npm", path=env.get("PATH", ""))
    if npm is None:
        raise UsageError(
            f"the HTML report needs the Allure command line, and there is none: install Node.js with npm "
            f"(Debian: apt-get install npm) so that allure-commandline@{ALLURE_VERSION} can be installed "
            f"into {folder}, or install Allure 2 yourself and put `allure` on the PATH "
            f"(or set {ALLURE_ENV} to it)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--ignore-scripts",
        "--save-exact", "--update-notifier=false", f"allure-commandline@{ALLURE_VERSION}",
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command,
            env=npm_environment(env),
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UsageError(
            f"npm install of allure-commandline@{ALLURE_VERSION} took over {NPM_TIMEOUT}s"
        ) from None
    if done.returncode != 0:
        raise UsageError(
            f"npm could not install allure-commandline@{ALLURE_VERSION} into {folder} "
            f"(exit {done.returncode}): {_tail(done.stderr or done.stdout)}{_certificate_hint(done.stderr)}"
        )


def _certificate_hint(npm_output: str) -> str:
    if not any(code in npm_output for code in ("SELF_SIGNED_CERT", "UNABLE_TO_GET_ISSUER_CERT", "CERT_")):
        return ""
    return (
        "\nnpm does not trust the certificate it was shown: behind a TLS-intercepting proxy, set "
        "NODE_EXTRA_CA_CERTS (or SSL_CERT_FILE) to the proxy's CA bundle, and HTTPS_PROXY if the proxy "
        "is not transparent"
    )


def _require_java(env: Mapping[str, str]) -> None:
    java_home = env.get("JAVA_HOME")
    if java_home:
        if not (Path(java_home) / "bin" / "java").is_file():
            raise UsageError(f"JAVA_HOME={java_home} has no bin/java; the Allure command line runs on Java")
        return
    if shutil.which("java", path=env.get("PATH", "")) is None:
        raise UsageError(
            "the Allure command line runs on Java, and there is no `java` on the PATH: install a Java "
            "runtime, 8 or newer (Debian: apt-get install default-jre-headless), or set JAVA_HOME"
        )


def _allure_env(env: Mapping[str, str]) -> dict[str, str]:
    """No analytics tag; and no Jira or Xray export, the plugins that would send results somewhere."""
    kept = {k: v for k, v in env.items() if not k.startswith(("ALLURE_JIRA_", "ALLURE_XRAY_"))}
    # A short-lived JVM: the quick compiler alone and one GC thread halve its CPU time (7000 results:
    # 9.6 s of CPU down to 4.3 s on two cores), unless the caller tunes it.
    kept.setdefault("ALLURE_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
    return {**kept, "ALLURE_NO_ANALYTICS": "true"}


def _run_allure(allure: Path, args: list[str], env: Mapping[str, str]) -> str:
    try:
        done = subprocess.run(
            [str(allure), *args],
            env=_allure_env(env),
            capture_output=True,
            text=True,
            timeout=ALLURE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UsageError(f"{allure} {' '.join(args)} took over {ALLURE_TIMEOUT}s") from None
    except OSError as exc:
        raise UsageError(f"{allure}: cannot run it: {exc}") from None
    if done.returncode != 0:
        raise UsageError(
            f"{allure} {args[0]} failed (exit {done.returncode}): {_tail(done.stderr or done.stdout)}"
        )
    return done.stdout


def _check_version(allure: Path, env: Mapping[str, str]) -> str:
    version = _run_allure(allure, ["--version"], env).strip().splitlines()[-1:] or [""]
    if not version[0].startswith("2."):
        raise UsageError(
            f"{allure} is Allure {version[0] or '(unknown version)'}; the HTML report is built with Allure 2 "
            f"(its history folder and --single-file): unset {ALLURE_ENV} and take `allure` off the PATH to "
            f"use the pinned allure-commandline@{ALLURE_VERSION}"
        )
    return version[0]


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"


# ── generating ────────────────────────────────────────────────────────────────────────────────


def generate_html(results: Path, output: Path, *, history: Path | None, single_file: bool) -> Path:
    """Build the HTML report of ``results`` into ``output`` and return its index.html.

    ``history``: the folder that keeps the trend between reports (None: a report without history).
    ``single_file``: one self-contained index.html (to mail), instead of a folder to serve.
    """
    result_files = _result_files(results)
    _refuse_to_clean(output, results, history)
    env = dict(os.environ)
    allure = require_report_tools(env)
    version = ALLURE_VERSION if allure.is_relative_to(tools_dir(env)) else _check_version(allure, env)

    _write_if_absent(results / "categories.json", json.dumps(CATEGORIES, indent=2))
    _write_if_absent(results / "environment.properties", _environment(results, version))
    trend = _Trend.of(history, result_files) if history is not None else None
    _write_executor(
        results / "executor.json", trend.build_order if trend else 1, _run_facts(results).get("run_id")
    )

    staged = results / "history"  # where Allure reads the history it extends
    _remove(staged)  # only what the history folder holds may reach the report's trend
    if trend is not None:
        trend.stage(staged)
    try:
        with _multi_file_report(output, single_file, trend is not None) as multi:
            if multi is not None:
                _run_allure(allure, ["generate", "--clean", str(results), "-o", str(multi)], env)
            if single_file:
                args = ["generate", "--clean", "--single-file", str(results), "-o", str(output)]
                _run_allure(allure, args, env)
            index = output / "index.html"
            if not index.is_file():
                raise UsageError(f"{allure} wrote no {index}")
            try:
                check_offline(output, results)
            except ThirdPartyRequestError:
                _remove(output)
                raise
            if trend is not None and multi is not None:
                trend.keep(multi / "history")
    finally:
        _remove(staged)
    return index


def _result_files(results: Path) -> list[Path]:
    if not results.is_dir():
        raise UsageError(
            f"{results}: no such directory of Allure results (b2bconform run writes reports/allure-results)"
        )
    files = sorted(results.glob("*-result.json"))
    if not files:
        raise UsageError(
            f"{results}: no Allure results in it (no *-result.json); run the suites first (b2bconform run)"
        )
    return files


def _refuse_to_clean(output: Path, results: Path, history: Path | None) -> None:
    """``allure generate --clean`` empties the output folder: never one that is not a report."""
    out = output.resolve()
    for other, what in ((results, "the results"), (history, "the history folder")):
        if other is not None and (out == other.resolve() or out in other.resolve().parents):
            raise UsageError(f"{output}: the report cannot be written over {what} ({other})")
    if output.is_file() or (
        output.is_dir() and any(output.iterdir()) and not (output / "index.html").is_file()
    ):
        raise UsageError(
            f"{output}: exists and is not an HTML report (no index.html); the report replaces the whole "
            "folder, so name a new or report folder"
        )


@contextlib.contextmanager
def _multi_file_report(output: Path, single_file: bool, keep_history: bool) -> Iterator[Path | None]:
    """Where the multi-file report goes: ``output``; with --single-file, a scratch folder when
    history is kept (Allure keeps a single file's history inside the page), else nowhere."""
    if not single_file:
        yield output
    elif not keep_history:
        yield None
    else:
        with tempfile.TemporaryDirectory(prefix="b2bconform-allure-") as scratch:
            yield Path(scratch) / "report"


def _write_if_absent(path: Path, text: str) -> None:
    if not path.exists():
        path.write_text(text, encoding="utf-8")


def _environment(results: Path, allure_version: str) -> str:
    values = {"b2bconform": _own_version(), "Python": platform.python_version(), "Allure": allure_version}
    run = _run_facts(results)
    values |= {"target": run["target"]} if "target" in run else {}
    values |= {"run.id": run["run_id"]} if "run_id" in run else {}
    return "".join(f"{key}={_property(value)}\n" for key, value in values.items())


def _run_facts(results: Path) -> dict[str, str]:
    """What the run says of itself (target, run id), when its conformance report lies beside the results."""
    try:
        run = json.loads((results.parent / "conformance.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(run, dict):
        return {}
    return {key: str(run[key]) for key in ("target", "run_id") if run.get(key)}


def _property(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def _own_version() -> str:
    try:
        return metadata.version("b2bconform")
    except metadata.PackageNotFoundError:
        return "unknown"


def _write_executor(path: Path, build_order: int, run_id: str | None) -> None:
    """The executor names the report and numbers its run in the trend; one written by CI is kept."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        if json.loads(path.read_text(encoding="utf-8")).get("type") != "b2bconform":
            return
    executor = {
        "name": "b2bconform",
        "type": "b2bconform",
        "buildOrder": build_order,
        "buildName": f"run {run_id}" if run_id else f"report {build_order}",
        "reportName": "b2bconform conformance report",
    }
    path.write_text(json.dumps(executor, indent=2), encoding="utf-8")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


# ── history ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Trend:
    """The history folder of one report: what the report builds on, and what it leaves there."""

    folder: Path
    results: str  # fingerprint of the result files (their names are uuids, new for every run)
    rerun: bool  # the last report was made from the same results
    build_order: int

    @classmethod
    def of(cls, folder: Path, result_files: list[Path]) -> _Trend:
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"{folder}: the history folder is a file")
        results = hashlib.sha256("\n".join(sorted(f.name for f in result_files)).encode()).hexdigest()
        last = _read_state(folder / HISTORY_STATE)
        if last is not None and last[0] == results:
            return cls(folder, results, rerun=True, build_order=last[1])
        return cls(folder, results, rerun=False, build_order=_last_build(folder) + 1)

    @property
    def base(self) -> Path:
        """The history this report extends: for the same results again, the one before their report."""
        return self.folder / HISTORY_PREVIOUS if self.rerun else self.folder

    def stage(self, staged: Path) -> None:
        files = _history_files(self.base)
        if files:
            staged.mkdir()
            for file in files:
                shutil.copy2(file, staged / file.name)

    def keep(self, made: Path) -> None:
        """Keep the history Allure wrote into the report (``made``) for the next report."""
        if not _history_files(made):
            raise UsageError(f"the Allure command line wrote no history into {made}")
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.rerun:  # a new run: the history it extended becomes the one before
            previous = self.folder / HISTORY_PREVIOUS
            _remove(previous)
            previous.mkdir()
            for file in _history_files(self.folder):
                shutil.move(file, previous / file.name)
        for file in _history_files(self.folder):
            file.unlink()
        for file in _history_files(made):
            shutil.copy2(file, self.folder / file.name)
        state = {"results": self.results, "build_order": self.build_order}
        (self.folder / HISTORY_STATE).write_text(json.dumps(state), encoding="utf-8")


def _read_state(path: Path) -> tuple[str, int] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["results"]), int(data["build_order"])
    except (OSError, ValueError, KeyError, TypeError):
        raise UsageError(
            f"{path}: unreadable (expected {{results, build_order}} as this command writes it); "
            "remove it to start the history again from the trend as it is"
        ) from None


def _history_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix == ".json" and p.name != HISTORY_STATE
    )


def _last_build(folder: Path) -> int:
    orders = [0]
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        trend = json.loads((folder / "history-trend.json").read_text(encoding="utf-8"))
        orders += [int(item["buildOrder"]) for item in trend if "buildOrder" in item]
    return max(orders)


def report_beside(reports: Path) -> Path:
    """The HTML report of a run's reports folder: ``allure-report/`` from ``allure-results/``, its
    trend kept in ``allure-history/`` beside them. Returns the index.html."""
    return generate_html(
        reports / "allure-results",
        reports / "allure-report",
        history=reports / "allure-history",
        single_file=False,
    )

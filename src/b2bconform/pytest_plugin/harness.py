"""The harness side of the pytest plugin, registered only for a b2bconform suite run (see the
package): markers, Hypothesis profiles, fixtures and the conformance report. Thin by design:
everything it does is delegated to ``b2bconform.session`` and ``b2bconform.reporting``."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import tempfile
from collections.abc import Generator, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from b2bconform import clock
from b2bconform.cleanup import CleanupOutcome
from b2bconform.engine.contract import Contract
from b2bconform.engine.formats.openapi import register_with_schemathesis
from b2bconform.errors import B2BConformError, InputFileError, TargetError, UsageError
from b2bconform.generation import draw_without_local_constants
from b2bconform.locations import suite_dirs
from b2bconform.pytest_plugin import REPORT_DEFAULT, SUITE_RUN_INPUT
from b2bconform.references import RUN_ID_VARIABLE
from b2bconform.reporting import allure_labels
from b2bconform.reporting.matrix import ConformanceMatrix
from b2bconform.session import HarnessSession, Judge, TargetOptions
from b2bconform.targets import WritesNotAllowed, load_profile
from b2bconform.targets.live_safety import RUN_DIR_VARIABLE, shared_run_directory
from b2bconform.targets.replay import run_facts
from b2bconform.traffic.recording import CassetteRecorder

SESSION_KEY = pytest.StashKey[HarnessSession]()
JUDGE_KEY = pytest.StashKey[Judge]()
BEGUN_KEY = pytest.StashKey[str]()  # the API a test began on (its cassette is written or played)
OUTCOME_KEY = pytest.StashKey[tuple[str, str | None]]()
DAY_VARIABLE = "B2BCONFORM_DAY"
VERDICT_KEY = pytest.StashKey[str]()  # passed | failed | broken, as the matrix counts the test
CASSETTE_KEY = pytest.StashKey[Any]()  # the cassette a replayed test plays

MARKERS = {
    "api(name)": "the API a suite test exercises (defaults to the API folder holding the suite/ folder)",
    "rules(*ids)": "rule ids this test verifies; the conformance matrix ties the test's outcome to them",
    "sandbox_only": "needs the sandbox's test data or triggers (e.g. a forced 500): the embedded sandbox, or a served one whose profile says `test_data: sandbox`",
    "writes": "performs write operations; on live targets it runs only with writes allowed",
    "smoke": "in the read-only smoke subset `b2bconform onboard` runs against a new partner system (auth, one documented success and error answer)",
}


@pytest.hookimpl(trylast=True)  # after Hypothesis's plugin has loaded --hypothesis-profile
def pytest_configure(config: pytest.Config) -> None:
    for marker, text in MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: {text}")
    _configure_hypothesis(config)
    register_with_schemathesis()  # a spec's `format: <library name>` generates the library's values
    options = TargetOptions(
        kind=config.getoption("target"),
        profile=config.getoption("profile"),
        fault=config.getoption("fault"),
        allow_writes=config.getoption("allow_writes"),
        allow_production=config.getoption("allow_production"),
        record=config.getoption("record"),
        cassette_dir=config.getoption("cassette_dir"),
    )
    if options.fault and options.kind != "sandbox":
        raise pytest.UsageError(
            "--fault injects a misbehaviour into the embedded sandbox; it needs --target sandbox"
        )
    if options.record and options.kind != "live":
        raise pytest.UsageError(
            "--record writes a live run's traffic as cassettes; it needs --target live --profile NAME"
        )
    _pin_day_from_environment()
    session = HarnessSession(options=options)
    _share_run_id(config, session)
    _share_run_directory(config)
    if options.record:
        session.recorder = CassetteRecorder(options.cassette_dir, {"hypothesis": _hypothesis_facts(config)})
    session.matrix.meta["target"] = options.describe()
    session.matrix.meta["run_id"] = session.tag.run_id  # the id every generated reference carries
    session.matrix.meta["day"] = clock.today().isoformat()  # a retry with the same data runs on it
    session.matrix.meta["hypothesis"] = _hypothesis_facts(config)  # ... and draws with this seed
    session.on_exchange = allure_labels.attach_exchange
    config.stash[SESSION_KEY] = session
    _redact_logs(config)


def register_hypothesis_profiles() -> None:
    """Registered for a suite run before pytest configures its plugins, so that Hypothesis's own
    plugin finds the profile --hypothesis-profile names (see the package's pytest_cmdline_main)."""
    from hypothesis import HealthCheck, Phase, settings

    in_ci = bool(os.environ.get("CI"))
    common: dict[str, Any] = {
        "deadline": None,
        # the judge fixture is shared by the examples of one test on purpose: it carries the history
        "suppress_health_check": [
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
        ],
    }
    # quick: the CI and main-job default; derandomized so that a verdict is reproducible run to run.
    quick = {"max_examples": 12, "derandomize": True, "database": None, **common}
    settings.register_profile("quick", **quick)
    # selftest: quick's examples without shrinking; the fault-detection self-tests need verdicts, not
    # minimal examples, and shrinking a failure costs far more than finding it.
    settings.register_profile("selftest", phases=[Phase.explicit, Phase.reuse, Phase.generate], **quick)
    # nightly: deeper and random; the seed is printed so that a failure can be replayed. Random
    # said outright: on a CI machine Hypothesis's default (which profiles inherit) is derandomized.
    settings.register_profile(
        "nightly",
        max_examples=200,
        derandomize=False,
        print_blob=True,
        database=None if in_ci else settings().database,
        **common,
    )


def _configure_hypothesis(config: pytest.Config) -> None:
    from hypothesis import core, settings

    draw_without_local_constants()  # the seed alone decides what is drawn: replays stay exact
    recorded = _recorded_hypothesis(config)
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile(recorded.get("profile") or "quick")
    if recorded.get("seed") is not None and config.getoption("hypothesis_seed", None) is None:
        # a replay generates what was recorded: the recording's seed, unless one is given
        config.option.hypothesis_seed = str(recorded["seed"])
        core.global_force_seed = int(recorded["seed"])  # type: ignore[assignment]
    if not settings().derandomize and config.getoption("hypothesis_seed", None) is None:
        seed = random.randrange(2**32)
        config.option.hypothesis_seed = str(seed)
        core.global_force_seed = seed  # type: ignore[assignment] # what --hypothesis-seed sets


def _recorded_hypothesis(config: pytest.Config) -> dict[str, Any]:
    """For --target replay: the Hypothesis profile and seed the cassettes were recorded with."""
    if config.getoption("target") != "replay":
        return {}
    directory = config.getoption("cassette_dir")
    dirs = [directory] if directory else [folder / "cassettes" for folder in suite_dirs().values()]
    facts = run_facts(dirs).get("hypothesis") or {}
    return dict(facts) if isinstance(facts, dict) else {}


def _hypothesis_facts(config: pytest.Config) -> dict[str, Any]:
    from hypothesis import settings

    seed = config.getoption("hypothesis_seed", None)
    return {
        "profile": settings.get_current_profile_name(),
        "seed": None if settings().derandomize or seed is None else int(seed),
    }


def _pin_day_from_environment() -> None:
    """B2BCONFORM_DAY=YYYY-MM-DD: generate as on that day (a retry of failed tests, the same data)."""
    value = os.environ.get(DAY_VARIABLE)
    if not value:
        return
    try:
        clock.pin(date.fromisoformat(value))
    except ValueError:
        raise pytest.UsageError(f"{DAY_VARIABLE}={value!r}: expected a date as YYYY-MM-DD") from None


def _share_run_id(config: pytest.Config, session: HarnessSession) -> None:
    """xdist workers inherit the controller's environment: one run id for the whole run."""
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        os.environ.setdefault(RUN_ID_VARIABLE, session.tag.run_id)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Reach every target the collected tests need now: missing credentials stop the run up front."""
    harness = session.config.stash[SESSION_KEY]
    if harness.options.kind == "sandbox" or session.config.option.collectonly:
        return
    for api in sorted({api for item in session.items if (api := _api_of(item)) is not None}):
        try:
            harness.target(api)
        except (TargetError, UsageError) as exc:
            pytest.exit(f"b2bconform: {exc}", returncode=2)


def pytest_report_header(config: pytest.Config) -> str:
    from hypothesis import settings

    session = config.stash[SESSION_KEY]
    seed = config.getoption("hypothesis_seed", None)
    repro = (
        "derandomized (same examples every run)"
        if settings().derandomize
        else f"seed {seed} (replay: --hypothesis-seed={seed})"
    )
    return f"b2bconform: target {session.options.describe()}; hypothesis profile {settings.get_current_profile_name()!r}, {repro}"


def _api_of(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("api")
    if marker is not None:
        return str(marker.args[0])
    parts = Path(str(item.path)).parts
    for index in range(len(parts) - 2, 0, -1):  # the nearest <api>/suite/ above the test file
        if parts[index] == "suite":
            return parts[index - 1]
    return None


def item_key(item: pytest.Item) -> str:
    """The node id, with the item's own name last: schemathesis gives one node id to the items of
    every operation, and each needs its own cassette and evidence."""
    return f"{item.nodeid.rsplit('::', 1)[0]}::{item.name}"


def _rules_of(item: pytest.Item) -> list[str]:
    return [rule for marker in item.iter_markers("rules") for rule in marker.args]


@pytest.fixture(scope="session")
def harness(pytestconfig: pytest.Config) -> Iterator[HarnessSession]:
    session = pytestconfig.stash[SESSION_KEY]
    yield session
    session.close()


@pytest.fixture
def api(request: pytest.FixtureRequest) -> str:
    name = _api_of(request.node)
    if name is None:
        raise pytest.UsageError(
            f"{request.node.nodeid}: cannot tell which API it tests; add @pytest.mark.api(NAME)"
        )
    return name


@pytest.fixture
def contract(harness: HarnessSession, api: str) -> Contract:
    return harness.contract(api)


@pytest.fixture
def judge(request: pytest.FixtureRequest, harness: HarnessSession, api: str) -> Judge:
    node = request.node
    if node.get_closest_marker("sandbox_only") and harness.test_data(api) != "sandbox":
        pytest.skip("needs a sandbox: the embedded one, or a profile with `test_data: sandbox`")
    try:
        judge = Judge(harness, api, item_key(node))
        judge.begin()  # connect now, so missing credentials stop the test before it starts
    except TargetError as exc:
        pytest.fail(f"target unavailable: {exc}", pytrace=False)
    except InputFileError as exc:
        pytest.fail(f"unusable cassette: {exc}", pytrace=False)
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    node.stash[BEGUN_KEY] = api
    recorded = getattr(judge.target, "cassette", None)
    if recorded is not None:
        node.stash[CASSETTE_KEY] = recorded
    if recorded is not None and recorded.meta.get("outcome") == "skipped":
        pytest.skip(f"skipped when recorded: {recorded.meta.get('reason') or 'no reason recorded'}")
    writes = getattr(judge.target, "writes", True)
    if node.get_closest_marker("writes") and not writes:
        pytest.skip("writes to a live target need 'writes_allowed: true' in the profile and --allow-writes")
    node.stash[JUDGE_KEY] = judge
    return judge


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    # Labels are set while the test body runs: Allure ignores a title set during fixture setup.
    judge = item.stash.get(JUDGE_KEY, None)
    if judge is not None:
        allure_labels.label_test(judge.contract, _rules_of(item), item.name)


# the last line pytest prints for one of our errors raised while a suite module is imported
_OUR_ERROR = re.compile(r"^E\s+b2bconform\.errors\.\w+: (.+)$", re.MULTILINE)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """A suite that cannot be collected because of bad input (a contract, an example, a profile) is
    reported by what is wrong and where, not by a traceback through the harness."""
    report = yield
    if report.failed:
        found = _OUR_ERROR.findall(report.longreprtext)
        if found:
            report.longrepr = f"{collector.nodeid}: {found[-1]}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" or (report.when == "setup" and report.failed):
        _record_outcome(item, call, report)
    _end_test(item, report)
    return report


def _end_test(item: pytest.Item, report: pytest.TestReport) -> None:
    """After teardown: a recording writes the test's cassette; a replay says what it did not play;
    the matrix keeps how the test ended (a test skipped before it began included)."""
    begun = item.stash.get(BEGUN_KEY, None)
    api = begun or _api_of(item)
    if api is None:
        return
    if report.when != "teardown":
        if not report.passed and OUTCOME_KEY not in item.stash:
            reason = (
                report.longrepr[2].removeprefix("Skipped: ")
                if report.skipped and isinstance(report.longrepr, tuple)
                else None
            )
            item.stash[OUTCOME_KEY] = (report.outcome, reason)
        return
    harness = item.config.stash[SESSION_KEY]
    outcome, reason = item.stash.get(OUTCOME_KEY, ("passed", None))
    if begun is not None:
        harness.end_test(api, outcome, reason)
    elif api not in harness.matrix.contracts:
        try:
            harness.contract(api)  # a skipped test's rules are named in the matrix with the reason
        except B2BConformError:
            return
    judge = item.stash.get(JUDGE_KEY, None)
    harness.matrix.record_test_outcome(
        item.nodeid,
        api,
        item.stash.get(VERDICT_KEY, outcome),  # the harness's verdict, else pytest's outcome
        _rules_of(item),
        failed_rules={f.rule for f in judge.findings} if judge is not None else (),
        reason=reason,
    )
    if begun is None:
        return
    cassette = item.stash.get(CASSETTE_KEY, None)
    if cassette is not None and outcome == "passed" and cassette.unplayed:
        item.warn(
            pytest.PytestWarning(
                f"{cassette.unplayed} of {len(cassette.keys)} recorded interactions were not replayed "
                f"({cassette.path}): the suite sends less than when it was recorded; re-record it"
            )
        )


def _record_outcome(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> None:
    judge = item.stash.get(JUDGE_KEY, None)
    api = _api_of(item)
    if api is None or judge is None:
        return
    rules = _rules_of(item)
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, WritesNotAllowed):
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {error}")
        return
    if report.passed:
        verdict = "passed"
    elif report.skipped:
        return
    elif isinstance(error, AssertionError) and not isinstance(error, TargetError):
        # Findings already failed their own rules; a plain assertion fails the test's declared rules.
        verdict = "failed" if not judge.findings else "recorded"
    else:
        verdict = "broken"
    if verdict == "passed":
        # A passing test proves the rules no check evaluates; checked rules speak through their judgements.
        rules = [
            r for r in rules if r in judge.contract.rules.ids and judge.contract.rules.get(r).check is None
        ]
    item.stash[VERDICT_KEY] = "failed" if verdict == "recorded" else verdict
    if verdict != "recorded":
        item.config.stash[SESSION_KEY].matrix.record_test(api, rules, item.nodeid, verdict)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _clean_up(session)  # first: workers clean up their own records, and the deletes are judged
    harness = session.config.stash.get(SESSION_KEY, None)
    path = session.config.getoption("conformance_report")
    if harness is None or not path or not harness.matrix.contracts:
        return
    harness.matrix.add_mutation_proven(harness.proofs.prove())
    if hasattr(session.config, "workerinput"):
        # xdist workers leave reporting to the controller: each hands over its matrix as the report's
        # JSON, which the controller merges as the worker goes down (pytest_testnodedown)
        session.config.workeroutput[MATRIX_OUTPUT] = json.loads(json.dumps(harness.matrix.as_dict()))  # type: ignore[attr-defined]
        return
    json_path, md_path = harness.matrix.write(Path(path))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        summary = harness.matrix.as_dict()["summary"]
        reporter.write_line(
            f"conformance: {summary['passed']}/{summary['rules']} rules passed, {summary['failed']} failed, "
            f"{summary['discrepancy']} discrepancies for the vendor to settle, "
            f"{summary['broken']} broken, {summary['untested']} untested -> {json_path}, {md_path}"
        )


# ── pytest-xdist: one run however many workers ─────────────────────────────────────────────────

MATRIX_OUTPUT = "b2bconform_matrix"  # workeroutput key: the worker's matrix, as the report's JSON
SEED_INPUT = "b2bconform_hypothesis_seed"  # workerinput key: the controller's Hypothesis seed


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Controller: a worker draws with the controller's seed. Workers configure themselves from the
    command line again, and a profile that is not derandomized would give each its own random
    seed: the report could then name no seed that reproduces the run."""
    node.workerinput[SEED_INPUT] = node.config.getoption("hypothesis_seed", None)
    node.workerinput[SUITE_RUN_INPUT] = True  # the worker runs the harness as the controller does


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Worker: take the controller's seed (see pytest_configure_node) before any test draws."""
    seed = getattr(session.config, "workerinput", {}).get(SEED_INPUT)
    harness = session.config.stash.get(SESSION_KEY, None)
    if seed is None or harness is None or seed == session.config.getoption("hypothesis_seed", None):
        return
    from hypothesis import core

    session.config.option.hypothesis_seed = str(seed)
    core.global_force_seed = int(seed)  # type: ignore[assignment] # what --hypothesis-seed sets
    facts = _hypothesis_facts(session.config)
    harness.matrix.meta["hypothesis"] = facts
    if harness.recorder is not None:
        harness.recorder.run_facts["hypothesis"] = facts


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object | None) -> None:
    """Controller: merge the matrix a worker handed over into the run's (see pytest_sessionfinish).
    A worker that crashed hands over nothing; the report then says less, and the terminal says why."""
    config: pytest.Config = node.config
    harness = config.stash.get(SESSION_KEY, None)
    if harness is None or not config.getoption("conformance_report"):
        return
    data = getattr(node, "workeroutput", {}).get(MATRIX_OUTPUT)
    worker = node.workerinput.get("workerid", "a worker")
    if data is None:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if error is not None and reporter is not None:
            reporter.write_line(
                f"b2bconform: {worker} went down ({error}); the conformance report lacks the "
                "evidence of the tests it ran",
                yellow=True,
            )
        return
    part = ConformanceMatrix.from_report(
        data, source=f"the conformance matrix of {worker}", load=harness.contract
    )
    harness.matrix.merge(part)


# ── live safety across workers, and the clean-up of what a run created ──────────────────────────

CLEANED_KEY = pytest.StashKey[bool]()
CLEANUP_REPORT = "cleanup.json"


def _share_run_directory(config: pytest.Config) -> None:
    """Give a live run one directory every process of it shares (the rate limit's and budget's state,
    the workers' clean-up lists): made by the controller and exported before pytest-xdist starts
    its workers, which inherit it; removed when the controller is done. A directory already named
    by the environment is kept as it is. Called from pytest_configure."""
    if config.getoption("target") != "live" or os.environ.get(RUN_DIR_VARIABLE):
        return
    directory = tempfile.mkdtemp(prefix="b2bconform-run-")
    os.environ[RUN_DIR_VARIABLE] = directory

    def remove() -> None:
        os.environ.pop(RUN_DIR_VARIABLE, None)
        shutil.rmtree(directory, ignore_errors=True)

    config.add_cleanup(remove)  # after pytest_sessionfinish: the workers' lists are read by then


def _clean_up(session: pytest.Session) -> None:
    """On a live target: attempt every delete the run registered, then list what is left (no delete
    in the API, or the delete failed) on the terminal and in cleanup.json beside the conformance
    report. An xdist worker cleans up its own records and hands its list to the controller through
    the run directory. Called from pytest_sessionfinish, before the conformance report is written
    (the deletes are judged like any other exchange)."""
    config = session.config
    harness = config.stash.get(SESSION_KEY, None)
    if harness is None or harness.options.kind != "live" or config.stash.get(CLEANED_KEY, False):
        return
    config.stash[CLEANED_KEY] = True
    harness.on_exchange = None  # no test is running: there is no Allure result to attach to
    try:
        profile = load_profile(harness.options.profile) if harness.options.profile else None
    except B2BConformError:
        profile = None  # reported when the run began: no target was made, so nothing was written
    writes = (
        harness.options.allow_writes
        and profile is not None
        and profile.writes_allowed
        and not config.getoption("keep_created")
    )

    def redact(api: str, text: str) -> str:
        try:
            return harness.target(api).redactor.text(text)
        except (TargetError, UsageError):
            return text  # no target, no request: the text cannot carry what was never sent

    outcome = harness.created.clean_up(writes_allowed=writes, redact=redact)
    harness.close()
    report = Path(config.getoption("conformance_report") or REPORT_DEFAULT)
    parts = shared_run_directory() or report.parent
    worker = getattr(config, "workerinput", None)
    if worker is not None:
        outcome.write(parts / f"cleanup-{worker['workerid']}.json")
        return
    for part in sorted(parts.glob("cleanup-*.json")):
        outcome = outcome.merge(CleanupOutcome.read(part))
        part.unlink()
    path = outcome.write(
        report.parent / CLEANUP_REPORT, target=harness.options.describe(), run=harness.tag.run_id
    )
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and (outcome.deleted or outcome.left):  # a read-only run has nothing to say
        reporter.write_line(
            f"clean-up: deleted {outcome.deleted} record(s) the run created; "
            f"{len(outcome.left)} left on the target -> {path}"
        )
        for line in outcome.summary_lines():
            reporter.write_line(f"  {line}", yellow=True)


def _redact_logs(config: pytest.Config) -> None:
    """Log records and failure texts pass through the run's redactors before pytest prints or
    writes them (terminal, live log, JUnit XML, Allure): httpx logs every request URL at INFO, and
    the ManEx key travels in the URL path."""
    config.pluginmanager.register(_RunRedaction(config), "b2bconform-redaction")


class _RunRedaction:
    """The redaction hooks; pytest's logging plugin registers after pytest_configure, so its
    handlers get the filter when the session starts."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self._targets: dict[int, Any] = {}

    def redactors(self) -> list[Any]:
        harness = self._config.stash.get(SESSION_KEY, None)
        if harness is not None:
            # kept after the session closes its targets: the run's last lines still need them
            self._targets.update((id(target), target) for target in harness._targets.values())
        return [target.redactor for target in self._targets.values()]

    def _text(self, text: str) -> str:
        from b2bconform.traffic.redaction import redact_text

        return redact_text(text, self.redactors())

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self) -> None:
        import logging

        from b2bconform.traffic.redaction import install_log_redaction

        plugin = self._config.pluginmanager.get_plugin("logging-plugin")
        names = ("caplog_handler", "report_handler", "log_cli_handler", "log_file_handler")
        handlers = [getattr(plugin, name, None) for name in names]
        install_log_redaction(self.redactors, [h for h in handlers if isinstance(h, logging.Handler)])

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtest_makereport(
        self, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        # innermost: before Allure formats the exception and reads the report
        report = yield
        if call.excinfo is not None and self.redactors():
            from b2bconform.traffic.redaction import redact_exception

            redact_exception(call.excinfo.value, self._text)
        self._redact(report)
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._redact(report)  # again, before the terminal and JUnit XML: a later wrapper may rewrite it

    def _redact(self, report: pytest.TestReport) -> None:
        if not self.redactors():
            return
        longrepr = report.longrepr
        if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
            report.longrepr = (longrepr[0], longrepr[1], self._text(longrepr[2]))
        elif longrepr is not None:
            text = report.longreprtext
            redacted = self._text(text)
            if redacted != text:
                report.longrepr = redacted  # plain text: the terminal's colours are the price
        report.sections = [(title, self._text(content)) for title, content in report.sections]

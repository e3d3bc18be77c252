"""The pytest plugin: options, markers, fixtures and the conformance report. Thin by design:
everything it does is delegated to ``b2bconform.session`` and ``b2bconform.reporting``."""

from __future__ import annotations

import os
import random
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from b2bconform.contract import Contract
from b2bconform.errors import TargetError, UsageError
from b2bconform.reporting import allure_labels
from b2bconform.session import HarnessSession, Judge, TargetOptions
from b2bconform.targets import WritesNotAllowed

SESSION_KEY = pytest.StashKey[HarnessSession]()
JUDGE_KEY = pytest.StashKey[Judge]()
REPORT_DEFAULT = "reports/conformance.json"

MARKERS = {
    "api(name)": "the API a suite test exercises (defaults to the folder under suites/)",
    "rules(*ids)": "rule ids this test verifies; the conformance matrix ties the test's outcome to them",
    "sandbox_only": "needs a behaviour only the embedded sandbox can be asked for (e.g. a forced 500)",
    "writes": "performs write operations; on live targets it runs only with writes allowed",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    _register_hypothesis_profiles()
    group = parser.getgroup("b2bconform", "b2bconform conformance harness")
    group.addoption(
        "--target",
        choices=("sandbox", "live"),
        default="sandbox",
        help="where requests go (default: the embedded sandbox)",
    )
    group.addoption(
        "--profile", default=None, help="target profile name under profiles/ (or a path), for --target live"
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


def pytest_configure(config: pytest.Config) -> None:
    for marker, text in MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: {text}")
    _configure_hypothesis(config)
    options = TargetOptions(
        kind=config.getoption("target"),
        profile=config.getoption("profile"),
        fault=config.getoption("fault"),
        allow_writes=config.getoption("allow_writes"),
        allow_production=config.getoption("allow_production"),
    )
    if options.fault and options.kind != "sandbox":
        raise pytest.UsageError(
            "--fault injects a misbehaviour into the embedded sandbox; it needs --target sandbox"
        )
    session = HarnessSession(options=options)
    session.matrix.meta["target"] = options.describe()
    session.on_exchange = allure_labels.attach_exchange
    config.stash[SESSION_KEY] = session


def _register_hypothesis_profiles() -> None:
    """Registered when the plugin loads, before Hypothesis's own plugin reads --hypothesis-profile."""
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
    # nightly: deeper and random; the seed is printed so that a failure can be replayed.
    settings.register_profile(
        "nightly",
        max_examples=200,
        print_blob=True,
        database=None if in_ci else settings().database,
        **common,
    )


def _configure_hypothesis(config: pytest.Config) -> None:
    from hypothesis import core, settings

    if not config.getoption("hypothesis_profile", None):
        settings.load_profile("quick")
    if not settings().derandomize and config.getoption("hypothesis_seed", None) is None:
        seed = random.randrange(2**32)
        config.option.hypothesis_seed = str(seed)
        core.global_force_seed = seed  # type: ignore[assignment] # what --hypothesis-seed sets


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
    if "suites" in parts:
        index = parts.index("suites")
        if index + 1 < len(parts) - 1:
            return parts[index + 1]
    return None


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
    if node.get_closest_marker("sandbox_only") and harness.options.kind != "sandbox":
        pytest.skip("needs the embedded sandbox")
    try:
        judge = Judge(harness, api, node.nodeid)
        judge.target  # noqa: B018 - connect now, so missing credentials stop the test before it starts
    except TargetError as exc:
        pytest.fail(f"target unavailable: {exc}", pytrace=False)
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" or (report.when == "setup" and report.failed):
        _record_outcome(item, call, report)
    return report


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
    if verdict != "recorded":
        item.config.stash[SESSION_KEY].matrix.record_test(api, rules, item.nodeid, verdict)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    harness = session.config.stash.get(SESSION_KEY, None)
    path = session.config.getoption("conformance_report")
    if harness is None or not path or not harness.matrix.contracts:
        return
    if hasattr(session.config, "workerinput"):
        return  # xdist workers leave reporting to the controller
    json_path, md_path = harness.matrix.write(Path(path))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        summary = harness.matrix.as_dict()["summary"]
        reporter.write_line(
            f"conformance: {summary['passed']}/{summary['rules']} rules passed, {summary['failed']} failed, "
            f"{summary['broken']} broken, {summary['untested']} untested -> {json_path}, {md_path}"
        )

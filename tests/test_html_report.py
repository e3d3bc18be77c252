"""The offline HTML report (`b2bconform report html`): Allure 2 over real allure-pytest results, its
history between reports, the single file, its errors, and what a real browser makes of it."""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from b2bconform.errors import UsageError
from b2bconform.reporting.html import ALLURE_ENV, find_allure, generate_html, install_allure
from b2bconform.reporting.html_command import report_group
from b2bconform.reporting.offline import PLAYWRIGHT_TRACE_TYPE, ThirdPartyRequestError, check_offline
from headless_chromium import Visit, off_machine, png_colours, rendered_text, visit

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

TINY_SUITE = """
import pytest

def test_a_conforming_purchase_order_is_accepted():
    assert True

def test_an_accepted_request_breaking_a_rule_is_a_contract_violation():
    assert 403 == 200, "MODUSLINK_PO-REQ-012"

def test_an_unreachable_target_is_broken_not_blamed_on_the_contract():
    raise ConnectionError("cannot connect")

@pytest.mark.skip(reason="sandbox only")
def test_a_sandbox_only_check_is_skipped_on_a_live_target():
    pass
"""
TEST_NAMES = [line[4:].split("(")[0] for line in TINY_SUITE.splitlines() if line.startswith("def test_")]
SHOWN_TEST = "test_an_accepted_request_breaking_a_rule_is_a_contract_violation"


def _run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(report_group, ["html", *args], env=env)


def _trend(path: Path) -> list[dict[str, Any]]:
    trend: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return trend


def _leaves(node: dict[str, Any]) -> list[str]:
    """The test names under a node of Allure's trees (category -> message -> test)."""
    children = node.get("children")
    return [name for child in children for name in _leaves(child)] if children else [node["name"]]


def _embedded(index: Path, name: str) -> bytes:
    """A file Allure embedded in a single-file report (``d('name','<base64>')``)."""
    match = re.search(rf"d\('{re.escape(name)}','([A-Za-z0-9+/=]*)'\)", index.read_text(encoding="utf-8"))
    assert match, f"{name} is not embedded in {index}"
    return base64.b64decode(match.group(1))


# ── the reports, made once for the module ─────────────────────────────────────────────────────


@dataclass(frozen=True)
class Reports:
    results: list[Path]  # two runs of the tiny suite
    history: Path
    first: Path  # multi-file report of the first run, through the command
    command: Result
    second: Path  # multi-file report of the second run
    single: Path  # single-file report of the second run again


def _pytest_runs(root: Path, count: int) -> list[Path]:
    (root / "test_po_tiny.py").write_text(TINY_SUITE, encoding="utf-8")
    outs = [root / f"allure-results-{n}" for n in range(1, count + 1)]
    # allure-pytest alone: the other installed plugins take seconds to load and add nothing here
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "allure_pytest.plugin"]
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    runs = [
        subprocess.Popen(
            [*command, "--rootdir", str(root), "test_po_tiny.py", "--alluredir", str(out)],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for out in outs
    ]
    for run in runs:
        output, _ = run.communicate(timeout=120)
        assert run.returncode == 1, output  # one test fails, one is broken: pytest says 1
    return outs


@pytest.fixture(scope="session")
def allure() -> Path:
    """The Allure command line the reports are made with: the one there is, else the pinned one,
    installed now (a report never installs it itself)."""
    try:
        return find_allure()
    except UsageError:
        return install_allure()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, allure: Path) -> Reports:
    root = tmp_path_factory.mktemp("html-report")
    results = _pytest_runs(root, 2)
    history = root / "allure-history"
    first = root / "report-1"
    command = _run("--results", str(results[0]), "--output", str(first), "--history-dir", str(history))
    second = root / "report-2"
    generate_html(results[1], second, history=history, single_file=False)
    single = root / "report-single"
    generate_html(results[1], single, history=history, single_file=True)
    return Reports(results, history, first, command, second, single)


# ── generating ────────────────────────────────────────────────────────────────────────────────


def test_the_command_writes_a_report_whose_data_names_every_test(reports: Reports) -> None:
    assert reports.command.exit_code == 0, reports.command.output
    index = reports.first / "index.html"
    assert f"HTML report: {index}" in reports.command.stdout
    assert f"history: {reports.history} (1 run in the trend)" in reports.command.stdout
    suites = (reports.first / "data" / "suites.json").read_text(encoding="utf-8")
    for name in TEST_NAMES:
        assert name in suites
    statuses = json.loads((reports.first / "widgets" / "summary.json").read_text())["statistic"]
    assert (statuses["passed"], statuses["failed"], statuses["broken"], statuses["skipped"]) == (1, 1, 1, 1)


def test_failures_are_contract_violations_and_broken_tests_are_target_errors(reports: Reports) -> None:
    categories = json.loads((reports.first / "data" / "categories.json").read_text(encoding="utf-8"))
    names = {category["name"]: _leaves(category) for category in categories["children"]}
    assert names == {
        "Contract violations": ["test_an_accepted_request_breaking_a_rule_is_a_contract_violation"],
        "Target errors (broken, not blamed on the contract)": [
            "test_an_unreachable_target_is_broken_not_blamed_on_the_contract"
        ],
    }


def test_the_report_carries_no_analytics_tag_or_third_party_url(reports: Reports) -> None:
    for report in (reports.first, reports.second, reports.single):
        for path in report.rglob("*"):
            if path.is_file():
                assert b"googletagmanager" not in path.read_bytes(), path
        check_offline(report, reports.results[0])  # what generate_html checked, checked again


# ── history ───────────────────────────────────────────────────────────────────────────────────


def test_a_second_run_reported_with_the_same_history_shows_a_trend_of_two_runs(reports: Reports) -> None:
    assert len(_trend(reports.first / "history" / "history-trend.json")) == 1
    second = _trend(reports.second / "history" / "history-trend.json")
    assert [entry["buildOrder"] for entry in second] == [2, 1]
    assert len(_trend(reports.second / "widgets" / "history-trend.json")) == 2
    assert _trend(reports.history / "history-trend.json") == _trend(
        reports.second / "history" / "history-trend.json"
    )


def test_reporting_the_same_results_again_does_not_count_them_twice(reports: Reports) -> None:
    # the single file was made from the second run's results after its multi-file report
    assert [entry["buildOrder"] for entry in _trend(reports.history / "history-trend.json")] == [2, 1]
    assert len(_trend(reports.history / "previous" / "history-trend.json")) == 1


def test_no_history_makes_a_report_without_trend_and_leaves_the_history_alone(
    reports: Reports, tmp_path: Path
) -> None:
    before = (reports.history / "history-trend.json").read_bytes()
    result = _run("--results", str(reports.results[0]), "--output", str(tmp_path / "r"), "--no-history")
    assert result.exit_code == 0, result.output
    assert "history:" not in result.stdout
    assert len(_trend(tmp_path / "r" / "widgets" / "history-trend.json")) == 1
    assert (reports.history / "history-trend.json").read_bytes() == before


# ── the single file ───────────────────────────────────────────────────────────────────────────


def test_the_single_file_report_is_one_page_with_its_data_and_trend_inside(reports: Reports) -> None:
    assert [p.name for p in reports.single.iterdir()] == ["index.html"]
    index = reports.single / "index.html"
    page = index.read_text(encoding="utf-8")
    sources = re.findall(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)=["']([^"']*)""", page)
    assert sources, "the page loads nothing at all?"
    assert all(source.startswith("data:") for source in sources), [
        s[:60] for s in sources if not s.startswith("data:")
    ]
    suites = _embedded(index, "data/suites.json").decode()
    for name in TEST_NAMES:
        assert name in suites
    assert len(json.loads(_embedded(index, "widgets/history-trend.json"))) == 2


# ── the offline check ─────────────────────────────────────────────────────────────────────────

GTAG = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-FVWC4GKEYS"></script>'
SCRIPT_LOADING = "fetch('https://cdn.jsdelivr.net/npm/some-widget@1/dist/widget.js')"
FONT_FACE = "@font-face{font-family:Inter;src:url(https://fonts.gstatic.com/s/inter/v12/x.woff2)}"


def _plant_in_index(report: Path, text: str) -> None:
    index = report / "index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace("</head>", f"{text}</head>", 1), encoding="utf-8"
    )


def _plant_in_script(report: Path, text: str) -> None:
    script = next((report / "assets").glob("*.js"))
    script.write_text(script.read_text(encoding="utf-8") + f";{text};", encoding="utf-8")


def _plant_stylesheet(report: Path, text: str) -> None:
    (report / "fonts.css").write_text(text, encoding="utf-8")


def _plant_inline_data_script(report: Path, text: str) -> None:
    encoded = base64.b64encode(text.encode()).decode()
    _plant_in_index(report, f'<script src="data:text/javascript;base64,{encoded}"></script>')


def _plant_protocol_relative_image(report: Path, _text: str) -> None:
    _plant_in_index(report, '<img src="//pixel.example.net/p.gif" alt="">')


@pytest.mark.parametrize(
    ("plant", "text", "host"),
    [
        (_plant_in_index, GTAG, "www.googletagmanager.com"),
        (_plant_in_script, SCRIPT_LOADING, "cdn.jsdelivr.net"),
        (_plant_stylesheet, FONT_FACE, "fonts.gstatic.com"),
        (_plant_inline_data_script, SCRIPT_LOADING, "cdn.jsdelivr.net"),
        (_plant_protocol_relative_image, "", "pixel.example.net"),
    ],
    ids=["analytics tag", "script fetch", "web font", "data: URI script", "protocol-relative image"],
)
def test_a_planted_third_party_request_fails_the_offline_check(
    reports: Reports, tmp_path: Path, plant: Any, text: str, host: str
) -> None:
    report = tmp_path / "report"
    shutil.copytree(reports.first, report)
    check_offline(report)  # clean before planting
    plant(report, text)
    with pytest.raises(ThirdPartyRequestError) as caught:
        check_offline(report)
    assert [request.host for request in caught.value.requests] == [host]
    assert host in str(caught.value)


def test_an_analytics_tag_is_named_as_such(reports: Reports, tmp_path: Path) -> None:
    report = tmp_path / "report"
    shutil.copytree(reports.first, report)
    _plant_in_index(report, GTAG)
    with pytest.raises(ThirdPartyRequestError, match="Allure's analytics tag"):
        check_offline(report)


def test_attachments_are_checked_for_what_they_load_and_not_for_what_they_mention(
    reports: Reports, tmp_path: Path
) -> None:
    results = tmp_path / "results"
    shutil.copytree(reports.results[0], results)
    (results / "a1-attachment.txt").write_text("POST https://vendor.example/api/po -> 403", encoding="utf-8")
    (results / "a2-attachment.html").write_text(
        '<a href="https://vendor.example/docs">docs</a>', encoding="utf-8"
    )
    check_offline(reports.first, results)
    (results / "a3-attachment.html").write_text('<img src="https://tracker.example/p.gif">', encoding="utf-8")
    with pytest.raises(ThirdPartyRequestError, match=r"a3-attachment\.html: https://tracker\.example/p\.gif"):
        check_offline(reports.first, results)


def test_the_playwright_trace_viewer_counts_as_third_party_once_results_hold_a_trace(
    reports: Reports, tmp_path: Path
) -> None:
    results = tmp_path / "results"
    shutil.copytree(reports.results[0], results)
    check_offline(reports.first, results)
    trace = {"name": "trace", "source": "t-attachment.zip", "type": PLAYWRIGHT_TRACE_TYPE.decode()}
    result = {"uuid": "t", "name": "t", "status": "passed", "attachments": [trace]}
    (results / "t-result.json").write_text(json.dumps(result), encoding="utf-8")
    with pytest.raises(ThirdPartyRequestError, match=r"trace\.playwright\.dev"):
        check_offline(reports.first, results)


def test_an_allure_that_ignores_the_analytics_switch_gets_no_report(
    reports: Reports, allure: Path, tmp_path: Path
) -> None:
    leaky = tmp_path / "allure"  # the pinned Allure with the analytics tag left on
    leaky.write_text(f'#!/bin/sh\nunset ALLURE_NO_ANALYTICS\nexec "{allure}" "$@"\n', encoding="utf-8")
    leaky.chmod(0o755)
    output = tmp_path / "report"
    result = _run(
        "--results",
        str(reports.results[0]),
        "--output",
        str(output),
        "--no-history",
        env={ALLURE_ENV: str(leaky)},
    )
    assert result.exit_code == 2, result.output
    assert "www.googletagmanager.com" in result.stderr
    assert "Allure's analytics tag" in result.stderr
    assert not output.exists(), "a report that phones home must not be left to be opened"


# ── errors ────────────────────────────────────────────────────────────────────────────────────


def test_a_missing_results_folder_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-results"
    result = _run("--results", str(missing), "--output", str(tmp_path / "r"), "--no-history")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {missing}: no such directory")
    assert "Traceback" not in result.output


def test_an_empty_results_folder_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    empty = tmp_path / "allure-results"
    empty.mkdir()
    (empty / "abc-container.json").write_text("{}", encoding="utf-8")
    result = _run("--results", str(empty), "--output", str(tmp_path / "r"), "--no-history")
    assert result.exit_code == 2
    assert f"error: {empty}: no Allure results in it" in result.stderr


def test_a_missing_allure_executable_is_a_usage_error(reports: Reports, tmp_path: Path) -> None:
    missing = tmp_path / "bin" / "allure"
    result = _run(
        "--results", str(reports.results[0]), "--output", str(tmp_path / "r"), env={ALLURE_ENV: str(missing)}
    )
    assert result.exit_code == 2
    assert f"{ALLURE_ENV}={missing}: not an executable file" in result.stderr


def test_without_npm_the_error_says_to_install_it(tmp_path: Path) -> None:
    no_tools = tmp_path / "bin"
    no_tools.mkdir()
    with pytest.raises(UsageError, match=r"install Node\.js with npm .*allure-commandline@2\.46\.1"):
        install_allure(tools=tmp_path / "tools", environ={"PATH": str(no_tools)})
    assert not (tmp_path / "tools" / "node_modules").exists()


def test_without_java_the_error_says_to_install_it(reports: Reports, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    allure = bin_dir / "allure"
    allure.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    allure.chmod(0o755)
    result = _run(
        "--results", str(reports.results[0]), "--output", str(tmp_path / "r"), "--no-history",
        env={ALLURE_ENV: None, "PATH": str(bin_dir), "JAVA_HOME": None},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "runs on Java" in result.stderr
    assert "apt-get install default-jre-headless" in result.stderr


def test_an_allure_that_is_not_allure_2_is_refused(reports: Reports, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    allure = bin_dir / "allure"
    allure.write_text("#!/bin/sh\necho 3.0.0\n", encoding="utf-8")
    allure.chmod(0o755)
    result = _run(
        "--results", str(reports.results[0]), "--output", str(tmp_path / "r"), "--no-history",
        env={ALLURE_ENV: None, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"{allure} is Allure 3.0.0" in result.stderr


def test_a_folder_that_is_not_a_report_is_never_emptied(reports: Reports, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = _run("--results", str(reports.results[0]), "--output", str(tmp_path), "--no-history")
    assert result.exit_code == 2
    assert "is not an HTML report" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


# ── a real browser ────────────────────────────────────────────────────────────────────────────


@contextlib.contextmanager
def _served(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _test_page(suites: dict[str, Any], name: str) -> str:
    """The report's route to one test: #suites/<its suite's uid>/<its uid>."""
    for suite in suites["children"]:
        for test in suite.get("children", []):
            if test["name"] == name:
                return f"#suites/{test['parentUid']}/{test['uid']}"
    raise AssertionError(f"{name} is not in the report's suites")


def _assert_rendered(seen: Visit) -> None:
    colours = png_colours(seen.screenshot)
    dominant = colours.most_common(1)[0][1] / sum(colours.values())
    # a blank page is one colour; the report's page is text, charts and icons
    assert len(colours) >= 200 and dominant < 0.9, (len(colours), dominant, seen.screenshot)
    text = rendered_text(seen.dom)
    assert SHOWN_TEST in text, "the test's name was not rendered"
    assert "AssertionError" in text and "MODUSLINK_PO-REQ-012" in text, "the failure was not rendered"


def test_chromium_renders_the_served_report_and_it_requests_nothing_off_the_machine(
    reports: Reports, tmp_path: Path
) -> None:
    suites = json.loads((reports.second / "data" / "suites.json").read_text(encoding="utf-8"))
    with _served(reports.second) as base:
        seen = visit(f"{base}/index.html{_test_page(suites, SHOWN_TEST)}", tmp_path)
    page = seen.page_requests("http://127.0.0.1")
    asked = {re.split(r"[?#]", request.url)[0].removeprefix(base) for request in page}
    assert {"/index.html", "/data/suites.json"} <= asked
    assert any(path.startswith("/data/test-cases/") for path in asked)
    assert off_machine(page) == []
    _assert_rendered(seen)


def test_chromium_renders_the_single_file_from_disk_and_it_requests_nothing_off_the_machine(
    reports: Reports, tmp_path: Path
) -> None:
    index = reports.single / "index.html"
    suites = json.loads(_embedded(index, "data/suites.json"))
    seen = visit(f"{index.as_uri()}{_test_page(suites, SHOWN_TEST)}", tmp_path)
    # files are read outside the net log: it holds only what went to the network (see the next test)
    assert off_machine(seen.page_requests("file://")) == []
    _assert_rendered(seen)


def test_the_browser_check_sees_a_third_party_request_planted_in_the_page(
    reports: Reports, tmp_path: Path
) -> None:
    planted = tmp_path / "planted"
    planted.mkdir()
    shutil.copy(reports.single / "index.html", planted / "index.html")
    _plant_in_index(planted, GTAG)
    seen = visit((planted / "index.html").as_uri(), tmp_path)
    assert off_machine(seen.page_requests("file://")) == [
        "https://www.googletagmanager.com/gtag/js?id=G-FVWC4GKEYS"
    ]

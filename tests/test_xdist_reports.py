"""Under pytest-xdist the controller writes one conformance report from every worker's evidence:
a run on two workers reports what a run in one process reports."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.locations import suite_dir
from b2bconform.pytest_plugin.harness import MATRIX_OUTPUT, SESSION_KEY, pytest_testnodedown
from b2bconform.reporting.matrix import ConformanceMatrix
from b2bconform.session import HarnessSession

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

ROOT = Path(__file__).resolve().parents[1]
SUITES = ("westcon_soap", "moduslink_po")
COUNTS = ("evaluated", "positive", "negative", "passed", "failed", "broken", "findings_total")


def compiled_once(cache: Path) -> dict[str, str]:
    """The environment for a pytest process, with compiled modules kept in ``cache``: without it
    (PYTHONDONTWRITEBYTECODE, as tox sets it) every process, each xdist worker included, rewrites
    and compiles some 500 plugin modules again, seconds of CPU each."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(cache)}


def _pytest(reports: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning",
        "--conformance-report", str(reports / "conformance.json"), "--junitxml", str(reports / "junit.xml"),
        "--alluredir", str(reports / "allure-results"),
    ]  # fmt: skip
    env = compiled_once(cache)
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)


@pytest.fixture(scope="session")
def pycache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "pycache"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, pycache: Path) -> dict[str, Path]:
    """The Westcon SOAP and ModusLink suites against the sandbox, in one process and on two workers."""
    root = tmp_path_factory.mktemp("xdist")
    suites = [str(suite_dir(api)) for api in SUITES]
    for name, extra in (("serial", []), ("workers", ["-n", "2"])):
        done = _pytest(root / name, pycache, *suites, "-q", *extra)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return {"serial": root / "serial", "workers": root / "workers"}


def _report(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "conformance.json").read_text(encoding="utf-8")))


def test_two_workers_report_the_rules_as_one_process_does(runs: dict[str, Path]) -> None:
    serial, workers = _report(runs["serial"]), _report(runs["workers"])
    assert sorted(workers["apis"]) == sorted(SUITES)
    for api in SUITES:
        one, two = serial["apis"][api], workers["apis"][api]
        assert {r: e["status"] for r, e in two["rules"].items()} == {
            r: e["status"] for r, e in one["rules"].items()
        }
        for rule_id, entry in one["rules"].items():
            merged = two["rules"][rule_id]
            assert [merged[key] for key in (*COUNTS, "verified")] == [
                entry[key] for key in (*COUNTS, "verified")
            ], rule_id
            assert merged["tests"] == entry["tests"], rule_id
        assert two["summary"] == one["summary"]
        assert two["summary"]["passed"] > 0


def test_every_tests_outcome_reaches_the_controllers_report(runs: dict[str, Path]) -> None:
    serial, workers = _report(runs["serial"]), _report(runs["workers"])
    assert workers["tests"] == serial["tests"]
    assert len(workers["tests"]) > 50
    junit = [(runs[name] / "junit.xml").read_text(encoding="utf-8").count("<testcase ") for name in runs]
    assert junit[0] == junit[1] > 0


def test_response_times_count_every_response_of_every_worker(runs: dict[str, Path]) -> None:
    serial, workers = _report(runs["serial"]), _report(runs["workers"])
    for api in SUITES:
        counts = [
            {op: t["count"] for op, t in r["apis"][api]["response_times"].items()} for r in (serial, workers)
        ]
        assert counts[0] == counts[1] and sum(counts[0].values()) > 0
        samples = workers["apis"][api]["response_samples_ms"]
        assert {op: len(values) for op, values in samples.items()} == counts[1]


def test_the_tests_ran_in_two_processes_of_one_run(runs: dict[str, Path]) -> None:
    results = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in (runs["workers"] / "allure-results").glob("*-result.json")
    ]
    threads = {
        label["value"].split("-")[0] for r in results for label in r["labels"] if label["name"] == "thread"
    }
    assert len(threads) == 2  # the tests did run in two worker processes
    report = _report(runs["workers"])
    assert report["run_id"] and report["target"] == "sandbox"  # one run: the workers' facts agree
    assert not {"run_ids", "targets", "days", "hypotheses"} & set(report)


def test_workers_draw_with_the_controllers_seed_and_their_findings_reach_the_report(
    tmp_path: Path, pycache: Path
) -> None:
    done = _pytest(
        tmp_path, pycache, str(suite_dir("westcon_soap") / "test_soap_auth.py"), "-n", "2", "--hypothesis-profile", "nightly",
        "--fault", "wrong-content-type",
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    shown = re.search(r"--hypothesis-seed=(\d+)", done.stdout)
    assert shown, done.stdout[-3000:]
    report = _report(tmp_path)
    assert report["hypothesis"] == {"profile": "nightly", "seed": int(shown.group(1))}
    assert "hypotheses" not in report  # not one seed per worker
    rule = report["apis"]["westcon_soap"]["rules"]["WESTCON_SOAP-RES-003"]
    assert rule["status"] == "failed" and rule["findings"] and rule["findings_total"] >= len(rule["findings"])
    assert {test["outcome"] for test in report["tests"].values()} == {"failed"} and len(report["tests"]) == 3


# ── the controller's side, without processes ──────────────────────────────────────────────────


class _Terminal:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write_line(self, line: str, **_: Any) -> None:
        self.lines.append(line)


def _controller(terminal: _Terminal) -> tuple[HarnessSession, Any]:
    harness = HarnessSession()
    stash = pytest.Stash()
    stash[SESSION_KEY] = harness
    plugins = SimpleNamespace(get_plugin=lambda name: terminal if name == "terminalreporter" else None)
    config = SimpleNamespace(
        stash=stash, getoption=lambda name: "reports/conformance.json", pluginmanager=plugins
    )
    return harness, config


def _worker_matrix() -> dict[str, Any]:
    contract = Contract.load("moduslink_po")
    matrix = ConformanceMatrix()
    matrix.add_contract(contract)
    order = {"clientRequest": {"requestHeader": {"externalMessageReference": "E1", "client": "C", "requestReference": "R" * 26},
             "order": {"custReference": "1"}, "item": [{"itemId": "1", "sku": "S", "quantity": {"uom": "EA", "value": "1"}}]}}  # fmt: skip
    accepted = {"result": "true", "requestId": "1", "requestReference": "R" * 26, "externalMessageReference": "E1",
                "links": [], "errorCode": "", "message": []}  # fmt: skip
    headers = Headers({"ClientConfigId": "c", "ClientAuthKey": "k", "Ocp-Apim-Subscription-Key": "s"})
    request = Request("POST", "https://x/purchaseapi/v1/orders", headers, json.dumps(order).encode())
    response = Response(
        202, Headers({"Content-Type": "application/json"}), json.dumps(accepted).encode(), 0.02
    )
    matrix.record_judgement(
        contract.check(Exchange(api="moduslink_po", request=request, response=response)), "t"
    )
    matrix.record_test_outcome("suites/moduslink_po/test_x.py::t", "moduslink_po", "failed", [])
    return dict(json.loads(json.dumps(matrix.as_dict())))


def test_the_controller_merges_what_each_worker_hands_over() -> None:
    terminal = _Terminal()
    harness, config = _controller(terminal)
    for worker in ("gw0", "gw1"):
        node = SimpleNamespace(
            config=config, workerinput={"workerid": worker}, workeroutput={MATRIX_OUTPUT: _worker_matrix()}
        )
        pytest_testnodedown(node, None)
    rule = harness.matrix.as_dict()["apis"]["moduslink_po"]["rules"]["MODUSLINK_PO-REQ-012"]
    assert (rule["status"], rule["evaluated"], len(rule["findings"])) == ("failed", 2, 2)
    assert (
        harness.matrix.as_dict()["apis"]["moduslink_po"]["response_times"]["createPurchaseOrder"]["count"]
        == 2
    )
    assert terminal.lines == []


def test_a_worker_that_went_down_without_its_evidence_is_named() -> None:
    terminal = _Terminal()
    harness, config = _controller(terminal)
    node = SimpleNamespace(config=config, workerinput={"workerid": "gw1"}, workeroutput={})
    pytest_testnodedown(node, "worker 'gw1' crashed while running 't'")
    assert not harness.matrix.contracts
    assert (
        terminal.lines and "gw1 went down" in terminal.lines[0] and "lacks the evidence" in terminal.lines[0]
    )

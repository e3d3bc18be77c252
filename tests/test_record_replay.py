"""Record a live run as cassettes, replay it offline: same verdicts, and a changed request is a
"cassette miss, re-record" error, never a silent pass.

The recordings are made the way the shipped cassettes are: the sandbox served on 127.0.0.1 and
the suites run against it as a live target with ``--record``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from b2bconform import clock
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.locations import suite_dir
from b2bconform.references import RunTag
from b2bconform.session import HarnessSession, TargetOptions
from b2bconform.targets.served import RECORDED_REPORT, record_from_sandbox
from b2bconform.traffic.cassettes import write_cassette
from b2bconform.traffic.recording import cassette_path
from b2bconform.traffic.redaction import Redactor

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

QUIET = ["-W", "ignore::DeprecationWarning", "--hypothesis-profile", "selftest"]


def _replay(api: str, cassettes: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", str(suite_dir(api)), "-p", "no:cacheprovider", "-q", "-rA",
               "--target", "replay", "--cassette-dir", str(cassettes), "--conformance-report", str(out / "c.json"),
               "-W", "ignore::DeprecationWarning", *extra]  # fmt: skip
    return subprocess.run(command, cwd=out, capture_output=True, text=True, timeout=900)


def _statuses(report: Path, api: str) -> dict[str, str]:
    rules = json.loads(report.read_text())["apis"][api]["rules"]
    return {rule: entry["status"] for rule, entry in rules.items()}


@pytest.fixture(scope="module")
def soap_recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cassettes = tmp_path_factory.mktemp("cassettes")
    assert record_from_sandbox("westcon_soap", cassette_dir=cassettes, pytest_args=QUIET) == 0
    return cassettes


# ── the same verdicts, offline ────────────────────────────────────────────────────────────────


def test_a_replay_reaches_the_recorded_runs_verdicts_rule_by_rule(
    soap_recording: Path, tmp_path: Path
) -> None:
    done = _replay("westcon_soap", soap_recording, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    recorded = _statuses(soap_recording / "westcon_soap" / RECORDED_REPORT, "westcon_soap")
    assert _statuses(tmp_path / "c.json", "westcon_soap") == recorded
    assert list(recorded.values()).count("passed") >= 20  # the recording judged most rules: no empty proof


def test_cassettes_hold_the_run_facts_a_replay_needs_and_no_secret(soap_recording: Path) -> None:
    from b2bconform.sandboxes import get_sandbox

    password = get_sandbox("westcon_soap")().client_credentials(0)["Password"]
    files = sorted((soap_recording / "westcon_soap").rglob("*.yaml"))
    assert len(files) >= 15
    for path in files:
        text = path.read_text()
        assert password not in text, path
        meta = yaml.safe_load(text)["b2bconform"]
        assert meta["run_id"] and meta["day"] and meta["contract_version"] and meta["hypothesis"]["profile"]
        assert meta["target"]["profile"] == "westcon_soap-sandbox"
        assert meta["target"]["credentials"][0]["Password"] is None  # secrets are recorded as null


def test_one_test_replays_alone_as_it_did_within_the_run(soap_recording: Path, tmp_path: Path) -> None:
    done = _replay("westcon_soap", soap_recording, tmp_path, "-k", "breaking_a_rule and REQ-005")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 passed" in done.stdout


def test_a_recording_of_a_faulty_sandbox_replays_as_the_same_failure(tmp_path: Path) -> None:
    cassettes = tmp_path / "cassettes"
    fault = "accepts-unknown-order-type"
    from b2bconform.sandboxes import get_sandbox

    assert fault in get_sandbox("westcon_soap").faults, sorted(get_sandbox("westcon_soap").faults)
    broken_rule = get_sandbox("westcon_soap").faults[fault].rule
    assert record_from_sandbox("westcon_soap", cassette_dir=cassettes, fault=fault, pytest_args=QUIET) == 1
    done = _replay("westcon_soap", cassettes, tmp_path)
    assert done.returncode == 1, done.stdout[-3000:]
    statuses = _statuses(tmp_path / "c.json", "westcon_soap")
    assert statuses[broken_rule] == "failed"
    assert statuses == _statuses(cassettes / "westcon_soap" / RECORDED_REPORT, "westcon_soap")


# ── a replay never passes silently ────────────────────────────────────────────────────────────


def _copy(recording: Path, tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "cassettes"
    shutil.copytree(recording, copy)
    return copy


def _first_cassette(cassettes: Path, name_part: str) -> Path:
    return next(p for p in sorted((cassettes / "westcon_soap").rglob("*.yaml")) if name_part in p.name)


@contextmanager
def _edited(path: Path) -> Iterator[dict[str, Any]]:
    data = yaml.safe_load(path.read_text())
    yield data
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_a_request_the_cassette_does_not_hold_is_a_cassette_miss_not_a_pass(
    soap_recording: Path, tmp_path: Path
) -> None:
    cassettes = _copy(soap_recording, tmp_path)
    with _edited(_first_cassette(cassettes, "refused_with_a_soap_fault_WESTCON_SOAP-REQ-005")) as data:
        for interaction in data["interactions"]:
            interaction["request"]["body"] = interaction["request"]["body"].replace("<", "< ", 1)
    done = _replay("westcon_soap", cassettes, tmp_path, "-k", "breaking_a_rule and REQ-005")
    assert done.returncode == 1, done.stdout[-3000:]
    assert "cassette miss, re-record" in done.stdout
    assert "differs in body" in done.stdout
    assert _statuses(tmp_path / "c.json", "westcon_soap")["WESTCON_SOAP-REQ-005"] == "broken"


def test_a_test_without_a_cassette_is_a_cassette_miss(soap_recording: Path, tmp_path: Path) -> None:
    cassettes = _copy(soap_recording, tmp_path)
    _first_cassette(cassettes, "refused_with_a_soap_fault_WESTCON_SOAP-REQ-005").unlink()
    done = _replay("westcon_soap", cassettes, tmp_path, "-k", "breaking_a_rule and REQ-005")
    assert done.returncode == 1
    assert "cassette miss, re-record" in done.stdout and "not found" in done.stdout


def test_a_cassette_recorded_under_another_contract_version_says_so(
    soap_recording: Path, tmp_path: Path
) -> None:
    cassettes = _copy(soap_recording, tmp_path)
    with _edited(_first_cassette(cassettes, "refused_with_a_soap_fault_WESTCON_SOAP-REQ-005")) as data:
        data["b2bconform"]["contract_version"] = "000000000000"
    done = _replay("westcon_soap", cassettes, tmp_path, "-k", "breaking_a_rule and REQ-005")
    assert "recorded against contract version 000000000000" in done.stdout
    assert "re-record" in done.stdout


def test_a_malformed_cassette_breaks_its_test_naming_the_file(soap_recording: Path, tmp_path: Path) -> None:
    cassettes = _copy(soap_recording, tmp_path)
    path = _first_cassette(cassettes, "refused_with_a_soap_fault_WESTCON_SOAP-REQ-005")
    path.write_text("b2bconform: {test: x}\ninteractions:\n  - request: [\n")
    done = _replay("westcon_soap", cassettes, tmp_path, "-k", "breaking_a_rule and REQ-005")
    assert done.returncode == 1
    assert path.name in done.stdout


def test_record_needs_a_live_target(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pytest", str(suite_dir("westcon_soap")), "--record", "-q"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 4
    assert "--record" in done.stderr and "--target live" in done.stderr


# ── the pieces ────────────────────────────────────────────────────────────────────────────────


def test_cassette_paths_are_per_test_file_safe_and_distinct() -> None:
    plain = cassette_path("moduslink_po", "suites/moduslink_po/test_auth.py::test_x")
    assert plain == suite_dir("moduslink_po") / "cassettes" / "test_auth" / "test_x.yaml"
    a = cassette_path("manex_so", "suites/manex_so/t.py::test_y[a/b]", Path("/c"))
    b = cassette_path("manex_so", "suites/manex_so/t.py::test_y[a_b]", Path("/c"))
    assert a != b and a.parent == Path("/c/manex_so/t") and "/" not in a.name


def test_a_tests_references_depend_on_the_run_and_the_test_only() -> None:
    first, second = RunTag("3LHME7UY"), RunTag("3LHME7UY")
    one = [first.for_test("suites/a.py::t1").next() for _ in range(1)]
    # another order, and other tests in between, change nothing for t1
    second.for_test("suites/a.py::t0").next()
    again = second.for_test("suites/a.py::t1").next()
    assert one == [again] and again.startswith("B2B3LHME7UY-") and len(again) <= 20
    assert first.for_test("suites/a.py::t2").next() != again
    assert RunTag("OTHERRUN1").for_test("suites/a.py::t1").next() != again


def test_generated_numbers_never_repeat_within_a_run() -> None:
    run = RunTag("3LHME7UY")
    numbers = [run.for_test(f"suites/a.py::t{i}").number(8) for i in range(300) for _ in range(3)]
    assert len(set(numbers)) == len(numbers) and all(len(n) == 8 and n.isdigit() for n in numbers)


def _recorded(path: Path, day: str, run_id: str) -> None:
    exchange = Exchange(
        api="westcon_soap",
        request=Request("POST", "https://qa.example/x", Headers(), b"<a/>"),
        response=Response(200, Headers(), b"<b/>"),
    )
    meta: dict[str, Any] = {
        "day": day,
        "run_id": run_id,
        "target": {"base_url": "https://qa.example", "credentials": [{"Username": "1", "Password": None}]},
    }
    write_cassette(path, [exchange], Redactor(), meta=meta)


def test_a_replayed_test_runs_on_its_recorded_day_with_its_recorded_run_id(tmp_path: Path) -> None:
    test_id = "suites/westcon_soap/test_x.py::test_y"
    _recorded(cassette_path("westcon_soap", test_id, tmp_path), "2020-01-02", "RECORDED1")
    session = HarnessSession(options=TargetOptions(kind="replay", cassette_dir=tmp_path))
    try:
        tag = session.begin_test("westcon_soap", test_id)
        assert clock.today() == date(2020, 1, 2)
        assert tag.next().startswith("B2BRECORDED1-")
        assert session.target("westcon_soap").credentials()["Username"] == "1"
    finally:
        clock.unpin()
        session.close()

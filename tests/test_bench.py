"""The benchmark's own code, at tiny sizes: the generated traffic is real and conforming, requests
are counted, schemathesis is given the demo credentials the way its config file takes them, and the
reports are written (and redacted). Nothing here is timed."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench import detection, economy, report
from bench.audit_throughput import worker
from bench.bare_schemathesis import config_for
from bench.common import ROOT, served
from bench.harness import SuiteResult, response_rules
from bench.traffic import templates, write_har, write_vcr

from b2bconform.audit import audit
from b2bconform.sandboxes import get_sandbox
from b2bconform.traffic import detect_format, iter_exchanges


@pytest.fixture(scope="module")
def recorded() -> list[Any]:
    return templates(variants=2)


@pytest.mark.parametrize(
    ("writer", "suffix", "kind"), [(write_vcr, ".yaml", "vcr"), (write_har, ".har", "har")]
)
def test_generated_traffic_is_read_whole_and_judged_conforming(
    tmp_path: Path, recorded: list[Any], writer: Any, suffix: str, kind: str
) -> None:
    path = writer(tmp_path / f"traffic{suffix}", 24, recorded)
    assert detect_format(path) == kind
    exchanges = list(iter_exchanges(path))
    assert len(exchanges) == 24
    created = [e for e in exchanges if e.request.method == "POST" and e.response and e.response.status == 202]
    references = {
        json.loads(e.request.body or b"{}")["clientRequest"]["requestHeader"]["requestReference"]
        for e in created
    }
    assert len(references) == len(created) == 6  # every conversation orders anew
    result = audit([path])
    assert (result.interactions, result.judged) == (24, 24)
    assert result.findings == [], [str(f) for f in result.findings[:3]]
    assert {op for counts in result.apis.values() for op in counts.operations} == {
        "createPurchaseOrder",
        "getPurchaseOrder",
    }


def test_the_served_sandbox_counts_every_request_it_gets() -> None:
    with served("moduslink_po") as target:
        for _ in range(3):
            httpx.get(target.url + "/purchaseapi/v1/orders/1", timeout=10)
        assert target.counter.requests == 3
        assert target.counter.active_seconds is not None and target.counter.active_seconds >= 0


def test_schemathesis_gets_the_demo_headers_and_the_manex_key_as_a_path_parameter() -> None:
    with served("moduslink_po") as target:
        headers = tomllib.loads(config_for(target))["headers"]
    assert headers == get_sandbox("moduslink_po")().client_headers()
    with served("manex_so") as target:
        config = tomllib.loads(config_for(target))
    assert config == {
        "parameters": {"path.apiKey": get_sandbox("manex_so")().client_credentials()["{apiKey}"]}
    }


def test_schemathesis_gets_a_bearer_token_the_westcon_sandbox_issued() -> None:
    with served("westcon_rest") as target:
        headers = tomllib.loads(config_for(target))["headers"]
        answer = httpx.post(
            target.url + "/Orders/orderStatus",
            json={},
            headers={
                "Authorization": headers["Authorization"],
                "Ocp-Apim-Subscription-Key": headers["Ocp-Apim-Subscription-Key"],
            },
            timeout=10,
        )
    assert (
        headers["Authorization"].startswith("Bearer ") and "no-token-issued" not in headers["Authorization"]
    )
    assert answer.status_code != 401  # the token is accepted (the empty body may be refused otherwise)


def test_the_audit_worker_reports_count_time_and_memory(tmp_path: Path, recorded: list[Any]) -> None:
    path = write_har(tmp_path / "small.har", 8, recorded)
    parsed, judged = worker("parse", path), worker("audit", path)
    assert parsed["interactions"] == judged["interactions"] == 8
    assert judged["judged"] == 8 and judged["findings"] == 0
    assert judged["peak_rss_mb"] >= judged["rss_after_import_mb"] > 0


def test_economy_counts_verified_response_rules_out_of_all_of_them() -> None:
    rules = response_rules("moduslink_po")
    conformance = {
        "apis": {
            "moduslink_po": {
                "rules": {
                    rules[0]: {"status": "passed"},
                    rules[1]: {"status": "failed"},
                    rules[2]: {"status": "untested"},
                }
            }
        },
        "tests": {},
    }
    result = SuiteResult("moduslink_po", 0, 1.0, [], conformance, requests=10)
    coverage = economy._coverage(result, rules)
    assert coverage["response_rules_verified"] == 2
    assert coverage["response_rules"] == len(rules) > 3
    assert coverage["requests_per_verified_rule"] == 5.0


def test_quick_detection_takes_two_faults_of_each_api() -> None:
    assert len(detection.faults_of("moduslink_po", quick=True)) == 2
    assert len(detection.faults_of("moduslink_po", quick=False)) == len(get_sandbox("moduslink_po").faults)


def test_reports_hold_a_table_per_measurement_and_no_demo_secret(tmp_path: Path) -> None:
    secret = get_sandbox("moduslink_po")().client_headers()["ClientAuthKey"]
    data = {
        "machine": {**report.machine(), "load_average_end": [0.1, 0.1, 0.1]},
        "quick": True,
        "results": {
            "economy": {
                "apis": {
                    "moduslink_po": {
                        "smoke": {"requests": 2, "response_rules_verified": 12, "response_rules": 64},
                        "full": {
                            "requests": 500,
                            "response_rules_verified": 60,
                            "response_rules": 64,
                            "note": secret,
                        },
                    }
                }
            },
            "audit": {
                "api": "moduslink_po",
                "interactions": 8,
                "files": {
                    "har": {"bytes": 1000, "parse": {"interactions": 8, "seconds": 0.1, "per_second": 80.0}}
                },
            },
        },
    }
    json_path, md_path = report.write(data, tmp_path)
    text = md_path.read_text()
    assert "## Live economy" in text and "| moduslink_po | 2 | 12/64 | 500 | 60/64 |" in text
    assert "## Audit throughput" in text and "## Detection" not in text
    assert secret not in json_path.read_text() and secret not in text
    assert json.loads(json_path.read_text())["machine"]["versions"]["schemathesis"]


def test_an_unknown_measurement_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "nothing"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "unknown measurement" in done.stderr


def test_the_tests_measurement_times_each_test_file_and_the_self_test(tmp_path: Path) -> None:
    from bench import suite_times

    result = suite_times.measure(
        ["tests/test_discrepancies.py", "tests/test_transport.py"], log=lambda _: None
    )
    assert result["exit_code"] == 0
    assert set(result["files"]) == {"tests/test_discrepancies.py", "tests/test_transport.py"}
    assert all(entry["tests"] > 0 and entry["seconds"] >= 0 for entry in result["files"].values())
    assert result["self_test_seconds"] is None  # the self-test was not among the files run
    lines = suite_times.markdown(result)
    assert lines[0] == "## The harness's own tests" and any(
        "tests/test_transport.py" in line for line in lines
    )


def test_generation_draws_bodies_every_request_rule_accepts_and_reports_them() -> None:
    from bench import generation

    results = generation.measure(["westcon_rest"], draws=3, log=lambda _: None)
    row = results["westcon_rest getOrderStatus"]
    assert (row["drawn"], row["all_accepted"], row["plain_drawn"]) == (3, True, 3)
    assert 0 <= row["plain_accepted_share"] <= 1
    [line] = [
        line for line in generation.markdown(results) if line.startswith("| westcon_rest getOrderStatus")
    ]
    assert "| 3 |" in line

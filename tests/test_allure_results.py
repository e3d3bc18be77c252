"""What Allure receives from a suite run: the labels DESIGN.md names, the source link, redacted
exchanges attached, contract violations as failed and everything else as it was."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from b2bconform.locations import suite_dir
from b2bconform.sandboxes import get_sandbox

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

RULE = "WESTCON_SOAP-REQ-004"
MODUSLINK = suite_dir("moduslink_po")


@pytest.fixture(scope="module")
def allure_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Allure results of the SOAP order-status suite against a sandbox that breaks REQ-004."""
    allure = tmp_path_factory.mktemp("allure")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(suite_dir("westcon_soap") / "test_soap_get_order_status.py"), "-q",
         "-p", "no:cacheprovider", "--fault", "accepts-unknown-order-type", "--alluredir", str(allure),
         "--conformance-report", str(allure / "conformance.json")],
        cwd=allure, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-3000:]
    return allure


@pytest.fixture(scope="module")
def results(allure_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in allure_dir.glob("*-result.json")]


def _labels(result: dict[str, Any], name: str) -> list[str]:
    return [label["value"] for label in result["labels"] if label["name"] == name]


def test_a_contract_violation_is_a_failed_result_labelled_by_its_rule(results: list[dict[str, Any]]) -> None:
    violated = [r for r in results if RULE in _labels(r, "rule") and len(_labels(r, "rule")) == 1]
    assert violated, [r["name"] for r in results]
    result = violated[0]
    assert result["status"] == "failed"
    assert result["name"].startswith(f"{RULE}: OrderNumberType is W")
    assert _labels(result, "epic") == ["Westcon"]
    assert _labels(result, "feature") == ["Westcon SOAP Order Status v2"]
    assert _labels(result, "story") == ["GetOrderStatus"]
    assert _labels(result, "severity") == ["critical"]
    assert {"request", "enum"} <= set(_labels(result, "tag"))
    links = [link["url"] for link in result.get("links", [])]
    assert any("001_2b4e72c753f32ece.txt#3.1%20Request%20Schema" in url for url in links), links
    assert "3.1 Request Schema" in result["description"]


def test_every_exchange_is_attached_with_its_findings(results: list[dict[str, Any]]) -> None:
    result = next(r for r in results if RULE in _labels(r, "rule") and r["status"] == "failed")
    names = [a["name"] for a in _attachments(result)]
    assert any(name.startswith("GetOrderStatus #") for name in names), names
    assert any(name.startswith("findings #") for name in names), names


def test_the_other_tests_pass(results: list[dict[str, Any]]) -> None:
    others = [r for r in results if RULE not in _labels(r, "rule")]
    assert others and all(r["status"] == "passed" for r in others), [(r["name"], r["status"]) for r in others]


def test_no_attachment_carries_the_password(allure_dir: Path) -> None:
    password = get_sandbox("westcon_soap")().client_credentials(0)["Password"]
    attachments = [p for p in allure_dir.iterdir() if "-attachment" in p.name]
    assert attachments and any("Password" in p.read_text(encoding="utf-8") for p in attachments)
    assert not [p.name for p in attachments if password in p.read_text(encoding="utf-8")]


def _attachments(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(node.get("attachments", []))
    for step in node.get("steps", []):
        found += _attachments(step)
    return found


def test_every_parametrized_case_is_a_test_of_its_own_in_allure(tmp_path: Path) -> None:
    """Allure identifies a test by its full name and parameter values; cases whose parameters it
    cannot tell apart (bytes bodies, schemathesis's operations) would be folded into one test."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", f"{MODUSLINK}/test_errors.py::test_a_body_that_is_not_a_json_object_is_refused_with_400",
         f"{MODUSLINK}/test_create_order.py::test_schema_generated_requests_are_answered_per_contract",
         "-q", "-p", "no:cacheprovider", "--alluredir", str(tmp_path), "--conformance-report", str(tmp_path / "conformance.json")],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    results = [json.loads(p.read_text(encoding="utf-8")) for p in tmp_path.glob("*-result.json")]
    identities = {
        (r["fullName"], tuple(sorted((p["name"], p["value"]) for p in r.get("parameters", []))))
        for r in results
    }
    assert len(results) >= 5 and len(identities) == len(results), sorted(identities)
    assert {len({r["historyId"] for r in results})} == {len(results)}
    cases = {p["value"].strip("'") for r in results for p in r.get("parameters", []) if p["name"] == "case"}
    assert {"truncated", "xml", "array-root"} <= cases and any(c.startswith("POST ") for c in cases), cases

"""The conformance matrix: what each rule's evidence says, and how the report shows it."""

from __future__ import annotations

import json
from pathlib import Path

from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.reporting.matrix import ConformanceMatrix

CONTRACT = Contract.load("moduslink_po")
CREDENTIALS = {"ClientConfigId": "c", "ClientAuthKey": "k", "Ocp-Apim-Subscription-Key": "s"}
ORDER = {
    "clientRequest": {
        "requestHeader": {"externalMessageReference": "E1", "client": "C", "requestReference": "R1"},
        "order": {"custReference": "1"},
        "item": [{"itemId": "1", "sku": "S", "quantity": {"uom": "EA", "value": "1"}}],
    }
}


def _exchange(order: dict[str, object], status: int, body: dict[str, object]) -> Exchange:
    request = Request(
        "POST", "https://x/purchaseapi/v1/orders", Headers(CREDENTIALS), json.dumps(order).encode()
    )
    response = Response(status, Headers({"Content-Type": "application/json"}), json.dumps(body).encode())
    return Exchange(api="moduslink_po", request=request, response=response)


def _rejection(reference: str) -> dict[str, object]:
    return {
        "result": "false", "requestId": "", "requestReference": reference, "externalMessageReference": "E1",
        "links": [], "errorCode": "412",
        "message": [{"message": "too long", "path": "#/clientRequest.requestHeader.requestReference", "errorType": "StringTooLong"}],
    }  # fmt: skip


def _matrix() -> ConformanceMatrix:
    matrix = ConformanceMatrix()
    matrix.add_contract(CONTRACT)
    return matrix


def test_a_rejected_broken_request_counts_as_negative_evidence_for_its_rule() -> None:
    matrix = _matrix()
    long_reference = "R" * 26
    order = json.loads(json.dumps(ORDER))
    order["clientRequest"]["requestHeader"]["requestReference"] = long_reference
    matrix.record_judgement(CONTRACT.check(_exchange(order, 412, _rejection(long_reference))), "t")
    rule = matrix.as_dict()["apis"]["moduslink_po"]["rules"]["MODUSLINK_PO-REQ-012"]
    assert (rule["status"], rule["evaluated"], rule["negative"]) == ("passed", 1, 1)


def test_a_rule_no_exchange_evaluated_is_untested_and_counts_against_the_score() -> None:
    data = _matrix().as_dict()
    summary = data["apis"]["moduslink_po"]["summary"]
    assert summary["untested"] == summary["rules"] == len(CONTRACT.rules)
    assert summary["score"] == 0.0


def test_a_finding_fails_its_rule_and_is_kept_with_the_evidence() -> None:
    matrix = _matrix()
    order = json.loads(json.dumps(ORDER))
    order["clientRequest"]["requestHeader"]["requestReference"] = "R" * 26
    accepted = {"result": "true", "requestId": "1", "requestReference": "R" * 26, "externalMessageReference": "E1",
                "links": [], "errorCode": "", "message": []}  # fmt: skip
    matrix.record_judgement(CONTRACT.check(_exchange(order, 202, accepted)), "t")
    rule = matrix.as_dict()["apis"]["moduslink_po"]["rules"]["MODUSLINK_PO-REQ-012"]
    assert rule["status"] == "failed"
    assert rule["findings"][0]["rule"] == "MODUSLINK_PO-REQ-012"
    assert "MODUSLINK_PO-REQ-012" in matrix.failed_rules("moduslink_po")


def test_test_outcomes_mark_rules_passed_failed_or_broken() -> None:
    matrix = _matrix()
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-005"], "t1", "passed")
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-004"], "t2", "failed")
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-006"], "t3", "broken")
    rules = matrix.as_dict()["apis"]["moduslink_po"]["rules"]
    assert [rules[f"MODUSLINK_PO-AUTH-00{n}"]["status"] for n in (5, 4, 6)] == ["passed", "failed", "broken"]


def test_the_report_is_written_as_json_and_markdown(tmp_path: Path) -> None:
    matrix = _matrix()
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-005"], "t1", "passed")
    json_path, md_path = matrix.write(tmp_path / "out" / "conformance.json")
    assert json.loads(json_path.read_text())["summary"]["passed"] == 1
    markdown = md_path.read_text()
    assert "| MODUSLINK_PO-AUTH-005 | ✅ passed | positive only | 1 (0) |" in markdown
    assert "003_8002e29a024b2ca5.txt § 401 Unauthorized" in markdown


def test_a_rule_is_verified_both_ways_with_a_pass_and_a_sandbox_fault_proving_it_can_fail() -> None:
    matrix = ConformanceMatrix()
    matrix.add_contract(CONTRACT, fault_proven={"MODUSLINK_PO-AUTH-005", "MODUSLINK_PO-AUTH-004"})
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-005"], "t1", "passed")
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-006"], "t2", "passed")
    rules = matrix.as_dict()["apis"]["moduslink_po"]["rules"]
    assert rules["MODUSLINK_PO-AUTH-005"]["verified"] == "both"
    assert rules["MODUSLINK_PO-AUTH-006"]["verified"] == "positive"
    assert rules["MODUSLINK_PO-AUTH-004"]["verified"] == "negative"
    assert rules["MODUSLINK_PO-AUTH-007"]["verified"] == "none"


def test_a_rejected_broken_request_is_negative_evidence_but_not_positive() -> None:
    matrix = _matrix()
    order = json.loads(json.dumps(ORDER))
    order["clientRequest"]["requestHeader"]["requestReference"] = "R" * 26
    matrix.record_judgement(CONTRACT.check(_exchange(order, 412, _rejection("R" * 26))), "t")
    assert matrix.as_dict()["apis"]["moduslink_po"]["rules"]["MODUSLINK_PO-REQ-012"]["verified"] == "negative"
    matrix.record_judgement(CONTRACT.check(_exchange(ORDER, 412, _rejection("R1"))), "t")
    assert matrix.as_dict()["apis"]["moduslink_po"]["rules"]["MODUSLINK_PO-REQ-012"]["verified"] == "both"


def test_the_score_is_the_share_verified_both_ways_times_the_pass_rate() -> None:
    matrix = ConformanceMatrix()
    proven = {"MODUSLINK_PO-AUTH-004", "MODUSLINK_PO-AUTH-005", "MODUSLINK_PO-AUTH-006"}
    matrix.add_contract(CONTRACT, fault_proven=proven)
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-004", "MODUSLINK_PO-AUTH-005"], "t1", "passed")
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-006"], "t1", "passed")
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-006"], "t2", "failed")
    summary = matrix.as_dict()["apis"]["moduslink_po"]["summary"]
    rules = len(CONTRACT.rules)
    assert summary["verified_both"] == 3
    assert summary["coverage"] == round(3 / rules, 4)
    assert summary["pass_rate"] == round(2 / 3, 4)
    assert summary["score"] == round((3 / rules) * (2 / 3), 4)
    assert summary["passed_share"] == round(2 / rules, 4)


def test_an_untested_rule_says_why() -> None:
    matrix = _matrix()
    matrix.record_test_outcome(
        "suites/x.py::t", "moduslink_po", "skipped", ["MODUSLINK_PO-AUTH-005"], reason="needs writes"
    )
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-006"], "t2", "broken")
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-004"], "t3", "passed")
    rules = matrix.as_dict()["apis"]["moduslink_po"]["rules"]
    assert rules["MODUSLINK_PO-AUTH-004"]["untested_reason"] is None
    assert rules["MODUSLINK_PO-AUTH-005"]["untested_reason"] == "its tests were skipped: needs writes"
    assert "broken" in rules["MODUSLINK_PO-AUTH-006"]["untested_reason"]
    client_only = next(r for r in CONTRACT.rules if "vendor" not in r.judged)
    assert "--side client" in rules[client_only.id]["untested_reason"]
    scoped = next(r for r in CONTRACT.rules if r.check and r.statuses and "vendor" in r.judged)
    assert "no exchange of this run" in rules[scoped.id]["untested_reason"]
    assert str(scoped.statuses[0]) in rules[scoped.id]["untested_reason"]  # type: ignore[index]


def test_the_markdown_lists_every_unverified_rule_with_its_reason(tmp_path: Path) -> None:
    matrix = _matrix()
    matrix.record_test_outcome(
        "suites/x.py::t", "moduslink_po", "skipped", ["MODUSLINK_PO-AUTH-005"], reason="needs writes"
    )
    _, md_path = matrix.write(tmp_path / "conformance.json")
    markdown = md_path.read_text()
    assert "### Not verified in this run, and why" in markdown
    assert "- **MODUSLINK_PO-AUTH-005** (" in markdown and "its tests were skipped: needs writes" in markdown
    assert markdown.count("- **MODUSLINK_PO-") >= len(CONTRACT.rules)


def test_each_test_outcome_is_kept_with_the_rules_its_findings_broke() -> None:
    matrix = _matrix()
    matrix.record_test_outcome(
        "suites/x.py::t", "moduslink_po", "failed", ["MODUSLINK_PO-AUTH-005", "NOT-A-RULE"],
        failed_rules={"MODUSLINK_PO-REQ-012"},
    )  # fmt: skip
    tests = matrix.as_dict()["tests"]
    assert tests["suites/x.py::t"] == {
        "api": "moduslink_po", "outcome": "failed", "rules": ["MODUSLINK_PO-AUTH-005"],
        "failed_rules": ["MODUSLINK_PO-AUTH-005", "MODUSLINK_PO-REQ-012"], "reason": None,
    }  # fmt: skip


def test_response_times_are_summarised_per_operation() -> None:
    matrix = _matrix()
    for elapsed in (0.010, 0.020, 0.030, 0.040, 1.0):
        exchange = _exchange(ORDER, 412, _rejection("R1"))
        timed = Exchange(
            api=exchange.api,
            request=exchange.request,
            response=Response(412, exchange.response.headers, exchange.response.body, elapsed),  # type: ignore[union-attr]
        )
        matrix.record_judgement(CONTRACT.check(timed), "t")
    times = matrix.as_dict()["apis"]["moduslink_po"]["response_times"]
    assert times == {"createPurchaseOrder": {"count": 5, "median_ms": 30.0, "p95_ms": 1000.0}}

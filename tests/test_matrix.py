"""The conformance matrix: what each rule's evidence says, and how the report shows it."""

from __future__ import annotations

import json
from pathlib import Path

from b2bconform.contract import Contract
from b2bconform.model import Exchange, Headers, Request, Response
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
    assert "| MODUSLINK_PO-AUTH-005 | ✅ passed | 1 (0) |" in markdown
    assert "003_8002e29a024b2ca5.txt § 401 Unauthorized" in markdown

"""Three outcomes, from the engine to every report: failed (the document states the rule without
contradiction and the traffic breaks it), discrepancy (the traffic follows another reading the
document supports), not judged. Proven on a small contract of its own, so each reading is explicit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from b2bconform.cli import cli
from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.errors import InputFileError
from b2bconform.locations import PATH_VARIABLE, contract_dir
from b2bconform.reporting.compare import compare
from b2bconform.reporting.matrix import ConformanceMatrix
from b2bconform.reporting.matrix import render_markdown as matrix_markdown
from b2bconform.traffic.cassettes import write_cassette
from b2bconform.traffic.redaction import Redactor
from b2bconform.workflows.certificate import group_results
from b2bconform.workflows.golive import judge_go_live, render_markdown
from user_apis import user_folder_of

API = "toy_orders"
URL = "https://api.toy.example/orders"
SOURCE = {"file": "toy.txt", "section": "Orders"}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "toy", "version": "1"},
    "paths": {
        "/orders": {"post": {"operationId": "createOrder", "responses": {"200": {"description": "ok"}}}}
    },
}


def rule(rule_id: str, statement: str, direction: str, check: str, params: dict[str, Any], **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "id": f"TOY_ORDERS-{rule_id}",
        "statement": statement,
        "source": SOURCE,
        "direction": direction,
        "severity": "critical",
        "kind": "shape",
        "check": check,
        "params": params,
        **extra,
    }


RULES: list[dict[str, Any]] = [
    # contested both ways: the table says 5 characters, the example sends 8
    rule("REQ-001", "ref holds at most 5 characters.", "request", "max_length", {"path": "/ref", "max": 5},
         decision="The table's length is adopted.",
         readings=[{"reading": "ref holds up to 10 characters, as the example sends 8.", "source": SOURCE,
                    "quote": '"ref": "ABCDEFGH"', "check": "max_length", "params": {"path": "/ref", "max": 10}}]),
    # the description says REQUIRED, the schema gives a default: the adopted reading lets it be omitted
    rule("REQ-002", "uom is a string.", "request", "type", {"path": "/uom", "type": "string"},
         readings=[{"reading": "uom is REQUIRED, as its description says.", "source": SOURCE,
                    "check": "required", "params": {"path": "/uom"}}]),
    # stated without contradiction
    rule("REQ-003", "qty is an integer.", "request", "type", {"path": "/qty", "type": "integer"}),
    rule("RES-001", "id is 15 digits.", "response", "pattern", {"path": "/id", "regex": "^[0-9]{15}$"},
         when={"status": [200]},
         readings=[{"reading": "id is digits of any length, as the example answers 1748.", "source": SOURCE,
                    "check": "pattern", "params": {"path": "/id", "regex": "^[0-9]+$"}}]),
    rule("RES-002", "status is OPEN.", "response", "equals", {"path": "/status", "value": "OPEN"},
         when={"status": [200]}),
    rule("RES-003", "A refusal carries a message.", "response", "required", {"path": "/message"},
         when={"status": [400]},
         readings=[{"reading": "The document shows no refusal body at all.", "source": SOURCE}]),
    rule("RES-004", "A request that breaks no documented rule is not refused.", "response",
         "accepts_conforming", {"rejection_statuses": [400]}),
]  # fmt: skip


def write_contract(root: Path, rules: list[dict[str, Any]] = RULES) -> Path:
    folder = root / API
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "openapi.yaml").write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    catalogue = {"api": API, "document": "toy.txt", "rules": rules}
    (folder / "rules.yaml").write_text(yaml.safe_dump(catalogue, sort_keys=False), encoding="utf-8")
    return folder / "rules.yaml"


@pytest.fixture
def contracts(tmp_path: Path) -> Path:
    write_contract(tmp_path / "contracts")
    return tmp_path / "contracts"


@pytest.fixture
def contract(contracts: Path) -> Contract:
    return Contract.load(API, contracts_dir=contracts)


GOOD = {"ref": "ABC", "uom": "EA", "qty": 1}
ANSWER = {"id": "123456789012345", "status": "OPEN"}


def exchange(sent: dict[str, Any], status: int, answer: dict[str, Any], index: int = 0) -> Exchange:
    json_type = Headers({"Content-Type": "application/json"})
    return Exchange(
        API,
        Request("POST", URL, json_type, json.dumps(sent).encode()),
        Response(status, json_type, json.dumps(answer).encode()),
        index=index,
    )


def outcomes(judgement: Judgement) -> dict[str, str]:
    return {r: o for r, o in judgement.outcomes.items() if o != "passed"}


# ── the engine ─────────────────────────────────────────────────────────────────────────────────


def test_conforming_traffic_has_neither_findings_nor_discrepancies(contract: Contract) -> None:
    judgement = contract.check(exchange(GOOD, 200, ANSWER))
    assert judgement.findings == [] and judgement.discrepancies == []


def test_an_answer_following_the_other_reading_is_a_discrepancy_with_both_readings(
    contract: Contract,
) -> None:
    judgement = contract.check(exchange(GOOD, 200, {**ANSWER, "id": "1748"}))
    assert judgement.findings == []
    assert outcomes(judgement) == {"TOY_ORDERS-RES-001": "discrepancy"}
    (found,) = judgement.discrepancies
    adopted, other = found.readings
    assert adopted["adopted"] and adopted["reading"] == "id is 15 digits."
    assert not other["adopted"] and "any length" in other["reading"]
    assert found.as_dict()["readings"][1]["source"] == SOURCE
    assert found.decision == "id is 15 digits."
    assert judgement.conforms


def test_an_answer_following_no_reading_is_a_failed_finding(contract: Contract) -> None:
    judgement = contract.check(exchange(GOOD, 200, {**ANSWER, "id": "17A8"}))
    assert [f.rule for f in judgement.findings] == ["TOY_ORDERS-RES-001"]
    assert judgement.discrepancies == [] and not judgement.findings[0].readings
    assert "readings" not in judgement.findings[0].as_dict()


def test_a_rule_stated_without_contradiction_fails(contract: Contract) -> None:
    judgement = contract.check(exchange(GOOD, 200, {**ANSWER, "status": "SHUT"}))
    assert outcomes(judgement) == {"TOY_ORDERS-RES-002": "failed"}


def test_where_the_document_is_silent_any_answer_follows_a_reading(contract: Contract) -> None:
    judgement = contract.check(exchange({**GOOD, "qty": "one"}, 400, {"error": "bad"}))
    assert outcomes(judgement) == {"TOY_ORDERS-RES-003": "discrepancy"}
    assert judgement.discrepancies[0].readings[1]["reading"] == "The document shows no refusal body at all."


def test_accepting_a_request_another_reading_allows_is_a_discrepancy(contract: Contract) -> None:
    judgement = contract.check(exchange({**GOOD, "ref": "ABCDEFGH"}, 200, ANSWER))
    assert outcomes(judgement) == {"TOY_ORDERS-REQ-001": "discrepancy"}
    assert "TOY_ORDERS-REQ-001" in judgement.broken_by_request


def test_accepting_a_request_no_reading_allows_fails(contract: Contract) -> None:
    judgement = contract.check(exchange({**GOOD, "ref": "ABCDEFGHIJKL"}, 200, ANSWER))
    assert outcomes(judgement) == {"TOY_ORDERS-REQ-001": "failed"}


def test_refusing_a_request_that_breaks_a_stricter_reading_is_a_discrepancy_not_a_false_refusal(
    contract: Contract,
) -> None:
    sent = {"ref": "ABC", "qty": 1}  # no uom: fine as adopted, missing as the description reads
    judgement = contract.check(exchange(sent, 400, {"message": "uom is required"}))
    assert judgement.findings == []
    assert outcomes(judgement) == {"TOY_ORDERS-RES-004": "discrepancy"}
    readings = judgement.discrepancies[0].readings
    assert [(r["rule"], r["adopted"]) for r in readings] == [
        ("TOY_ORDERS-REQ-002", True),
        ("TOY_ORDERS-REQ-002", False),
    ]


def test_refusing_a_request_that_satisfies_every_reading_fails(contract: Contract) -> None:
    judgement = contract.check(exchange(GOOD, 400, {"message": "no"}))
    assert outcomes(judgement) == {"TOY_ORDERS-RES-004": "failed"}


def test_a_reading_naming_an_unknown_check_is_a_load_error_naming_file_line_and_reading(
    tmp_path: Path,
) -> None:
    rules = [dict(RULES[0], readings=[{**RULES[0]["readings"][0], "check": "no_such_check"}])]
    path = write_contract(tmp_path, rules)
    with pytest.raises(InputFileError) as caught:
        Contract.load(API, contracts_dir=tmp_path)
    message = str(caught.value)
    assert str(path.resolve()) in message and "readings[0].check" in message and "no_such_check" in message


def test_a_reading_with_params_but_no_check_is_a_load_error(tmp_path: Path) -> None:
    reading = {"reading": "some other reading of it", "source": SOURCE, "params": {"path": "/ref"}}
    write_contract(tmp_path, [dict(RULES[0], readings=[reading])])
    with pytest.raises(InputFileError, match="params given but no check"):
        Contract.load(API, contracts_dir=tmp_path)


def test_a_reading_without_a_source_is_a_load_error(tmp_path: Path) -> None:
    write_contract(tmp_path, [dict(RULES[0], readings=[{"reading": "some other reading of it"}])])
    with pytest.raises(InputFileError, match="source"):
        Contract.load(API, contracts_dir=tmp_path)


# ── audit: JSON, text and exit code ────────────────────────────────────────────────────────────


def audit(tmp_path: Path, folder: Path, exchanges: list[Exchange], *args: str) -> tuple[int, str]:
    cassette = tmp_path / "traffic.yaml"
    write_cassette(cassette, exchanges, Redactor())
    result = CliRunner().invoke(cli, ["--path", str(folder), "audit", str(cassette), "--api", API, *args])
    return result.exit_code, result.output


@pytest.fixture
def user_folder(tmp_path: Path) -> Path:
    write_contract(tmp_path / "contracts")
    return user_folder_of(tmp_path / "contracts", tmp_path / "mine")


def test_audit_lists_discrepancies_apart_and_exits_0_without_findings(
    tmp_path: Path, user_folder: Path
) -> None:
    code, output = audit(
        tmp_path, user_folder, [exchange(GOOD, 200, {**ANSWER, "id": "1748"})], "--format", "json"
    )
    report = json.loads(output)
    assert code == 0, output
    assert report["findings"] == []
    (found,) = report["discrepancies"]
    assert found["rule"] == "TOY_ORDERS-RES-001" and found["decision"] == "id is 15 digits."
    assert [r["adopted"] for r in found["readings"]] == [True, False]
    assert report["apis"][API]["rules"]["TOY_ORDERS-RES-001"]["discrepancy"] == 1


def test_audit_exits_1_on_a_finding_beside_a_discrepancy_and_prints_both_readings(
    tmp_path: Path, user_folder: Path
) -> None:
    traffic = [
        exchange(GOOD, 200, {**ANSWER, "id": "1748"}),
        exchange(GOOD, 200, {**ANSWER, "status": "X"}, 1),
    ]
    code, output = audit(tmp_path, user_folder, traffic)
    assert code == 1, output
    assert "discrepancy: interaction 0  TOY_ORDERS-RES-001" in output
    assert "adopted reading of TOY_ORDERS-RES-001 (toy.txt § Orders): id is 15 digits." in output
    assert "other reading of TOY_ORDERS-RES-001" in output and "any length" in output
    assert output.rstrip().endswith("1 findings (1 rules), 1 discrepancies for the vendor to settle")


# ── the matrix, go-live, nightly, certificate ─────────────────────────────────────────────────


def matrix_of(contract: Contract, *judgements: Judgement) -> ConformanceMatrix:
    matrix = ConformanceMatrix()
    matrix.add_contract(contract)
    for judgement in judgements:
        matrix.record_judgement(judgement, "suites/toy/test_x.py::test_x")
    return matrix


def test_the_matrix_gives_a_contested_rule_the_status_discrepancy_and_keeps_its_readings(
    contract: Contract, contracts: Path
) -> None:
    matrix = matrix_of(contract, contract.check(exchange(GOOD, 200, {**ANSWER, "id": "1748"})))
    data = matrix.as_dict()
    entry = data["apis"][API]["rules"]["TOY_ORDERS-RES-001"]
    assert entry["status"] == "discrepancy" and entry["discrepancy"] == 1 and entry["findings"] == []
    assert entry["discrepancies"][0]["readings"][1]["adopted"] is False
    assert data["summary"]["discrepancy"] == 1 and data["summary"]["failed"] == 0
    assert data["summary"]["pass_rate"] == 1.0
    again = ConformanceMatrix.from_report(data, load=lambda api: Contract.load(api, contracts_dir=contracts))
    assert (
        again.as_dict()["apis"][API]["rules"]["TOY_ORDERS-RES-001"]["discrepancies"] == entry["discrepancies"]
    )
    markdown = matrix_markdown(data)
    assert "### Discrepancies for the vendor to settle" in markdown and "any length" in markdown


def test_a_failure_outranks_a_discrepancy_of_the_same_rule(contract: Contract) -> None:
    matrix = matrix_of(
        contract,
        contract.check(exchange(GOOD, 200, {**ANSWER, "id": "1748"})),
        contract.check(exchange(GOOD, 200, {**ANSWER, "id": "17A8"})),
    )
    assert matrix.as_dict()["apis"][API]["rules"]["TOY_ORDERS-RES-001"]["status"] == "failed"


def test_golive_is_go_with_a_discrepancy_and_no_go_with_it_when_strict(contract: Contract) -> None:
    data = matrix_of(contract, contract.check(exchange(GOOD, 200, {**ANSWER, "id": "1748"}))).as_dict()
    verdict = judge_go_live(data, API)
    assert verdict.go and verdict.failed == []
    assert [d["rule"] for d in verdict.discrepancies] == ["TOY_ORDERS-RES-001"]
    assert "## Discrepancies for the vendor to settle" in render_markdown(verdict)
    strict = judge_go_live(data, API, strict=True)
    assert not strict.go and any("TOY_ORDERS-RES-001" in reason for reason in strict.reasons)


def test_nightly_lists_discrepancies_apart_and_counts_no_failure(contract: Contract) -> None:
    data = matrix_of(contract, contract.check(exchange(GOOD, 200, {**ANSWER, "id": "1748"}))).as_dict()
    comparison = compare(None, data, None)
    assert comparison.failed == 0 and comparison.new_failures == ()
    assert [c.rule for c in comparison.discrepancies] == ["TOY_ORDERS-RES-001"]
    assert "any length" in (comparison.discrepancies[0].reason or "")
    assert "1 discrepancies for the vendor to settle" in comparison.summary_line()


def test_a_certificate_group_with_only_a_discrepancy_passes(contract: Contract) -> None:
    (group,) = group_results({"TOY_ORDERS-RES-001": "discrepancy", "TOY_ORDERS-RES-002": "untested"})
    assert group.verdict == "PASSED" and group.discrepancy == 1


def test_a_callers_request_another_reading_allows_is_a_discrepancy_on_the_client_side(
    contract: Contract,
) -> None:
    allowed = contract.check(exchange({**GOOD, "ref": "ABCDEFGH"}, 200, ANSWER), side="client")
    assert allowed.findings == [] and outcomes(allowed) == {"TOY_ORDERS-REQ-001": "discrepancy"}
    broken = contract.check(exchange({**GOOD, "ref": "ABCDEFGHIJKL"}, 200, ANSWER), side="client")
    assert outcomes(broken) == {"TOY_ORDERS-REQ-001": "failed"}


# ── the documents' own examples ───────────────────────────────────────────────────────────────


def _expected(node: Any, key: str, where: str = "") -> list[tuple[str, list[str]]]:
    if isinstance(node, dict):
        found = [(where, node[key])] if node.get(key) else []
        return found + [hit for k, v in node.items() for hit in _expected(v, key, f"{where}.{k}")]
    if isinstance(node, list):
        return [hit for i, v in enumerate(node) for hit in _expected(v, key, f"{where}[{i}]")]
    return []


def test_no_vendor_documents_own_example_is_recorded_as_failing_a_rule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a document shows cannot be held against its vendor: where an example breaks the adopted
    reading, the rule carries the example's reading, and the example judges as a discrepancy."""
    from b2bconform.engine.contract import known_apis

    monkeypatch.delenv(PATH_VARIABLE, raising=False)  # the shipped APIs only

    discrepancies = 0
    for api in known_apis():
        judging = yaml.safe_load(
            (contract_dir(api) / "examples" / "judging.yaml").read_text(encoding="utf-8")
        )
        assert _expected(judging, "expected_findings") == [], api
        discrepancies += len(_expected(judging, "expected_discrepancies"))
    assert discrepancies >= 30  # the documents contradict themselves often: each one is on record

"""Negative evidence from the run's own traffic: a conforming answer (or, for a client's rule, a
conforming request of the harness) mutated to break one rule must make the engine fail that rule and
no rule that reads another member; a check that cannot fail is never proven."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Headers
from b2bconform.engine.proofs import RuleProofs, prove_answer, prove_request, reads_member
from b2bconform.reporting.matrix import ConformanceMatrix
from test_discrepancies import ANSWER, GOOD, exchange, rule, write_contract

API = "toy_orders"
RULES: list[dict[str, Any]] = [
    rule("RES-001", "id is 15 digits.", "response", "pattern", {"path": "/id", "regex": "^[0-9]{15}$"}),
    rule("RES-002", "status is OPEN.", "response", "equals", {"path": "/status", "value": "OPEN"}),
    # a check that cannot fail: every near miss of the answer still matches
    rule("RES-003", "status is any text.", "response", "pattern", {"path": "/status", "regex": "^.*$"}),
    # two rules that read the same member the same way: one change breaks both, one fact
    rule("RES-004", "note is present.", "response", "required", {"path": "/note"}),
    rule("RES-005", "note is there too.", "response", "required", {"path": "/note"}),
    rule("RES-006", "count is a whole number.", "response", "whole_number", {"path": "/count"}),
    rule("RES-007", "kind is never VOID.", "response", "excludes", {"path": "/kind", "values": ["VOID"]}),
    rule("RES-008", "answers are JSON.", "response", "content_type", {"media_type": "application/json"}),
    rule("RES-009", "the answer is a 200.", "response", "status_in", {"statuses": [200]}),
    rule("RES-010", "line ids differ.", "response", "distinct", {"path": "/lines/*/id"}),
    rule(
        "RES-011",
        "a line of kind A has a note.",
        "response",
        "implies",
        {"within": "/lines/*", "when_path": "/kind", "when_in": ["A"], "then_path": "/note"},
    ),
    rule("RES-012", "count is never 0 here.", "response", "equals", {"path": "/count", "value": 3}),
    # the caller's rules: proven on the harness's own requests
    rule(
        "REQ-001",
        "ref is three capitals.",
        "request",
        "pattern",
        {"path": "/ref", "regex": "^[A-Z]{3}$"},
        judged=["client"],
    ),
    rule("REQ-002", "no id is sent.", "request", "absent", {"path": "/id"}, judged=["client"]),
    rule(
        "REQ-003",
        "ref is any text.",
        "request",
        "pattern",
        {"path": "/ref", "regex": "^.*$"},
        judged=["client"],
    ),
]
WITH_NOTE = {
    **ANSWER,
    "note": "x",
    "count": 3,
    "kind": "A",
    "lines": [{"id": "1", "kind": "A", "note": "n"}, {"id": "2", "kind": "B"}],
}
MUTATED_ALONE = [
    "TOY_ORDERS-RES-006",
    "TOY_ORDERS-RES-007",
    "TOY_ORDERS-RES-008",
    "TOY_ORDERS-RES-010",
    "TOY_ORDERS-RES-011",  # a relation inside each line
    "TOY_ORDERS-RES-012",  # a constant that is a number
]


@pytest.fixture
def contract(tmp_path: Path) -> Contract:
    write_contract(tmp_path, RULES)
    return Contract.load(API, contracts_dir=tmp_path)


def test_a_rule_a_mutation_of_its_answer_breaks_alone_is_proven(contract: Contract) -> None:
    answered = exchange(GOOD, 200, WITH_NOTE)
    assert contract.check(answered).findings == []
    assert prove_answer(contract, "TOY_ORDERS-RES-001", answered)
    assert prove_answer(contract, "TOY_ORDERS-RES-002", answered)


@pytest.mark.parametrize("rule_id", MUTATED_ALONE)
def test_numbers_excluded_values_media_types_repeats_and_relations_are_mutated_too(
    contract: Contract, rule_id: str
) -> None:
    assert prove_answer(contract, rule_id, exchange(GOOD, 200, WITH_NOTE))


def test_a_status_rule_whose_changed_status_breaks_others_too_is_not_proven(contract: Contract) -> None:
    # another status makes RES-008..010 and the 200-only rules stop applying or fail: never alone here
    proven = prove_answer(contract, "TOY_ORDERS-RES-009", exchange(GOOD, 200, WITH_NOTE))
    assert proven == (
        {f.rule for f in contract.check(exchange(GOOD, 299, WITH_NOTE)).findings} == {"TOY_ORDERS-RES-009"}
    )


def test_a_check_that_cannot_fail_is_never_proven(contract: Contract) -> None:
    assert not prove_answer(contract, "TOY_ORDERS-RES-003", exchange(GOOD, 200, WITH_NOTE))


def test_two_rules_about_the_same_member_are_each_proven_by_the_one_change(contract: Contract) -> None:
    answered = exchange(GOOD, 200, WITH_NOTE)
    assert prove_answer(contract, "TOY_ORDERS-RES-004", answered)
    assert prove_answer(contract, "TOY_ORDERS-RES-005", answered)


@pytest.mark.parametrize(
    ("rule_id", "where", "reads"),
    [
        ("TOY_ORDERS-RES-001", "/id", True),
        ("TOY_ORDERS-RES-001", "/note", False),
        ("TOY_ORDERS-RES-010", "/lines/1/id", True),  # a wildcard
        ("TOY_ORDERS-RES-010", "/lines", True),  # the change holds what the rule reads
        ("TOY_ORDERS-RES-010", "/count", False),
        ("TOY_ORDERS-RES-011", "/lines/0/note", True),  # inside ``within``
        ("TOY_ORDERS-RES-008", "/id", False),  # the envelope's rule reads no member
    ],
)
def test_only_a_rule_reading_the_changed_member_may_fail_beside_the_proven_one(
    contract: Contract, rule_id: str, where: str, reads: bool
) -> None:
    assert reads_member(contract.rules.get(rule_id), where) is reads


def test_a_rule_the_answer_already_broke_is_not_proven_by_breaking_it_again(contract: Contract) -> None:
    assert not prove_answer(contract, "TOY_ORDERS-RES-001", exchange(GOOD, 200, {**WITH_NOTE, "id": "1"}))


@pytest.mark.parametrize("rule_id", ["TOY_ORDERS-REQ-001", "TOY_ORDERS-REQ-002"])
def test_a_callers_rule_is_proven_on_a_request_that_honours_it(contract: Contract, rule_id: str) -> None:
    assert prove_request(contract, rule_id, exchange(GOOD, 200, WITH_NOTE))


def test_a_callers_rule_is_not_proven_on_a_request_that_broke_it_or_by_a_check_that_cannot_fail(
    contract: Contract,
) -> None:
    assert not prove_request(contract, "TOY_ORDERS-REQ-001", exchange({**GOOD, "ref": "ab"}, 200, WITH_NOTE))
    assert not prove_request(contract, "TOY_ORDERS-REQ-003", exchange(GOOD, 200, WITH_NOTE))


def test_a_callers_rule_proven_on_own_requests_is_verified_both_ways_and_stays_untested(
    contract: Contract,
) -> None:
    proofs = RuleProofs()
    proofs.offer(contract, contract.check(exchange(GOOD, 200, WITH_NOTE)), [])
    proven = proofs.prove()
    assert {"TOY_ORDERS-REQ-001", "TOY_ORDERS-REQ-002"} <= proven[API]
    assert "TOY_ORDERS-REQ-003" not in proven[API]
    matrix = ConformanceMatrix()
    matrix.add_contract(contract)
    matrix.record_judgement(contract.check(exchange(GOOD, 200, WITH_NOTE)), "t")
    matrix.add_mutation_proven(proven)
    rules = matrix.as_dict()["apis"][API]["rules"]
    assert rules["TOY_ORDERS-REQ-001"]["verified"] == "both"
    assert rules["TOY_ORDERS-REQ-001"]["status"] == "untested"  # the vendor is not judged on it
    assert "proven on the harness's own requests" in rules["TOY_ORDERS-REQ-001"]["untested_reason"]
    assert rules["TOY_ORDERS-REQ-003"]["verified"] == "none"


def test_the_run_keeps_one_conforming_answer_per_rule_and_the_matrix_counts_its_proof(
    contract: Contract,
) -> None:
    proofs = RuleProofs()
    for index in range(3):
        answered = exchange(GOOD, 200, WITH_NOTE, index)
        proofs.offer(contract, contract.check(answered), [])
    proven = proofs.prove()
    assert proven[API] >= {"TOY_ORDERS-RES-001", "TOY_ORDERS-RES-002", *MUTATED_ALONE}
    assert "TOY_ORDERS-RES-003" not in proven[API]
    matrix = ConformanceMatrix()
    matrix.add_contract(contract)
    matrix.record_judgement(contract.check(exchange(GOOD, 200, WITH_NOTE)), "t")
    before = matrix.as_dict()["apis"][API]["rules"]
    matrix.add_mutation_proven(proven)
    after = matrix.as_dict()["apis"][API]["rules"]
    assert before["TOY_ORDERS-RES-001"]["verified"] == "positive"
    assert (
        after["TOY_ORDERS-RES-001"]["verified"] == "both" and after["TOY_ORDERS-RES-001"]["mutation_proven"]
    )
    assert after["TOY_ORDERS-RES-003"]["verified"] == "positive"


def test_an_answer_that_broke_a_rule_is_no_exemplar_for_it(contract: Contract) -> None:
    proofs = RuleProofs()
    proofs.offer(contract, contract.check(exchange(GOOD, 200, {**WITH_NOTE, "id": "1"})), [])
    assert "TOY_ORDERS-RES-001" not in proofs.prove().get(API, set())


def test_a_rule_that_passed_but_no_mutation_broke_says_why_in_the_report(tmp_path: Path) -> None:
    own_reason = "Any text passes: one fact shared with TOY_ORDERS-RES-002, which reads the same member."
    write_contract(tmp_path, [*RULES, {**rule("RES-013", "status is text.", "response", "pattern",
                                             {"path": "/status", "regex": "^.*$"}), "unproven": own_reason}])  # fmt: skip
    contract = Contract.load(API, contracts_dir=tmp_path)
    proofs = RuleProofs()
    proofs.offer(contract, contract.check(exchange(GOOD, 200, WITH_NOTE)), [])
    matrix = ConformanceMatrix()
    matrix.add_contract(contract)
    matrix.record_judgement(contract.check(exchange(GOOD, 200, WITH_NOTE)), "t")
    matrix.add_mutation_proven(proofs.prove())
    rules = matrix.as_dict()["apis"][API]["rules"]
    assert rules["TOY_ORDERS-RES-001"]["unproven_reason"] is None  # proven: nothing to explain
    assert (
        "no mutation of this run's conforming traffic broke it"
        in rules["TOY_ORDERS-RES-003"]["unproven_reason"]
    )
    assert rules["TOY_ORDERS-RES-013"]["unproven_reason"] == own_reason
    _, markdown = matrix.write(tmp_path / "conformance.json")
    assert f"- **TOY_ORDERS-RES-013** (critical): {own_reason}" in markdown.read_text(encoding="utf-8")


def _osn_request() -> tuple[Contract, Exchange]:
    from b2bconform.engine.contract import contract_of
    from b2bconform.engine.model import Headers, Request
    from b2bconform.rulesuite import request_examples, with_credentials

    contract = contract_of("promostandards_osn")
    example = request_examples("promostandards_osn")[0]
    body = with_credentials("promostandards_osn", example.body, {"id": "caller-1", "password": "secret-1"})
    headers = Headers(
        {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"getOrderShipmentNotification"'}
    )
    request = Request("POST", "https://supplier.example/osn/2.0.0", headers, body)
    return contract, Exchange("promostandards_osn", request, operation=example.operation)


@pytest.mark.parametrize(
    "rule_id",
    [
        "PROMOSTANDARDS_OSN-TRN-004",  # a header left out: the rules on that header read it
        "PROMOSTANDARDS_OSN-TRN-005",  # the header given a value its pattern refuses
        "PROMOSTANDARDS_OSN-REQ-001",  # a body that is no XML
        "PROMOSTANDARDS_OSN-AUTH-003",  # a text that matches shorter, longer and other: blanks around it
    ],
)
def test_a_callers_header_envelope_and_text_rules_are_proven_on_a_request_that_honours_them(
    rule_id: str,
) -> None:
    contract, exchange = _osn_request()
    assert prove_request(contract, rule_id, exchange)


def test_a_header_edit_breaks_only_the_rules_on_that_header() -> None:
    contract, exchange = _osn_request()
    without = dataclasses.replace(
        exchange,
        request=dataclasses.replace(
            exchange.request,
            headers=Headers([(k, v) for k, v in exchange.request.headers.pairs() if k != "SOAPAction"]),
        ),
    )
    broken = {f.rule for f in contract.check(without, side="client").findings}
    assert broken == {"PROMOSTANDARDS_OSN-TRN-004"}  # TRN-005 judges the value of a header sent
    for rule_id in ("PROMOSTANDARDS_OSN-TRN-004", "PROMOSTANDARDS_OSN-TRN-005"):
        assert reads_member(contract.rules.get(rule_id), "header:SOAPAction")
    assert not reads_member(contract.rules.get("PROMOSTANDARDS_OSN-REQ-001"), "header:SOAPAction")

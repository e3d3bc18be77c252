"""Negative evidence for response rules: a conforming answer of the run, mutated to break one rule,
must make the engine fail that rule and no other; a check that cannot fail is never proven."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from b2bconform.contract import Contract
from b2bconform.proofs import AnswerProofs, prove_answer
from b2bconform.reporting.matrix import ConformanceMatrix
from test_discrepancies import ANSWER, GOOD, exchange, rule, write_contract

API = "toy_orders"
RULES: list[dict[str, Any]] = [
    rule("RES-001", "id is 15 digits.", "response", "pattern", {"path": "/id", "regex": "^[0-9]{15}$"}),
    rule("RES-002", "status is OPEN.", "response", "equals", {"path": "/status", "value": "OPEN"}),
    # a check that cannot fail: every near miss of the answer still matches
    rule("RES-003", "status is any text.", "response", "pattern", {"path": "/status", "regex": "^.*$"}),
    # two rules that read the same member the same way: no mutation breaks one alone
    rule("RES-004", "note is present.", "response", "required", {"path": "/note"}),
    rule("RES-005", "note is there too.", "response", "required", {"path": "/note"}),
    rule("RES-006", "count is a whole number.", "response", "whole_number", {"path": "/count"}),
    rule("RES-007", "kind is never VOID.", "response", "excludes", {"path": "/kind", "values": ["VOID"]}),
    rule("RES-008", "answers are JSON.", "response", "content_type", {"media_type": "application/json"}),
    rule("RES-009", "the answer is a 200.", "response", "status_in", {"statuses": [200]}),
    rule("RES-010", "line ids differ.", "response", "distinct", {"path": "/lines/*/id"}),
]
WITH_NOTE = {**ANSWER, "note": "x", "count": 3, "kind": "A", "lines": [{"id": "1"}, {"id": "2"}]}
MUTATED_ALONE = ["TOY_ORDERS-RES-006", "TOY_ORDERS-RES-007", "TOY_ORDERS-RES-008", "TOY_ORDERS-RES-010"]


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
def test_numbers_excluded_values_media_types_and_repeats_are_mutated_too(
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


def test_a_mutation_that_breaks_another_rule_too_proves_neither(contract: Contract) -> None:
    answered = exchange(GOOD, 200, WITH_NOTE)
    assert not prove_answer(contract, "TOY_ORDERS-RES-004", answered)
    assert not prove_answer(contract, "TOY_ORDERS-RES-005", answered)


def test_the_run_keeps_one_conforming_answer_per_rule_and_the_matrix_counts_its_proof(
    contract: Contract,
) -> None:
    proofs = AnswerProofs()
    for index in range(3):
        answered = exchange(GOOD, 200, WITH_NOTE, index)
        proofs.offer(contract, contract.check(answered), [])
    proven = proofs.prove()
    assert proven[API] >= {"TOY_ORDERS-RES-001", "TOY_ORDERS-RES-002", *MUTATED_ALONE}
    assert not proven[API] & {"TOY_ORDERS-RES-003", "TOY_ORDERS-RES-004", "TOY_ORDERS-RES-005"}
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
    proofs = AnswerProofs()
    proofs.offer(contract, contract.check(exchange(GOOD, 200, {**WITH_NOTE, "id": "1"})), [])
    assert "TOY_ORDERS-RES-001" not in proofs.prove().get(API, set())

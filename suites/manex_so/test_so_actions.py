"""Every Sales Order action: conforming parameters are accepted and answered per contract; each
request rule, broken, is refused with the documented Code 403."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2bconform.contract import Contract
from b2bconform.generators.manex import (
    breaks,
    call,
    request_for,
    require,
)
from b2bconform.generators.mutations import breaking, can_break
from b2bconform.session import Judge

API = "manex_so"
CONTRACT = Contract.load(API)
OPERATIONS = [operation.id for operation in CONTRACT.operations]
# Flat parameters travel either way; the document shows both forms for every action.
FORMS = st.sampled_from(["json", "query"])

pytestmark = [pytest.mark.api(API), pytest.mark.writes]


def _flat(params: dict[str, Any]) -> bool:
    return not any(isinstance(value, list | dict) for value in params.values())


@pytest.mark.rules("MANEX_SO-TRN-003")
@pytest.mark.parametrize("operation", OPERATIONS)
@given(data=st.data())
def test_conforming_parameters_are_accepted_and_answered_per_contract(
    judge: Judge, so_context: Any, operation: str, data: st.DataObject
) -> None:
    params = so_context.using(data).parameters(operation)
    form = data.draw(FORMS, label="form") if _flat(params) else "json"
    judgement = call(judge, operation, params, form=form)
    judge.expect_conforms()
    require(judgement, operation)


NEGATIVE_CASES = [
    pytest.param(rule, operation, marks=pytest.mark.rules(rule.id), id=f"{rule.id}-{operation}")
    for rule in CONTRACT.rules
    if can_break(rule)
    for operation in (OPERATIONS if "*" in rule.operations else rule.operations)
]


@pytest.mark.parametrize(("rule", "operation"), NEGATIVE_CASES)
@given(data=st.data())
def test_parameters_breaking_a_rule_are_refused_with_code_403(
    judge: Judge, so_context: Any, rule: Any, operation: str, data: st.DataObject
) -> None:
    valid = so_context.using(data).parameters(operation, full=True)
    mutations = breaking(rule, valid)
    if mutations is None:  # a harness defect, not a vendor finding: report broken, not failed
        raise RuntimeError(f"{rule.id}: the valid {operation} parameters have nothing to break")
    # a near miss the parameter reading erases (an empty value is no value) breaks nothing: skip it
    mutation = data.draw(
        mutations.filter(
            lambda m: m.body is not None or breaks(API, rule.id, request_for(API, operation, m.document))
        ),
        label="mutation",
    )
    if mutation.body is not None:
        judgement = call(judge, operation, {}, raw_body=mutation.body)
    else:
        form = data.draw(FORMS, label="form") if _flat(mutation.document) else "json"
        judgement = call(judge, operation, mutation.document, form=form)
    if judgement.outcomes.get(rule.id) is None:
        raise RuntimeError(f"{rule.id} was not evaluated: the mutation ({mutation.what}) did not break it")
    judge.expect_conforms(judgement)

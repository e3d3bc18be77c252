"""createPurchaseOrder: conforming orders are accepted per contract; each request rule, broken, is rejected."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st

from b2bconform.apis.moduslink_po.generators import ORDERS_PATH, create_order
from b2bconform.engine.contract import Contract
from b2bconform.engine.mutations import can_break, draw_breaking, require_evaluated
from b2bconform.session import Judge

API = "moduslink_po"
CONTRACT = Contract.load(API)
SCHEMA = schemathesis.openapi.from_path(str(CONTRACT.spec_path))
SCHEMA.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE], with_security_parameters=False)
CREDENTIAL_HEADERS = {"clientconfigid", "clientauthkey", "ocp-apim-subscription-key"}
NEGATIVE_RULES = [
    pytest.param(rule, marks=pytest.mark.rules(rule.id), id=rule.id)
    for rule in CONTRACT.rules
    if can_break(rule) and "createPurchaseOrder" in rule.operations
]

pytestmark = pytest.mark.api(API)


@pytest.mark.writes
@pytest.mark.rules("MODUSLINK_PO-RES-013")
@given(data=st.data())
def test_conforming_orders_are_accepted_and_answered_per_contract(judge: Judge, data: st.DataObject) -> None:
    order = data.draw(create_order(judge.tag), label="order")
    judgement = judge.send("POST", ORDERS_PATH, json=order)
    judge.expect_conforms(judgement)


@pytest.mark.writes
@SCHEMA.parametrize()
def test_schema_generated_requests_are_answered_per_contract(case: schemathesis.Case, judge: Judge) -> None:
    """Breadth from the OpenAPI file: whatever schemathesis generates is judged by every applicable rule."""
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in CREDENTIAL_HEADERS}
    body = (
        case.body if case.body is not None and not isinstance(case.body, schemathesis.core.NotSet) else None
    )  # type: ignore[attr-defined]
    kwargs: dict[str, Any] = {"json": body} if body is not None else {}
    judgement = judge.send(case.method, case.formatted_path, headers=headers, **kwargs)
    judge.expect_conforms(judgement)


@pytest.mark.writes
@pytest.mark.parametrize("rule", NEGATIVE_RULES)
@given(data=st.data())
def test_request_breaking_a_rule_is_rejected_with_the_documented_error(
    judge: Judge, rule: Any, data: st.DataObject
) -> None:
    valid = data.draw(create_order(judge.tag), label="valid order")
    mutation = draw_breaking(rule, valid, data, what="order")
    if mutation.body is not None:
        judgement = judge.send(
            "POST", ORDERS_PATH, body=mutation.body, headers={"Content-Type": "application/json"}
        )
    else:
        judgement = judge.send("POST", ORDERS_PATH, json=mutation.document)
    require_evaluated(rule, mutation, judgement.outcomes)
    judge.expect_conforms(judgement)

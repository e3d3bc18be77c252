"""Order status: conforming queries of either kind are answered per contract; each request rule,
broken, is rejected; W and C read numbers as documented; a partner sees only its own orders."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st

from b2bconform.apis.westcon_rest.generators import ORDER_STATUS_PATH, order_status_query, query
from b2bconform.apis.westcon_rest.sandbox import Seed
from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.mutations import can_break, draw_breaking, require_evaluated
from b2bconform.session import HarnessSession, Judge

API = "westcon_rest"
CONTRACT = Contract.load(API)
SCHEMA = schemathesis.openapi.from_path(str(CONTRACT.spec_path)).include(operation_id="getOrderStatus")
SCHEMA.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE], with_security_parameters=False)
CREDENTIAL_HEADERS = {"authorization", "ocp-apim-subscription-key"}
NEGATIVE_RULES = [
    pytest.param(rule, marks=pytest.mark.rules(rule.id), id=rule.id)
    for rule in CONTRACT.rules
    if can_break(rule) and "getOrderStatus" in rule.operations
]
SAMPLE_REQUEST = CONTRACT.root / "examples" / "request.order-status.json"

pytestmark = pytest.mark.api(API)


@pytest.fixture
def known_numbers(harness: HarnessSession) -> dict[str, list[str]]:
    """Numbers that find orders on the sandbox, so generated queries return lines to judge."""
    if harness.test_data(API) != "sandbox":
        return {}
    from b2bconform.apis.westcon_rest.sandbox import SEED

    return {"W": [n.lstrip("0") for n in SEED.westcon_numbers] + list(SEED.westcon_numbers),
            "C": list(SEED.customer_numbers)}  # fmt: skip


def ask(judge: Judge, partner_key: str, order_type: str, *numbers: str) -> Judgement:
    return judge.send("POST", ORDER_STATUS_PATH, json=query(partner_key, order_type, numbers))


def lines(judge: Judge, judgement: Judgement) -> list[dict[str, Any]]:
    """The answer's lines, after the engine judged the answer (a finding fails the test first)."""
    judge.expect_conforms(judgement)
    response = judgement.exchange.response
    assert response is not None and response.status == 200, f"answered {judgement.exchange.response}"
    found = response.json()["MT_OrderStatus_Response"]
    assert isinstance(found, list)
    return found


@pytest.mark.rules("WESTCON_REST-STA-006")
@given(data=st.data())
def test_conforming_queries_are_answered_per_contract(
    judge: Judge, partner_key: str, known_numbers: dict[str, list[str]], data: st.DataObject
) -> None:
    judgement = judge.send(
        "POST", ORDER_STATUS_PATH, json=data.draw(order_status_query(partner_key, known_numbers))
    )
    lines(judge, judgement)


@SCHEMA.parametrize()
def test_schema_generated_queries_are_answered_per_contract(case: schemathesis.Case, judge: Judge) -> None:
    """Breadth from the OpenAPI file: whatever schemathesis generates is judged by every applicable rule."""
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in CREDENTIAL_HEADERS}
    body = case.body if not isinstance(case.body, schemathesis.core.NotSet) else None  # type: ignore[attr-defined]
    kwargs: dict[str, Any] = {"json": body} if body is not None else {}
    judge.expect_conforms(judge.send(case.method, case.formatted_path, headers=headers, **kwargs))


@pytest.mark.parametrize("rule", NEGATIVE_RULES)
@given(data=st.data())
def test_a_query_breaking_a_rule_is_rejected_with_the_documented_error(
    judge: Judge, partner_key: str, rule: Any, data: st.DataObject
) -> None:
    valid = data.draw(order_status_query(partner_key), label="valid query")
    mutation = draw_breaking(rule, valid, data, what="query")
    if mutation.body is not None:
        judgement = judge.send(
            "POST", ORDER_STATUS_PATH, body=mutation.body, headers={"Content-Type": "application/json"}
        )
    else:
        judgement = judge.send("POST", ORDER_STATUS_PATH, json=mutation.document)
    require_evaluated(rule, mutation, judgement.outcomes)
    judge.expect_conforms(judgement)


@pytest.mark.rules("WESTCON_REST-STA-006")
def test_the_documents_sample_request_is_accepted(judge: Judge, partner_key: str) -> None:
    """The sample (line 20) as printed, its masked values replaced: the caller's partnerKey, and
    order numbers of the masked shape ("6****4", "6****9": six digits)."""
    sample = json.loads(SAMPLE_REQUEST.read_text(encoding="utf-8"))
    sample["mT_OrderStatus_API_REQ"]["partnerKey"] = partner_key
    sample["mT_OrderStatus_API_REQ"]["order"] = [
        n.replace("*", "0") for n in sample["mT_OrderStatus_API_REQ"]["order"]
    ]
    lines(judge, judge.send("POST", ORDER_STATUS_PATH, json=sample))


@pytest.mark.smoke
@pytest.mark.rules("WESTCON_REST-RES-025")
def test_numbers_that_match_no_order_are_answered_with_an_empty_list(judge: Judge, partner_key: str) -> None:
    unknown = "NOSUCH-" + judge.tag.next()  # traceable to this run, no customer's real number
    assert lines(judge, ask(judge, partner_key, "C", unknown)) == []


@pytest.mark.rules("WESTCON_REST-STA-001")
def test_a_westcon_order_number_returns_its_lines_with_or_without_leading_zeros(
    judge: Judge, partner_key: str, westcon_seed: Seed
) -> None:
    for number in westcon_seed.westcon_numbers:
        for asked in (number, number.lstrip("0")):
            found = lines(judge, ask(judge, partner_key, "W", asked))
            assert len(found) == westcon_seed.lines_of(number, "W"), f"W {asked!r}: {len(found)} lines"
            assert {line["eRPOrderNumber"] for line in found} == {number}


@pytest.mark.rules("WESTCON_REST-STA-002")
def test_a_customer_order_number_returns_every_westcon_order_placed_under_it(
    judge: Judge, partner_key: str, westcon_seed: Seed
) -> None:
    for number in westcon_seed.customer_numbers:
        found = lines(judge, ask(judge, partner_key, "C", number))
        assert len(found) == westcon_seed.lines_of(number, "C"), f"C {number!r}: {len(found)} lines"
        assert {line["customerOrderNumber"] for line in found} == {number}
    several = [n for n in westcon_seed.customer_numbers if len(_orders(westcon_seed, n)) > 1]
    assert several, "the test data holds no customer order split into several Westcon orders"


def _orders(seed: Seed, customer_number: str) -> list[Any]:
    return [o for o in seed.orders if o.customer_number == customer_number]


@pytest.mark.rules("WESTCON_REST-STA-003")
def test_a_number_is_read_only_as_the_kind_order_type_names(
    judge: Judge, partner_key: str, westcon_seed: Seed
) -> None:
    for number in westcon_seed.westcon_numbers:
        assert lines(judge, ask(judge, partner_key, "C", number)) == [], f"Westcon number {number} found as C"
    for number in westcon_seed.customer_numbers:
        assert lines(judge, ask(judge, partner_key, "W", number)) == [], (
            f"customer number {number!r} found as W"
        )


@pytest.mark.rules("WESTCON_REST-STA-004")
def test_every_line_of_an_order_is_returned_whatever_its_status(
    judge: Judge, partner_key: str, westcon_seed: Seed
) -> None:
    busiest = max(westcon_seed.westcon_numbers, key=lambda n: westcon_seed.lines_of(n, "W"))
    found = lines(judge, ask(judge, partner_key, "W", busiest))
    assert len(found) == westcon_seed.lines_of(busiest, "W")
    assert len({line["lineStatusCode"] for line in found}) > 1, "the test order's lines share one status"
    assert len({line["eRPOrderLineNumber"] for line in found}) == len(found), "a line was returned twice"


@pytest.mark.rules("WESTCON_REST-STA-005")
def test_another_partners_order_is_not_returned(judge: Judge, partner_key: str, westcon_seed: Seed) -> None:
    assert lines(judge, ask(judge, partner_key, "W", westcon_seed.other_partner_westcon_number)) == []
    assert lines(judge, ask(judge, partner_key, "C", westcon_seed.other_partner_customer_number)) == []

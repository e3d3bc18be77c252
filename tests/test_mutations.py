"""Mutations derived from a rule break that rule: the engine itself finds the violation in every
mutated request (westcon_rest's request rules, JSON and form-encoded, cover every mutator kind)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from b2bconform.apis.westcon_rest.generators import FORM, ORDER_STATUS_PATH, encode_form, query
from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.engine.mutations import breaking, can_break
from b2bconform.engine.rules import Rule

CONTRACT = Contract.load("westcon_rest")
TOKEN_URL = "https://login.example.test/tenant/oauth2/token"
FORM_VALID = {"grant_type": "client_credentials", "client_id": "5b2bc0f0-0000-4000-8000-0000000c1001",
              "client_secret": "s3cret-value", "resource": "5b2bc0f0-0000-4000-8000-0000000a9100"}  # fmt: skip
QUERY_VALID = query("000000000000100003", "W", ["600004", "0000600009"])
RULES = [
    pytest.param(rule, id=rule.id)
    for rule in CONTRACT.rules
    if can_break(rule) and set(rule.operations) & {"getOrderStatus", "getAccessToken"}
]


def _exchange(rule: Rule, body: bytes) -> Exchange:
    token = "getAccessToken" in rule.operations
    request = Request(
        "POST",
        TOKEN_URL if token else f"https://api.example.test{ORDER_STATUS_PATH}",
        Headers(
            {"Content-Type": FORM}
            if token
            else {
                "Content-Type": "application/json",
                "Authorization": "Bearer t",
                "Ocp-Apim-Subscription-Key": "k",
            }
        ),
        body,
    )
    return Exchange(
        "westcon_rest", request, Response(400, Headers({"Content-Type": "application/json"}), b"{}")
    )


def test_every_mutator_kind_is_exercised() -> None:
    kinds = {param.values[0].check for param in RULES}  # type: ignore[union-attr]
    assert {
        "not_empty",
        "equals",
        "pattern",
        "required",
        "type",
        "enum",
        "min_items",
        "json_body",
        "any_present",
    } <= kinds


@pytest.mark.parametrize("rule", RULES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_a_mutation_breaks_the_rule_it_was_derived_from(rule: Rule, data: st.DataObject) -> None:
    valid: dict[str, Any] = FORM_VALID if "getAccessToken" in rule.operations else QUERY_VALID
    encode = encode_form if "getAccessToken" in rule.operations else lambda d: json.dumps(d).encode()
    assert CONTRACT.check(_exchange(rule, encode(valid))).broken_by_request == set(), (
        "the valid request breaks a rule"
    )
    mutations = breaking(rule, valid)
    assert mutations is not None
    mutation = data.draw(mutations)
    judgement = CONTRACT.check(_exchange(rule, mutation.body or encode(mutation.document)))
    assert rule.id in judgement.broken_by_request, f"{mutation.what} did not break {rule.id}"


# ── answer and caller's-request mutations (the proofs' negative halves) ──────────────────────

from b2bconform.engine.mutations import breaking_answer, breaking_request  # noqa: E402
from b2bconform.engine.rules import _build_rule  # noqa: E402


def _rule(
    check: str, params: dict[str, Any], direction: str = "response", judged: tuple[str, ...] = ("vendor",)
) -> Rule:
    return _build_rule(
        {
            "id": "TOY-RES-001",
            "statement": "s",
            "source": {"file": "toy.txt", "section": "1"},
            "direction": direction,
            "severity": "critical",
            "kind": "shape",
            "check": check,
            "params": params,
            "judged": list(judged),
        },
        (),
    )


@settings(max_examples=20)
@given(st.data())
def test_a_constant_that_is_not_text_gets_a_near_miss_of_another_value(data: st.DataObject) -> None:
    for wanted in (True, 403, [], None):
        mutation = data.draw(breaking_answer(_rule("equals", {"path": "/v", "value": wanted}), {"v": wanted}))
        got = mutation.document["v"]
        assert got != wanted or type(got) is not type(wanted)


@settings(max_examples=20)
@given(st.data())
def test_a_relation_inside_each_entry_is_broken_inside_one_entry(data: st.DataObject) -> None:
    rule = _rule(
        "implies", {"within": "/lines/*", "when_path": "/kind", "when_in": ["A"], "then_path": "/note"}
    )
    document = {"lines": [{"kind": "A", "note": "n"}, {"kind": "B"}]}
    mutation = data.draw(breaking_answer(rule, document))
    assert mutation.where.startswith("/lines/")
    broken = [line for line in mutation.document["lines"] if line.get("kind") == "A" and not line.get("note")]
    assert broken


@settings(max_examples=20)
@given(st.data())
def test_a_callers_text_rule_and_schema_rule_are_broken_in_the_request(data: st.DataObject) -> None:
    text = _rule("text_matches", {"path": "/P", "regex": ".{4}"}, "request", ("client",))
    mutation = data.draw(breaking_request(text, {"P": {"@Type": "t", "#text": "abcd"}}))
    assert mutation.document["P"]["@Type"] == "t" and len(mutation.document["P"]["#text"]) != 4
    schema = _rule("xsd_valid", {"schema": "x.xsd", "element": "Q"}, "request", ("client",))
    mutation = data.draw(breaking_request(schema, {"E": {"Q": {"a": "1"}}}))
    assert "b2bconformUndeclared" in mutation.document["E"]["Q"]
    assert breaking_request(schema, {"E": {"Other": {}}}) is None


@settings(max_examples=20)
@given(st.data())
def test_relations_across_members_of_an_answer_are_broken_where_they_meet(data: st.DataObject) -> None:
    value = data.draw(
        breaking_answer(_rule("type_in", {"path": "/s", "types": ["string", "null"]}), {"s": "x"})
    )
    assert value.document["s"] is not None and not isinstance(value.document["s"], str)
    balance = _rule("difference", {"within": ["/rows/*"], "path": "/b", "minuend": "/q", "subtrahend": "/r"})
    changed = data.draw(breaking_answer(balance, {"rows": [{"b": 2, "q": 5, "r": 3}]}))
    assert changed.document["rows"][0]["b"] == 3
    group = _rule("same_per_group", {"path": "/lines/*", "key": "o", "member": "c"})
    lines = {"lines": [{"o": "1", "c": "A"}, {"o": "1", "c": "A"}, {"o": "2", "c": "B"}]}
    assert data.draw(breaking_answer(group, lines)).document["lines"][1]["c"] != "A"
    assert breaking_answer(group, {"lines": [{"o": "1", "c": "A"}]}) is None  # no group of two
    read = _rule(
        "reads_back", {"created_by": "op", "id_path": "/id", "fields": {"/sku": "/clientRequest/sku"}}
    )
    assert data.draw(breaking_answer(read, {"sku": "S1"})).document["sku"] != "S1"


@settings(max_examples=20)
@given(st.data())
def test_a_relation_across_two_objects_is_broken_only_where_the_answer_meets_its_condition(
    data: st.DataObject,
) -> None:
    rule = _rule(
        "implies",
        {"when_path": "/header/status", "when_in": ["confirmed"], "then_path": "/order/orderId"},
    )
    confirmed = {"header": {"status": "confirmed"}, "order": {"orderId": "45"}}
    mutation = data.draw(breaking_answer(rule, confirmed))
    assert mutation.document["header"] == {"status": "confirmed"}  # the condition left as written
    assert not mutation.document["order"].get("orderId")
    # setting the condition in one object could contradict the other: an answer not meeting it
    # offers nothing to break
    assert breaking_answer(rule, {"header": {"status": "created"}, "order": {}}) is None


@settings(max_examples=20)
@given(st.data())
def test_an_echo_is_broken_by_another_value_or_none(data: st.DataObject) -> None:
    rule = _rule("echo", {"path": "/ref", "request_path": "/sent"})
    assert data.draw(breaking_answer(rule, {"ref": "R1"})).document["ref"] in ("", "b2bconform-not-the-echo")


@settings(max_examples=20)
@given(st.data())
def test_an_answer_not_asked_for_keeps_the_shape_of_what_was(data: st.DataObject) -> None:
    rule = _rule("matches_request", {"path": "/orders/*/number", "request_path": "/asked/*"})
    changed = data.draw(breaking_answer(rule, {"orders": [{"number": "0000704571"}, {"number": "Ab-9"}]}))
    numbers = [order["number"] for order in changed.document["orders"]]
    assert numbers != ["0000704571", "Ab-9"]
    assert numbers in (
        ["1111815682", "Ab-9"],
        ["0000704571", "Bc-0"],
        ["b2bconform-not-asked-for", "Ab-9"],
        ["0000704571", "b2bconform-not-asked-for"],
    )


def test_a_zero_padded_key_is_missed_by_its_padding_among_others() -> None:
    rule = _rule("pattern", {"path": "/SONO", "regex": "[0-9]{10}"})
    mutations = breaking_answer(rule, {"SONO": "0000000100"})
    assert mutations is not None
    unpadded = find(mutations, lambda m: m.document["SONO"] == "100", settings=settings(database=None))
    assert unpadded.where == "/SONO"
    other = find(mutations, lambda m: m.document["SONO"] != "100", settings=settings(database=None))
    assert re.fullmatch("[0-9]{10}", other.document["SONO"]) is None


@settings(max_examples=20)
@given(st.data())
def test_a_link_is_broken_by_leaving_it_out_or_pointing_it_elsewhere(data: st.DataObject) -> None:
    rule = _rule("link", {"path": "/links", "rel": "orders", "method": "GET", "href_template": "/o/{id}",
                          "id_path": "/id"})  # fmt: skip
    document = {"id": "7", "links": [{"href": "/o/7", "rel": "orders", "method": "GET"}]}
    links = data.draw(breaking_answer(rule, document)).document["links"]
    assert links in ([], [{"href": "/o/7/b2bconform", "rel": "orders", "method": "GET"}])
    assert breaking_answer(rule, {"id": "7"}) is None


@settings(max_examples=10)
@given(st.data())
def test_a_soap_fault_is_broken_by_an_empty_reason(data: st.DataObject) -> None:
    fault = {"Envelope": {"Body": {"Fault": {"faultcode": "s:Client", "faultstring": "bad"}}}}
    changed = data.draw(breaking_answer(_rule("soap_fault", {}), fault)).document
    assert changed["Envelope"]["Body"]["Fault"] == {"faultcode": "s:Client", "faultstring": ""}
    assert breaking_answer(_rule("soap_fault", {}), {"Envelope": {"Body": {}}}) is None

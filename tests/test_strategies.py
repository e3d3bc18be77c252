"""Request bodies drawn from a contract: the spec's schema, narrowed by the request rules, complete,
accepted by every request rule, and keyed per draw."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b2bconform.engine.contract import contract_of
from b2bconform.engine.formats.openapi import format_checker
from b2bconform.engine.model import Exchange, Headers, Request
from b2bconform.engine.schemas import inlined, request_body_schemas, schemas_at
from b2bconform.references import RunTag, TestTag
from b2bconform.strategies import fresh_keys, request_bodies

API, OPERATION = "moduslink_po", "createPurchaseOrder"
DRAWS = settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def tag() -> TestTag:
    return RunTag("strategies").for_test("test")


def _request_findings(api: str, operation: str, body: Any) -> list[str]:
    contract = contract_of(api)
    headers = [("Content-Type", "application/json")]
    headers += [(c.at, "x") for c in contract.rules.credentials if c.where == "header"]
    request = Request("POST", "https://x.invalid/", Headers(headers), json.dumps(body).encode())
    judgement = contract.check(Exchange(api, request, operation=operation), side="client")
    return [finding.rule for finding in judgement.findings]


@DRAWS
@given(body=request_bodies(API, OPERATION, tag()))
def test_drawn_bodies_validate_against_the_specs_own_schema(body: Any) -> None:
    [schema] = request_body_schemas(contract_of(API).spec, OPERATION)
    jsonschema.Draft202012Validator(schema, format_checker=format_checker()).validate(body)


@DRAWS
@given(body=request_bodies(API, OPERATION, tag()))
def test_drawn_bodies_break_no_request_rule(body: Any) -> None:
    assert _request_findings(API, OPERATION, body) == []


@DRAWS
@given(body=request_bodies(API, OPERATION, tag()))
def test_a_rule_stricter_than_the_spec_narrows_what_is_drawn(body: Any) -> None:
    # REQ-023 lists the note types; the spec only bounds noteType at 4 characters
    notes = body["clientRequest"]["order"]["note"] + [
        n for i in body["clientRequest"]["item"] for n in i["notes"]
    ]
    assert notes and {note["noteType"] for note in notes} <= {"F01", "F05", "F06"}


@DRAWS
@given(body=request_bodies(API, OPERATION, tag()))
def test_complete_bodies_carry_every_member_the_spec_defines_and_no_empty_array(body: Any) -> None:
    spec = contract_of(API).spec
    [schema] = request_body_schemas(spec, OPERATION)

    def walk(node: Any, value: Any) -> None:
        if isinstance(node.get("properties"), dict):
            assert set(node["properties"]) <= set(value), sorted(set(node["properties"]) - set(value))
            for name, member in node["properties"].items():
                walk(member, value[name])
        if node.get("type") == "array":
            assert 1 <= len(value) <= 3
            for element in value:
                walk(node["items"], element)

    walk(schema, body)


def test_each_draw_gets_references_of_its_own() -> None:
    seen: list[tuple[str, str]] = []

    @DRAWS
    @given(body=request_bodies(API, OPERATION, tag()))
    def draw(body: Any) -> None:
        header = body["clientRequest"]["requestHeader"]
        seen.append((header["requestReference"], header["externalMessageReference"]))

    draw()
    references = [reference for reference, _ in seen]
    assert len(references) == len(set(references)) > 1


def test_a_rules_bound_the_spec_does_not_write_is_what_generation_keeps_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the spec bounds sku at 18; drawing from the narrowed schema never exceeds the rule's bound
    [schema] = request_body_schemas(contract_of(API).spec, OPERATION)
    [sku] = schemas_at(schema, "/clientRequest/item/*/sku")
    assert (
        sku["maxLength"]
        == next(r for r in contract_of(API).rules if r.id == "MODUSLINK_PO-REQ-028").params["max"]
    )


def test_fresh_keys_keep_an_empty_key_unless_asked() -> None:
    document = {
        "clientRequest": {"requestHeader": {"requestReference": "", "externalMessageReference": "E1"}}
    }
    kept = fresh_keys(contract_of(API), OPERATION, json.loads(json.dumps(document)), tag())
    assert kept["clientRequest"]["requestHeader"]["requestReference"] == ""
    assert kept["clientRequest"]["requestHeader"]["externalMessageReference"] != "E1"
    filled = fresh_keys(contract_of(API), OPERATION, json.loads(json.dumps(document)), tag(), empty_too=True)
    assert filled["clientRequest"]["requestHeader"]["requestReference"] != ""


def test_a_recursive_schema_is_inlined_to_a_finite_copy() -> None:
    spec = {
        "components": {
            "schemas": {
                "Node": {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Node"}}}
            }
        }
    }
    copy = inlined(spec, {"$ref": "#/components/schemas/Node"})
    assert copy == {"type": "object", "properties": {"child": {}}}


def test_a_request_the_sandbox_judges_the_same_as_generation_does() -> None:
    # a drawn body is accepted by the ModusLink sandbox's 412 judgement, built from the same rules
    from b2bconform.apis.moduslink_po.sandbox.validation import validate_request

    @DRAWS
    @given(body=request_bodies(API, OPERATION, tag()), sku=st.text(min_size=19, max_size=25))
    def check(body: Any, sku: str) -> None:
        assert validate_request(body) == []
        body["clientRequest"]["item"][0]["sku"] = sku
        assert [p.rule for p in validate_request(body)] == ["MODUSLINK_PO-REQ-028"]

    check()


def test_a_fresh_key_is_as_long_as_the_spec_lets_its_member_be() -> None:
    from b2bconform.strategies import _room

    contract = contract_of(API)
    unique = next(r for r in contract.rules if r.check == "unique" and r.applies_to(OPERATION))
    assert unique.params["path"].endswith("/requestReference")
    assert _room(contract, OPERATION, unique) == 25  # openapi.yaml: requestReference maxLength 25

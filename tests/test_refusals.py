"""What a sandbox refuses a request for comes from the contract (``sandboxes/refusals.py``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from b2bconform.apis.westcon_soap.generators import order_status_envelope
from b2bconform.engine.model import Headers, Request
from b2bconform.engine.pointers import select
from b2bconform.errors import ContractLoadError
from b2bconform.sandboxes.refusals import (
    as_sent,
    breaking_paths,
    broken_request_rules,
    dotted,
    enum_values,
    spec_schema_errors,
)

ROOT = "mT_OrderStatus_API_REQ"


def westcon(**changes: Any) -> dict[str, Any]:
    query = {"partnerKey": "P1", "orderType": "W", "language": "EN", "order": ["600004"]}
    query.update(changes)
    return {ROOT: {k: v for k, v in query.items() if v is not ...}}


def broken(body: Any, **options: Any) -> list[str]:
    return [rule.id for rule, _ in broken_request_rules("westcon_rest", "getOrderStatus", body, **options)]


def test_a_conforming_request_breaks_no_rule_the_vendor_refuses() -> None:
    assert broken(westcon()) == []


def test_each_broken_vendor_rule_is_named_in_the_catalogues_order() -> None:
    assert broken(westcon(partnerKey=..., order=[])) == ["WESTCON_REST-REQ-003", "WESTCON_REST-REQ-012"]


def test_a_rule_judged_on_the_client_only_is_not_refused() -> None:
    assert broken(westcon(language="english")) == []  # REQ-009 judges callers only


def test_a_contested_rule_is_refused_by_its_adopted_reading() -> None:
    # REQ-003 has another reading (any 4xx refusal): the request still breaks the adopted one
    assert "WESTCON_REST-REQ-003" in broken(westcon(partnerKey=...))


def test_only_the_rules_refused_with_the_asked_status_are_named() -> None:
    assert broken(westcon(orderType="X"), status=400) == ["WESTCON_REST-REQ-007"]
    assert broken(westcon(orderType="X"), status=412) == []


def test_schema_errors_are_named_only_at_members_the_vendor_validates() -> None:
    assert spec_schema_errors("westcon_rest", "getOrderStatus", westcon(orderType=1)) == [
        f"/{ROOT}/orderType"
    ]
    assert spec_schema_errors("westcon_rest", "getOrderStatus", westcon(language=7)) == []
    assert spec_schema_errors("westcon_rest", "getOrderStatus", westcon(language=...)) == []


def test_pointers_read_and_name_members_as_vendors_write_them() -> None:
    body = {"root": {"items": [{"sku": "A"}]}}
    # a finding's pointer is read with the engine's own pointers (no second resolver here)
    assert select(body, "/root/items/0/sku") == [("/root/items/0/sku", "A")]
    assert select(body, "/root/items/1/sku") == []
    assert dotted("/root/items/0/sku") == "root.items[0].sku"


def test_an_enum_rules_values_are_read_from_the_contract() -> None:
    assert enum_values("manex_so", "MANEX_SO-ITM-018") == ("DY", "WK", "MO")
    assert enum_values("westcon_rest", "WESTCON_REST-REQ-007") == ("W", "C")  # taken from the spec


def test_a_rule_that_is_no_enum_is_a_contract_error_naming_it() -> None:
    with pytest.raises(ContractLoadError, match="MANEX_SO-NOPE"):
        enum_values("manex_so", "MANEX_SO-NOPE")


def test_where_a_request_breaks_a_rule_is_named_without_positions() -> None:
    def paths(rule: str, body: bytes) -> list[str]:
        asked = Request("POST", "https://sandbox.invalid/svc", Headers([]), body)
        return breaking_paths("westcon_soap", "GetOrderStatus", rule, asked)

    orders = "/Envelope/Body/GetOrderStatus/request/WestconOrderStatus/Orders"
    long_second = order_status_envelope("1", ["704571", "7" * 36])
    assert paths("WESTCON_SOAP-REQ-008", long_second) == [f"{orders}/Order/OrderNumber"]
    assert paths("WESTCON_SOAP-REQ-006", order_status_envelope("1", [])) == [f"{orders}/Order"]
    assert paths("WESTCON_SOAP-REQ-008", order_status_envelope("1", ["704571"])) == []


def test_a_body_alone_is_judged_as_sent_bytes_as_they_are_anything_else_as_json() -> None:
    assert as_sent(b"<Envelope/>").body == b"<Envelope/>"
    assert json.loads(as_sent({"a": [1]}).body or b"") == {"a": [1]}
    assert as_sent({}).url.startswith("https://") and dict(as_sent({}).headers) == {}

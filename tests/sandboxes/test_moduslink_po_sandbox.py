"""The ModusLink Purchase API sandbox: faithful to the contract, and each fault breaks its one rule."""

from __future__ import annotations

import copy
import json
import re
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import yaml
from fault_probes import derived_probes, failed_rules_of
from starlette.exceptions import StarletteDeprecationWarning

from b2bconform.apis.moduslink_po.sandbox import FAIL_500_CUST_REFERENCE, SITES, ModusLinkSandbox
from b2bconform.engine.contract import Contract
from b2bconform.engine.formats import get_format
from b2bconform.errors import UsageError
from b2bconform.locations import contract_dir
from b2bconform.sandboxes import SANDBOXES, Fault, Sandbox, get_sandbox
from b2bconform.sandboxes.serve import serve, start_in_thread

with warnings.catch_warnings():
    # Starlette nudges towards httpx2; the httpx-based TestClient works the same for us.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

CONTRACT = contract_dir("moduslink_po")
EXAMPLE = json.loads((CONTRACT / "examples" / "request.create-order.json").read_text(encoding="utf-8"))
RULES = yaml.safe_load((CONTRACT / "rules.yaml").read_text(encoding="utf-8"))["rules"]
RULES_BY_ID = {rule["id"]: rule for rule in RULES}

ORDERS = "/purchaseapi/v1/orders"
SUBSCRIPTION_TEXT = (
    "Access denied due to invalid subscription key. "
    "Make sure to provide a valid key for an active subscription."
)
CREDENTIALS_TEXT = "Access denied due to invalid client credentials."
UTC = get_format("utc-datetime")


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


class Api:
    """A sandbox instance and an in-process client over it."""

    def __init__(self, fault: str | None = None) -> None:
        self.sandbox = ModusLinkSandbox(fault)
        self.http = TestClient(self.sandbox.app())  # a fault that rewrites answers included
        self.headers = self.sandbox.client_headers()

    def post(self, body: Any, headers: dict[str, str] | None = None, path: str = ORDERS) -> httpx.Response:
        content = body if isinstance(body, bytes | str) else json.dumps(body)
        sent = self.headers if headers is None else headers
        response: httpx.Response = self.http.post(path, content=content, headers=sent)
        return response

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        response: httpx.Response = self.http.get(path, headers=self.headers if headers is None else headers)
        return response

    def create(self, body: Any | None = None) -> str:
        """POST (the example by default), insist on acceptance, and return the link's href."""
        response = self.post(example() if body is None else body)
        assert response.status_code == 202, response.text
        href: str = response.json()["links"][0]["href"]
        return href


def example(reference: str | None = None, external: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(EXAMPLE)
    header = body["clientRequest"]["requestHeader"]
    if reference is not None:
        header["requestReference"] = reference
    if external is not None:
        header["externalMessageReference"] = external
    return body


def _walk(body: dict[str, Any], dotted: str) -> tuple[Any, str | int]:
    node: Any = body
    *parents, last = [int(part) if part.isdigit() else part for part in dotted.split(".")]
    for part in parents:
        node = node[part]
    return node, last


def setting(dotted: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(body: dict[str, Any]) -> None:
        parent, key = _walk(body, dotted)
        if isinstance(parent, list) and key == len(parent):
            parent.append(copy.deepcopy(value))  # one past the end: a new array entry
        else:
            parent[key] = copy.deepcopy(value)

    return mutate


def removing(dotted: str) -> Callable[[dict[str, Any]], None]:
    def mutate(body: dict[str, Any]) -> None:
        parent, key = _walk(body, dotted)
        del parent[key]

    return mutate


def envelope(
    code: str, text: str, path: str, error_type: str, ref: str = "", ext: str = ""
) -> dict[str, Any]:
    return {
        "result": "false",
        "requestId": "",
        "requestReference": ref,
        "externalMessageReference": ext,
        "links": [],
        "errorCode": code,
        "message": [{"message": text, "path": path, "errorType": error_type}],
    }


def without(headers: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k != name}


def replaced(headers: dict[str, str], name: str, value: str) -> dict[str, str]:
    return {**headers, name: value}


@pytest.fixture
def api() -> Api:
    return Api()


# ── acceptance and read-back ─────────────────────────────────────────────────────────────────


def test_documented_request_example_is_accepted_with_the_documented_body(api: Api) -> None:
    response = api.post(EXAMPLE)
    assert response.status_code == 202
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "result": "true",
        "requestId": "3201413",
        "requestReference": "API_DEMOUS_PO_1",
        "externalMessageReference": "API_DEMOUS_PO_1",
        "links": [
            {
                "href": "/purchaseapi/v1/orders/3201413",
                "rel": "orders",
                "method": "GET",
                "description": "Request of type purchase orders is returned",
            }
        ],
        "errorCode": "",
        "message": [],
    }


def test_request_ids_are_sequential_digits(api: Api) -> None:
    ids = [api.post(example(f"REF-{n}")).json()["requestId"] for n in range(3)]
    assert ids == ["3201413", "3201414", "3201415"]


def test_following_the_link_walks_created_confirmed_goodsreceived(api: Api) -> None:
    href = api.create()
    first, second, third, fourth = (api.get(href) for _ in range(4))
    assert {r.status_code for r in (first, second, third, fourth)} == {200}
    assert first.headers["content-type"] == "application/json"

    created = first.json()
    assert created["requestControl"] == {"externalMessageReference": "API_DEMOUS_PO_1"}
    assert created["requestHeader"]["requestType"] == "PO"
    assert created["requestHeader"]["requestStatus"] == created["order"]["status"] == "created"
    assert "externalMessageReference" not in created["requestHeader"]
    assert "orderId" not in created["order"] and "dateTimeConfirmed" not in created["requestHeader"]

    confirmed = second.json()
    assert confirmed["requestHeader"]["requestStatus"] == confirmed["order"]["status"] == "confirmed"
    assert re.fullmatch(r"45[0-9]{8}", confirmed["order"]["orderId"])
    assert "dateTimeConfirmed" in confirmed["requestHeader"] and "dateTimeConfirmed" in confirmed["order"]
    assert "dateTimeGoodsReceived" not in confirmed["requestHeader"]

    for later in (third.json(), fourth.json()):
        assert later["requestHeader"]["requestStatus"] == later["order"]["status"] == "goodsreceived"
        assert later["order"]["orderId"] == confirmed["order"]["orderId"]
        assert later["requestHeader"]["dateTimeConfirmed"] == confirmed["requestHeader"]["dateTimeConfirmed"]
        assert "dateTimeGoodsReceived" in later["requestHeader"]


def test_read_back_shows_what_was_sent_and_utc_timestamps(api: Api) -> None:
    href = api.create()
    reads = [api.get(href).json() for _ in range(3)]
    sent = EXAMPLE["clientRequest"]
    for detail in reads:
        header = detail["requestHeader"]
        assert header["client"] == "MLDEMOUS"
        assert header["requestReference"] == "API_DEMOUS_PO_1"
        assert header["dateTimeSent"] == "2019-02-06T00:00:00Z"
        assert detail["order"]["custReference"] == "1"
        assert detail["order"]["note"] == sent["order"]["note"]
        assert detail["item"] == sent["item"]  # notes kept under the name they were sent with ("note")
        stamps = [v for k, v in {**header, **detail["order"]}.items() if k.startswith("dateTime")]
        assert stamps and all(UTC.validate(stamp) is None for stamp in stamps)


def test_item_notes_sent_as_notes_are_read_back_as_notes(api: Api) -> None:
    body = example()
    item = body["clientRequest"]["item"][0]
    item["notes"] = item.pop("note")
    detail = api.get(api.create(body)).json()
    assert detail["item"][0]["notes"] == [{"noteType": "F01", "value": "Item Test Note"}]
    assert "note" not in detail["item"][0]


def test_uom_omitted_is_accepted_and_read_back_as_ea(api: Api) -> None:
    body = example()
    del body["clientRequest"]["item"][0]["quantity"]["uom"]
    detail = api.get(api.create(body)).json()
    assert detail["item"][0]["quantity"] == {"value": "1", "uom": "EA"}


def test_link_and_route_match_case_insensitively(api: Api) -> None:
    assert api.post(example("CASE-1"), path="/PurchaseAPI/V1/Orders").status_code == 202
    assert api.get("/purchaseapi/V1/orders/3201413").status_code == 200


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(removing("clientRequest.requestHeader.client"), id="client-missing"),
        pytest.param(removing("clientRequest.requestHeader.dateTimeSent"), id="dateTimeSent-missing"),
        pytest.param(removing("clientRequest.order.custReference"), id="custReference-missing"),
        pytest.param(removing("clientRequest.order.note"), id="order-notes-missing"),
        pytest.param(setting("clientRequest.order.note.0.noteType", "ZZ9"), id="unknown-noteType"),
        pytest.param(
            setting("clientRequest.item.1", copy.deepcopy(EXAMPLE["clientRequest"]["item"][0])),
            id="repeated-itemId",
        ),
        pytest.param(setting("clientRequest.requestHeader.requestType", "PO"), id="response-only-member"),
        pytest.param(setting("clientRequest.requestHeader.TimeZone", "CET"), id="removed-TimeZone"),
        pytest.param(setting("clientRequest.order.incoTerms1", "capture"), id="unknown-member"),
        pytest.param(setting("clientRequest.requestHeader.requestReference", "R" * 25), id="reference-25"),
        pytest.param(
            setting("clientRequest.requestHeader.externalMessageReference", "E" * 50), id="external-50"
        ),
        pytest.param(setting("clientRequest.requestHeader.client", "C" * 40), id="client-40"),
        pytest.param(setting("clientRequest.item.0.sku", "S" * 18), id="sku-18"),
        pytest.param(setting("clientRequest.item.0.clientItemRef", "12345"), id="clientItemRef-5"),
        pytest.param(setting("clientRequest.order.note.0.noteType", "F006"), id="noteType-4"),
        pytest.param(setting("clientRequest.order.note.0.value", "v" * 132), id="note-value-132"),
        pytest.param(setting("clientRequest.item.0.quantity.value", "2.5"), id="decimal-quantity"),
        pytest.param(setting("clientRequest.item.0.quantity.uom", "BX"), id="uom-BX"),
        pytest.param(setting("clientRequest.item.0.quantity.uom", "CS"), id="uom-CS"),
        pytest.param(removing("clientRequest.item.0.itemDeliveryDate"), id="itemDeliveryDate-missing"),
    ],
)
def test_requests_breaking_no_vendor_judged_rule_are_accepted(
    api: Api, mutate: Callable[[dict[str, Any]], None]
) -> None:
    body = example()
    mutate(body)
    response = api.post(body)
    assert response.status_code == 202, response.text


def test_client_omitted_is_accepted_and_not_invented_on_read(api: Api) -> None:
    body = example()
    del body["clientRequest"]["requestHeader"]["client"]
    assert "client" not in api.get(api.create(body)).json()["requestHeader"]


def test_content_type_is_optional_and_ignored(api: Api) -> None:
    raw = json.dumps(example("CT-NONE")).encode()
    assert api.http.post(ORDERS, content=raw, headers=api.headers).status_code == 202
    plain = {**api.headers, "Content-Type": "text/plain"}
    assert api.http.post(ORDERS, content=json.dumps(example("CT-PLAIN")), headers=plain).status_code == 202


def test_repeated_external_message_reference_is_accepted(api: Api) -> None:
    api.create(example("FIRST", external="SAME-EXT"))
    response = api.post(example("SECOND", external="SAME-EXT"))
    assert response.status_code == 202
    assert response.json()["externalMessageReference"] == "SAME-EXT"


def test_both_sites_are_served(api: Api) -> None:
    assert len(SITES) == 2
    for site in range(2):
        headers = api.sandbox.client_headers(site)
        assert api.post(example(f"SITE-{site}"), headers=headers).status_code == 202


# ── documented errors ────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe", b"[1, 2]", b'"text"', b"null"])
def test_body_that_is_not_a_json_object_gets_the_documented_400(api: Api, body: bytes) -> None:
    response = api.post(body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == envelope("400", "The request is not in valid JSON format", "", "invalid format")


def _auth_cases() -> list[Any]:
    good = ModusLinkSandbox().client_headers(0)
    other = ModusLinkSandbox().client_headers(1)
    sub, ccid, key = "Ocp-Apim-Subscription-Key", "ClientConfigId", "ClientAuthKey"
    return [
        pytest.param(without(good, sub), SUBSCRIPTION_TEXT, id="subscription-missing"),
        pytest.param(replaced(good, sub, " "), SUBSCRIPTION_TEXT, id="subscription-blank"),
        pytest.param(replaced(good, sub, "wrong"), SUBSCRIPTION_TEXT, id="subscription-wrong"),
        pytest.param(without(good, ccid), CREDENTIALS_TEXT, id="ccid-missing"),
        pytest.param(replaced(good, ccid, ""), CREDENTIALS_TEXT, id="ccid-blank"),
        pytest.param(replaced(good, ccid, "SBX-XX"), CREDENTIALS_TEXT, id="ccid-unknown"),
        pytest.param(without(good, key), CREDENTIALS_TEXT, id="key-missing"),
        pytest.param(replaced(good, key, " "), CREDENTIALS_TEXT, id="key-blank"),
        pytest.param(replaced(good, key, "wrong"), CREDENTIALS_TEXT, id="key-wrong"),
        pytest.param(replaced(good, key, other[key]), CREDENTIALS_TEXT, id="other-sites-key"),
        pytest.param(replaced(other, key, good[key]), CREDENTIALS_TEXT, id="first-sites-key-at-second-site"),
        pytest.param({}, SUBSCRIPTION_TEXT, id="no-headers"),
    ]


@pytest.mark.parametrize(("headers", "text"), _auth_cases())
def test_bad_credentials_get_the_documented_401_on_both_operations(
    api: Api, headers: dict[str, str], text: str
) -> None:
    href = api.create()
    expected = envelope("401", text, "", "authentication")
    for response in (api.post(example("AUTH"), headers=headers), api.get(href, headers=headers)):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/json"
        assert response.json() == expected


def test_credentials_are_checked_before_the_body(api: Api) -> None:
    assert api.post(b"{not json", headers={}).status_code == 401


def test_repeated_request_reference_gets_the_documented_409(api: Api) -> None:
    api.create(example("DUP-1", external="EXT-A"))
    response = api.post(example("DUP-1", external="EXT-B"))
    assert response.status_code == 409
    assert response.json() == envelope(
        "409",
        "This is a duplicate purchase order",
        "#/clientRequest.requestHeader.requestReference",
        "duplicate",
        "DUP-1",
        "EXT-B",
    )


def test_duplicate_is_judged_after_the_schema(api: Api) -> None:
    api.create(example("DUP-2"))
    body = example("DUP-2")
    body["clientRequest"]["item"][0]["sku"] = "S" * 19
    assert api.post(body).status_code == 412


P = "#/clientRequest"


def put(dotted: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return setting(f"clientRequest.{dotted}", value)


def drop(dotted: str) -> Callable[[dict[str, Any]], None]:
    return removing(f"clientRequest.{dotted}")


def case(mutate: Callable[[dict[str, Any]], None], where: str, error_type: str, case_id: str) -> Any:
    """One vendor-judged request rule broken: the 412 entry must name `where` with `error_type`."""
    return pytest.param(mutate, f"{P}.{where}" if where else P, error_type, id=case_id)


LONG_ITEM = {"itemId": "2", "sku": "S" * 19, "quantity": {"value": "1"}}
OFFSET = "2019-02-06T01:00:00+01:00"
# fmt: off
PRECONDITION_CASES = [
    case(removing("clientRequest"), "", "PropertyRequired", "REQ-002-wrapper-missing"),
    case(setting("clientRequest", []), "", "InvalidType", "REQ-002-wrapper-not-object"),
    case(drop("requestHeader"), "requestHeader", "PropertyRequired", "REQ-003-missing"),
    case(put("requestHeader", "x"), "requestHeader", "InvalidType", "REQ-003-not-object"),
    case(drop("order"), "order", "PropertyRequired", "REQ-004-missing"),
    case(put("order", []), "order", "InvalidType", "REQ-004-not-object"),
    case(drop("item"), "item", "PropertyRequired", "REQ-005-missing"),
    case(put("item", {}), "item", "InvalidType", "REQ-005-not-array"),
    case(put("item", []), "item", "ArrayTooShort", "REQ-006-empty"),
    case(put("item.0", "1"), "item[0]", "InvalidType", "item-not-object"),
    case(drop("requestHeader.externalMessageReference"), "requestHeader.externalMessageReference",
         "PropertyRequired", "REQ-007"),
    case(put("requestHeader.externalMessageReference", "E" * 51), "requestHeader.externalMessageReference",
         "StringTooLong", "REQ-008"),
    case(put("requestHeader.externalMessageReference", 7), "requestHeader.externalMessageReference",
         "InvalidType", "externalMessageReference-number"),
    case(put("requestHeader.client", "C" * 41), "requestHeader.client", "StringTooLong", "REQ-010"),
    case(put("requestHeader.client", True), "requestHeader.client", "InvalidType", "client-boolean"),
    case(drop("requestHeader.requestReference"), "requestHeader.requestReference", "PropertyRequired",
         "REQ-011"),
    case(put("requestHeader.requestReference", "R" * 26), "requestHeader.requestReference", "StringTooLong",
         "REQ-012"),
    case(put("requestHeader.requestReference", None), "requestHeader.requestReference", "InvalidType",
         "requestReference-null"),
    case(put("requestHeader.dateTimeSent", OFFSET), "requestHeader.dateTimeSent", "InvalidFormat",
         "REQ-014-offset"),
    case(put("requestHeader.dateTimeSent", "2019-02-06T00:00:00"), "requestHeader.dateTimeSent",
         "InvalidFormat", "REQ-014-no-Z"),
    case(put("requestHeader.dateTimeSent", "2019-02-06"), "requestHeader.dateTimeSent", "InvalidFormat",
         "REQ-014-date-only"),
    case(put("requestHeader.dateTimeSent", "2019-02-29T00:00:00Z"), "requestHeader.dateTimeSent",
         "InvalidFormat", "REQ-014-not-a-calendar-date"),
    case(put("requestHeader.dateTimeSent", "2019-02-06T24:00:00Z"), "requestHeader.dateTimeSent",
         "InvalidFormat", "REQ-014-hour-24"),
    case(put("requestHeader.dateTimeSent", 20190206), "requestHeader.dateTimeSent", "InvalidType",
         "dateTimeSent-number"),
    case(put("order.custReference", 1), "order.custReference", "InvalidType", "REQ-018"),
    case(put("order.note", {}), "order.note", "InvalidType", "order-note-not-array"),
    case(put("order.note.0", "F01"), "order.note[0]", "InvalidType", "order-note-not-object"),
    case(drop("order.note.0.noteType"), "order.note[0].noteType", "PropertyRequired", "REQ-020-noteType"),
    case(drop("order.note.0.value"), "order.note[0].value", "PropertyRequired", "REQ-020-value"),
    case(put("order.note.0.noteType", "F0001"), "order.note[0].noteType", "StringTooLong", "REQ-021-order"),
    case(put("item.0.note.0.noteType", "F0001"), "item[0].note[0].noteType", "StringTooLong", "REQ-021-item"),
    case(put("order.note.0.value", "v" * 133), "order.note[0].value", "StringTooLong", "REQ-022-order"),
    case(put("item.0.note.0.value", "v" * 133), "item[0].note[0].value", "StringTooLong", "REQ-022-item"),
    case(put("order.note.0.value", 5), "order.note[0].value", "InvalidType", "note-value-number"),
    case(drop("item.0.itemId"), "item[0].itemId", "PropertyRequired", "REQ-024"),
    case(put("item.0.itemId", "A1"), "item[0].itemId", "InvalidFormat", "REQ-025-letters"),
    case(put("item.0.itemId", ""), "item[0].itemId", "InvalidFormat", "REQ-025-empty"),
    case(put("item.0.itemId", 1), "item[0].itemId", "InvalidType", "itemId-number"),
    case(drop("item.0.sku"), "item[0].sku", "PropertyRequired", "REQ-027"),
    case(put("item.0.sku", "S" * 19), "item[0].sku", "StringTooLong", "REQ-028"),
    case(put("item.0.clientItemRef", "123456"), "item[0].clientItemRef", "StringTooLong", "REQ-029"),
    case(drop("item.0.quantity"), "item[0].quantity", "PropertyRequired", "REQ-030"),
    case(put("item.0.quantity", "1"), "item[0].quantity", "InvalidType", "REQ-030-not-object"),
    case(drop("item.0.quantity.value"), "item[0].quantity.value", "PropertyRequired", "REQ-031"),
    case(put("item.0.quantity.value", 1), "item[0].quantity.value", "InvalidType", "REQ-032"),
    case(put("item.0.quantity.value", "one"), "item[0].quantity.value", "InvalidFormat", "REQ-033"),
    case(put("item.0.quantity.uom", "PCS"), "item[0].quantity.uom", "NotInEnumeration", "REQ-034"),
    case(put("item.0.quantity.uom", "ea"), "item[0].quantity.uom", "NotInEnumeration", "REQ-034-lower-case"),
    case(put("item.0.itemDeliveryDate", "2019/02/11"), "item[0].itemDeliveryDate", "InvalidFormat",
         "REQ-036"),
    case(put("item.0.itemDeliveryDate", "2019-02-30"), "item[0].itemDeliveryDate", "InvalidFormat",
         "REQ-036-not-a-calendar-date"),
    case(put("item.0.note.0", {"value": "x"}), "item[0].note[0].noteType", "PropertyRequired",
         "REQ-037-note"),
    case(put("item.0.notes", [{"noteType": "F01"}]), "item[0].notes[0].value", "PropertyRequired",
         "REQ-037-notes"),
    case(put("item.1", LONG_ITEM), "item[1].sku", "StringTooLong", "second-item"),
]
# fmt: on


def _sent_references(body: dict[str, Any]) -> tuple[str, str]:
    request = body.get("clientRequest")
    header = request.get("requestHeader") if isinstance(request, dict) else None
    if not isinstance(header, dict):
        return "", ""
    ref, ext = header.get("requestReference"), header.get("externalMessageReference")
    return (ref if isinstance(ref, str) else ""), (ext if isinstance(ext, str) else "")


@pytest.mark.parametrize(("mutate", "path", "error_type"), PRECONDITION_CASES)
def test_each_vendor_judged_rule_gets_412_naming_the_element(
    api: Api, mutate: Callable[[dict[str, Any]], None], path: str, error_type: str
) -> None:
    body = example()
    mutate(body)
    response = api.post(body)
    assert response.status_code == 412, response.text
    assert response.headers["content-type"] == "application/json"
    got = response.json()
    [entry] = got.pop("message")
    ref, ext = _sent_references(body)
    assert got == {
        "result": "false",
        "requestId": "",
        "requestReference": ref,
        "externalMessageReference": ext,
        "links": [],
        "errorCode": "412",
    }
    assert entry["path"] == path and entry["errorType"] == error_type
    assert isinstance(entry["message"], str) and entry["message"]
    assert re.fullmatch(r"#/clientRequest(\.[A-Za-z][A-Za-z0-9]*(\[[0-9]+\])?)*", entry["path"])


def test_every_problem_is_reported_in_one_412(api: Api) -> None:
    body = example()
    body["clientRequest"]["requestHeader"]["requestReference"] = "R" * 26
    body["clientRequest"]["item"][0]["sku"] = "S" * 19
    response = api.post(body)
    assert [e["path"] for e in response.json()["message"]] == [
        "#/clientRequest.requestHeader.requestReference",
        "#/clientRequest.item[0].sku",
    ]
    assert response.json()["requestReference"] == "R" * 26


def test_unknown_order_gets_404_envelope(api: Api) -> None:
    for path in (f"{ORDERS}/999", f"{ORDERS}/abc"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == envelope("404", "No data found", "", "not found")


def test_unknown_route_or_method_gets_404_envelope(api: Api) -> None:
    for response in (
        api.get("/nowhere"),
        api.http.delete(ORDERS),
        api.get(ORDERS),
        api.http.put(f"{ORDERS}/1"),
    ):
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        assert response.json()["errorCode"] == "404" and response.json()["result"] == "false"


def test_fail_500_trigger_gets_the_documented_500_and_stores_nothing(api: Api) -> None:
    body = example("BOOM")
    body["clientRequest"]["order"]["custReference"] = FAIL_500_CUST_REFERENCE
    response = api.post(body)
    assert response.status_code == 500
    assert response.json() == envelope("500", "internal server error", "", "server error")
    assert api.post(example("BOOM")).json()["requestId"] == "3201413"  # not a duplicate, id not used


def test_fail_500_trigger_only_fires_on_a_valid_request(api: Api) -> None:
    body = example()
    body["clientRequest"]["order"]["custReference"] = FAIL_500_CUST_REFERENCE
    body["clientRequest"]["item"][0]["sku"] = "S" * 19
    assert api.post(body).status_code == 412


# ── state ────────────────────────────────────────────────────────────────────────────────────


def test_reset_forgets_orders_and_restarts_ids(api: Api) -> None:
    href = api.create()
    api.sandbox.reset()
    assert api.get(href).status_code == 404
    response = api.post(example())
    assert response.status_code == 202 and response.json()["requestId"] == "3201413"
    assert api.get(href).json()["requestHeader"]["requestStatus"] == "created"


def test_state_is_per_instance() -> None:
    first, second = Api(), Api()
    first.create()
    assert second.post(example()).status_code == 202
    assert first.post(example()).status_code == 409


# ── registry, faults and credentials ─────────────────────────────────────────────────────────


def test_registry_knows_the_moduslink_sandbox() -> None:
    assert SANDBOXES["moduslink_po"] is ModusLinkSandbox
    assert get_sandbox("moduslink_po") is ModusLinkSandbox
    assert issubclass(ModusLinkSandbox, Sandbox)


def test_unknown_api_is_a_usage_error_listing_known_ones() -> None:
    with pytest.raises(UsageError, match=r"'nope'.*moduslink_po"):
        get_sandbox("nope")


def test_unknown_fault_is_a_usage_error_listing_the_faults() -> None:
    with pytest.raises(UsageError) as caught:
        ModusLinkSandbox("no-such-fault")
    assert "no-such-fault" in str(caught.value)
    for name in ModusLinkSandbox.faults:
        assert name in str(caught.value)


def test_unknown_site_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="site 2"):
        ModusLinkSandbox().client_headers(2)


def test_demo_credentials_are_sandbox_values_not_the_vendor_samples() -> None:
    sandbox = ModusLinkSandbox()
    values = [v for site in range(len(SITES)) for v in sandbox.client_headers(site).values()]
    assert set(sandbox.client_headers()) == {"ClientConfigId", "ClientAuthKey", "Ocp-Apim-Subscription-Key"}
    assert not {"1077", "5C0FDFDE-B714-42AE-BF4B-EB5E1409C53D"} & set(values)
    assert sandbox.client_headers(0)["ClientConfigId"] != sandbox.client_headers(1)["ClientConfigId"]
    assert sandbox.client_headers(0)["ClientAuthKey"] != sandbox.client_headers(1)["ClientAuthKey"]


def test_every_fault_names_one_distinct_vendor_judged_rule_of_the_catalogue() -> None:
    faults = ModusLinkSandbox.faults
    assert len({fault.rule for fault in faults.values()}) == len(faults)
    for name, fault in faults.items():
        assert isinstance(fault, Fault) and fault.name == name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
        assert fault.rule in RULES_BY_ID, f"{name}: {fault.rule} is not in rules.yaml"
        judged = RULES_BY_ID[fault.rule].get("judged", ["vendor"])
        assert judged != ["client"], f"{name} breaks a client-only rule"
        assert fault.description and "\n" not in fault.description


def test_broken_rule_and_has() -> None:
    assert ModusLinkSandbox().broken_rule is None
    sandbox = ModusLinkSandbox("accepts-long-sku")
    assert sandbox.broken_rule == "MODUSLINK_PO-REQ-028"
    assert sandbox.has("accepts-long-sku") and not sandbox.has("no-order-link")
    with pytest.raises(KeyError):
        sandbox.has("typo")


# ── each fault: its misbehaviour is present, and absent from the faithful sandbox ────────────


def _posts(api: Api, mutate: Callable[[dict[str, Any]], None]) -> bool:
    body = example()
    mutate(body)
    return api.post(body).status_code == 202


def _second_repeat_accepted(api: Api) -> bool:
    api.create(example("REPEAT"))
    return api.post(example("REPEAT")).status_code == 202


def _repeat_external_refused(api: Api) -> bool:
    api.create(example("ONE", external="SHARED"))
    response = api.post(example("TWO", external="SHARED"))
    return response.status_code == 409 and response.json() == envelope(
        "409",
        "This is a duplicate purchase order",
        "#/clientRequest.requestHeader.requestReference",
        "duplicate",
        "TWO",
        "SHARED",
    )


def _invalid(api: Api) -> dict[str, Any]:
    body = example()
    body["clientRequest"]["item"][0]["sku"] = "S" * 19
    response = api.post(body)
    assert response.status_code == 412
    result: dict[str, Any] = response.json()
    return result


def _accepted(api: Api) -> httpx.Response:
    return api.post(example())


def _malformed_500(api: Api) -> bool:
    response = api.post(b"{not json")
    return response.status_code == 500 and response.json() == envelope(
        "500", "internal server error", "", "server error"
    )


def _with_headers(api: Api, name: str, value: str | None) -> bool:
    headers = without(api.headers, name) if value is None else replaced(api.headers, name, value)
    return api.post(example(), headers=headers).status_code == 202


def _read(api: Api, times: int = 1) -> dict[str, Any]:
    href = api.create()
    detail: dict[str, Any] = {}
    for _ in range(times):
        detail = api.get(href).json()
    return detail


def _read_twice_missing(api: Api) -> bool:
    href = api.create()
    api.get(href)
    return bool(api.get(href).status_code == 404)


def _uom_read_back_without_one(api: Api) -> str:
    body = example("NOUOM")
    for item in body["clientRequest"]["item"]:
        item["quantity"].pop("uom", None)
    detail = api.get(api.create(body)).json()
    uom: str = detail["item"][0]["quantity"]["uom"]
    return uom


def _failed_rules(api: Api) -> set[str]:
    """The rules the engine fails on the answers to a refused, an invalid, an accepted and a
    duplicate call, and to two reads of the order accepted (created, then confirmed)."""
    accepted = api.post(example("JUDGED"))
    href = f"{ORDERS}/{accepted.json().get('requestId')}"
    responses = [
        accepted,
        api.post(example(), headers={}),
        api.post(
            {
                **example(),
                "clientRequest": {
                    **example()["clientRequest"],
                    "item": [{**example()["clientRequest"]["item"][0], "sku": "S" * 19}],
                },
            }
        ),
        api.post(example("JUDGED")),
        api.get(href),
        api.get(href),
    ]
    return failed_rules_of(Contract.load("moduslink_po"), responses)


FAULT_PROBES: dict[str, Callable[[Api], bool]] = {
    **derived_probes(ModusLinkSandbox.faults, _failed_rules),
    "lost-after-first-read": _read_twice_missing,
    "default-uom-box": lambda a: _uom_read_back_without_one(a) == "BX",
    "accepts-long-request-reference": lambda a: _posts(a, put("requestHeader.requestReference", "R" * 26)),
    "accepts-offset-timestamp": lambda a: _posts(a, put("requestHeader.dateTimeSent", OFFSET)),
    "accepts-unknown-uom": lambda a: _posts(a, put("item.0.quantity.uom", "PCS")),
    "accepts-long-sku": lambda a: _posts(a, put("item.0.sku", "S" * 19)),
    "accepts-duplicate-reference": _second_repeat_accepted,
    "rejects-repeat-external-reference": _repeat_external_refused,
    "error-code-mismatch": lambda a: _invalid(a)["errorCode"] == "400",
    "no-order-link": lambda a: _accepted(a).json()["links"] == [],
    "malformed-json-500": _malformed_500,
    "accepts-unknown-config-id": lambda a: _with_headers(a, "ClientConfigId", "SBX-UNKNOWN"),
    "accepts-any-auth-key": lambda a: _with_headers(a, "ClientAuthKey", "any-key"),
    "ignores-subscription-key": lambda a: _with_headers(a, "Ocp-Apim-Subscription-Key", None),
    "accepts-any-subscription-key": lambda a: _with_headers(a, "Ocp-Apim-Subscription-Key", "wrong"),
    "accepts-other-sites-key": lambda a: _with_headers(
        a, "ClientAuthKey", a.sandbox.client_headers(1)["ClientAuthKey"]
    ),
    "subscription-refusal-worded-otherwise": lambda a: (
        "invalid subscription key"
        not in a.post(example(), headers=without(a.headers, "Ocp-Apim-Subscription-Key")).text
    ),
}


def test_every_fault_has_a_probe() -> None:
    assert set(FAULT_PROBES) == set(ModusLinkSandbox.faults)


@pytest.mark.parametrize("fault", sorted(FAULT_PROBES))
def test_fault_misbehaves_and_the_faithful_sandbox_does_not(fault: str) -> None:
    probe = FAULT_PROBES[fault]
    assert probe(Api(fault)), f"{fault}: misbehaviour not observed"
    assert not probe(Api()), f"faithful sandbox shows the {fault} misbehaviour"


@pytest.mark.parametrize("fault", sorted(FAULT_PROBES))
def test_fault_keeps_the_documented_example_round_trip(fault: str) -> None:
    api = Api(fault)
    response = api.post(EXAMPLE)
    assert response.status_code in (200, 202)
    link = response.json()["links"]
    href = link[0]["href"] if link else f"{ORDERS}/{response.json()['requestId']}"
    detail = api.get(href)
    assert detail.status_code == 200
    assert detail.json()["requestHeader"]["requestReference"] == "API_DEMOUS_PO_1"


def test_auth_faults_keep_their_neighbouring_rules() -> None:
    # accepts-any-auth-key still refuses another site's key (AUTH-007) and a missing key (AUTH-002).
    any_key = Api("accepts-any-auth-key")
    other_key = any_key.sandbox.client_headers(1)["ClientAuthKey"]
    assert not _with_headers(any_key, "ClientAuthKey", other_key)
    assert not _with_headers(any_key, "ClientAuthKey", None)
    # ignores-subscription-key still refuses a wrong key (AUTH-006).
    no_sub = Api("ignores-subscription-key")
    assert not _with_headers(no_sub, "Ocp-Apim-Subscription-Key", "wrong")
    # accepts-any-subscription-key still refuses a missing key (AUTH-003).
    any_sub = Api("accepts-any-subscription-key")
    assert not _with_headers(any_sub, "Ocp-Apim-Subscription-Key", None)
    # accepts-unknown-config-id still refuses a missing CCID (AUTH-001) and the cross-site pair (AUTH-007).
    unknown = Api("accepts-unknown-config-id")
    assert not _with_headers(unknown, "ClientConfigId", None)
    assert not _with_headers(unknown, "ClientAuthKey", unknown.sandbox.client_headers(1)["ClientAuthKey"])


def test_offset_timestamp_fault_does_not_leak_the_offset_into_the_read_back() -> None:
    api = Api("accepts-offset-timestamp")
    body = example()
    body["clientRequest"]["requestHeader"]["dateTimeSent"] = OFFSET
    header = api.get(api.create(body)).json()["requestHeader"]
    assert all(UTC.validate(v) is None for k, v in header.items() if k.startswith("dateTime"))


def test_error_faults_touch_only_their_status() -> None:
    without_path = Api("error-without-path")
    assert without_path.post(b"{").json()["message"][0]["path"] == ""
    mismatch = Api("error-code-mismatch")
    assert mismatch.post(b"{").json()["errorCode"] == "400"
    assert mismatch.post(example(), headers={}).json()["errorCode"] == "401"


# ── serving over real HTTP ───────────────────────────────────────────────────────────────────


def test_start_in_thread_serves_on_loopback() -> None:
    url, stop = start_in_thread("moduslink_po")
    try:
        assert url.startswith("http://127.0.0.1:")
        headers = ModusLinkSandbox().client_headers()
        response = httpx.post(f"{url}{ORDERS}", content=json.dumps(EXAMPLE), headers=headers, timeout=10)
        assert response.status_code == 202
        assert response.json()["requestId"] == "3201413"
    finally:
        stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}{ORDERS}/3201413", timeout=2)


def test_start_in_thread_runs_the_fault() -> None:
    url, stop = start_in_thread("moduslink_po", fault="accepted-with-200")
    try:
        headers = ModusLinkSandbox().client_headers()
        assert httpx.post(f"{url}{ORDERS}", content=json.dumps(EXAMPLE), headers=headers).status_code == 200
    finally:
        stop()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::"])
def test_serve_refuses_non_loopback_hosts(host: str) -> None:
    with pytest.raises(UsageError, match="loopback"):
        serve("moduslink_po", host=host)


def test_serve_refuses_unknown_api_and_fault() -> None:
    with pytest.raises(UsageError):
        serve("nope")
    with pytest.raises(UsageError):
        serve("moduslink_po", fault="nope")

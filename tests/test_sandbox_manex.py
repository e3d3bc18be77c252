"""The ManEx ERP sandbox: both APIs over one ERP, faithful to the doc, and each fault breaks its one rule."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from b2bconform.apis.manex_erp.sandbox import (
    API_KEYS,
    KEY_CREDENTIAL,
    PO_FAULTS,
    SEED,
    SO_FAULTS,
    ManexPoSandbox,
    ManexSandbox,
    ManexSoSandbox,
)
from b2bconform.engine.formats import get_format
from b2bconform.sandboxes import SANDBOXES, Fault, Sandbox, get_sandbox

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

KEY = API_KEYS[0]
NOW = datetime(2025, 3, 12, 9, 30)  # a Wednesday
KEY_SHAPE = re.compile(r"[A-Z0-9_]{10}")
NEW_KEY_SHAPE = re.compile(r"[A-Z0-9]{10}")
LOCAL_DATETIME = get_format("local-datetime")
INVALID_KEY = {
    "$id": "1",
    "Code": 403,
    "Message": "Invalid API Key.",
    "SessionId": None,
    "IsValidUser": False,
    "ResponseObject": None,
}
NOT_ENOUGH = "Not enough information to return the data, please provide valid parameters."


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


class Api:
    """A sandbox instance on a fixed clock and an in-process client over it."""

    def __init__(self, fault: str | None = None, kind: type[ManexSandbox] = ManexSoSandbox) -> None:
        self.sandbox = kind(fault)
        self.sandbox.erp.clock = lambda: NOW
        self.http = TestClient(self.sandbox.app())  # a fault that rewrites answers included

    def raw(
        self,
        controller: str,
        action: str,
        params: dict[str, Any] | None = None,
        *,
        via: str = "json",
        key: str = KEY,
        method: str = "POST",
    ) -> httpx.Response:
        path = f"/api/{controller}/{action}/{key}"
        if via == "json":
            response: httpx.Response = self.http.request(method, path, content=json.dumps(params or {}))
        else:
            response = self.http.request(method, path, params=params)
        return response

    def call(
        self, controller: str, action: str, params: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        response = self.raw(controller, action, params, **kw)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def so(self, action: str, params: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        return self.call("SO", action, params, **kw)

    def po(self, action: str, params: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        return self.call("PO", action, params, **kw)


def ok(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["Code"] == 200, answer["Message"]
    return answer


def refused(answer: dict[str, Any]) -> str:
    assert answer["Code"] == 403 and answer["IsValidUser"] is True and answer["ResponseObject"] is None, (
        answer
    )
    message: str = answer["Message"]
    return message


SONO = "0000000100"
ORDER = {"SoNo": SONO, "custNo": "0000000001"}
LINE = {
    "SoNo": SONO,
    "part_num": "PCB-1001",
    "revision": "A",
    "uOfMeas": "EACH",
    "soDet_Desc": "Controller board",
    "deliv_time": "15:30",
    "status": "Standard",
    "ord_qty": "20",
}
DUE = {"SoNo": SONO, "Due_DTS1": "03-12-2025", "Ship_Dts": "03-10-2025", "Qty": "5"}
PO_ITEM = {"POITTYPE": "INVT PART", "part_no": "RES-10K-0603", "Rev": "B", "ORD_QTY": "100"}
PO = {"supName": "Baltic Components", "confirmName": "RUN-7", "POItemsList": [PO_ITEM]}


def so_order(api: Api, **extra: Any) -> str:
    ok(api.so("Add", {**ORDER, **extra}))
    return SONO


def so_line(api: Api, **extra: Any) -> str:
    """Add an order (once) and a line; the line's UNIQUELN."""
    if api.sandbox.erp.sales_orders.get(int(SONO)) is None:
        so_order(api)
    ok(api.so("ItemAdd", {**LINE, **extra}))
    items = api.so("Get", {"SoNo": SONO})["ResponseObject"]["SODETAILList"]
    uniqueln: str = items[-1]["UNIQUELN"]
    return uniqueln


def so_price(api: Api) -> tuple[str, str]:
    uniqueln = so_line(api)
    ok(api.so("PriceAdd", {"SoNo": SONO, "uniqueLn": uniqueln, "price": "1.5"}))
    item = api.so("ItemGet", {"UNIQUELN": uniqueln})["ResponseObject"]
    return uniqueln, item["SOPRICESList"][0]["PLPRICELNK"]


def po_add(api: Api, **extra: Any) -> dict[str, Any]:
    """Add a PO (the PO above unless overridden); its answer's ResponseObject."""
    created: dict[str, Any] = ok(api.po("Add", {**PO, **extra}))["ResponseObject"]
    return created


def po_item(api: Api, ponum: str, **extra: Any) -> dict[str, Any]:
    params = {"poNum": ponum, "POITTYPE": "INVT PART", "part_no": "PCB-1001", "revision": "A"}
    params |= {"uniqmfgrhd": "_1MF100101", "ORD_QTY": "10", **extra}
    item: dict[str, Any] = ok(api.po("ItemAdd", params))["ResponseObject"]
    return item


def with_ids_removed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: with_ids_removed(v) for k, v in value.items() if k != "$id"}
    if isinstance(value, list):
        return [with_ids_removed(v) for v in value]
    return value


@pytest.fixture
def api() -> Api:
    return Api()


@pytest.fixture
def po_api() -> Api:
    return Api(kind=ManexPoSandbox)


# ── Sales Order lifecycle ────────────────────────────────────────────────────────────────────


def test_sales_order_lifecycle_from_add_to_delete(api: Api) -> None:
    assert api.so("Add", ORDER) == {
        "$id": "1",
        "Code": 200,
        "Message": "Sales Order added successfully.",
        "SessionId": None,
        "IsValidUser": True,
        "ResponseObject": None,
    }
    assert ok(api.so("ItemAdd", LINE))["Message"] == "Sales Order Item added successfully."
    order = ok(api.so("Get", {"SoNo": SONO}))
    assert order["Message"] == "Sales Order details:"
    line = order["ResponseObject"]["SODETAILList"][0]
    uniqueln = line["UNIQUELN"]
    assert (line["UNIQ_KEY"], line["LINE_NO"], line["ORD_QTY"], line["STATUS"]) == (
        "_1PCB1001A",
        "0000001",
        20,
        "STANDARD  ",
    )

    added = api.so(
        "PriceAdd", {"SoNo": SONO, "uniqueLn": uniqueln, "price": "1.5", "saleTypeID": "restocking"}
    )
    assert ok(added)["Message"] == "Sales Order Price added successfully."
    assert ok(api.so("DueDateAdd", {**DUE, "uniqueLn": uniqueln}))["Message"] == (
        "$$Sales Order Due Date added successfully."
    )
    line = api.so("Get", {"SoNo": SONO})["ResponseObject"]["SODETAILList"][0]
    price, due = line["SOPRICESList"][0], line["DueDateList"][0]
    assert (price["PRICE"], price["EXTENDED"], price["SALETYPEID"], price["UNIQUELN"]) == (
        1.5,
        30,
        "RESTOCKING",
        uniqueln,
    )
    assert (due["DUE_DTS1"], due["SHIP_DTS"], due["COMMIT_DTS"], due["QTY"]) == (
        "2025-03-12T00:00:00",
        "2025-03-10T00:00:00",
        "2025-03-12T00:00:00",
        5,
    )
    plpricelnk, duedt_uniq = price["PLPRICELNK"], due["DUEDT_UNIQ"]

    # edits
    assert (
        ok(api.so("Edit", {**ORDER, "FOB": "ORIGIN-SHIP"}))["Message"] == "Sales Order edited successfully."
    )
    edit_line = {"SoNo": SONO, "UNIQUELN": uniqueln, "part_num": "PCB-1001", "revision": "A", "ord_qty": "40"}
    assert ok(api.so("ItemEdit", edit_line))["Message"] == "Sales Order Item edited successfully."
    edit_price = {"SoNo": SONO, "UNIQUELN": uniqueln, "PLPRICELNK": plpricelnk, "price": "2"}
    assert ok(api.so("PriceEdit", edit_price))["Message"] == "Sales Order Price edited successfully."
    edit_due = {**DUE, "dueDt_Uniq": duedt_uniq, "UNIQUELN": uniqueln, "Qty": "7"}
    assert ok(api.so("DueDateEdit", edit_due))["Message"] == "$$Sales Order Due Date edited successfully."
    order = api.so("Get", {"SoNo": SONO})["ResponseObject"]
    assert order["FOB"] == "ORIGIN-SHIP    "
    line = order["SODETAILList"][0]
    assert (line["ORD_QTY"], line["SOPRICESList"][0]["EXTENDED"], line["DueDateList"][0]["QTY"]) == (
        40,
        80,
        7,
    )

    # reads by key
    item = ok(api.so("ItemGet", {"UNIQUELN": uniqueln}))
    assert item["Message"] == "Sales Order Item details:" and item["ResponseObject"]["ORD_QTY"] == 40
    got_price = ok(api.so("PriceGet", {"PLPRICELNK": plpricelnk}))
    assert got_price["Message"] == "Sales Order Price details:" and got_price["ResponseObject"]["PRICE"] == 2
    got_due = ok(api.so("DueDateGet", {"DueDateUniq": duedt_uniq}))
    assert got_due["Message"] == "$$Sales Order Due Date details:"
    assert got_due["ResponseObject"]["DUEDT_UNIQ"] == duedt_uniq

    # deletes
    gone = api.so("DueDateDelete", {"DueDt_Uniq": duedt_uniq})
    assert ok(gone)["Message"] == "$$Sales Order Due Date deleted successfully."
    gone = api.so("PriceDelete", {"SoNo": SONO, "UNIQUELN": uniqueln, "PLPRICELNK": plpricelnk})
    assert ok(gone)["Message"] == "Sales Order Price deleted successfully."
    line = api.so("Get", {"SoNo": SONO})["ResponseObject"]["SODETAILList"][0]
    assert line["SOPRICESList"] == [] and line["DueDateList"] == []
    assert ok(api.so("ItemDelete", {"SONO": SONO, "uniqueln": uniqueln}))["Message"] == (
        "Sales Order Item deleted successfully."
    )
    assert api.so("Get", {"SoNo": SONO})["ResponseObject"]["SODETAILList"] == []


def test_so_get_shows_every_documented_order_and_line_member(api: Api) -> None:
    so_line(api)
    order = api.so("Get", {"SoNo": SONO})["ResponseObject"]
    assert list(order)[:3] == ["$id", "SODETAILList", "SONO"]
    assert list(order)[-3:] == ["CustomerName", "CanApproveSo", "UserId"]
    assert {"SOAPPRVINT", "BILLACOUNT", "SHIPCHARGE", "DELIV_TIME", "ORDERDATE", "SAVEDT"} <= set(order)
    line = order["SODETAILList"][0]
    assert list(line)[:4] == ["$id", "DueDateList", "SOPRICESList", "UNIQUELN"]
    assert list(line)[-3:] == ["PART_NUM", "PRJCT_NUM", "REVISION"]
    assert (order["SHIPVIA"], order["TERMS"], order["CUSTNO"]) == (
        "UPS-GRND TRACK ",
        "NET 30         ",
        "0000000001",
    )
    assert order["BLINKADD"] == "_1BL000001" and order["SLINKADD"] == "_1SL000001"


def test_ids_number_every_object_in_writing_order(api: Api) -> None:
    uniqueln, _ = so_price(api)
    ok(api.so("DueDateAdd", {**DUE, "uniqueLn": uniqueln}))
    order = api.so("Get", {"SoNo": SONO})
    line = order["ResponseObject"]["SODETAILList"][0]
    assert (order["$id"], order["ResponseObject"]["$id"], line["$id"]) == ("1", "2", "3")
    assert (line["DueDateList"][0]["$id"], line["SOPRICESList"][0]["$id"]) == ("4", "5")


def test_so_add_with_blank_sono_takes_the_next_number(api: Api) -> None:
    ok(api.so("Add", {"SoNo": "", "custNo": "0000000002"}))
    ok(api.so("Add", {"custNo": "0000000002"}))
    assert api.so("Get", {"SoNo": "0000000002"})["ResponseObject"]["CUSTNO"] == "0000000002"


def test_so_add_with_an_all_zero_sono_takes_the_next_number(api: Api) -> None:
    ok(api.so("Add", {"SoNo": "0000000000", "custNo": "0000000001"}))
    assert api.so("Get", {"SoNo": "1"})["ResponseObject"]["SONO"] == "0000000001"


def test_so_add_takes_the_customers_defaults(api: Api) -> None:
    so_order(api)
    order = api.so("Get", {"SoNo": SONO})["ResponseObject"]
    assert (
        order["ORDERDATE"],
        order["SHIPVIA"].strip(),
        order["TERMS"].strip(),
        order["BILLACOUNT"].strip(),
    ) == (
        "2025-03-12T09:30:00",
        "UPS-GRND TRACK",
        "NET 30",
        "NWC-UPS-4471",
    )


def test_each_qty_is_held_against_the_ord_qty_sent_with_it(api: Api) -> None:
    so_order(api)
    ok(api.so("ItemAdd", {k: v for k, v in LINE.items() if k != "ord_qty"} | {"eachQty": "2"}))
    assert refused(api.so("ItemAdd", {**LINE, "eachQty": "25"})) == (
        "Sales Order Item add failed.eachQty must be greater than 0 and less than ord_qty."
    )


def test_so_numbers_are_matched_unpadded_too(api: Api) -> None:
    so_order(api)
    assert api.so("Get", {"SoNo": "100"})["ResponseObject"]["SONO"] == SONO


def test_so_edit_of_customer_takes_the_new_customers_addresses(api: Api) -> None:
    so_order(api)
    ok(api.so("Edit", {"SoNo": SONO, "custNo": "0000000002"}))
    order = api.so("Get", {"SoNo": SONO})["ResponseObject"]
    assert (order["CUSTNO"], order["BLINKADD"], order["CustomerName"]) == (
        "0000000002",
        "_2BL000001",
        "Harbor Medical Devices",
    )
    assert order["DATECHG"] == "2025-03-12T09:30:00"


def test_so_add_stores_the_header_members_sent(api: Api) -> None:
    header = {
        "blinkAdd": "_1BL000002",
        "slinkAdd": "_1SL000002",
        "orderDate": "03-11-2025",
        "POAck": "1",
        "PoNo": "PO-77",
        "FOB": "origin-customer p/u",
        "ShipVia": "fedx-p1",
        "shipCharge": "NO CHARGE",
        "DELIV_TIME": "3:00",
        "Buyer": "harbor medical devices",
        "ATTENTION": "Omar Haddad",
        "SOAPPROVAL": "1",
        "SOAPPRVINIT": "jds",
        "TERMS": "NET 45",
    }
    so_order(api, **header)
    order = api.so("Get", {"SoNo": SONO})["ResponseObject"]
    assert (order["BLINKADD"], order["SLINKADD"], order["ORDERDATE"]) == (
        "_1BL000002",
        "_1SL000002",
        "2025-03-11T00:00:00",
    )
    assert (order["POACK"], order["PONO"].strip(), order["FOB"], order["SHIPVIA"]) == (
        True,
        "PO-77",
        "ORIGIN-CUST P/U",
        "FEDX-P1        ",
    )
    assert (order["DELIV_TIME"].strip(), order["BUYER"].strip(), order["ATTENTION"]) == (
        "3:00",
        "Harbor Medical Devices",
        "_1CT000002",
    )
    assert (order["SOAPPROVAL"], order["SOAPPRVINT"].strip(), order["SOAPPRVDT"]) == (
        True,
        "JDS",
        "2025-03-12T09:30:00",
    )
    assert order["TERMS"].strip() == "NET 45"


# ── Purchase Order lifecycle ─────────────────────────────────────────────────────────────────


def test_purchase_order_lifecycle_from_add_to_delete(po_api: Api) -> None:
    po_list = [{**PO_ITEM, "PoitschdList": [{"SCHD_QTY": "40", "SCHD_DATE": "03-20-2025"}]}]
    added = ok(po_api.po("Add", {**PO, "POItemsList": po_list}))
    assert added["Message"] == "Purchase Order added successfully."
    po = added["ResponseObject"]
    ponum, pounique = po["PONUM"], po["POUNIQUE"]
    assert (ponum, po["Supname"], po["CONFNAME"], po["Supid"]) == (
        "000000000000001",
        "Baltic Components",
        "RUN-7",
        "0000000003",
    )

    item = po_item(po_api, ponum, COSTEACH="2.5", PoitschdList=[])
    assert (item["ITEMNO"], item["PONUM"], item["UNIQMFGRHD"], item["PART_NO"]) == (
        "002",
        ponum,
        "_1MF100101",
        "PCB-1001",
    )
    uniqlnno = item["UNIQLNNO"]
    schedule_params = {"poNum": ponum, "uniqLnNo": uniqlnno, "schd_qty": "4", "schd_date": "03-21-2025"}
    schedule_params |= {"warehouse": "main1", "location": "a1", "schdNotes": "dock 2"}
    scheduled = ok(po_api.po("ScheduleAdd", schedule_params))
    assert scheduled["Message"] == "PO Schedule added successfully."
    schedule = scheduled["ResponseObject"]
    assert (schedule["UNIQLNNO"], schedule["SCHD_QTY"], schedule["WAREHOUSE"], schedule["LOCATION"]) == (
        uniqlnno,
        4,
        "MAIN1",
        "A1",
    )
    assert schedule["UNIQWH"] == "_0WH0MAIN1" and schedule["SCHD_DATE"] == "2025-03-21T00:00:00"
    uniqdetno = schedule["UNIQDETNO"]

    got = ok(po_api.po("Get", {"PoNum": ponum}))
    assert got["Message"] == "Purchase Order details:"
    assert [p["POUNIQUE"] for p in got["ResponseObject"]] == [pounique]
    assert got["ResponseObject"][0]["POTOTAL"] == 25
    items = ok(po_api.po("ItemGet", {"PoNum": ponum}))
    assert items["Message"] == "PO Items details:"
    assert [i["ITEMNO"] for i in items["ResponseObject"]] == ["001", "002"]
    schedules = ok(po_api.po("ScheduleGet", {"poNum": ponum, "uniqLnNo": uniqlnno}))
    assert schedules["Message"] == "PO Schedule details:"
    assert [s["UNIQDETNO"] for s in schedules["ResponseObject"]] == [uniqdetno]

    edited = po_api.po(
        "Edit", {"poNum": ponum, "supName": "Baltic Components", "POUNIQUE": pounique, "FOB": "DEST"}
    )
    assert ok(edited)["Message"] == "Purchase Order edited successfully."
    edit_item = {"poNum": ponum, "UNIQLNNO": uniqlnno, "costeach": "10", "ord_qty": "5"}
    assert ok(po_api.po("ItemEdit", edit_item))["Message"] == "PO Items edited successfully."
    edit_schedule = {"poNum": ponum, "uniqDetNo": uniqdetno, "SCHD_QTY": "5"}
    assert ok(po_api.po("ScheduleEdit", edit_schedule))["Message"] == "PO Schedule edited successfully."
    after = po_api.po("Get", {"PoNum": ponum})["ResponseObject"][0]
    assert (after["FOB"], after["POTOTAL"], after["RecVer"] != po["RecVer"]) == ("DEST", 50, True)

    deleted = po_api.po("ScheduleDelete", {"poNum": ponum, "uniqDetNo": uniqdetno})
    assert ok(deleted)["Message"] == "PO Schedule deleted successfully."
    assert po_api.po("ScheduleGet", {"poNum": ponum, "uniqLnNo": uniqlnno})["ResponseObject"] == []
    deleted = po_api.po("ItemDelete", {"PoNum": ponum, "UNIQLNNO": uniqlnno})
    assert ok(deleted)["Message"] == "PO Items deleted successfully."
    assert [i["ITEMNO"] for i in po_api.po("ItemGet", {"PoNum": ponum})["ResponseObject"]] == ["001"]


def test_po_add_nests_items_and_schedules_with_defaults(po_api: Api) -> None:
    po = po_add(po_api, POItemsList=[{**PO_ITEM, "PoitschdList": [{}]}])
    items = po_api.po("ItemGet", {"poNum": po["PONUM"]})["ResponseObject"]
    item = items[0]
    assert (item["POITTYPE"], item["PARTMFGR"], item["UNIQMFGRHD"], item["PACKAGE"], item["U_OF_MEAS"]) == (
        "Invt Part",
        "YAGEO",
        "_2MF10K001",
        "REEL",
        "EACH",
    )
    assert (item["Part_No"], item["Revision"], item["Part_Sourc"], item["Supid"]) == (
        "RES-10K-0603",
        "B",
        "BUY",
        "0000000003",
    )
    schedule = po_api.po("ScheduleGet", {"poNum": po["PONUM"], "uniqLnNo": item["UNIQLNNO"]})[
        "ResponseObject"
    ][0]
    assert (schedule["SCHD_QTY"], schedule["SCHD_DATE"], schedule["REQ_DATE"]) == (
        100,
        "2025-03-12T00:00:00",
        "2025-03-12T00:00:00",
    )


def test_po_add_stores_the_header_members_sent(po_api: Api) -> None:
    header = {
        "poDate": "03-01-2025",
        "FreightIncluded": "1",
        "buyerName": "rivera, ana",
        "remitToLink": "_1RMT00002",
        "deliveryTime": "13:00",
        "Terms": "net 30/2% 10",
        "shipVia": "UPS-BLUE",
        "shippingAmount": "12.5",
        "isShippingTaxable": "1",
        "shippingTaxPct": "8.25",
    }
    po = po_add(po_api, **header)
    assert (po["PODATE"], po["LFREIGHTINCLUDE"], po["BUYER"], po["R_LINK"]) == (
        "2025-03-01T00:00:00",
        True,
        "Rivera, Ana",
        "_1RMT00002",
    )
    assert (po["DELTIME"], po["TERMS"], po["SHIPVIA"], po["SHIPCHG"], po["IS_SCTAX"], po["SCTAXPCT"]) == (
        "13:00",
        "NET 30/2% 10",
        "UPS-BLUE",
        12.5,
        True,
        8.25,
    )


def test_po_add_accepts_the_documented_spellings_and_zero_tax(po_api: Api) -> None:
    po = po_add(po_api, buyerName="Chen,Marcus", shippingTaxPct="0.00", isShippingTaxable="0")
    assert (po["BUYER"], po["IS_SCTAX"], po["SCTAXPCT"]) == ("Chen, Marcus", False, 0)


def test_po_get_searches_by_every_documented_criterion(po_api: Api) -> None:
    first = po_add(po_api)
    pcb = {"POITTYPE": "INVT PART", "part_no": "PCB-1001", "Rev": "A", "ORD_QTY": "10"}
    second = po_add(
        po_api,
        supName="Keystone Supply",
        POItemsList=[{**pcb, "PoitschdList": [{"SCHD_DATE": "03-01-2025"}]}],
    )

    def found(**criteria: str) -> list[str]:
        answer = ok(po_api.po("Get", criteria))
        return [po["PONUM"] for po in answer["ResponseObject"]]

    one, two = first["PONUM"], second["PONUM"]
    assert found(poNum="1") == [one]
    assert found(poNum="1" * 16) == []
    assert found(supName="keystone supply") == [two]
    assert found(uniqSupNo="_1SUP00001") == [one]
    assert found(partNo="pcb-1001", revision="A") == [two]
    assert found(partNo="PCB-1001", revision="B") == []
    assert found(uniqKey="_2RES10K0B") == [one]
    assert found(poStatus="open") == [one, two]
    assert found(poStatus="Closed") == []
    assert found(mfgrPtNo="RC0603FR-0710KL") == [one]
    assert found(partmfgr="genr") == [two]
    assert found(withBalance="true") == [one, two]
    assert found(received="true") == []
    assert found(scheduledPriorTo="03-02-2025") == [two]
    assert found(supName="Baltic Components", partNo="PCB-1001", revision="A") == []


def test_po_item_get_lists_the_matching_items_of_matching_pos(po_api: Api) -> None:
    po = po_add(po_api)
    po_item(po_api, po["PONUM"])
    items = ok(
        po_api.po("ItemGet", {"supplierName": "Baltic Components", "partNo": "PCB-1001", "revision": "A"})
    )
    assert [(i["ITEMNO"], i["Part_No"]) for i in items["ResponseObject"]] == [("002", "PCB-1001")]


def test_po_item_delete_names_the_item_in_each_documented_way(po_api: Api) -> None:
    ponum = po_add(po_api)["PONUM"]
    second = po_item(po_api, ponum)
    third = po_item(po_api, ponum, part_no="CBL-2040", revision="C", uniqmfgrhd="_3MF204001")
    for criteria in (
        {"itemNumber": "1"},
        {"uniqmfgrhd": second["UNIQMFGRHD"]},
        {"part_no": "CBL-2040", "revision": "c"},
    ):
        ok(po_api.po("ItemDelete", {"PoNum": ponum, **criteria}))
    assert third["ITEMNO"] == "003"
    assert po_api.po("ItemGet", {"poNum": ponum})["ResponseObject"] == []


def test_po_numbers_are_matched_unpadded_and_by_pounique(po_api: Api) -> None:
    po = po_add(po_api)
    assert ok(po_api.po("ItemGet", {"poNum": "1"}))["ResponseObject"][0]["PONUM"] == po["PONUM"]
    ok(po_api.po("Edit", {"POUNIQUE": po["POUNIQUE"], "supName": "Baltic Components", "shipVia": "UPS-RED"}))
    assert po_api.po("Get", {"poNum": po["PONUM"]})["ResponseObject"][0]["SHIPVIA"] == "UPS-RED"


def test_po_edit_to_another_supplier_takes_its_links_and_terms(po_api: Api) -> None:
    po = po_add(po_api)
    ok(po_api.po("Edit", {"poNum": po["PONUM"], "supName": "keystone supply"}))
    after = po_api.po("Get", {"poNum": po["PONUM"]})["ResponseObject"][0]
    assert (after["Supname"], after["R_LINK"], after["TERMS"], after["UNIQSUPNO"]) == (
        "Keystone Supply",
        "_2RMT00001",
        "NET 45",
        "_2SUP00002",
    )


def test_confirm_name_is_free_text_shown_by_get(po_api: Api) -> None:
    po = po_add(po_api, confirmName="b2bconform run 2025-03-12 #7 ✓")
    shown = po_api.po("Get", {"poNum": po["PONUM"]})["ResponseObject"][0]["CONFNAME"]
    assert shown == "b2bconform run 2025-03-12 #7 ✓"


def test_po_mro_and_service_lines_name_seeded_parts(po_api: Api) -> None:
    lines = [{**PO_ITEM, "POITTYPE": "mro"}, {**PO_ITEM, "POITTYPE": "SERVICES", "PARTMFGR": "vishay"}]
    po = po_add(po_api, POItemsList=lines)
    items = po_api.po("ItemGet", {"poNum": po["PONUM"]})["ResponseObject"]
    assert [(i["POITTYPE"], i["UNIQ_KEY"], i["PARTMFGR"]) for i in items] == [
        ("MRO", "_2RES10K0B", "YAGEO"),
        ("Services", "_2RES10K0B", "VISHAY"),
    ]


# ── the wire: query string, JSON body, names, methods, routes ────────────────────────────────


def test_query_string_and_json_body_give_the_same_answers() -> None:
    by_json, by_query = Api(), Api()
    for target, via in ((by_json, "json"), (by_query, "query")):
        ok(target.so("Add", ORDER, via=via))
        ok(target.so("ItemAdd", LINE, via=via))
    assert by_json.so("Get", {"SoNo": SONO}, via="json") == by_query.so("Get", {"SoNo": SONO}, via="query")
    for target in (by_json, by_query):
        po_add(target)
    search = {"supName": "Baltic Components", "partNo": "RES-10K-0603", "revision": "B"}
    assert by_json.po("Get", search, via="json") == by_query.po("Get", search, via="query")
    assert by_json.po("ItemGet", search, via="json") == by_query.po("ItemGet", search, via="query")


def test_parameter_names_are_case_insensitive(api: Api) -> None:
    ok(api.so("Add", {"SONO": SONO, "CUSTNO": "0000000001", "fob": "destination"}))
    ok(api.so("itemadd", {k.upper(): v for k, v in LINE.items()}))
    order = api.so("GET", {"sono": SONO})["ResponseObject"]
    assert order["FOB"].strip() == "DESTINATION" and len(order["SODETAILList"]) == 1
    po = po_add(api, POItemsList=[{k.lower(): v for k, v in PO_ITEM.items()}])
    item = api.po("itemget", {"PONUM": po["PONUM"]})["ResponseObject"][0]
    assert (item["Part_No"], item["ORD_QTY"]) == ("RES-10K-0603", 100)


def test_json_body_wins_over_the_query_string(api: Api) -> None:
    response = api.http.post(
        f"/api/SO/Add/{KEY}?SoNo=0000000100&custNo=9999999999",
        content=json.dumps({"custno": "0000000002"}),
    )
    ok(response.json())
    assert api.so("Get", {"SoNo": SONO})["ResponseObject"]["CUSTNO"] == "0000000002"


def test_json_numbers_and_booleans_are_read_as_their_text(api: Api) -> None:
    so_order(api)
    ok(api.so("ItemAdd", {**LINE, "ord_qty": 20.50, "eachQty": 2}))
    uniqueln = api.so("Get", {"SoNo": SONO})["ResponseObject"]["SODETAILList"][0]["UNIQUELN"]
    ok(api.so("PriceAdd", {"SoNo": 100, "uniqueLn": uniqueln, "price": 3, "taxable": True}))
    line = api.so("ItemGet", {"UNIQUELN": uniqueln})["ResponseObject"]
    assert (line["ORD_QTY"], line["EACHQTY"], line["SOPRICESList"][0]["TAXABLE"]) == (20.5, 2, True)


def test_json_null_counts_as_not_sent(api: Api) -> None:
    assert (
        refused(api.so("Add", {"SoNo": SONO, "custNo": None})) == "Sales Order add failed.custNo is required."
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_action_answers_get_and_post(method: str) -> None:
    api = Api()
    ok(api.so("Add", ORDER, via="query", method=method))
    assert ok(api.so("Get", {"SoNo": SONO}, via="query", method=method))["ResponseObject"]["SONO"] == SONO


def test_other_methods_are_not_supported(api: Api) -> None:
    response = api.raw("SO", "Get", {"SoNo": SONO}, method="PUT")
    assert response.status_code == 405
    assert response.json() == {
        "$id": "1",
        "Message": "The requested resource does not support http method 'PUT'.",
    }


def test_routes_match_in_any_letter_case(api: Api) -> None:
    ok(api.http.post(f"/API/so/aDd/{KEY}", content=json.dumps(ORDER)).json())
    ok(api.http.get(f"/api/SO/GET/{KEY}?sono={SONO}").json())


def test_answers_are_json_with_status_200(api: Api) -> None:
    response = api.raw("SO", "Get", {"SoNo": "1"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")


# ── API key and URL errors ───────────────────────────────────────────────────────────────────

SO_ACTIONS = ["Add", "Edit", "Get", "ItemAdd", "ItemEdit", "ItemGet", "ItemDelete", "PriceAdd", "PriceEdit"]
SO_ACTIONS += ["PriceGet", "PriceDelete", "DueDateAdd", "DueDateEdit", "DueDateGet", "DueDateDelete"]
PO_ACTIONS = ["Add", "Edit", "Get", "ItemAdd", "ItemEdit", "ItemDelete", "ItemGet"]
PO_ACTIONS += ["ScheduleAdd", "ScheduleEdit", "ScheduleDelete", "ScheduleGet"]
EVERY_ACTION = [("SO", a) for a in SO_ACTIONS] + [("PO", a) for a in PO_ACTIONS]


@pytest.mark.parametrize(("controller", "action"), EVERY_ACTION)
def test_an_unknown_key_is_refused_on_every_action(controller: str, action: str) -> None:
    api = Api()
    assert api.call(controller, action, {"SoNo": SONO}, key="123456789") == INVALID_KEY


def test_the_key_is_refused_before_the_body_is_read(api: Api) -> None:
    response = api.http.post("/api/PO/Add/wrong", content=b"{not json")
    assert response.json() == INVALID_KEY


@pytest.mark.parametrize("site", [0, 1])
def test_both_demo_keys_open_the_same_erp(site: int) -> None:
    api = Api()
    ok(api.so("Add", ORDER, key=API_KEYS[1 - site]))
    key = api.sandbox.client_credentials(site)[KEY_CREDENTIAL]
    assert ok(api.so("Get", {"SoNo": SONO}, key=key))["ResponseObject"]["SONO"] == SONO


URL_ERRORS = [
    ("/api/SOAdd/123456789", "No type was found that matches the controller named 'SOAdd'."),
    ("/api/SOGet/123456789?SONO=800", "No type was found that matches the controller named 'SOGet'."),
    ("/api/PO/ItemDelet/123456789", "No action was found on the controller 'Po' that matches the name 'ItemDelet'."),
    ("/API/SO/Nope/key", "No action was found on the controller 'So' that matches the name 'Nope'."),
    ("/api/SO/Add", "No action was found on the controller 'So' that matches the name 'Add'."),
    ("/api/PO/Get/", "No action was found on the controller 'Po' that matches the name 'Get'."),
    ("/api/SO/Add/key/extra", "No action was found on the controller 'So' that matches the name 'Add'."),
    ("/api/SO", "No type was found that matches the controller named 'SO'."),
    ("/somewhere/else", "No type was found that matches the controller named 'somewhere'."),
]  # fmt: skip


@pytest.mark.parametrize(("path", "detail"), URL_ERRORS)
def test_url_errors_answer_404_with_the_full_request_uri(path: str, detail: str) -> None:
    response = Api().http.post(path, content=b"{}")
    assert response.status_code == 404
    assert response.json() == {
        "$id": "1",
        "Message": f"No HTTP resource was found that matches the request URI 'http://testserver{path}'.",
        "MessageDetail": detail,
    }


# ── request bodies ───────────────────────────────────────────────────────────────────────────

BAD_BODY = [
    ("SO", "Add", "Sales Order add failed.The request body is not a JSON object."),
    ("SO", "Get", "Sales Order details failed:The request body is not a JSON object."),
    ("SO", "DueDateAdd", "$$Sales Order Due Date add failed.The request body is not a JSON object."),
    ("PO", "Add", "'Purchase Order' Object is not initialized properly."),
    ("PO", "Edit", "'Purchase Order' Object is not initialized properly."),
    ("PO", "Get", "'Purchase Order' Object is not initialized properly."),
    ("PO", "ItemAdd", "'PO Items' Object is not initialized properly."),
    ("PO", "ItemGet", "'PO Items' Object is not initialized properly."),
    ("PO", "ScheduleAdd", "PO Schedule add failed.The request body is not a JSON object."),
]


@pytest.mark.parametrize(("controller", "action", "message"), BAD_BODY)
@pytest.mark.parametrize("body", [b"{'SoNo': 1", b"[1, 2]", b'"text"', b"NaN"])
def test_a_body_that_is_not_a_json_object_is_refused(
    controller: str, action: str, message: str, body: bytes
) -> None:
    response = Api().http.post(f"/api/{controller}/{action}/{KEY}", content=body)
    assert refused(response.json()) == message


def test_an_empty_body_means_query_parameters_only(api: Api) -> None:
    ok(api.http.post(f"/api/SO/Add/{KEY}?SoNo={SONO}&custNo=0000000001", content=b"  ").json())


# ── documented messages ──────────────────────────────────────────────────────────────────────


def test_documented_sales_order_failures(api: Api) -> None:
    assert (
        refused(api.so("Add", {"custNo": "0000000099"})) == "Sales Order add failed.Customer does not exists."
    )
    assert refused(api.so("Get", {"SoNo": "789"})) == "Sales Order does not exists."
    assert refused(api.so("ItemAdd", {**LINE, "SoNo": "789"})) == "Sales Order does not exists."
    assert refused(api.so("ItemGet", {"UNIQUELN": "_47D0OEV28"})) == "Sales Order Item does not exists."
    so_order(api)
    assert refused(api.so("ItemDelete", {"SONO": SONO})) == "UniqLn not provided."
    assert refused(api.so("ItemDelete", {"SONO": SONO, "uniqueln": "NOSUCHLINE"})) == (
        "Sales Order Item does not exists."
    )
    assert refused(api.so("PriceAdd", {"SoNo": SONO, "price": "1"})) == (
        "Sales Order item with uniqueLn:'' does not exits in SO:'0000000100'."
    )
    assert refused(api.so("DueDateAdd", {**DUE, "uniqueLn": "NOSUCHLINE"})) == (
        "Sales Order item with uniqueLn:'NOSUCHLINE' does not exits in SO:'0000000100'."
    )
    assert refused(api.so("PriceEdit", {"SoNo": SONO, "price": "1"})) == "PlPriceLnk not provided."
    assert refused(api.so("PriceDelete", {"SoNo": SONO})) == "PlPriceLnk not provided."
    assert refused(api.so("PriceGet", {"PLPRICELNK": "GAWG8ODL6Q"})) == "Sales Order Price does not exists."
    assert refused(api.so("DueDateDelete", {})) == "DueDt_Uniq not provided."
    assert (
        refused(api.so("DueDateGet", {"DueDateUniq": "_3X60YA22D"}))
        == "$$Sales Order Due Date does not exists."
    )


def test_documented_purchase_order_failures(po_api: Api) -> None:
    assert refused(po_api.po("Get", {})) == f"Purchase Order details failed:{NOT_ENOUGH}"
    assert (
        refused(po_api.po("Get", {"confirmName": "RUN-7"})) == f"Purchase Order details failed:{NOT_ENOUGH}"
    )
    assert refused(po_api.po("ItemGet", {"revision": "A"})) == f"PO Items details failed:{NOT_ENOUGH}"
    assert refused(po_api.po("Edit", {"poNum": "999", "supName": "Baltic Components"})) == (
        "Purchase Order edit failed.Purchase Order does not exists."
    )
    ponum = po_add(po_api)["PONUM"]
    assert refused(po_api.po("Edit", {"poNum": ponum, "supName": "Anixter"})) == (
        "Purchase Order edit failed.UniqSupNo does not exists in SUPINFO Table."
    )
    bad_mfgr = {"poNum": ponum, "POITTYPE": "INVT PART", "part_no": "PCB-1001", "revision": "A"}
    assert refused(po_api.po("ItemAdd", {**bad_mfgr, "uniqmfgrhd": "_45Z0YOITA", "ORD_QTY": "1"})) == (
        "PO Items add failed.UniqMfgrhd is Invalid."
    )
    assert refused(po_api.po("ItemDelete", {"PoNum": ponum, "UNIQLNNO": "NOSUCHLINE"})) == (
        "PO Items delete failed.Po Item does not exists."
    )
    assert refused(po_api.po("ScheduleEdit", {"poNum": ponum, "SCHD_QTY": "1"})) == (
        "PO Schedule edit failed.UNIQDETNO is required."
    )
    assert refused(po_api.po("ScheduleGet", {"poNum": "999"})) == (
        "PO Schedule details failed:Purchase Order does not exists."
    )


# ── our own validation: each documented constraint refuses with its message ──────────────────


def _so_add(**changes: Any) -> Callable[[Api], dict[str, Any]]:
    params = {**ORDER, **changes}
    return lambda api: api.so("Add", {k: v for k, v in params.items() if v is not None})


def _so_item_add(**changes: Any) -> Callable[[Api], dict[str, Any]]:
    def call(api: Api) -> dict[str, Any]:
        so_order(api)
        params = {**LINE, **changes}
        return api.so("ItemAdd", {k: v for k, v in params.items() if v is not None})

    return call


def _so_item_edit(**changes: Any) -> Callable[[Api], dict[str, Any]]:
    def call(api: Api) -> dict[str, Any]:
        uniqueln = so_line(api)
        params = {"SoNo": SONO, "UNIQUELN": uniqueln, "part_num": "PCB-1001", "revision": "A", **changes}
        return api.so("ItemEdit", {k: v for k, v in params.items() if v is not None})

    return call


def _due_add(**changes: Any) -> Callable[[Api], dict[str, Any]]:
    def call(api: Api) -> dict[str, Any]:
        uniqueln = so_line(api)
        params = {**DUE, "uniqueLn": uniqueln, **changes}
        return api.so("DueDateAdd", {k: v for k, v in params.items() if v is not None})

    return call


def _price_add(**changes: Any) -> Callable[[Api], dict[str, Any]]:
    def call(api: Api) -> dict[str, Any]:
        uniqueln = so_line(api)
        return api.so("PriceAdd", {"SoNo": SONO, "uniqueLn": uniqueln, "price": "1", **changes})

    return call


def _edit_below_schedule(api: Api) -> dict[str, Any]:
    uniqueln = so_line(api)
    ok(api.so("DueDateAdd", {**DUE, "uniqueLn": uniqueln}))
    edit = {"SoNo": SONO, "UNIQUELN": uniqueln, "part_num": "PCB-1001", "revision": "A", "ord_qty": "4"}
    return api.so("ItemEdit", edit)


SO_VALIDATION: dict[str, tuple[Callable[[Api], dict[str, Any]], str]] = {
    "custNo missing": (_so_add(custNo=None), "Sales Order add failed.custNo is required."),
    "custNo unpadded": (_so_add(custNo="1"), "Sales Order add failed.custNo must be ten digits, padded to the left with '0'."),
    "SoNo taken": (lambda a: (so_order(a), _so_add(SoNo="100")(a))[1], "Sales Order add failed.SoNo already exists."),
    "SoNo not digits": (_so_add(SoNo="SO-1"), "Sales Order add failed.SoNo must be at most 10 digits."),
    "orderDate ISO": (_so_add(orderDate="2025-03-12"), "Sales Order add failed.orderDate must be a date in MM-DD-YYYY form."),
    "FOB unknown": (_so_add(FOB="FREE ON BOARD"), "Sales Order add failed.FOB must be one of ORIGIN-CUST P/U, ORIGIN-SHIP, DESTINATION, ORIGIN-CUSTOMER P/U."),
    "ShipVia unknown": (_so_add(ShipVia="DHL"), "Sales Order add failed.ShipVia must be one of COMPANY TRUCK, CUST PICK UP, UPS-GRND TRACK, UPS-BLUE, UPS-RED, FEDX-P1, FEDX-STD."),
    "shipCharge unknown": (_so_add(shipCharge="FREE"), "Sales Order add failed.shipCharge must be one of NO CHARGE, PREPAY/BILL CUS, SET RATE:UPS-BR, SET RATE:UPS-BL, SET RATE:UPS-RD, FEDX-1."),
    "DELIV_TIME 12-hour": (_so_add(DELIV_TIME="3:00 PM"), "Sales Order add failed.DELIV_TIME must be a 24-hour time in H:MM or HH:MM form."),
    "POAck not a flag": (_so_add(POAck="yes"), "Sales Order add failed.POAck must be 0 or 1."),
    "SOAMTDSCT not a number": (_so_add(SOAMTDSCT="ten"), "Sales Order add failed.SOAMTDSCT must be a decimal number."),
    "approval without initials": (_so_add(SOAPPROVAL="1"), "Sales Order add failed.SOAPPRVINIT is required when SOAPPROVAL is 1."),
    "initials not an approver": (_so_add(SOAPPROVAL="1", SOAPPRVINIT="ZZ"), "Sales Order add failed.SOAPPRVINIT does not exists as an approved user's initials."),
    "Buyer not a customer": (_so_add(Buyer="Nobody Inc"), "Sales Order add failed.Buyer does not exists."),
    "ATTENTION not a contact": (_so_add(ATTENTION="Lena Brandt"), "Sales Order add failed.ATTENTION does not exists for the customer."),
    "blinkAdd of another customer": (_so_add(blinkAdd="_2BL000001"), "Sales Order add failed.blinkAdd does not exists for the customer."),
    "slinkAdd unknown": (_so_add(slinkAdd="_9SL000009"), "Sales Order add failed.slinkAdd does not exists for the customer."),
    "edit without custNo": (lambda a: (so_order(a), a.so("Edit", {"SoNo": SONO}))[1], "Sales Order edit failed.custNo is required."),
    "get without SoNo": (lambda a: a.so("Get", {}), "Sales Order details failed:SoNo is required."),
    "item part missing": (_so_item_add(part_num=None, revision=None), "Sales Order Item add failed.part_num is required."),
    "item part unknown": (_so_item_add(part_num="NOPE-1"), "Sales Order Item add failed.part_num does not exists."),
    "item part ambiguous": (_so_item_add(revision=None), "Sales Order Item add failed.part_num does not exist in a single revision: send revision."),
    "item uniq_key unknown": (_so_item_add(part_num=None, uniq_key="_9NOPE0000"), "Sales Order Item add failed.uniq_key does not exists."),
    "item uOfMeas missing": (_so_item_add(uOfMeas=None), "Sales Order Item add failed.uOfMeas is required."),
    "item soDet_Desc missing": (_so_item_add(soDet_Desc=""), "Sales Order Item add failed.soDet_Desc is required."),
    "item deliv_time missing": (_so_item_add(deliv_time=None), "Sales Order Item add failed.deliv_time is required."),
    "item deliv_time bad": (_so_item_add(deliv_time="25:00"), "Sales Order Item add failed.deliv_time must be a 24-hour time in H:MM or HH:MM form."),
    "item status missing": (_so_item_add(status=None), "Sales Order Item add failed.status is required."),
    "item status unknown": (_so_item_add(status="Admin Hold"), "Sales Order Item add failed.status must be one of Standard, Priority-1, Priority-2, Cancel, Closed."),
    "item eachQty above ordered": (_so_item_add(eachQty="20"), "Sales Order Item add failed.eachQty must be greater than 0 and less than ord_qty."),
    "item eachQty above ordered on edit": (_so_item_edit(ord_qty="5", eachQty="5"), "Sales Order Item edit failed.eachQty must be greater than 0 and less than ord_qty."),
    "edit of an unknown order": (lambda a: a.so("Edit", {"SoNo": "4242", "custNo": "0000000001"}), "Sales Order edit failed.Sales Order does not exists."),
    "price delete without SoNo": (lambda a: (so_price(a), a.so("PriceDelete", {"PLPRICELNK": "AAAAAAAAAA"}))[1], "Sales Order Price delete failed.SoNo is required."),
    "price delete without line": (lambda a: (so_price(a), a.so("PriceDelete", {"SoNo": SONO, "PLPRICELNK": "AAAAAAAAAA"}))[1], "Sales Order item with uniqueLn:'' does not exits in SO:'0000000100'."),
    "item line_no blank": (_so_item_add(line_no=""), "Sales Order Item add failed.line_no must be digits only."),
    "item line_no not digits on edit": (_so_item_edit(line_no="L1"), "Sales Order Item edit failed.line_no must be digits only."),
    "item eachQty zero": (_so_item_add(eachQty="0"), "Sales Order Item add failed.eachQty must be greater than 0 and less than ord_qty."),
    "item ord_qty negative": (_so_item_add(ord_qty="-1"), "Sales Order Item add failed.ord_qty must not be negative."),
    "item fstduedt ISO": (_so_item_add(fstduedt="2025-03-12"), "Sales Order Item add failed.fstduedt must be a date in MM-DD-YYYY form."),
    "item deliFreq unknown": (_so_item_add(deliFreq="YR"), "Sales Order Item add failed.deliFreq must be one of DY, WK, MO."),
    "item w_key unknown": (_so_item_add(w_key="_9WK0NOPE9"), "Sales Order Item add failed.w_key does not exists."),
    "item line_no taken": (lambda a: (so_line(a), a.so("ItemAdd", {**LINE, "line_no": "1"}))[1], "Sales Order Item add failed.line_no already exists."),
    "item line_no too long": (_so_item_add(line_no="12345678"), "Sales Order Item add failed.line_no must be at most 7 digits."),
    "item edit without line": (_so_item_edit(UNIQUELN=None), "UniqLn not provided."),
    "item edit part without revision": (_so_item_edit(revision=None), "Sales Order Item edit failed.revision is required with part_num."),
    "item edit without part": (_so_item_edit(part_num=None, revision=None), "Sales Order Item edit failed.part_num is required."),
    "item edit status at balance 0": (_so_item_edit(ord_qty="0", status="Closed"), "Sales Order Item edit failed.status cannot change while the line balance is 0 unless ord_qty is raised."),
    "item edit ord_qty below schedule": (_edit_below_schedule, "Sales Order Item edit failed.ord_qty must not be below the Qty already scheduled for the line."),
    "due on a weekend": (_due_add(Due_DTS1="03-15-2025"), "$$Sales Order Due Date add failed.Due_DTS1 must be a working day (Monday to Friday)."),
    "ship on the due date": (_due_add(Ship_Dts="2025-03-12"), "$$Sales Order Due Date add failed.Ship_Dts must be before Due_DTS1."),
    "ship missing": (_due_add(Ship_Dts=None), "$$Sales Order Due Date add failed.Ship_Dts is required."),
    "due date malformed": (_due_add(Due_DTS1="2025-12-03x"), "$$Sales Order Due Date add failed.Due_DTS1 must be a date in MM-DD-YYYY or YYYY-MM-DD form."),
    "due over-scheduled": (_due_add(Qty="21"), "$$Sales Order Due Date add failed.Qty brings the line's scheduled total above its ord_qty."),
    "due Qty missing": (_due_add(Qty=None), "$$Sales Order Due Date add failed.Qty is required."),
    "price saleTypeID unknown": (_price_add(saleTypeID="GIFT"), "Sales Order Price add failed.saleTypeID must be one of CABLE/Harn, CONSULTING, LABOR, OTHER, PC ASSEMB., PRIORITY, REPAIR, RESTOCKING, REWORK, SPARE PART, STENCILS, SYSTEM."),
    "price taxable not boolean": (_price_add(taxable="maybe"), "Sales Order Price add failed.taxable must be true, false, 1 or 0."),
    "price missing": (_price_add(price=""), "Sales Order Price add failed.price is required."),
    "price link malformed": (_price_add(PLPRICELNK="short"), "Sales Order Price add failed.PLPRICELNK must be 10 characters of A-Z, 0-9 or _."),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SO_VALIDATION))
def test_sales_order_validation_refuses_with_its_message(case: str) -> None:
    call, message = SO_VALIDATION[case]
    assert refused(call(Api())) == message


def _po_add(**changes: Any) -> Callable[[Api], dict[str, Any]]:
    params = {**PO, **changes}
    return lambda api: api.po("Add", {k: v for k, v in params.items() if v is not None})


def _po_listed(**changes: Any) -> Callable[[Api], dict[str, Any]]:
    item = {k: v for k, v in {**PO_ITEM, **changes}.items() if v is not None}
    return _po_add(POItemsList=[item])


def _po_item_add(**changes: Any) -> Callable[[Api], dict[str, Any]]:
    def call(api: Api) -> dict[str, Any]:
        ponum = po_add(api)["PONUM"]
        params = {"poNum": ponum, "POITTYPE": "INVT PART", "part_no": "PCB-1001", "revision": "A"}
        params |= {"uniqmfgrhd": "_1MF100101", "ORD_QTY": "10", **changes}
        return api.po("ItemAdd", {k: v for k, v in params.items() if v is not None})

    return call


def _po_schedule_add(**changes: Any) -> Callable[[Api], dict[str, Any]]:
    def call(api: Api) -> dict[str, Any]:
        ponum = po_add(api)["PONUM"]
        uniqlnno = api.po("ItemGet", {"poNum": ponum})["ResponseObject"][0]["UNIQLNNO"]
        params = {"poNum": ponum, "uniqLnNo": uniqlnno, "schd_qty": "10", **changes}
        return api.po("ScheduleAdd", {k: v for k, v in params.items() if v is not None})

    return call


def _po_item_edit(**changes: Any) -> Callable[[Api], dict[str, Any]]:
    def call(api: Api) -> dict[str, Any]:
        _po_schedule_add()(api)
        uniqlnno = api.po("ItemGet", {"poNum": "1"})["ResponseObject"][0]["UNIQLNNO"]
        return api.po("ItemEdit", {"poNum": "1", "UNIQLNNO": uniqlnno, **changes})

    return call


PO_VALIDATION: dict[str, tuple[Callable[[Api], dict[str, Any]], str]] = {
    "supName missing": (_po_add(supName=None), "Purchase Order add failed.supName is required."),
    "supName unknown": (_po_add(supName="Anixter"), "Purchase Order add failed.UniqSupNo does not exists in SUPINFO Table."),
    "poDate ISO": (_po_add(poDate="2025-03-12"), "Purchase Order add failed.poDate must be a date in MM-DD-YYYY form."),
    "FreightIncluded not a flag": (_po_add(FreightIncluded="true"), "Purchase Order add failed.FreightIncluded must be 0 or 1."),
    "buyerName not Last, First": (_po_add(buyerName="Ana Rivera"), "Purchase Order add failed.buyerName must be in the form LastName, FirstName."),
    "buyerName unknown": (_po_add(buyerName="Doe, John"), "Purchase Order add failed.buyerName does not exists."),
    "remitToLink of another supplier": (_po_add(remitToLink="_2RMT00001"), "Purchase Order add failed.remitToLink does not exists for the supplier."),
    "billToLink unknown": (_po_add(billToLink="_9BIL00009"), "Purchase Order add failed.billToLink does not exists for the supplier."),
    "deliveryTime 12-hour": (_po_add(deliveryTime="1:00 PM"), "Purchase Order add failed.deliveryTime must be a 24-hour time in HH:MM form."),
    "deliveryTime unpadded": (_po_add(deliveryTime="9:00"), "Purchase Order add failed.deliveryTime must be a 24-hour time in HH:MM form."),
    "Terms unknown": (_po_add(Terms="NET 90"), "Purchase Order add failed.Terms must be one of NET 10, NET 15, NET 30, NET 30/2% 10, NET 45, COD, NONE."),
    "shippingTaxPct without taxable": (_po_add(shippingTaxPct="8.25"), "Purchase Order add failed.shippingTaxPct needs isShippingTaxable set to 1."),
    "shippingTaxPct with taxable 0": (_po_add(shippingTaxPct="8.25", isShippingTaxable="0"), "Purchase Order add failed.shippingTaxPct needs isShippingTaxable set to 1."),
    "items missing": (_po_add(POItemsList=None), "Purchase Order add failed.POItemsList is required."),
    "items empty": (_po_add(POItemsList=[]), "Purchase Order add failed.POItemsList must hold at least one item."),
    "item ORD_QTY negative": (_po_listed(ORD_QTY="-1"), "Purchase Order add failed.ORD_QTY must not be negative: an order quantity is zero or more."),
    "item revision spelled revision in the list": (_po_listed(Rev=None, revision="B"), "Purchase Order add failed.Rev is required with part_no."),
    "item uniqmfsp unknown": (_po_item_add(uniqmfsp="_1MSP00001"), "PO Items add failed.uniqmfsp does not exists."),
    "item add with manufacturer part number alone": (_po_item_add(uniqmfgrhd=None, mfgr_pt_no="PCB-1001"), "PO Items add failed.uniqmfgrhd is required."),
    "item add revision spelled Rev": (_po_item_add(revision=None, Rev="A"), "PO Items add failed.revision is required with part_no."),
    "item delete revision alone": (lambda a: a.po("ItemDelete", {"poNum": po_add(a)["PONUM"], "revision": "B"}), "PO Items delete failed.part_no is required with revision."),
    "item delete mfgr_pt_no alone": (lambda a: a.po("ItemDelete", {"poNum": po_add(a)["PONUM"], "mfgr_pt_no": "RC0603FR-0710KL"}), "PO Items delete failed.partMfgr is required with mfgr_pt_no."),
    "schedule get without item": (lambda a: a.po("ScheduleGet", {"poNum": po_add(a)["PONUM"]}), "PO Schedule details failed:uniqLnNo is required."),
    "get poStatus blank": (lambda a: a.po("Get", {"supName": "Baltic Components", "poStatus": ""}), "Purchase Order details failed:poStatus must be one of Open, Cancelled, Closed."),
    "get poNum not digits": (lambda a: a.po("Get", {"poNum": "PO-1"}), "Purchase Order details failed:poNum must be digits only."),
    "item get withBalance as 1": (lambda a: a.po("ItemGet", {"withBalance": "1"}), "PO Items details failed:withBalance must be true or false."),
    "items not a list": (_po_add(POItemsList={"POITTYPE": "MRO"}), "Purchase Order add failed.POItemsList must be a list of item objects."),
    "item type missing": (_po_listed(POITTYPE=None), "Purchase Order add failed.POITTYPE is required."),
    "item type unknown": (_po_listed(POITTYPE="Widget"), "Purchase Order add failed.POITTYPE must be one of INVT PART, MRO, Services."),
    "item part without revision": (_po_listed(Rev=None), "Purchase Order add failed.Rev is required with part_no."),
    "item part unknown": (_po_listed(part_no="NOPE-1"), "Purchase Order add failed.part_no does not exists."),
    "item MRO part unknown": (_po_listed(POITTYPE="MRO", part_no="GLOVES-L"), "Purchase Order add failed.part_no does not exists."),
    "item part missing": (_po_listed(part_no=None, Rev=None), "Purchase Order add failed.part_no is required."),
    "item ORD_QTY missing": (_po_listed(ORD_QTY=None), "Purchase Order add failed.ORD_QTY is required."),
    "item UniqMfgrhd of another part": (_po_listed(UniqMfgrhd="_1MF100101"), "Purchase Order add failed.UniqMfgrhd is Invalid."),
    "item PARTMFGR unknown": (_po_listed(PARTMFGR="ACME"), "Purchase Order add failed.PARTMFGR does not exists for the part."),
    "item unit unknown": (_po_listed(U_OF_MEAS="BOX"), "Purchase Order add failed.U_OF_MEAS must be one of EACH, IN, DOZ, REEL, LOT, BULK, SQIN, SQFT, SQYD, SQMM, SQCM, SQME, GRAM, KGRM, MLTR, LITR, CC, OUNC, PINT, QUAR, GAL, M, FT, CM, LB, YARD."),
    "item package unknown": (_po_listed(package="BAG"), "Purchase Order add failed.package must be one of AMMO BELT, BULK, CARTON, EACH, REAM, REEL, TRAY, TUBE."),
    "item lead time free text": (_po_listed(pur_ltime="2 weeks"), "Purchase Order add failed.pur_ltime must be digits followed by DY, WK or MO."),
    "item IS_TAX not boolean": (_po_listed(IS_TAX="Y"), "Purchase Order add failed.IS_TAX must be true, false, 1 or 0."),
    "schedule above ordered": (_po_listed(PoitschdList=[{"SCHD_QTY": "101"}]), "Purchase Order add failed.schd_qty must not exceed the item's order quantity."),
    "schedule date ISO": (_po_listed(PoitschdList=[{"SCHD_DATE": "2025-03-20"}]), "Purchase Order add failed.schd_date must be a date in MM-DD-YYYY form."),
    "item add without manufacturer": (_po_item_add(uniqmfgrhd=None), "PO Items add failed.uniqmfgrhd is required."),
    "item add to unknown PO": (_po_item_add(poNum="999"), "PO Items add failed.Purchase Order does not exists."),
    "item edit ORD_QTY below a schedule": (_po_item_edit(ORD_QTY="9"), "PO Items edit failed.ORD_QTY must not fall below a schedule's schd_qty: a schedule is part of the order quantity."),
    "item edit without key": (lambda a: a.po("ItemEdit", {"poNum": po_add(a)["PONUM"]}), "PO Items edit failed.uniqLnNo is required."),
    "item delete without key": (lambda a: a.po("ItemDelete", {"poNum": po_add(a)["PONUM"]}), "PO Items delete failed.uniqlnno or another item identifier is required."),
    "schedule qty missing": (_po_schedule_add(schd_qty=None), "PO Schedule add failed.schd_qty is required."),
    "schedule qty above ordered": (_po_schedule_add(schd_qty="100.5"), "PO Schedule add failed.schd_qty must not exceed the item's order quantity."),
    "schedule req_date ISO": (_po_schedule_add(req_date="2025-03-20"), "PO Schedule add failed.req_date must be a date in MM-DD-YYYY form."),
    "schedule warehouse unknown": (_po_schedule_add(warehouse="MAIN9"), "PO Schedule add failed.warehouse does not exists."),
    "schedule location unknown": (_po_schedule_add(warehouse="STAGE", location="A1"), "PO Schedule add failed.location does not exists in the warehouse."),
    "schedule location alone": (_po_schedule_add(location="A1"), "PO Schedule add failed.warehouse is required with location."),
    "schedule item unknown": (_po_schedule_add(uniqLnNo="NOSUCHLINE"), "PO Schedule add failed.Po Item does not exists."),
    "get poStatus unknown": (lambda a: a.po("Get", {"poStatus": "Pending"}), "Purchase Order details failed:poStatus must be one of Open, Cancelled, Closed."),
    "get scheduledPriorTo ISO": (lambda a: a.po("Get", {"scheduledPriorTo": "2025-03-01"}), "Purchase Order details failed:scheduledPriorTo must be a date in MM-DD-YYYY form."),
    "item get withBalance not boolean": (lambda a: a.po("ItemGet", {"withBalance": "some"}), "PO Items details failed:withBalance must be true or false."),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(PO_VALIDATION))
def test_purchase_order_validation_refuses_with_its_message(case: str) -> None:
    call, message = PO_VALIDATION[case]
    assert refused(call(Api(kind=ManexPoSandbox))) == message


def test_a_refused_call_changes_nothing_and_draws_no_key(api: Api) -> None:
    uniqueln = so_line(api)
    refused(api.so("DueDateAdd", {**DUE, "uniqueLn": uniqueln, "Qty": "99"}))
    refused(
        api.so(
            "ItemEdit",
            {
                "SoNo": SONO,
                "UNIQUELN": uniqueln,
                "part_num": "PCB-1001",
                "revision": "A",
                "ord_qty": "5",
                "eachQty": "9",
            },
        )
    )
    refused(api.po("Add", {**PO, "POItemsList": [PO_ITEM, {**PO_ITEM, "POITTYPE": "?"}]}))
    assert api.so("ItemGet", {"UNIQUELN": uniqueln})["ResponseObject"]["ORD_QTY"] == 20
    assert api.sandbox.erp.purchase_orders == {}
    ok(api.so("DueDateAdd", {**DUE, "uniqueLn": uniqueln}))
    twin = Api()
    twin_line = so_line(twin)
    ok(twin.so("DueDateAdd", {**DUE, "uniqueLn": twin_line}))
    assert api.so("Get", {"SoNo": SONO}) == twin.so("Get", {"SoNo": SONO})


# ── numbers, keys and dates in answers ───────────────────────────────────────────────────────


def _walk(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in [(k, v), *_walk(v)]]
    if isinstance(value, list):
        return [pair for v in value for pair in _walk(v)]
    return []


KEY_MEMBERS = {"UNIQUELN", "UNIQ_KEY", "W_KEY", "PLPRICELNK", "DUEDT_UNIQ", "BLINKADD", "SLINKADD"}
KEY_MEMBERS |= {"UNIQLNNO", "UNIQDETNO", "POUNIQUE", "UNIQSUPNO", "UNIQMFGRHD", "UNIQWH"}
KEY_MEMBERS |= {"C_LINK", "R_LINK", "I_LINK", "B_LINK"}
DATE_MEMBERS = {"ORDERDATE", "SAVEDT", "FSTDUEDT", "DUE_DTS1", "SHIP_DTS", "COMMIT_DTS", "PODATE", "VERDATE"}
DATE_MEMBERS |= {"SCHD_DATE", "REQ_DATE", "ORIGCOMMITDT", "SOAPPRVDT", "DATECHG", "POACKDT"}


def test_answers_pad_numbers_and_carry_ten_character_keys(api: Api) -> None:
    uniqueln, _ = so_price(api)
    ok(api.so("DueDateAdd", {**DUE, "uniqueLn": uniqueln}))
    ok(api.so("Edit", {**ORDER, "POAck": "1", "SOAPPROVAL": "1", "SOAPPRVINIT": "AR"}))
    po = po_add(api, POItemsList=[{**PO_ITEM, "PoitschdList": [{"warehouse": "MAIN1"}]}])
    answers = [
        api.so("Get", {"SoNo": SONO}),
        api.po("Get", {"poNum": po["PONUM"]}),
        api.po("ItemGet", {"poNum": po["PONUM"]}),
        api.po(
            "ScheduleGet",
            {
                "poNum": po["PONUM"],
                "uniqLnNo": api.po("ItemGet", {"poNum": po["PONUM"]})["ResponseObject"][0]["UNIQLNNO"],
            },
        ),
        po_item(api, po["PONUM"], PoitschdList=[{"warehouse": "STAGE"}]),
    ]
    members = [pair for answer in answers for pair in _walk(answer)]
    assert all(re.fullmatch(r"[0-9]{10}", v) for k, v in members if k in ("SONO", "CUSTNO", "Supid"))
    assert all(re.fullmatch(r"[0-9]{7}", v) for k, v in members if k == "LINE_NO")
    assert all(re.fullmatch(r"[0-9]{15}", v) for k, v in members if k == "PONUM")
    assert all(re.fullmatch(r"[0-9]{3}", v) for k, v in members if k == "ITEMNO" and v is not None)
    keys = [(k, v) for k, v in members if k in KEY_MEMBERS]
    assert {k for k, _ in keys} == KEY_MEMBERS
    assert all(KEY_SHAPE.fullmatch(v) for _, v in keys), keys
    dates = [(k, v) for k, v in members if k in DATE_MEMBERS]
    assert {k for k, _ in dates} == DATE_MEMBERS
    assert all(LOCAL_DATETIME.validate(v) is None for _, v in dates), dates


def test_generated_keys_are_upper_case_alphanumerics_and_unique(api: Api) -> None:
    for _ in range(3):
        so_price(api)
    keys = {v for k, v in _walk(api.so("Get", {"SoNo": SONO})) if k in ("UNIQUELN", "PLPRICELNK")}
    assert len(keys) == 6
    assert all(NEW_KEY_SHAPE.fullmatch(k) for k in keys)


def test_keys_are_deterministic_per_instance() -> None:
    first, second = Api(), Api()
    assert so_line(first) == so_line(second)


def test_reset_forgets_documents_and_restarts_numbers_and_keys(api: Api) -> None:
    uniqueln = so_line(api)
    ponum = po_add(api)["PONUM"]
    api.sandbox.reset()
    api.sandbox.erp.clock = lambda: NOW
    assert refused(api.so("Get", {"SoNo": SONO})) == "Sales Order does not exists."
    assert api.po("Get", {"poNum": ponum})["ResponseObject"] == []
    assert so_line(api) == uniqueln and po_add(api)["PONUM"] == ponum


def test_state_is_per_instance() -> None:
    first, second = Api(), Api()
    so_order(first)
    assert refused(second.so("Get", {"SoNo": SONO})) == "Sales Order does not exists."


# ── registry, seed and credentials ───────────────────────────────────────────────────────────


def test_registry_knows_both_manex_sandboxes() -> None:
    assert SANDBOXES["manex_so"] is ManexSoSandbox and get_sandbox("manex_so") is ManexSoSandbox
    assert SANDBOXES["manex_po"] is ManexPoSandbox and get_sandbox("manex_po") is ManexPoSandbox
    assert issubclass(ManexSandbox, Sandbox)


def test_credentials_are_the_key_for_the_url_path_and_no_headers() -> None:
    sandbox = ManexPoSandbox()
    assert sandbox.client_headers() == {}
    assert [sandbox.client_credentials(site) for site in (0, 1)] == [
        {"{apiKey}": "sbx-manex-key-0001"},
        {"{apiKey}": "sbx-manex-key-0002"},
    ]
    for vendor_sample in ("123456789", "23456789"):
        assert vendor_sample not in API_KEYS


@pytest.mark.parametrize("site", [2, -1])
def test_unknown_site_is_an_index_error(site: int) -> None:
    with pytest.raises(IndexError, match=f"site {site}"):
        ManexSoSandbox().client_credentials(site)


def test_seed_keys_and_numbers_have_the_erps_shapes() -> None:
    keys = list(SEED.keys())
    assert len(keys) == len(set(keys)) and all(KEY_SHAPE.fullmatch(k) for k in keys)
    assert all(re.fullmatch(r"[0-9]{10}", c.custno) for c in SEED.customers)
    assert all(re.fullmatch(r"[0-9]{10}", s.supid) for s in SEED.suppliers)
    assert all(re.fullmatch(r"[^,]+, [^,]+", b.name) for b in SEED.buyers)
    assert all(p.revision and p.source in ("BUY", "MAKE") for p in SEED.parts)


# ── faults ───────────────────────────────────────────────────────────────────────────────────

PLANNED_SO_FAULTS = {
    "add-over-existing-order": "MANEX_SO-SO-010",
    "accepts-unknown-buyer": "MANEX_SO-SO-017",
    "accepts-unknown-attention": "MANEX_SO-SO-018",
    "accepts-any-initials": "MANEX_SO-SO-019",
    "dated-the-day-before": "MANEX_SO-SO-020",
    "no-default-ship-via": "MANEX_SO-SO-021",
    "no-default-terms": "MANEX_SO-SO-022",
    "no-default-bill-account": "MANEX_SO-SO-023",
    "approval-date-as-sent": "MANEX_SO-SO-024",
    "commits-to-ship-date": "MANEX_SO-DUE-021",
    "edit-failure-worded-otherwise": "MANEX_SO-MSG-028",
    "unknown-customer-worded-otherwise": "MANEX_SO-MSG-018",
    "unknown-order-get-worded-otherwise": "MANEX_SO-MSG-019",
    "unknown-order-item-worded-otherwise": "MANEX_SO-MSG-020",
    "unknown-line-worded-otherwise": "MANEX_SO-MSG-021",
    "missing-uniqln-worded-otherwise": "MANEX_SO-MSG-022",
    "line-not-on-order-worded-otherwise": "MANEX_SO-MSG-023",
    "missing-price-link-worded-otherwise": "MANEX_SO-MSG-024",
    "unknown-price-worded-otherwise": "MANEX_SO-MSG-025",
    "unknown-due-date-worded-otherwise": "MANEX_SO-MSG-026",
    "missing-due-date-key-worded-otherwise": "MANEX_SO-MSG-027",
    "accepts-invalid-key": "MANEX_SO-AUTH-001",
    "valid-user-on-bad-key": "MANEX_SO-AUTH-002",
    "url-error-without-detail": "MANEX_SO-URL-001",
    "drops-session-id": "MANEX_SO-ENV-001",
    "accepts-add-without-custno": "MANEX_SO-SO-001",
    "accepts-unpadded-custno": "MANEX_SO-SO-002",
    "accepts-iso-order-date": "MANEX_SO-SO-003",
    "accepts-unknown-fob": "MANEX_SO-SO-004",
    "approves-without-initials": "MANEX_SO-SO-005",
    "accepts-unknown-item-status": "MANEX_SO-ITM-001",
    "accepts-each-qty-above-ordered": "MANEX_SO-ITM-002",
    "edits-item-without-line": "MANEX_SO-ITM-003",
    "accepts-ship-after-due": "MANEX_SO-DUE-001",
    "over-schedules-line": "MANEX_SO-DUE-002",
    "unpadded-sono-in-get": "MANEX_SO-RES-001",
    "short-price-link": "MANEX_SO-RES-002",
}
PLANNED_PO_FAULTS = {
    "get-not-allowed": "MANEX_PO-TRN-002",
    "query-wins": "MANEX_PO-TRN-004",
    "accepts-unknown-buyer": "MANEX_PO-PO-020",
    "accepts-unknown-address-link": "MANEX_PO-PO-021",
    "accepts-unknown-supplier": "MANEX_PO-PO-022",
    "accepts-unknown-manufacturer": "MANEX_PO-ITM-018",
    "add-answer-without-footer": "MANEX_PO-RES-017",
    "item-add-answer-without-exception-note": "MANEX_PO-RES-021",
    "schedule-add-answer-without-notes": "MANEX_PO-RES-024",
    "unknown-action-bad-request": "MANEX_PO-URL-005",
    "parameter-not-named": "MANEX_PO-MSG-026",
    "not-enough-information-worded-otherwise": "MANEX_PO-MSG-024",
    "missing-uniqdetno-worded-otherwise": "MANEX_PO-MSG-027",
    "url-error-quotes-another-uri": "MANEX_PO-URL-008",
    "missing-key-bad-request": "MANEX_PO-URL-006",
    "accepts-invalid-key": "MANEX_PO-AUTH-001",
    "valid-user-on-bad-key": "MANEX_PO-AUTH-002",
    "url-error-without-detail": "MANEX_PO-URL-001",
    "drops-session-id": "MANEX_PO-ENV-001",
    "accepts-po-without-supplier": "MANEX_PO-PO-001",
    "accepts-12-hour-delivery-time": "MANEX_PO-PO-002",
    "accepts-unknown-terms": "MANEX_PO-PO-003",
    "taxes-untaxable-shipping": "MANEX_PO-PO-004",
    "accepts-unknown-item-type": "MANEX_PO-ITM-001",
    "accepts-free-lead-time": "MANEX_PO-ITM-002",
    "accepts-part-without-revision": "MANEX_PO-ITM-003",
    "accepts-unknown-unit": "MANEX_PO-ITM-004",
    "accepts-unknown-package": "MANEX_PO-ITM-005",
    "over-schedules-item": "MANEX_PO-SCH-001",
    "accepts-iso-schedule-date": "MANEX_PO-SCH-002",
    "unpadded-ponum": "MANEX_PO-RES-001",
    "short-schedule-key": "MANEX_PO-RES-002",
}


@pytest.mark.parametrize(
    ("kind", "planned"), [(ManexSoSandbox, PLANNED_SO_FAULTS), (ManexPoSandbox, PLANNED_PO_FAULTS)]
)
def test_fault_catalogues_are_the_plans(kind: type[ManexSandbox], planned: dict[str, str]) -> None:
    assert {name: fault.rule for name, fault in kind.faults.items()} == planned
    for name, fault in kind.faults.items():
        assert isinstance(fault, Fault) and fault.name == name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
        assert fault.description and "\n" not in fault.description
    assert ManexSoSandbox.faults is SO_FAULTS and ManexPoSandbox.faults is PO_FAULTS


def test_broken_rule_and_has() -> None:
    assert ManexSoSandbox().broken_rule is None
    sandbox = ManexPoSandbox("unpadded-ponum")
    assert sandbox.broken_rule == "MANEX_PO-RES-001" and sandbox.has("unpadded-ponum")
    with pytest.raises(KeyError):
        sandbox.has("accepts-unknown-fob")  # an SO fault


def _bad_key(api: Api, controller: str) -> dict[str, Any]:
    return api.call(controller, "Get", {"SoNo": "1", "poNum": "1"}, key="wrong-key")


def _no_detail(api: Api) -> bool:
    return "MessageDetail" not in api.http.post(f"/api/SO/Nope/{KEY}").json()


def _session_dropped(api: Api, controller: str) -> bool:
    answer = ok(api.so("Add", ORDER) if controller == "SO" else api.po("Add", PO))
    return "SessionId" not in answer


def _accepted(call: Callable[[Api], dict[str, Any]]) -> Callable[[Api], bool]:
    return lambda api: call(api)["Code"] == 200


def _values_of(node: Any, key: str) -> list[Any]:
    """Every value of ``key`` anywhere in a JSON answer."""
    if isinstance(node, dict):
        return [
            v for k, child in node.items() for v in ([child] if k == key else []) + _values_of(child, key)
        ]
    return [v for child in node for v in _values_of(child, key)] if isinstance(node, list) else []


def _unpadded_sono(api: Api) -> bool:
    so_line(api)
    sonos = _values_of(api.so("Get", {"SoNo": SONO})["ResponseObject"], "SONO")
    return any(not re.fullmatch(r"[0-9]{10}", str(sono)) for sono in sonos)


def _short_price_link(api: Api) -> bool:
    _, plpricelnk = so_price(api)
    return len(plpricelnk) == 8


def _unpadded_ponum(api: Api) -> bool:
    po_add(api)
    ponums = _values_of(api.po("Get", {"poNum": "1"})["ResponseObject"], "PONUM")
    return any(not re.fullmatch(r"[0-9]{15}", str(ponum)) for ponum in ponums)


def _short_schedule_key(api: Api) -> bool:
    po_add(api, POItemsList=[{**PO_ITEM, "PoitschdList": [{}]}])
    return len(api.sandbox.erp.purchase_orders[1].items[0].schedules[0].uniqdetno) == 8


def _so_says(api: Api, action: str, params: dict[str, Any], faithful: str) -> bool:
    """Whether the SO refusal of ``action`` is worded otherwise than the faithful ``faithful``."""
    return refused(api.so(action, params)) != faithful


def _line_not_on_order(api: Api) -> bool:
    so_line(api)
    message = refused(
        api.so("PriceAdd", {"SoNo": SONO, "uniqueLn": "NOSUCHLINE", "quantity": "1", "price": "1"})
    )
    return not message.startswith("Sales Order item with uniqueLn:")


def _po_url_error_quotes(api: Api) -> bool:
    path = f"/api/PO/Nope/{KEY}"
    return f"http://testserver{path}" not in api.http.post(path).json()["Message"]


def _so_accepts(api: Api, params: dict[str, Any]) -> bool:
    return bool(api.so("Add", {**ORDER, **params})["Code"] == 200)


def _so_header(api: Api) -> dict[str, Any]:
    header: dict[str, Any] = ok(api.so("Get", {"SoNo": SONO}))["ResponseObject"]
    return header


def _committed_to(api: Api) -> str:
    ok(api.so("DueDateAdd", {**DUE, "uniqueLn": so_line(api)}))
    due: str = _so_header(api)["SODETAILList"][0]["DueDateList"][0]["COMMIT_DTS"]
    return due


def _approved_as_sent(api: Api) -> bool:
    so_order(api, SOAPPROVAL="1", SOAPPRVINIT="jds", SOAPPRVDT="01-02-2020")
    return str(_so_header(api)["SOAPPRVDT"]).startswith("2020-01-02")


SO_PROBES: dict[str, Callable[[Api], bool]] = {
    "add-over-existing-order": lambda a: so_order(a) == SONO and _so_accepts(a, {}),
    "accepts-unknown-buyer": lambda a: _so_accepts(a, {"Buyer": "Nobody Incorporated"}),
    "accepts-unknown-attention": lambda a: _so_accepts(a, {"ATTENTION": "NOSUCHCONTACT"}),
    "accepts-any-initials": lambda a: _so_accepts(a, {"SOAPPRVINIT": "ZZ"}),
    "dated-the-day-before": lambda a: (
        so_order(a) == SONO
        and not _so_header(a)["ORDERDATE"].startswith(a.sandbox.erp.clock().date().isoformat())
    ),
    "no-default-ship-via": lambda a: so_order(a) == SONO and _so_header(a)["SHIPVIA"].strip() == "",
    "no-default-terms": lambda a: so_order(a) == SONO and _so_header(a)["TERMS"].strip() == "",
    "no-default-bill-account": lambda a: so_order(a) == SONO and _so_header(a)["BILLACOUNT"].strip() == "",
    "approval-date-as-sent": _approved_as_sent,
    "commits-to-ship-date": lambda a: _committed_to(a).startswith("2025-03-10"),
    "edit-failure-worded-otherwise": lambda a: (
        not refused(a.so("Edit", {"SoNo": "0000099999", "custNo": "0000000001"})).startswith(
            "Sales Order edit failed."
        )
    ),
    "unknown-customer-worded-otherwise": lambda a: _so_says(
        a, "Add", {"SoNo": SONO, "custNo": "0000099999"}, "Sales Order add failed.Customer does not exists."
    ),
    "unknown-order-get-worded-otherwise": lambda a: _so_says(
        a, "Get", {"SoNo": "0000099999"}, "Sales Order does not exists."
    ),
    "unknown-order-item-worded-otherwise": lambda a: _so_says(
        a, "ItemAdd", {**LINE, "SoNo": "0000099999"}, "Sales Order does not exists."
    ),
    "unknown-line-worded-otherwise": lambda a: _so_says(
        a, "ItemGet", {"UNIQUELN": "NOSUCHLINE"}, "Sales Order Item does not exists."
    ),
    "missing-uniqln-worded-otherwise": lambda a: _so_says(
        a, "ItemDelete", {"SoNo": so_order(a)}, "UniqLn not provided."
    ),
    "line-not-on-order-worded-otherwise": _line_not_on_order,
    "missing-price-link-worded-otherwise": lambda a: _so_says(
        a, "PriceEdit", {"SoNo": SONO}, "PlPriceLnk not provided."
    ),
    "unknown-price-worded-otherwise": lambda a: _so_says(
        a, "PriceGet", {"PLPRICELNK": "NOSUCHPRICE"}, "Sales Order Price does not exists."
    ),
    "unknown-due-date-worded-otherwise": lambda a: (
        "Due Date does not exists." not in refused(a.so("DueDateGet", {"DUEDT_UNIQ": "NOSUCHDATE"}))
    ),
    "missing-due-date-key-worded-otherwise": lambda a: _so_says(
        a, "DueDateEdit", {"SoNo": SONO}, "DueDt_Uniq not provided."
    ),
    "accepts-invalid-key": lambda a: _bad_key(a, "SO")["Message"] != "Invalid API Key.",
    "valid-user-on-bad-key": lambda a: _bad_key(a, "SO")["IsValidUser"] is True,
    "url-error-without-detail": _no_detail,
    "drops-session-id": lambda a: _session_dropped(a, "SO"),
    "accepts-add-without-custno": _accepted(_so_add(custNo=None)),
    "accepts-unpadded-custno": _accepted(_so_add(custNo="1")),
    "accepts-iso-order-date": _accepted(_so_add(orderDate="2025-03-12")),
    "accepts-unknown-fob": _accepted(_so_add(FOB="FREE ON BOARD")),
    "approves-without-initials": _accepted(_so_add(SOAPPROVAL="1")),
    "accepts-unknown-item-status": _accepted(_so_item_add(status="Admin Hold")),
    "accepts-each-qty-above-ordered": _accepted(_so_item_add(eachQty="25")),
    "edits-item-without-line": _accepted(_so_item_edit(UNIQUELN=None)),
    "accepts-ship-after-due": _accepted(_due_add(Ship_Dts="03-13-2025")),
    "over-schedules-line": _accepted(_due_add(Qty="21")),
    "unpadded-sono-in-get": _unpadded_sono,
    "short-price-link": _short_price_link,
}


def _schedule_added(api: Api) -> dict[str, Any]:
    ponum = po_add(api)["PONUM"]
    item = po_item(api, ponum)
    answer = ok(api.po("ScheduleAdd", {"poNum": ponum, "uniqLnNo": item["UNIQLNNO"], "schd_qty": "2"}))
    schedule: dict[str, Any] = answer["ResponseObject"]
    return schedule


def _po_accepts(api: Api, action: str, params: dict[str, Any]) -> bool:
    return bool(api.po(action, params)["Code"] == 200)


def _item_with_unknown_manufacturer(api: Api) -> bool:
    params = {"poNum": po_add(api)["PONUM"], "POITTYPE": "INVT PART", "part_no": "PCB-1001", "revision": "A"}
    return _po_accepts(api, "ItemAdd", {**params, "partmfgr": "NOSUCHMFGR", "ORD_QTY": "10"})


def _query_won(api: Api) -> bool:
    ponum = po_add(api)["PONUM"]
    path = f"/api/PO/Get/{KEY}?poNum=999999999999999"
    return not api.http.post(path, content=json.dumps({"poNum": ponum})).json()[
        "ResponseObject"
    ]  # none found


PO_PROBES: dict[str, Callable[[Api], bool]] = {
    "get-not-allowed": lambda a: (
        a.raw("PO", "Get", {"poNum": "1"}, via="query", method="GET").status_code == 405
    ),
    "query-wins": _query_won,
    "accepts-unknown-buyer": lambda a: _po_accepts(a, "Add", {**PO, "buyerName": "Nobody, Nemo"}),
    "accepts-unknown-address-link": lambda a: _po_accepts(a, "Add", {**PO, "remitToLink": "NOSUCHLINK"}),
    "accepts-unknown-supplier": lambda a: _po_accepts(a, "Add", {**PO, "supName": "No Such Supplier"}),
    "accepts-unknown-manufacturer": _item_with_unknown_manufacturer,
    "add-answer-without-footer": lambda a: "POFOOTER" not in po_add(a),
    "item-add-answer-without-exception-note": lambda a: "INSPEXCNOTE" not in po_item(a, po_add(a)["PONUM"]),
    "schedule-add-answer-without-notes": lambda a: "SCHDNOTES" not in _schedule_added(a),
    "unknown-action-bad-request": lambda a: a.raw("PO", "NoSuchAction", {}).status_code == 400,
    "parameter-not-named": lambda a: "poDate" not in refused(a.po("Add", {**PO, "poDate": "2025-03-12"})),
    "not-enough-information-worded-otherwise": lambda a: (
        "Not enough information" not in refused(a.po("Get", {}))
    ),
    "missing-uniqdetno-worded-otherwise": lambda a: (
        "UNIQDETNO is required."
        not in refused(a.po("ScheduleEdit", {"poNum": po_add(a)["PONUM"], "schd_qty": "1"}))
    ),
    "url-error-quotes-another-uri": _po_url_error_quotes,
    "missing-key-bad-request": lambda a: a.raw("PO", "Add", {}, key="").status_code != 404,
    "accepts-invalid-key": lambda a: _bad_key(a, "PO")["Message"] != "Invalid API Key.",
    "valid-user-on-bad-key": lambda a: _bad_key(a, "PO")["IsValidUser"] is True,
    "url-error-without-detail": _no_detail,
    "drops-session-id": lambda a: _session_dropped(a, "PO"),
    "accepts-po-without-supplier": _accepted(_po_add(supName=None)),
    "accepts-12-hour-delivery-time": _accepted(_po_add(deliveryTime="1:00 PM")),
    "accepts-unknown-terms": _accepted(_po_add(Terms="NET 90")),
    "taxes-untaxable-shipping": _accepted(_po_add(shippingTaxPct="8.25")),
    "accepts-unknown-item-type": _accepted(_po_listed(POITTYPE="Widget")),
    "accepts-free-lead-time": _accepted(_po_listed(pur_ltime="2 weeks")),
    "accepts-part-without-revision": _accepted(_po_item_add(revision=None)),
    "accepts-unknown-unit": _accepted(_po_listed(U_OF_MEAS="BOX")),
    "accepts-unknown-package": _accepted(_po_listed(package="BAG")),
    "over-schedules-item": _accepted(_po_schedule_add(schd_qty="101")),
    "accepts-iso-schedule-date": _accepted(_po_listed(PoitschdList=[{"SCHD_DATE": "2025-03-20"}])),
    "unpadded-ponum": _unpadded_ponum,
    "short-schedule-key": _short_schedule_key,
}
EVERY_FAULT = [(ManexSoSandbox, name) for name in sorted(SO_PROBES)] + [
    (ManexPoSandbox, name) for name in sorted(PO_PROBES)
]


def test_every_fault_has_a_probe() -> None:
    assert set(SO_PROBES) == set(SO_FAULTS) and set(PO_PROBES) == set(PO_FAULTS)


@pytest.mark.parametrize(("kind", "fault"), EVERY_FAULT, ids=[f"{k.api}:{f}" for k, f in EVERY_FAULT])
def test_fault_misbehaves_and_the_faithful_sandbox_does_not(kind: type[ManexSandbox], fault: str) -> None:
    probe = (SO_PROBES if kind is ManexSoSandbox else PO_PROBES)[fault]
    assert probe(Api(fault, kind)), f"{fault}: misbehaviour not observed"
    assert not probe(Api(None, kind)), f"the faithful sandbox shows the {fault} misbehaviour"


def _so_lifecycle(api: Api) -> None:
    uniqueln, plpricelnk = so_price(api)
    ok(api.so("DueDateAdd", {**DUE, "uniqueLn": uniqueln}))
    ok(api.so("Edit", {**ORDER, "FOB": "ORIGIN-SHIP"}))
    ok(api.so("ItemEdit", {"SoNo": SONO, "UNIQUELN": uniqueln, "part_num": "PCB-1001", "revision": "A"}))
    ok(api.so("PriceGet", {"PLPRICELNK": plpricelnk}))
    ok(api.so("ItemDelete", {"SoNo": SONO, "UNIQUELN": uniqueln}))


def _po_lifecycle(api: Api) -> None:
    ponum = po_add(api)["PONUM"]
    item = po_item(api, ponum)
    schedule = ok(api.po("ScheduleAdd", {"poNum": ponum, "uniqLnNo": item["UNIQLNNO"], "schd_qty": "2"}))
    ok(
        api.po(
            "ScheduleEdit",
            {"poNum": ponum, "uniqDetNo": schedule["ResponseObject"]["UNIQDETNO"], "schd_qty": "3"},
        )
    )
    ok(api.po("Get", {"supName": "Baltic Components"}))
    ok(api.po("ItemDelete", {"poNum": ponum, "uniqlnno": item["UNIQLNNO"]}))


@pytest.mark.parametrize(("kind", "fault"), EVERY_FAULT, ids=[f"{k.api}:{f}" for k, f in EVERY_FAULT])
def test_fault_keeps_both_lifecycles_working(kind: type[ManexSandbox], fault: str) -> None:
    api = Api(fault, kind)
    _so_lifecycle(api)
    _po_lifecycle(api)


@pytest.mark.parametrize("fault", sorted(SO_FAULTS))
def test_so_faults_leave_the_po_routes_faithful(fault: str) -> None:
    api = Api(fault, ManexSoSandbox)
    assert _bad_key(api, "PO") == INVALID_KEY
    assert "SessionId" in ok(api.po("Add", PO))
    assert refused(api.po("Add", {**PO, "Terms": "NET 90"})).endswith(
        "Terms must be one of NET 10, NET 15, NET 30, NET 30/2% 10, NET 45, COD, NONE."
    )


@pytest.mark.parametrize("fault", sorted(PO_FAULTS))
def test_po_faults_leave_the_so_routes_faithful(fault: str) -> None:
    api = Api(fault, ManexPoSandbox)
    assert _bad_key(api, "SO") == INVALID_KEY
    assert "SessionId" in ok(api.so("Add", ORDER))
    assert refused(api.so("Add", {"SoNo": "7", "custNo": "1"})).endswith(
        "custNo must be ten digits, padded to the left with '0'."
    )


def test_faults_break_only_their_rule() -> None:
    # accepts-add-without-custno stores a real customer: the Get still shows a padded CUSTNO.
    api = Api("accepts-add-without-custno")
    ok(api.so("Add", {"SoNo": SONO}))
    assert api.so("Get", {"SoNo": SONO})["ResponseObject"]["CUSTNO"] == "0000000001"
    # unpadded-sono-in-get (derived from its rule) touches SO Get and Item Get answers only.
    api = Api("unpadded-sono-in-get")
    uniqueln, plpricelnk = so_price(api)
    ok(api.so("DueDateAdd", {**DUE, "uniqueLn": uniqueln}))
    assert api.so("PriceGet", {"PLPRICELNK": plpricelnk})["ResponseObject"]["SONO"] == SONO
    assert (
        refused(api.so("PriceAdd", {"SoNo": SONO, "price": "1"}))
        == "Sales Order item with uniqueLn:'' does not exits in SO:'0000000100'."
    )
    # short-price-link shortens PLPRICELNK only.
    api = Api("short-price-link")
    uniqueln, _ = so_price(api)
    assert len(uniqueln) == 10
    # drops-session-id (derived from its rule) drops SessionId wherever the rule reads it, and
    # changes nothing else of the envelope.
    api = Api("drops-session-id")
    dropped = api.so("Get", {"SoNo": "1"})
    assert "SessionId" not in dropped
    assert {**dropped, "SessionId": None} == Api().so("Get", {"SoNo": "1"})
    # accepts-12-hour-delivery-time stores 24-hour time; accepts-unknown-terms keeps valid terms.
    po_api = Api("accepts-12-hour-delivery-time", ManexPoSandbox)
    assert po_add(po_api, deliveryTime="1:00 PM")["DELTIME"] == "13:00"
    po_api = Api("accepts-unknown-terms", ManexPoSandbox)
    assert po_add(po_api, Terms="NET 90")["TERMS"] == "NET 30"
    # taxes-untaxable-shipping keeps the PO self-consistent: the shipping becomes taxable.
    po_api = Api("taxes-untaxable-shipping", ManexPoSandbox)
    taxed = po_add(po_api, shippingTaxPct="8.25")
    assert (taxed["IS_SCTAX"], taxed["SCTAXPCT"]) == (True, 8.25)
    # unpadded-ponum touches PO Get only; short-schedule-key touches UNIQDETNO only.
    po_api = Api("unpadded-ponum", ManexPoSandbox)
    assert po_add(po_api)["PONUM"] == "000000000000001"
    assert po_api.po("ItemGet", {"poNum": "1"})["ResponseObject"][0]["PONUM"] == "000000000000001"
    po_api = Api("short-schedule-key", ManexPoSandbox)
    assert len(po_add(po_api)["POUNIQUE"]) == 10
    # accepts-unknown-fob accepts the value and ignores it: the order keeps a documented FOB.
    api = Api("accepts-unknown-fob")
    so_order(api, FOB="FREE ON BOARD AT THE DOCK")
    assert api.so("Get", {"SoNo": SONO})["ResponseObject"]["FOB"].strip() == ""
    # valid-user-on-bad-key still refuses with the documented message and Code.
    answer = _bad_key(Api("valid-user-on-bad-key"), "SO")
    assert answer == {**INVALID_KEY, "IsValidUser": True}


def test_faults_act_only_on_the_operations_of_their_rule() -> None:
    # ITM-003 is Item Add's and Edit's: PO Add's items still need their Rev (PO-013).
    api = Api("accepts-part-without-revision", ManexPoSandbox)
    assert refused(_po_listed(Rev=None)(api)) == "Purchase Order add failed.Rev is required with part_no."
    # SCH-001 is Schedule Add's and Edit's: PO Add's schedules (PO-014) and Item Edit stay checked.
    api = Api("over-schedules-item", ManexPoSandbox)
    assert refused(_po_listed(PoitschdList=[{"SCHD_QTY": "101"}])(api)).endswith("order quantity.")
    assert refused(_po_item_edit(ORD_QTY="9")(api)).startswith("PO Items edit failed.ORD_QTY must not fall")
    # DUE-002 is the due-date actions': Item Edit still keeps ord_qty above what is scheduled.
    assert refused(_edit_below_schedule(Api("over-schedules-line"))).endswith("scheduled for the line.")


def test_url_error_fault_acts_on_every_url_error() -> None:
    api = Api("url-error-without-detail", ManexPoSandbox)
    for path in ("/api/SOAdd/1", "/api/PO/Add", "/nowhere"):
        assert "MessageDetail" not in api.http.get(path).json()

"""What the ManEx Purchase Order document shows a vendor doing is never a failure.

Where the document contradicts itself (an example against a table, an error text against the action's
name) or is silent (PO Main Add's answer), the contract adopts one reading and lists the others
(rules.yaml `readings`): traffic following another reading is a discrepancy, never a failed finding.
Each behaviour is proven twice: as the document shows it (a discrepancy or a pass), and as the same
breach without the document's support (still a failure). The rules added for the catalogue's
completeness are shown failing here too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from b2bconform.apis.manex_po import review as manex_po
from b2bconform.apis.manex_po.review import JSON_HEADERS, read_body, url
from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.model import Exchange, Request, Response

API = "manex_po"
EXAMPLES = manex_po.load()
ITEM_ADDED: dict[str, Any] = read_body(EXAMPLES, "po-item-add.response.200.txt")["ResponseObject"]
SCHEDULE_ADDED: dict[str, Any] = read_body(EXAMPLES, "po-schedule-add.response.200.txt")["ResponseObject"]
PO_FOUND: dict[str, Any] = read_body(EXAMPLES, "po-get.response.200.txt")["ResponseObject"][0]
ITEM_FOUND: dict[str, Any] = read_body(EXAMPLES, "po-item-get.response.200.txt")["ResponseObject"][0]
SCHEDULE_FOUND: dict[str, Any] = read_body(EXAMPLES, "po-schedule-get.response.200.txt")["ResponseObject"][0]

PONUM = "000000000001748"
ITEM_ADD = {"poNum": PONUM, "POITTYPE": "INVT PART", "part_no": "416-242424", "revision": "A"}
ITEM_ADD |= {"uniqmfgrhd": "_45Z0YOITA", "ORD_QTY": "5"}
SCHEDULE_ADD = {"poNum": "000000000001751", "uniqLnNo": "_47A0PHH67", "SCHD_QTY": "5"}
PO_ADD = {
    "supName": "Anixter",
    "POItemsList": [{"POITTYPE": "INVT PART", "part_no": "416-242424", "Rev": "A", "ORD_QTY": "5"}],
}


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract.load(API)


def envelope(message: str, response_object: Any = None, code: int = 200) -> dict[str, Any]:
    return {
        "$id": "1",
        "Code": code,
        "Message": message,
        "SessionId": None,
        "IsValidUser": True,
        "ResponseObject": response_object,
    }


def judge(
    contract: Contract, operation: str, params: dict[str, Any], answer: dict[str, Any] | None = None
) -> Judgement:
    """The vendor's answer to a JSON request (side vendor); without an answer, the request alone (client)."""
    request = Request("POST", url(operation), JSON_HEADERS, json.dumps(params).encode())
    if answer is None:
        exchange = Exchange(api=API, request=request, response=Response(200, JSON_HEADERS, b"{}"))
        return contract.check(exchange, side="client")
    response = Response(200, JSON_HEADERS, json.dumps(answer).encode())
    return contract.check(Exchange(api=API, request=request, response=response))


def failed(judgement: Judgement) -> set[str]:
    return {f.rule for f in judgement.findings}


def discrepant(judgement: Judgement) -> set[str]:
    """The rules the traffic reads otherwise; each discrepancy names the adopted and another reading."""
    for finding in judgement.discrepancies:
        assert finding.readings[0]["adopted"] and any(not r["adopted"] for r in finding.readings)
    return {f.rule for f in judgement.discrepancies}


# ── PO Main Add's answer: the document shows none ───────────────────────────────────────────


def test_po_add_answering_no_record_is_a_discrepancy(contract: Contract) -> None:
    judgement = judge(contract, "POAdd", PO_ADD, envelope("Purchase Order added successfully."))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {"MANEX_PO-ENV-019"}  # RES-015/016 read members of no record


def test_po_add_answering_something_else_than_a_record_fails(contract: Contract) -> None:
    judgement = judge(contract, "POAdd", PO_ADD, envelope("Purchase Order added successfully.", "1745"))
    assert "MANEX_PO-ENV-019" in failed(judgement)


def test_item_add_answering_no_record_still_fails(contract: Contract) -> None:
    """Item Add prints its record: the Add's silence is no reading of it."""
    judgement = judge(contract, "POItemAdd", ITEM_ADD, envelope("PO Items added successfully."))
    assert "MANEX_PO-ENV-013" in failed(judgement)
    assert "MANEX_PO-ENV-013" not in discrepant(judgement)


# ── PONUM unpadded in the adds' answers ─────────────────────────────────────────────────────


def test_item_add_answering_ponum_unpadded_as_the_example_is_a_discrepancy(contract: Contract) -> None:
    answer = envelope("PO Items added successfully.", ITEM_ADDED | {"PONUM": "1748", "ORD_QTY": 5})
    judgement = judge(contract, "POItemAdd", ITEM_ADD, answer)
    assert failed(judgement) == set()
    assert discrepant(judgement) == {"MANEX_PO-RES-029"}


def test_schedule_add_answering_ponum_unpadded_as_the_example_is_a_discrepancy(contract: Contract) -> None:
    answer = envelope("PO Schedule added successfully.", SCHEDULE_ADDED | {"PONUM": "1751"})
    judgement = judge(contract, "POScheduleAdd", SCHEDULE_ADD, answer)
    assert failed(judgement) == set()
    assert discrepant(judgement) == {"MANEX_PO-RES-029"}


def test_an_add_answering_a_ponum_that_is_not_a_number_fails(contract: Contract) -> None:
    answer = envelope("PO Items added successfully.", ITEM_ADDED | {"PONUM": "PO-1748", "ORD_QTY": 5})
    judgement = judge(contract, "POItemAdd", ITEM_ADD, answer)
    assert "MANEX_PO-RES-029" in failed(judgement)


def test_a_get_answering_ponum_unpadded_still_fails(contract: Contract) -> None:
    """Every Get pads PONUM: no reading of the document leaves it unpadded there."""
    answer = envelope("Purchase Order details:", [PO_FOUND | {"PONUM": "1745"}])
    judgement = judge(contract, "POGet", {"PoNum": "1745"}, answer)
    assert failed(judgement) == {"MANEX_PO-RES-001"}
    assert discrepant(judgement) == set()


# ── Schedule Add's 'MMM-DD-YYYY' dates ──────────────────────────────────────────────────────


def test_schedule_add_accepting_the_json_examples_month_names_is_a_discrepancy(contract: Contract) -> None:
    dates = {"SCHD_DATE": "Nov-07-2014", "REQ_DATE": "Nov-07-2014", "ORIGCOMMITDT": "Nov-04-2014"}
    answer = envelope("PO Schedule added successfully.", SCHEDULE_ADDED | {"PONUM": "000000000001751"})
    judgement = judge(contract, "POScheduleAdd", SCHEDULE_ADD | dates, answer)
    assert failed(judgement) == set()
    assert discrepant(judgement) == {"MANEX_PO-SCH-002", "MANEX_PO-SCH-003", "MANEX_PO-SCH-004"}


def test_schedule_add_accepting_iso_dates_still_fails(contract: Contract) -> None:
    answer = envelope("PO Schedule added successfully.", SCHEDULE_ADDED | {"PONUM": "000000000001751"})
    judgement = judge(contract, "POScheduleAdd", SCHEDULE_ADD | {"SCHD_DATE": "2014-11-07"}, answer)
    assert failed(judgement) == {"MANEX_PO-SCH-002"}


def test_a_caller_sending_month_names_follows_the_json_examples_reading(contract: Contract) -> None:
    judgement = judge(contract, "POScheduleAdd", SCHEDULE_ADD | {"SCHD_DATE": "Nov-07-2014"})
    assert failed(judgement) == set() and discrepant(judgement) == {"MANEX_PO-SCH-002"}
    iso = judge(contract, "POScheduleAdd", SCHEDULE_ADD | {"SCHD_DATE": "2014-11-07"})
    assert failed(iso) == {"MANEX_PO-SCH-002"}


# ── Item Add without ORD_QTY, Item Edit without Item Add's required fields ──────────────────


def test_item_add_accepting_no_order_quantity_as_the_example_is_a_discrepancy(contract: Contract) -> None:
    request = {k: v for k, v in ITEM_ADD.items() if k != "ORD_QTY"}
    answer = envelope("PO Items added successfully.", ITEM_ADDED | {"PONUM": PONUM})
    judgement = judge(contract, "POItemAdd", request, answer)
    assert failed(judgement) == set()
    assert discrepant(judgement) == {"MANEX_PO-ITM-010"}


def test_item_add_accepting_no_item_type_still_fails(contract: Contract) -> None:
    request = {k: v for k, v in ITEM_ADD.items() if k != "POITTYPE"}
    answer = envelope("PO Items added successfully.", ITEM_ADDED | {"PONUM": PONUM, "ORD_QTY": 5})
    assert failed(judge(contract, "POItemAdd", request, answer)) == {"MANEX_PO-ITM-007"}


ITEM_EDIT = {"poNum": PONUM, "UNIQLNNO": "65ENDLS6VN", "costeach": "10", "ord_qty": "1"}


def test_item_edit_without_item_adds_required_fields_is_accepted(contract: Contract) -> None:
    judgement = judge(contract, "POItemEdit", ITEM_EDIT, envelope("PO Items edited successfully."))
    assert failed(judgement) == set() and discrepant(judgement) == set()


def test_item_edit_refused_for_lacking_the_tables_required_fields_is_a_discrepancy(
    contract: Contract,
) -> None:
    answer = envelope("PO Items edit failed.POITTYPE is required.", code=403)
    judgement = judge(contract, "POItemEdit", ITEM_EDIT, answer)
    assert failed(judgement) == set()
    assert discrepant(judgement) == {"MANEX_PO-RES-028"}
    assert {r["rule"] for r in judgement.discrepancies[0].readings} >= {"MANEX_PO-ITM-013"}


def test_item_edit_refused_with_every_field_of_the_table_still_fails(contract: Contract) -> None:
    request = ITEM_EDIT | {"POITTYPE": "INVT PART", "part_no": "416-242424", "revision": "A"}
    request |= {"uniqmfgrhd": "_45Z0YOITA"}
    answer = envelope("PO Items edit failed.POITTYPE is required.", code=403)
    assert failed(judge(contract, "POItemEdit", request, answer)) == {"MANEX_PO-RES-028"}


# ── the documented error texts ──────────────────────────────────────────────────────────────


def test_item_edit_refusal_saying_add_failed_as_documented_is_a_discrepancy(contract: Contract) -> None:
    answer = envelope("PO Items add failed.UniqMfgrhd is Invalid.", code=403)
    judgement = judge(contract, "POItemEdit", ITEM_EDIT | {"uniqmfgrhd": "_45Z0YOITB"}, answer)
    assert failed(judgement) == set()
    assert discrepant(judgement) == {"MANEX_PO-MSG-016"}


def test_item_edit_refusal_naming_another_action_still_fails(contract: Contract) -> None:
    answer = envelope("PO Items delete failed.UniqMfgrhd is Invalid.", code=403)
    judgement = judge(contract, "POItemEdit", ITEM_EDIT | {"uniqmfgrhd": "_45Z0YOITB"}, answer)
    assert failed(judgement) == {"MANEX_PO-MSG-016"}


@pytest.mark.parametrize(
    ("operation", "params", "rule"),
    [
        ("POScheduleAdd", SCHEDULE_ADD, "MANEX_PO-MSG-019"),
        ("POScheduleDelete", {"poNum": "000000000001751", "uniqDetNo": "O2YHUQB45I"}, "MANEX_PO-MSG-021"),
    ],
)
def test_schedule_refusal_as_a_details_failed_message_is_a_discrepancy(
    contract: Contract, operation: str, params: dict[str, Any], rule: str
) -> None:
    """The text above Schedule Add's and Delete's failure example calls it a "Schedule Details Failed message"."""
    judgement = judge(contract, operation, params, envelope("PO Schedule details failed:", code=403))
    assert failed(judgement) == set()
    assert discrepant(judgement) == {rule}
    other = judge(contract, operation, params, envelope("PO Schedule edit failed.x", code=403))
    assert rule in failed(other)


@pytest.mark.parametrize(
    ("operation", "rule", "message"),
    [
        ("POScheduleEdit", "MANEX_PO-SCH-010", "PO Schedule edited successfully."),
        ("POScheduleDelete", "MANEX_PO-SCH-013", "PO Schedule deleted successfully."),
    ],
)
def test_schedule_edit_and_delete_accepting_the_items_key_as_the_example_are_discrepancies(
    contract: Contract, operation: str, rule: str, message: str
) -> None:
    params = {"poNum": "000000000001751", "uniqLnNo": "_47A0PHH67", "SCHD_QTY": "5"}
    judgement = judge(contract, operation, params, envelope(message))
    assert rule not in failed(judgement) and rule in discrepant(judgement)
    without_key = judge(contract, operation, {"poNum": "000000000001751", "SCHD_QTY": "5"}, envelope(message))
    assert rule in failed(without_key)


# ── rules added for the catalogue's completeness ────────────────────────────────────────────


def test_item_flags_are_true_false_1_or_0(contract: Contract) -> None:
    flags = {"IS_TAX": "TRUE", "ISFIRM": "0", "FIRSTARTICLE": "false", "updatePLT": "1"}
    assert failed(judge(contract, "POItemAdd", ITEM_ADD | flags)) == set()
    assert failed(judge(contract, "POItemEdit", ITEM_EDIT | {"updateTargetPrice": "yes"})) == {
        "MANEX_PO-ITM-020"
    }
    answer = envelope("PO Items added successfully.", ITEM_ADDED | {"PONUM": PONUM, "ORD_QTY": 5})
    accepted = judge(contract, "POItemAdd", ITEM_ADD | {"updateMaterialCost": "Y"}, answer)
    assert failed(accepted) == {"MANEX_PO-ITM-020"}


def test_a_malformed_manufacturer_key_must_be_refused(contract: Contract) -> None:
    answer = envelope("PO Items added successfully.", ITEM_ADDED | {"PONUM": PONUM, "ORD_QTY": 5})
    accepted = judge(contract, "POItemAdd", ITEM_ADD | {"uniqmfgrhd": "45z0yoita"}, answer)
    assert failed(accepted) == {"MANEX_PO-ITM-021"}
    refused = envelope("PO Items add failed.UniqMfgrhd is Invalid.", code=403)
    assert failed(judge(contract, "POItemAdd", ITEM_ADD | {"uniqmfgrhd": "45z0yoita"}, refused)) == set()


def test_a_get_by_revision_alone_breaks_the_callers_rule(contract: Contract) -> None:
    assert failed(judge(contract, "POGet", {"revision": "A"})) == {"MANEX_PO-PO-030"}
    assert failed(judge(contract, "POItemGet", {"revision": "A", "partNo": "416-242424"})) == set()


def test_a_schedules_balance_is_scheduled_less_received(contract: Contract) -> None:
    params = {"poNum": "000000000001724", "uniqLnNo": "_44Z0M4ZD2"}
    good = envelope("PO Schedule details:", [SCHEDULE_FOUND])
    assert failed(judge(contract, "POScheduleGet", params, good)) == set()
    bad = envelope("PO Schedule details:", [SCHEDULE_FOUND | {"BALANCE": 1}])
    assert failed(judge(contract, "POScheduleGet", params, bad)) == {"MANEX_PO-RES-030"}
    added = envelope(
        "PO Schedule added successfully.", SCHEDULE_ADDED | {"PONUM": "000000000001751", "BALANCE": 0}
    )
    assert failed(judge(contract, "POScheduleAdd", SCHEDULE_ADD, added)) == {"MANEX_PO-RES-030"}


def test_gl_nbr_is_empty_or_a_ledger_number(contract: Contract) -> None:
    params = {"poNum": "000000000001724", "uniqLnNo": "_44Z0M4ZD2"}
    bad = envelope("PO Schedule details:", [SCHEDULE_FOUND | {"GL_NBR": "1315000"}])
    assert failed(judge(contract, "POScheduleGet", params, bad)) == {"MANEX_PO-RES-031"}


def test_a_get_answer_taxing_what_is_not_taxable_fails(contract: Contract) -> None:
    po = envelope("Purchase Order details:", [PO_FOUND | {"IS_SCTAX": False}])
    assert failed(judge(contract, "POGet", {"PoNum": "000000000001745"}, po)) == {"MANEX_PO-RES-032"}
    item = envelope("PO Items details:", [ITEM_FOUND | {"TAX_PCT": 8.25}])
    assert failed(judge(contract, "POItemGet", {"PoNum": "000000000001749"}, item)) == {"MANEX_PO-RES-033"}
    taxed = envelope("PO Items details:", [ITEM_FOUND | {"TAX_PCT": 8.25, "IS_TAX": True}])
    assert failed(judge(contract, "POItemGet", {"PoNum": "000000000001749"}, taxed)) == set()


def test_a_get_by_status_finds_only_that_status(contract: Contract) -> None:
    found = envelope("Purchase Order details:", [PO_FOUND])
    assert failed(judge(contract, "POGet", {"poStatus": "Open"}, found)) == set()  # "OPEN": any case
    assert failed(judge(contract, "POGet", {"poStatus": "Closed"}, found)) == {"MANEX_PO-RES-034"}
    items = envelope("PO Items details:", [ITEM_FOUND | {"POSTATUS": "CANCELLED "}])
    assert failed(judge(contract, "POItemGet", {"poStatus": "open"}, items)) == {"MANEX_PO-RES-034"}

"""ManEx Sales Order: what the vendor does as its own document shows is never a failure.

Where the document contradicts itself (a table against an example, one action's table against
another's) or is silent, a rule carries the other readings (contracts/manex_so/rules.yaml,
``readings``). A vendor that follows one of them is a discrepancy for the vendor to settle; the same
breach with no reading in the document behind it still fails. The catalogue's newer rules (SessionId's
type, the price record's type and GL numbers, ship before due on the Gets, the missing-key messages)
each get an answer that breaks them.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from b2bconform.apis.manex_so.review import ACTIONS, BASE, JSON_HEADERS
from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.model import Exchange, Request, Response

SONO = "0000000789"
LINE = "A6WDVN62YM"
PRICE_LINK = "GAWG8ODL6Q"
DUE_KEY = "_3X60YA22D"
ITEM_ADD = {"SONO": SONO, "part_num": "P-100", "revision": "A", "uOfMeas": "EACH", "soDet_Desc": "Loud",
            "deliv_time": "15:30", "status": "Standard", "ord_qty": "20", "eachQty": "2"}  # fmt: skip
ITEM_EDIT = {"SoNo": SONO, "UNIQUELN": LINE, "part_num": "P-100", "revision": "A", "ord_qty": "20"}
SO_EDIT = {"SoNo": SONO, "custNo": "0000000008", "FOB": "ORIGIN-SHIP"}
DUE_ADD = {"SONO": SONO, "UNIQUELN": LINE, "QTY": "5", "Due_DTS1": "11-28-2014", "Ship_Dts": "11-26-2014"}
DUE_EDIT = {**DUE_ADD, "dueDt_Uniq": DUE_KEY, "Due_DTS1": "2014-11-28", "Ship_Dts": "2014-11-26"}
PRICE_ADD = {
    "SoNo": SONO,
    "uniqueLn": LINE,
    "price": "1",
    "taxable": "true",
    "flat": "1",
    "saleTypeID": "LABOR",
}


@cache
def contract() -> Contract:
    return Contract.load("manex_so")


def envelope(message: str, code: int = 200, response_object: Any = None, **extra: Any) -> dict[str, Any]:
    body = {"$id": "1", "Code": code, "Message": message, "SessionId": None, "IsValidUser": True}
    return {**body, "ResponseObject": response_object, **extra}


def refusal(message: str) -> dict[str, Any]:
    return envelope(message, code=403)


def judged(operation: str, params: dict[str, Any], answer: dict[str, Any]) -> Judgement:
    request = Request("POST", f"{BASE}/{ACTIONS[operation]}/KEY", JSON_HEADERS, json.dumps(params).encode())
    response = Response(200, JSON_HEADERS, json.dumps(answer).encode())
    return contract().check(Exchange("manex_so", request, response))


def failed(judgement: Judgement) -> set[str]:
    return {f.rule for f in judgement.findings}


def discrepant(judgement: Judgement) -> set[str]:
    return {f.rule for f in judgement.discrepancies}


def assert_discrepancy(judgement: Judgement, *rules: str) -> None:
    """The exchange breaks nothing the document states without contradiction: exactly ``rules`` are
    discrepancies, each naming the adopted reading and the one the vendor followed."""
    assert failed(judgement) == set(), "\n".join(map(str, judgement.findings))
    assert discrepant(judgement) == set(rules), "\n".join(map(str, judgement.discrepancies))
    for finding in judgement.discrepancies:
        assert finding.readings[0]["adopted"] and not finding.readings[-1]["adopted"], finding
        assert all(r["source"]["file"] == "002_308d514f6d7e564e.txt" for r in finding.readings)


# ── Item Edit's "Admin Hold" ──────────────────────────────────────────────────────────────────


def test_item_edit_accepting_the_documents_admin_hold_is_a_discrepancy() -> None:
    answer = envelope("Sales Order Item edited successfully.")
    assert_discrepancy(
        judged("SOItemEdit", {**ITEM_EDIT, "status": "Admin Hold"}, answer), "MANEX_SO-ITM-001"
    )


def test_item_add_accepting_admin_hold_still_fails_no_add_example_sets_it() -> None:
    judgement = judged(
        "SOItemAdd", {**ITEM_ADD, "status": "Admin Hold"}, envelope("Sales Order Item added successfully.")
    )
    assert failed(judgement) == {"MANEX_SO-ITM-001"} and not judgement.discrepancies


def test_item_edit_accepting_a_status_no_section_shows_still_fails() -> None:
    judgement = judged(
        "SOItemEdit", {**ITEM_EDIT, "status": "Frozen"}, envelope("Sales Order Item edited successfully.")
    )
    assert failed(judgement) == {"MANEX_SO-ITM-001"} and not judgement.discrepancies


def test_a_line_read_back_on_admin_hold_is_a_discrepancy_and_another_status_fails() -> None:
    line = {"SONO": SONO, "UNIQUELN": LINE, "STATUS": "ADMIN HOLD", "DueDateList": [], "SOPRICESList": []}
    answer = envelope("Sales Order Item details:", response_object=line)
    assert_discrepancy(judged("SOItemGet", {"UNIQUELN": LINE}, answer), "MANEX_SO-RES-010")
    line["STATUS"] = "FROZEN"
    assert failed(judged("SOItemGet", {"UNIQUELN": LINE}, answer)) == {"MANEX_SO-RES-010"}


# ── one date form per due-date action ─────────────────────────────────────────────────────────


def test_due_date_add_refusing_the_iso_form_its_table_does_not_name_is_a_discrepancy() -> None:
    iso = {**DUE_ADD, "Due_DTS1": "2014-11-28", "Ship_Dts": "2014-11-26"}
    answer = refusal("$$Sales Order Due Date add failed.Due_DTS1 MM-DD-YYYY expected.")
    judgement = judged("SODueDateAdd", iso, answer)
    assert_discrepancy(judgement, "MANEX_SO-RES-033")
    followed = {r["rule"] for r in judgement.discrepancies[0].readings if not r["adopted"]}
    assert followed == {"MANEX_SO-DUE-014", "MANEX_SO-DUE-015"}


def test_due_date_edit_refusing_the_add_tables_form_is_a_discrepancy() -> None:
    american = {**DUE_EDIT, "Due_DTS1": "11-28-2014", "Ship_Dts": "11-26-2014"}
    answer = refusal("$$Sales Order Due Date edit failed.Due_DTS1 YYYY-MM-DD expected.")
    assert_discrepancy(judged("SODueDateEdit", american, answer), "MANEX_SO-RES-033")


@pytest.mark.parametrize(
    ("operation", "params"), [("SODueDateAdd", DUE_ADD), ("SODueDateEdit", DUE_EDIT)], ids=["add", "edit"]
)
def test_refusing_the_form_an_actions_own_table_names_still_fails(
    operation: str, params: dict[str, str]
) -> None:
    judgement = judged(operation, params, refusal("$$Sales Order Due Date add failed.Bad date."))
    assert failed(judgement) == {"MANEX_SO-RES-033"} and not judgement.discrepancies


def test_due_date_edit_accepting_its_url_examples_year_day_month_is_a_discrepancy() -> None:
    edited = envelope("$$Sales Order Due Date edited successfully.")
    assert_discrepancy(
        judged("SODueDateEdit", {**DUE_EDIT, "Due_DTS1": "2014-28-11"}, edited), "MANEX_SO-DUE-014"
    )


def test_a_date_in_no_documented_form_fails_and_year_day_month_fails_on_add() -> None:
    edited = envelope("$$Sales Order Due Date edited successfully.")
    assert "MANEX_SO-DUE-014" in failed(
        judged("SODueDateEdit", {**DUE_EDIT, "Due_DTS1": "28.11.2014"}, edited)
    )
    added = envelope("$$Sales Order Due Date added successfully.")
    assert "MANEX_SO-DUE-014" in failed(judged("SODueDateAdd", {**DUE_ADD, "Due_DTS1": "2014-28-11"}, added))


# ── FOB, taxable, SoNo on Add: stricter readings of a table ───────────────────────────────────


def test_edit_refusing_the_add_tables_fob_spelling_is_a_discrepancy() -> None:
    answer = refusal("Sales Order edit failed.FOB must be ORIGIN-CUST P/U, ORIGIN-SHIP or DESTINATION.")
    assert_discrepancy(
        judged("SOEdit", {**SO_EDIT, "FOB": "ORIGIN-CUSTOMER P/U"}, answer), "MANEX_SO-RES-033"
    )
    assert failed(judged("SOEdit", SO_EDIT, answer)) == {"MANEX_SO-RES-033"}


def test_price_add_refusing_taxable_1_is_a_discrepancy_and_refusing_true_fails() -> None:
    answer = refusal("Sales Order Price add failed.taxable must be true or false.")
    assert_discrepancy(judged("SOPriceAdd", {**PRICE_ADD, "taxable": "1"}, answer), "MANEX_SO-RES-033")
    assert failed(judged("SOPriceAdd", PRICE_ADD, answer)) == {"MANEX_SO-RES-033"}


def test_add_refusing_an_order_without_sono_is_a_discrepancy_and_with_one_fails() -> None:
    answer = refusal("Sales Order add failed.SoNo expected.")
    add = {"custNo": "0000000008", "FOB": "ORIGIN-SHIP"}
    assert_discrepancy(judged("SOAdd", add, answer), "MANEX_SO-RES-033")
    assert_discrepancy(judged("SOAdd", {"SoNo": "", **add}, answer), "MANEX_SO-RES-033")  # "" binds as none
    assert failed(judged("SOAdd", {"SoNo": "0000000900", **add}, answer)) == {"MANEX_SO-RES-033"}


# ── required in a table, omitted by an example answered with success ──────────────────────────


def test_item_add_accepted_without_deliv_time_and_status_is_a_discrepancy() -> None:
    params = {k: v for k, v in ITEM_ADD.items() if k not in ("deliv_time", "status")}
    judgement = judged("SOItemAdd", params, envelope("Sales Order Item added successfully."))
    assert_discrepancy(judgement, "MANEX_SO-ITM-010", "MANEX_SO-ITM-011")


def test_due_dates_accepted_without_ship_dts_are_discrepancies() -> None:
    add = {k: v for k, v in DUE_ADD.items() if k != "Ship_Dts"}
    edit = {k: v for k, v in DUE_EDIT.items() if k != "Ship_Dts"}
    added, edited = (
        envelope("$$Sales Order Due Date added successfully."),
        envelope("$$Sales Order Due Date edited successfully."),
    )
    assert_discrepancy(judged("SODueDateAdd", add, added), "MANEX_SO-DUE-007")
    assert_discrepancy(judged("SODueDateEdit", edit, edited), "MANEX_SO-DUE-012")


def test_the_add_examples_line_no_is_a_discrepancy_and_other_text_fails() -> None:
    answer = envelope("Sales Order Item added successfully.")
    assert_discrepancy(
        judged("SOItemAdd", {**ITEM_ADD, "line_no": "1=LINENUMBER"}, answer), "MANEX_SO-ITM-017"
    )
    judgement = judged("SOItemAdd", {**ITEM_ADD, "line_no": "first"}, answer)
    assert failed(judgement) == {"MANEX_SO-ITM-017"} and not judgement.discrepancies


# ── the documented error answers ──────────────────────────────────────────────────────────────


def test_due_date_edit_answering_plpricelnk_not_provided_is_a_discrepancy() -> None:
    params = {k: v for k, v in DUE_EDIT.items() if k != "dueDt_Uniq"}
    assert_discrepancy(
        judged("SODueDateEdit", params, refusal("PlPriceLnk not provided.")), "MANEX_SO-MSG-029"
    )
    assert judged("SODueDateEdit", params, refusal("DueDt_Uniq not provided.")).conforms


def test_another_actions_missing_key_message_fails_where_no_example_shows_it() -> None:
    params = {k: v for k, v in DUE_EDIT.items() if k != "dueDt_Uniq"}
    judgement = judged("SODueDateDelete", params, refusal("PlPriceLnk not provided."))
    assert failed(judgement) == {"MANEX_SO-MSG-029"} and not judgement.discrepancies
    judgement = judged("SOItemDelete", {"SoNo": SONO}, refusal("DueDt_Uniq not provided."))
    assert failed(judgement) == {"MANEX_SO-MSG-029"}


def test_edit_answering_the_documents_null_reference_error_is_never_a_failure() -> None:
    answer = refusal("Sales Order edit failed.Object reference not set to an instance of an object.")
    assert judged("SOEdit", {"custNo": "0000000008"}, answer).conforms  # the example: an edit naming no order
    assert_discrepancy(judged("SOEdit", SO_EDIT, answer), "MANEX_SO-RES-033")


def test_the_null_reference_error_fails_on_an_action_whose_section_does_not_show_it() -> None:
    answer = refusal("Sales Order add failed.Object reference not set to an instance of an object.")
    judgement = judged("SOAdd", {"SoNo": "0000000900", "custNo": "0000000008"}, answer)
    assert failed(judgement) == {"MANEX_SO-RES-033"} and not judgement.discrepancies


def test_item_get_refusing_a_line_without_sono_is_a_discrepancy() -> None:
    judgement = judged("SOItemGet", {"UNIQUELN": LINE}, refusal("SoNo is required."))
    assert_discrepancy(judgement, "MANEX_SO-RES-033", "MANEX_SO-MSG-016")


def test_sono_is_required_fails_as_a_message_where_the_section_prints_its_parameter_error() -> None:
    params = {k: v for k, v in ITEM_ADD.items() if k != "SONO"}
    judgement = judged("SOItemAdd", params, refusal("SoNo is required."))
    assert failed(judgement) == {"MANEX_SO-MSG-016"} and not judgement.discrepancies


def test_item_get_by_line_number_names_its_order() -> None:
    answer = envelope("Sales Order Item details:", response_object=None)
    judgement = judged("SOItemGet", {"line_no": "1"}, answer)
    assert "MANEX_SO-ITM-021" in failed(judgement)
    ok = judged("SOItemGet", {"line_no": "1", "SoNo": SONO}, refusal("Sales Order Item does not exists."))
    assert ok.conforms and ok.outcomes["MANEX_SO-ITM-021"] == "passed"


def test_the_price_edit_success_printed_with_code_403_is_a_discrepancy_elsewhere_a_failure() -> None:
    params = {"SoNo": SONO, "UNIQUELN": LINE, "PLPRICELNK": PRICE_LINK, "price": "1.2"}
    answer = refusal("Sales Order Price edited successfully.")
    assert_discrepancy(
        judged("SOPriceEdit", params, answer), "MANEX_SO-MSG-016", "MANEX_SO-MSG-017", "MANEX_SO-RES-033"
    )
    judgement = judged("SOPriceAdd", PRICE_ADD, refusal("Sales Order Price added successfully."))
    assert failed(judgement) == {"MANEX_SO-MSG-016", "MANEX_SO-MSG-017", "MANEX_SO-RES-033"}
    assert not judgement.discrepancies


# ── the newer rules, each broken ──────────────────────────────────────────────────────────────

PRICE = {"PLPRICELNK": PRICE_LINK, "SONO": SONO, "UNIQUELN": LINE, "PRICE": 1, "TAXABLE": False, "FLAT": False,
         "RECORDTYPE": "P", "SALETYPEID": "RESTOCKING", "PL_GL_NBR": "4050000-00-00", "COG_GL_NBR": "5090000-00-00"}  # fmt: skip
DUE = {"DUEDT_UNIQ": DUE_KEY, "SONO": SONO, "UNIQUELN": LINE, "DUE_DTS1": "2013-11-28T00:00:00",
       "SHIP_DTS": "2013-11-26T00:00:00", "COMMIT_DTS": "2013-11-28T00:00:00", "QTY": 0}  # fmt: skip


def price_get(**changes: Any) -> set[str]:
    record = {k: v for k, v in {**PRICE, **changes}.items() if v is not ...}
    return failed(
        judged(
            "SOPriceGet", {"UNIQUELN": LINE}, envelope("Sales Order Price details:", response_object=record)
        )
    )


def test_session_id_is_a_string_or_null() -> None:
    assert judged(
        "SOEdit", SO_EDIT, envelope("Sales Order edited successfully.", SessionId="41imqmhh3cywo2c2e5u1gzsu")
    ).conforms
    answer = envelope("Sales Order edited successfully.", SessionId=41)
    assert failed(judged("SOEdit", SO_EDIT, answer)) == {"MANEX_SO-ENV-014"}
    answer = envelope("Sales Order edited successfully.", SessionId=True)
    assert failed(judged("SOEdit", SO_EDIT, answer)) == {"MANEX_SO-ENV-014"}


def test_price_get_carries_a_one_character_record_type() -> None:
    assert price_get() == set()
    assert price_get(RECORDTYPE=...) == {"MANEX_SO-RES-034"}
    assert price_get(RECORDTYPE="PL") == {"MANEX_SO-RES-035"}


def test_price_gl_numbers_have_the_erps_account_form() -> None:
    assert price_get(PL_GL_NBR="4050000") == {"MANEX_SO-RES-036"}
    assert price_get(COG_GL_NBR="509-0000-00-00") == {"MANEX_SO-RES-036"}


def test_due_date_get_answers_a_ship_date_before_the_due_date() -> None:
    params = {"DueDateUniq": DUE_KEY}
    assert judged(
        "SODueDateGet", params, envelope("$$Sales Order Due Date details:", response_object=DUE)
    ).conforms
    late = {**DUE, "SHIP_DTS": "2013-11-29T00:00:00"}
    answer = envelope("$$Sales Order Due Date details:", response_object=late)
    assert failed(judged("SODueDateGet", params, answer)) == {"MANEX_SO-RES-037"}


def test_the_due_dates_item_get_lists_ship_before_they_fall_due() -> None:
    line = {
        "SONO": SONO,
        "UNIQUELN": LINE,
        "SOPRICESList": [],
        "DueDateList": [DUE, {**DUE, "SHIP_DTS": "2013-11-28T00:00:00"}],
    }
    answer = envelope("Sales Order Item details:", response_object=line)
    assert failed(judged("SOItemGet", {"UNIQUELN": LINE}, answer)) == {"MANEX_SO-RES-038"}


def test_the_due_dates_an_order_get_lists_ship_before_they_fall_due() -> None:
    order = {"SONO": SONO, "CUSTNO": "0000000008", "SODETAILList": [{"SONO": SONO, "DueDateList": [{**DUE, "SHIP_DTS": "2013-12-02T00:00:00"}]}]}  # fmt: skip
    answer = envelope("Sales Order details:", response_object=order)
    assert "MANEX_SO-RES-039" in failed(judged("SOGet", {"SoNo": SONO}, answer))


# ── the generic checks behind the readings ────────────────────────────────────────────────────


def test_by_operation_judges_nothing_on_an_operation_it_does_not_name() -> None:
    rule = contract().rules.get("MANEX_SO-MSG-029")
    assert "SOPriceAdd" not in rule.params["checks"] and "*" not in rule.params["checks"]
    judgement = judged("SOPriceAdd", PRICE_ADD, refusal("DueDt_Uniq not provided."))
    assert "MANEX_SO-MSG-029" not in judgement.outcomes


def test_a_zero_balance_refusal_answers_only_a_status_change() -> None:
    params = {**ITEM_EDIT, "status": "Priority-1"}
    assert judged(
        "SOItemEdit", params, refusal("Sales Order Item edit failed.Line item balance is 0.")
    ).conforms
    judgement = judged(
        "SOItemEdit", ITEM_EDIT, refusal("Sales Order Item edit failed.Line item balance is 0.")
    )
    assert failed(judgement) == {"MANEX_SO-ITM-025"}


def test_item_edit_accepted_with_a_part_and_no_revision_is_a_discrepancy() -> None:
    params = {k: v for k, v in ITEM_EDIT.items() if k != "revision"}
    answer = envelope("Sales Order Item edited successfully.")
    assert_discrepancy(judged("SOItemEdit", params, answer), "MANEX_SO-ITM-020")

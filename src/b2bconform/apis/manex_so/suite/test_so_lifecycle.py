"""A sales order's life through the API: add it, its lines, a price and a due date; read them back;
edit each; delete what the API can delete. The document gives no action that deletes the order
itself, so an order a lifecycle adds stays (numbered with the run's tag in PoNo, to be traced)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from b2bconform.apis.manex_erp.generators import (
    call,
    envelope,
    require,
    so_add,
    so_due_date_add,
    so_item_add,
    so_line,
    so_price_add,
)
from b2bconform.apis.manex_erp.sandbox.erp import Seed
from b2bconform.session import Judge

API = "manex_so"
FORMS = st.sampled_from(["json", "query"])

pytestmark = [pytest.mark.api(API), pytest.mark.writes]


def _same_text(read: Any, sent: str) -> bool:
    """CHAR columns come back upper-cased and padded: compare what they mean."""
    return str(read).strip().casefold() == sent.strip().casefold()


def _same_number(read: Any, sent: str) -> bool:
    return Decimal(str(read)) == Decimal(sent)


def _order(judge: Judge, sono: str) -> dict[str, Any]:
    return dict(require(call(judge, "SOGet", {"sono": sono}), "SO Get")["ResponseObject"])


@given(data=st.data())
def test_an_order_is_built_read_back_edited_and_taken_apart(
    judge: Judge, manex_seed: Seed, data: st.DataObject
) -> None:
    form = data.draw(FORMS, label="form")
    header = data.draw(so_add(manex_seed, judge.tag), label="order")
    sono = header["sono"]
    require(call(judge, "SOAdd", header, form=form), "SO Add")

    lines = [data.draw(so_item_add(manex_seed, sono, n), label=f"line {n}") for n in (1, 2)]
    for line in lines:
        require(call(judge, "SOItemAdd", line, form=form), "SO Item Add")
    first = so_line(judge, sono, 1)
    uniqueln, ordered = first["UNIQUELN"], int(lines[0]["ord_qty"])
    price = data.draw(so_price_add(sono, uniqueln), label="price")
    require(call(judge, "SOPriceAdd", price, form=form), "SO Price Add")
    due = data.draw(so_due_date_add(sono, uniqueln, ordered), label="due date")
    require(call(judge, "SODueDateAdd", due, form=form), "SO Due Date Add")

    # read back: what was sent is what the ERP holds
    order = _order(judge, sono)
    assert _same_text(order["CUSTNO"], header["custno"])
    if "fob" in header:
        assert _same_text(order["FOB"], header["fob"].replace("ORIGIN-CUSTOMER", "ORIGIN-CUST")[:15]), order[
            "FOB"
        ]
    by_line = {int(str(entry["LINE_NO"])): entry for entry in order["SODETAILList"]}
    assert sorted(by_line) == [1, 2], by_line.keys()
    for number, sent in zip((1, 2), lines, strict=True):
        assert _same_number(by_line[number]["ORD_QTY"], sent["ord_qty"]), by_line[number]
        assert _same_text(by_line[number]["STATUS"], sent["status"]), by_line[number]
    (read_price,) = by_line[1]["SOPRICESList"]
    assert _same_number(read_price["PRICE"], price["price"]), read_price
    (read_due,) = by_line[1]["DueDateList"]
    assert _same_number(read_due["QTY"], due["qty"]), read_due
    # Item Get lists the line's due dates as SO Get does
    item = require(call(judge, "SOItemGet", {"sono": sono, "uniqueln": uniqueln}), "SO Item Get")
    listed = (item.get("ResponseObject") or {}).get("DueDateList") or []
    assert [entry.get("DUEDT_UNIQ") for entry in listed] == [read_due["DUEDT_UNIQ"]], listed

    # edits
    require(
        call(judge, "SOEdit", {"sono": sono, "custno": header["custno"], "fob": "DESTINATION"}), "SO Edit"
    )
    more = str(ordered + 5)
    edit = {"sono": sono, "uniqueln": uniqueln, "part_num": lines[0]["part_num"],
            "revision": lines[0]["revision"], "ord_qty": more}  # fmt: skip
    require(call(judge, "SOItemEdit", edit, form=form), "SO Item Edit")
    link = read_price["PLPRICELNK"]
    require(
        call(judge, "SOPriceEdit", {**price, "plpricelnk": link, "price": "7.75"}, form=form), "SO Price Edit"
    )
    key = read_due["DUEDT_UNIQ"]
    require(
        call(judge, "SODueDateEdit", {**due, "duedt_uniq": key, "qty": "1"}, form=form), "SO Due Date Edit"
    )
    order = _order(judge, sono)
    assert _same_text(order["FOB"], "DESTINATION"), order["FOB"]
    edited = next(entry for entry in order["SODETAILList"] if entry["UNIQUELN"] == uniqueln)
    assert _same_number(edited["ORD_QTY"], more), edited
    assert _same_number(edited["SOPRICESList"][0]["PRICE"], "7.75"), edited["SOPRICESList"]
    assert _same_number(edited["DueDateList"][0]["QTY"], "1"), edited["DueDateList"]

    # take apart everything the API can delete, then show it is gone
    require(call(judge, "SODueDateDelete", {"duedt_uniq": key}, form=form), "SO Due Date Delete")
    require(
        call(judge, "SOPriceDelete", {"sono": sono, "uniqueln": uniqueln, "plpricelnk": link}),
        "SO Price Delete",
    )
    for entry in order["SODETAILList"]:
        require(
            call(judge, "SOItemDelete", {"sono": sono, "uniqueln": entry["UNIQUELN"]}, form=form),
            "SO Item Delete",
        )
    assert _order(judge, sono)["SODETAILList"] == []
    assert envelope(call(judge, "SODueDateGet", {"duedateuniq": key})).get("Code") == 403
    judge.expect_conforms()


class SalesOrderMachine(RuleBasedStateMachine):
    """Lines, prices and due dates added, edited and deleted in any order; after every step SO Get
    shows exactly the model; at the end everything the machine added is deleted again."""

    judge: Judge
    seed: Seed

    @initialize(data=st.data())
    def add_order(self, data: st.DataObject) -> None:
        header = data.draw(so_add(self.seed, self.judge.tag), label="order")
        require(call(self.judge, "SOAdd", header), "SO Add")
        self.sono = header["sono"]
        self.next_line = 1
        # line number -> {"uniqueln", "ordered", "prices": {link: price}, "dues": {key: qty}}
        self.lines: dict[int, dict[str, Any]] = {}

    @rule(data=st.data())
    def add_line(self, data: st.DataObject) -> None:
        params = data.draw(so_item_add(self.seed, self.sono, self.next_line), label="line")
        params.pop("eachqty", None)
        require(call(self.judge, "SOItemAdd", params), "SO Item Add")
        read = so_line(self.judge, self.sono, self.next_line)
        self.lines[self.next_line] = {"uniqueln": read["UNIQUELN"], "ordered": Decimal(params["ord_qty"]),
                                      "part": params, "prices": {}, "dues": {}}  # fmt: skip
        self.next_line += 1

    def _line(self, data: st.DataObject) -> dict[str, Any]:
        return self.lines[data.draw(st.sampled_from(sorted(self.lines)), label="line number")]

    @precondition(lambda self: bool(self.lines))
    @rule(data=st.data())
    def add_price(self, data: st.DataObject) -> None:
        line = self._line(data)
        params = data.draw(so_price_add(self.sono, line["uniqueln"]), label="price")
        require(call(self.judge, "SOPriceAdd", params), "SO Price Add")
        known = set(line["prices"])
        fresh = [
            p
            for p in so_line(self.judge, self.sono, self._number(line))["SOPRICESList"]
            if p["PLPRICELNK"] not in known
        ]
        assert len(fresh) == 1, fresh
        line["prices"][fresh[0]["PLPRICELNK"]] = Decimal(params["price"])

    @precondition(lambda self: bool(self.lines))
    @rule(data=st.data())
    def add_due_date(self, data: st.DataObject) -> None:
        line = self._line(data)
        room = line["ordered"] - sum(line["dues"].values(), Decimal(0))
        if room < 1:
            return
        params = data.draw(so_due_date_add(self.sono, line["uniqueln"], int(min(room, 20))), label="due date")
        params.pop("commit_dts", None)
        require(call(self.judge, "SODueDateAdd", params), "SO Due Date Add")
        known = set(line["dues"])
        fresh = [
            d
            for d in so_line(self.judge, self.sono, self._number(line))["DueDateList"]
            if d["DUEDT_UNIQ"] not in known
        ]
        assert len(fresh) == 1, fresh
        line["dues"][fresh[0]["DUEDT_UNIQ"]] = Decimal(params["qty"])

    @precondition(lambda self: bool(self.lines))
    @rule(data=st.data(), more=st.integers(1, 50))
    def raise_quantity(self, data: st.DataObject, more: int) -> None:
        line = self._line(data)
        ordered = line["ordered"] + more
        edit = {"sono": self.sono, "uniqueln": line["uniqueln"], "part_num": line["part"]["part_num"],
                "revision": line["part"]["revision"], "ord_qty": str(ordered)}  # fmt: skip
        require(call(self.judge, "SOItemEdit", edit), "SO Item Edit")
        line["ordered"] = ordered

    @precondition(lambda self: any(line["dues"] for line in self.lines.values()))
    @rule(data=st.data())
    def delete_due_date(self, data: st.DataObject) -> None:
        line = self.lines[
            data.draw(st.sampled_from(sorted(n for n, entry in self.lines.items() if entry["dues"])))
        ]
        key = data.draw(st.sampled_from(sorted(line["dues"])), label="due date")
        require(call(self.judge, "SODueDateDelete", {"duedt_uniq": key}), "SO Due Date Delete")
        del line["dues"][key]

    @precondition(lambda self: any(line["prices"] for line in self.lines.values()))
    @rule(data=st.data())
    def delete_price(self, data: st.DataObject) -> None:
        line = self.lines[
            data.draw(st.sampled_from(sorted(n for n, entry in self.lines.items() if entry["prices"])))
        ]
        link = data.draw(st.sampled_from(sorted(line["prices"])), label="price")
        params = {"sono": self.sono, "uniqueln": line["uniqueln"], "plpricelnk": link}
        require(call(self.judge, "SOPriceDelete", params), "SO Price Delete")
        del line["prices"][link]

    @precondition(lambda self: bool(self.lines))
    @rule(data=st.data())
    def delete_line(self, data: st.DataObject) -> None:
        number = data.draw(st.sampled_from(sorted(self.lines)), label="line number")
        self._delete_line(number)

    def _delete_line(self, number: int) -> None:
        line = self.lines.pop(number)
        require(
            call(self.judge, "SOItemDelete", {"sono": self.sono, "uniqueln": line["uniqueln"]}),
            "SO Item Delete",
        )

    def _number(self, line: dict[str, Any]) -> int:
        return next(n for n, entry in self.lines.items() if entry is line)

    @invariant()
    def get_shows_the_model(self) -> None:
        if not hasattr(self, "sono"):
            return
        order = _order(self.judge, self.sono)
        read = {int(str(entry["LINE_NO"])): entry for entry in order["SODETAILList"]}
        assert sorted(read) == sorted(self.lines), (sorted(read), sorted(self.lines))
        for number, line in self.lines.items():
            entry = read[number]
            assert entry["UNIQUELN"] == line["uniqueln"]
            assert Decimal(str(entry["ORD_QTY"])) == line["ordered"], entry
            assert {p["PLPRICELNK"]: Decimal(str(p["PRICE"])) for p in entry["SOPRICESList"]} == line[
                "prices"
            ]
            assert {d["DUEDT_UNIQ"]: Decimal(str(d["QTY"])) for d in entry["DueDateList"]} == line["dues"]
        self.judge.expect_conforms()

    def teardown(self) -> None:
        # what the machine added, it deletes: due dates and prices go with their line's delete
        for number in sorted(self.lines):
            self._delete_line(number)


def test_any_sequence_of_adds_edits_and_deletes_reads_back_as_the_model(
    judge: Judge, manex_seed: Seed
) -> None:
    SalesOrderMachine.judge = judge
    SalesOrderMachine.seed = manex_seed
    run_state_machine_as_test(
        SalesOrderMachine,
        settings=settings(
            settings.default, max_examples=max(2, settings.default.max_examples // 4), stateful_step_count=10
        ),
    )
    judge.expect_conforms()

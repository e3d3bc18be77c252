"""What a live run created is deleted at the end where the API documents a delete, and listed -
on the terminal and in cleanup.json - where it does not or where the delete failed."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from b2bconform.apis.manex_erp.generators import call, require
from b2bconform.apis.manex_erp.sandbox import SEED, ManexPoSandbox, ManexSoSandbox
from b2bconform.apis.moduslink_po.sandbox import ModusLinkSandbox
from b2bconform.cleanup import CleanupOutcome, CleanupRegistry, Created, DeleteFailed, Leftover
from b2bconform.errors import TargetError
from b2bconform.locations import PACKAGE_DIR, suite_dir
from b2bconform.session import HarnessSession, Judge, TargetOptions
from live_runs import run_live, serving, write_profile

# ── the registry ─────────────────────────────────────────────────────────────────────────────


class Deletes:
    """Deletes that record the order they ran in and answer as told."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def __call__(self, name: str, result: Any = True) -> Any:
        def delete() -> bool:
            self.ran.append(name)
            if isinstance(result, BaseException):
                raise result
            return bool(result)

        return delete


def test_pending_deletes_run_newest_first_and_what_cannot_be_deleted_is_listed() -> None:
    registry, deletes = CleanupRegistry(), Deletes()
    registry.add(Created("manex_so", "sales order", "0001", "t1", reason="no SO delete documented"))
    registry.add(Created("manex_so", "sales order lines", "0001", "t1", deletes("lines of 0001")))
    registry.add(Created("manex_so", "sales order lines", "0002", "t2", deletes("lines of 0002")))
    outcome = registry.clean_up()
    assert deletes.ran == ["lines of 0002", "lines of 0001"]  # a line before the order it belongs to
    assert outcome.deleted == 2
    assert outcome.left == [Leftover("manex_so", "sales order", "0001", "t1", "no SO delete documented")]


def test_a_record_without_delete_and_reason_is_listed_as_having_no_documented_delete() -> None:
    registry = CleanupRegistry()
    registry.add(Created("moduslink_po", "purchase order", "REF-1", "t"))
    [left] = registry.clean_up().left
    assert left.reason == "the API documents no delete for a purchase order"


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        pytest.param(False, "the delete was not accepted", id="refused"),
        pytest.param(DeleteFailed("SO Item Delete answered Code 403"), "the delete failed: SO Item Delete answered Code 403", id="explained"),
        pytest.param(KeyError("UNIQUELN"), "the delete failed: KeyError: 'UNIQUELN'", id="crashed"),
    ],
)  # fmt: skip
def test_a_delete_that_fails_is_listed_with_its_reason_and_the_others_still_run(
    result: Any, reason: str
) -> None:
    registry, deletes = CleanupRegistry(), Deletes()
    registry.add(Created("manex_po", "purchase order items", "1", "t", deletes("1")))
    registry.add(Created("manex_po", "purchase order items", "2", "t", deletes("2", result)))
    outcome = registry.clean_up()
    assert deletes.ran == ["2", "1"]
    assert (outcome.deleted, [(item.key, item.reason) for item in outcome.left]) == (1, [("2", reason)])


def test_after_the_target_breaks_the_remaining_deletes_are_not_attempted() -> None:
    registry, deletes = CleanupRegistry(), Deletes()
    for key in ("1", "2", "3"):
        registry.add(Created("manex_po", "purchase order items", key, "t", deletes(key, TargetError("budget spent") if key == "3" else True)))  # fmt: skip
    outcome = registry.clean_up()
    assert deletes.ran == ["3"]
    assert [(item.key, item.reason) for item in outcome.left] == [
        ("1", "not attempted after an earlier delete broke: the delete could not be sent: budget spent"),
        ("2", "not attempted after an earlier delete broke: the delete could not be sent: budget spent"),
        ("3", "the delete could not be sent: budget spent"),
    ]


def test_a_record_the_test_deleted_itself_is_not_deleted_twice() -> None:
    registry, deletes = CleanupRegistry(), Deletes()
    entry = registry.add(Created("manex_so", "sales order lines", "1", "t", deletes("1")))
    registry.add(Created("manex_so", "sales order lines", "2", "t", deletes("2")))
    entry.mark_done()
    registry.done("manex_so", "sales order lines", "2")
    outcome = registry.clean_up()
    assert deletes.ran == [] and outcome.deleted == 0 and outcome.left == []


def test_the_first_registration_of_a_record_wins() -> None:
    registry = CleanupRegistry()
    first = registry.add(Created("manex_so", "sales order", "1", "test-a"))
    assert registry.add(Created("manex_so", "sales order", "1", "test-b")) is first
    assert len(registry) == 1 and first.test_id == "test-a"


def test_without_writes_nothing_is_deleted_and_everything_is_listed() -> None:
    registry, deletes = CleanupRegistry(), Deletes()
    registry.add(Created("manex_so", "sales order lines", "1", "t", deletes("1")))
    [left] = registry.clean_up(writes_allowed=False).left
    assert deletes.ran == [] and left.reason == "not deleted: this run does not allow writes"


def test_reasons_pass_through_the_redactor_of_their_api() -> None:
    registry = CleanupRegistry()
    registry.add(
        Created("manex_so", "sales order lines", "1", "t", Deletes()("1", DeleteFailed("key sk-123 refused")))
    )
    outcome = registry.clean_up(redact=lambda api, text: text.replace("sk-123", f"*** ({api})"))
    assert outcome.left[0].reason == "the delete failed: key *** (manex_so) refused"


def test_an_outcome_survives_its_file_and_merges_with_another(tmp_path: Path) -> None:
    one = CleanupOutcome(2, [Leftover("a", "k", "1", "t", "r")])
    path = one.write(tmp_path / "part.json", target="live (p)")
    assert json.loads(path.read_text())["target"] == "live (p)"
    merged = CleanupOutcome.read(path).merge(CleanupOutcome(1, [Leftover("b", "k", "2", "t", "r")]))
    assert merged.deleted == 3 and [item.api for item in merged.left] == ["a", "b"]


def test_the_terminal_lines_group_records_by_kind_and_reason() -> None:
    outcome = CleanupOutcome(
        0, [Leftover("m", "purchase order", f"R{n}", f"t{n}", "no delete") for n in (1, 2)]
    )
    assert outcome.summary_lines() == [
        "m purchase order: 2 left - no delete",
        "    R1  (created by t1)",
        "    R2  (created by t2)",
    ]


def test_a_judge_registers_what_its_test_created_under_its_api_and_test_id() -> None:
    session = HarnessSession()
    entry = Judge(session, "moduslink_po", "suites/x.py::test_y").created("purchase order", "REF-1")
    assert (entry.api, entry.kind, entry.key, entry.test_id) == (
        "moduslink_po",
        "purchase order",
        "REF-1",
        "suites/x.py::test_y",
    )
    assert list(session.created) == [entry]


# ── the suites register what they add ────────────────────────────────────────────────────────


def _conftest(api: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{api}_conftest", suite_dir(api) / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_sales_order_is_listed_and_its_lines_are_deleted_through_the_judge() -> None:
    judge = Judge(HarnessSession(options=TargetOptions()), "manex_so", "t")
    part, customer = SEED.parts[0], SEED.customers[0]
    require(call(judge, "SOAdd", {"sono": "0077000001", "custno": customer.custno, "pono": "P1"}), "SO Add")
    for line in ("0000001", "0000002"):
        require(call(judge, "SOItemAdd", {"sono": "0077000001", "line_no": line, "part_num": part.part_no,
                                          "revision": part.revision, "uofmeas": part.unit, "sodet_desc": "d",
                                          "deliv_time": "15:30", "status": "Standard", "ord_qty": "5"}), "SO Item Add")  # fmt: skip
    _conftest("manex_so").register_added(judge)
    entries = {(entry.kind, entry.key): entry for entry in judge.session.created}
    assert set(entries) == {("sales order", "0077000001"), ("sales order lines", "0077000001")}
    assert entries["sales order", "0077000001"].delete is None
    outcome = judge.session.created.clean_up()
    assert outcome.deleted == 1 and [item.kind for item in outcome.left] == ["sales order"]
    erp = judge.target.sandbox.erp  # type: ignore[attr-defined]
    assert erp.sales_orders[77000001].items == []
    assert [j.exchange.operation for j in judge.judgements[-3:]] == ["SOGet", "SOItemDelete", "SOItemDelete"]


# ── live runs against served sandboxes ───────────────────────────────────────────────────────


def _cleanup_report(reports: Path) -> dict[str, Any]:
    return dict(json.loads((reports / "cleanup.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("api", "sandbox_class", "tests"),
    [
        ("manex_so", ManexSoSandbox, "apis/manex_so/suite/test_so_actions.py"),
        ("manex_po", ManexPoSandbox, "apis/manex_po/suite/test_po_actions.py"),
    ],
)
@pytest.mark.slow
def test_a_live_manex_run_deletes_the_lines_it_added_and_lists_the_orders_it_cannot_delete(
    tmp_path: Path, api: str, sandbox_class: Any, tests: str
) -> None:
    sandbox = sandbox_class()
    orders = sandbox.erp.sales_orders if api == "manex_so" else sandbox.erp.purchase_orders
    before = set(orders)
    with serving(sandbox.asgi()) as url:
        profile, credentials = write_profile(tmp_path, sandbox, url)
        done = run_live(
            [str(PACKAGE_DIR / tests), "-k", "conforming_parameters"],
            profile,
            credentials,
            tmp_path / "reports",
        )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    created = set(orders) - before
    assert created, "the run created no order"
    assert {number: orders[number].items for number in created} == {number: [] for number in created}
    report = _cleanup_report(tmp_path / "reports")
    assert report["deleted"] > 0
    listed = {int(item["key"]) for item in report["left"]}
    assert listed == created  # every order, and nothing else (every line was deleted)
    kind = "sales order" if api == "manex_so" else "purchase order"
    assert {(item["api"], item["kind"]) for item in report["left"]} == {(api, kind)}
    assert all(
        "documents no delete" in item["reason"] and item["test"].startswith(tests) for item in report["left"]
    )
    assert f"{len(created)} left on the target" in done.stdout


@pytest.mark.slow
def test_a_live_moduslink_run_lists_every_order_it_created_by_request_reference(tmp_path: Path) -> None:
    sandbox = ModusLinkSandbox()
    with serving(sandbox.asgi()) as url:
        profile, credentials = write_profile(tmp_path, sandbox, url)
        done = run_live(
            [str(suite_dir("moduslink_po") / "test_create_order.py"), "-k", "conforming_orders"], profile, credentials,
            tmp_path / "reports",
        )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    accepted = {order.header["requestReference"]: order.request_id for order in sandbox._book.orders.values()}
    assert accepted
    report = _cleanup_report(tmp_path / "reports")
    assert report["deleted"] == 0
    assert sorted(item["key"] for item in report["left"]) == sorted(
        f"{reference} (requestId {request_id})" for reference, request_id in accepted.items()
    )
    assert all("documents no delete or cancel" in item["reason"] for item in report["left"])
    assert "purchase order" in done.stdout and next(iter(accepted)) in done.stdout  # listed on the terminal


def _refusing_item_deletes(app: Any) -> Any:
    """The ManEx sandbox, but every SO Item Delete is refused with a documented-looking envelope."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and "/itemdelete/" in scope["path"].lower():
            body = json.dumps({"Code": 403, "Message": "Sales Order Item is locked."}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return wrapped


@pytest.mark.slow
def test_a_delete_the_vendor_refuses_is_listed_with_its_reason(tmp_path: Path) -> None:
    sandbox = ManexSoSandbox()
    with serving(_refusing_item_deletes(sandbox.asgi())) as url:
        profile, credentials = write_profile(tmp_path, sandbox, url)
        done = run_live(
            [str(suite_dir("manex_so") / "test_so_actions.py"), "-k", "conforming_parameters and SOItemAdd"], profile,
            credentials, tmp_path / "reports",
        )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    report = _cleanup_report(tmp_path / "reports")
    refused = [item for item in report["left"] if item["kind"] == "sales order lines"]
    assert refused and report["deleted"] == 0
    assert all(
        item["reason"].startswith("the delete failed: SO Item Delete of line")
        and "answered Code 403: 'Sales Order Item is locked.'" in item["reason"]
        for item in refused
    )
    assert "Sales Order Item is locked." in done.stdout

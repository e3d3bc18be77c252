"""The vendor document's own examples, judged by the harness through `audit`.

Where the vendor's example breaks the vendor's rule, the finding (a rule the document states without
contradiction) or the discrepancy (the example follows another reading of the rule the document
supports) is expected by name (contracts/<api>/examples/judging.yaml), so it stays visible and a
change in either the document or the rules shows up here. The exchanges are built by b2bconform.apis.moduslink_po.review,
the same ones `b2bconform review` lists for the vendor.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from b2bconform.apis.moduslink_po import review as moduslink_po
from b2bconform.review import ExampleCase, judge_case
from example_verdicts import assert_judged_as_recorded

EXAMPLES = moduslink_po.load()
JUDGING = EXAMPLES.judging
CASES = moduslink_po.cases(EXAMPLES)
PAIRINGS = [pytest.param(case, id=case.example) for case in CASES if case.kind == "pairing"]
REQUESTS = [pytest.param(case, id=case.example) for case in CASES if case.kind == "request"]


@pytest.mark.parametrize("case", PAIRINGS)
def test_vendor_response_example_has_exactly_its_recorded_discrepancies(case: ExampleCase) -> None:
    judgement = judge_case(case)  # the last exchange; a duplicate's first request is its history
    assert_judged_as_recorded(case, judgement)


def test_no_vendor_response_example_is_failed_on_a_rule_its_document_contradicts() -> None:
    """Every example breach recorded for ModusLink is the document contradicting itself."""
    assert all(not p["expected_findings"] for p in JUDGING["pairings"])
    assert {rule for p in JUDGING["pairings"] for rule in p.get("expected_discrepancies", [])} == {
        "MODUSLINK_PO-ACC-004",
        "MODUSLINK_PO-ACC-005",
        "MODUSLINK_PO-ERR-016",
        "MODUSLINK_PO-ERR-017",
    }


@pytest.mark.parametrize("case", REQUESTS)
def test_vendor_request_example_judged_as_a_callers_request(case: ExampleCase) -> None:
    assert case.side == "client"
    assert_judged_as_recorded(case, judge_case(case))


@pytest.mark.parametrize("entry", JUDGING["requests"], ids=lambda e: e["file"])
def test_vendor_request_example_names_item_notes_note_where_the_schema_says_notes(
    entry: dict[str, Any],
) -> None:
    """The recorded note/notes discrepancy (decision on MODUSLINK_PO-REQ-037) is still in the document."""
    items = json.loads(EXAMPLES.text(entry["file"]))["clientRequest"]["item"]
    uses_note = all("note" in item and "notes" not in item for item in items)
    assert uses_note == entry["uses_item_note_not_notes"]


def test_every_response_example_is_judged() -> None:
    responses = {e["file"] for e in EXAMPLES.index if e["kind"] == "response"}
    requests = {e["file"] for e in EXAMPLES.index if e["kind"] == "request"}
    assert responses == {p["response"] for p in JUDGING["pairings"]}
    assert requests == {r["file"] for r in JUDGING["requests"]}

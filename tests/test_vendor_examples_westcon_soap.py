"""The Westcon SOAP document's own samples, judged through `audit`, discrepancies expected by name.

The exchanges are built by b2bconform.review.westcon_soap, the same ones `b2bconform review` lists.
"""

from __future__ import annotations

import pytest

from b2bconform.review import ExampleCase, judge_case, westcon_soap

CASES = westcon_soap.cases(westcon_soap.load())


@pytest.mark.parametrize("case", [pytest.param(c, id=c.example) for c in CASES if c.kind == "pairing"])
def test_sample_response_has_exactly_its_recorded_discrepancies(case: ExampleCase) -> None:
    judgement = judge_case(case)
    assert judgement is not None
    assert sorted({f.rule for f in judgement.findings}) == sorted(case.entry["expected_findings"])
    assert case.entry.get("discrepancy")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.example) for c in CASES if c.kind == "request"])
def test_sample_request_as_printed_judged_as_a_callers_request(case: ExampleCase) -> None:
    assert case.side == "client"
    judgement = judge_case(case)
    assert judgement is not None
    assert sorted({f.rule for f in judgement.findings}) == sorted(case.entry["expected_findings"])

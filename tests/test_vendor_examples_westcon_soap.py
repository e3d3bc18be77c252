"""The Westcon SOAP document's samples, judged through `audit`: failed findings and discrepancies as recorded.

The exchanges are built by b2bconform.apis.westcon_soap.review, the same ones `b2bconform review` lists.
"""

from __future__ import annotations

import pytest

from b2bconform.apis.westcon_soap import review as westcon_soap
from b2bconform.review import ExampleCase, judge_case
from example_verdicts import assert_judged_as_recorded

CASES = westcon_soap.cases(westcon_soap.load())


@pytest.mark.parametrize("case", [pytest.param(c, id=c.example) for c in CASES if c.kind == "pairing"])
def test_sample_response_judges_as_recorded(case: ExampleCase) -> None:
    assert_judged_as_recorded(case, judge_case(case))
    assert case.entry.get("discrepancy")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.example) for c in CASES if c.kind == "request"])
def test_sample_request_as_4_2_1_sends_it_judges_as_recorded(case: ExampleCase) -> None:
    assert case.side == "client"
    assert_judged_as_recorded(case, judge_case(case))

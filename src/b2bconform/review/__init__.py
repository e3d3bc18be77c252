"""The vendor-document review: the document's own examples judged against its own rules, and the
list of discrepancies to raise with the vendor (where, what the document says, the reading adopted).

One module per API builds its examples' exchanges (it names its ``API``; ``judging`` finds it, the SOAP
ones build through ``soap``); ``judging`` judges them with the audit engine and compares the
verdicts with ``judging.yaml``; ``report`` writes the Markdown and JSON; ``command`` is the CLI.
"""

from __future__ import annotations

from b2bconform.review.judging import (
    BUILDERS,
    builder_of,
    judge_case,
    judge_cases,
    review,
    review_api,
    reviewed_apis,
)
from b2bconform.review.model import (
    AdoptedReading,
    ApiReview,
    Discrepancy,
    Drift,
    ExampleCase,
    ExampleSource,
    FindingText,
    JudgedExample,
    Review,
    UndemonstratedDecision,
)

__all__ = [
    "BUILDERS",
    "AdoptedReading",
    "ApiReview",
    "Discrepancy",
    "Drift",
    "ExampleCase",
    "ExampleSource",
    "FindingText",
    "JudgedExample",
    "Review",
    "UndemonstratedDecision",
    "builder_of",
    "judge_case",
    "judge_cases",
    "review",
    "review_api",
    "reviewed_apis",
]

"""How a vendor document's example must judge: its recorded failed findings and discrepancies, exactly."""

from __future__ import annotations

from b2bconform.engine.contract import Judgement
from b2bconform.review import ExampleCase

__all__ = ["assert_judged_as_recorded"]


def assert_judged_as_recorded(case: ExampleCase, judgement: Judgement | None) -> None:
    """``expected_findings`` and ``expected_discrepancies`` of the case's judging.yaml entry are exactly
    the rules its judged exchange breaks, and every discrepancy carries the adopted and another reading."""
    assert judgement is not None, f"{case.example}: the audit judged nothing"
    entry = case.entry
    findings = sorted({f.rule for f in judgement.findings})
    discrepancies = sorted({f.rule for f in judgement.discrepancies})
    assert findings == sorted(entry.get("expected_findings") or []), "\n".join(map(str, judgement.findings))
    assert discrepancies == sorted(entry.get("expected_discrepancies") or []), "\n".join(
        map(str, judgement.discrepancies)
    )
    for discrepancy in judgement.discrepancies:
        assert discrepancy.readings[0]["adopted"], discrepancy
        assert any(not reading["adopted"] for reading in discrepancy.readings), discrepancy
    if findings or discrepancies:
        assert entry.get("discrepancy"), (
            f"{case.example}: a recorded discrepancy must say what the document does"
        )

"""Checks on sums within one record of an answer: a member that is the difference of two others."""

from __future__ import annotations

from collections.abc import Sequence

from b2bconform.engine.checks.documents import show
from b2bconform.engine.checks.registry import CheckContext, Outcome, check
from b2bconform.engine.checks.relations import as_number
from b2bconform.engine.model import NO_JSON, Violation
from b2bconform.engine.pointers import resolve

__all__ = ["difference"]


@check("difference")
def difference(
    ctx: CheckContext, *, within: str | Sequence[str], path: str, minuend: str, subtrahend: str
) -> Outcome:
    """In each object at ``within`` (one path or several), the number at ``path`` equals the number at
    ``minuend`` minus the one at ``subtrahend`` (a schedule's BALANCE is SCHD_QTY less RECDQTY).
    Records lacking one of the three numbers are not judged here: the required and type rules are."""
    document = ctx.subject
    if document is NO_JSON:
        return None
    scopes = [within] if isinstance(within, str) else list(within)
    judged = False
    found: list[Violation] = []
    for scope in scopes:
        for here, record in resolve(document, scope):
            if not isinstance(record, dict):
                continue  # a path like /ResponseObject/* also reaches an object's plain members
            numbers = [_number(record, member) for member in (path, minuend, subtrahend)]
            if any(n is None for n in numbers):
                continue
            judged = True
            value, left, right = numbers
            if value != left - right:  # type: ignore[operator]
                expected = f"{here}{minuend} - {here}{subtrahend} ({left} - {right} = {left - right})"  # type: ignore[operator]
                found.append(Violation(f"{here}{path}", expected, show(record[path.lstrip("/")])))
    return found if judged else None


def _number(record: dict[str, object], member: str) -> object:
    values = [v for _, v in resolve(record, member)]
    return as_number(values[0]) if values else None

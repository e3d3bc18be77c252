"""Checks relating members of one document: alternatives, orderings, sums, calendar constraints."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from b2bconform.engine.checks.documents import show
from b2bconform.engine.checks.registry import CheckContext, Outcome, check
from b2bconform.engine.model import NO_JSON, Violation
from b2bconform.engine.pointers import resolve

_OPERATORS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "lt": (operator.lt, "below"),
    "le": (operator.le, "at most"),
    "gt": (operator.gt, "above"),
    "ge": (operator.ge, "at least"),
}
_DATE_FORMS = (
    (re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})"), (3, 1, 2)),  # MM-DD-YYYY
    (re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T[0-9:.]+Z?)?"), (1, 2, 3)),  # YYYY-MM-DD[Thh:mm:ss]
)


def _present(value: Any) -> bool:
    return value not in ("", None, [], {}) and not (isinstance(value, str) and not value.strip())


@check("any_present")
def any_present(ctx: CheckContext, *, paths: Sequence[str]) -> Outcome:
    """At least one of ``paths`` is present and not empty (a line named by number or by key)."""
    document = ctx.subject
    if document is NO_JSON:
        return None
    if any(_present(v) for path in paths for _, v in resolve(document, path)):
        return []
    return [Violation(paths[0], "one of " + ", ".join(paths) + " present", "none of them")]


@check("same_per_group")
def same_per_group(ctx: CheckContext, *, path: str, key: str, member: str) -> Outcome:
    """Items at ``path`` that share the value of ``key`` share the value of ``member`` too (the
    lines of one order carry one customer order number)."""
    document = ctx.subject
    if document is NO_JSON:
        return None
    first: dict[Any, tuple[str, Any]] = {}
    out: list[Violation] = []
    for where, item in resolve(document, path):
        if not isinstance(item, dict) or not isinstance(item.get(key), str) or member not in item:
            continue
        group = item[key]
        if group not in first:
            first[group] = (where, item[member])
        elif item[member] != first[group][1]:
            out.append(
                Violation(
                    f"{where}/{member}",
                    f"{first[group][1]!r}, as at {first[group][0]}/{member} ({key} {group!r})",
                    repr(item[member]),
                )
            )
    return out if first else None


def as_number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def as_date(value: Any) -> date | None:
    """A date written MM-DD-YYYY, YYYY-MM-DD or as a YYYY-MM-DDThh:mm:ss prefix; None otherwise."""
    if not isinstance(value, str):
        return None
    for pattern, (y, m, d) in _DATE_FORMS:
        match = pattern.fullmatch(value.strip())
        if match:
            try:
                return date(int(match.group(y)), int(match.group(m)), int(match.group(d)))
            except ValueError:
                return None
    return None


@check("compare")
def compare(
    ctx: CheckContext,
    *,
    path: str,
    op: Literal["lt", "le", "gt", "ge"],
    than: str | None = None,
    value: float | int | None = None,
    within: str | None = None,
    aggregate: Literal["each", "sum"] = "each",
    **kwargs: Any,
) -> Outcome:
    """The value at ``path`` is ``op`` the value at ``than`` (or the constant ``value``).

    ``as``: compare as numbers (default) or dates. ``within``: a wildcard path of objects, ``path``
    and ``than`` then point inside each one (a schedule's quantity against its own item's).
    ``aggregate: sum`` compares the sum of the values at ``path``. Absent or unreadable sides
    are not judged here: the format rules judge them.
    """
    kind = kwargs.pop("as", "number")
    if (
        kwargs
        or kind not in ("number", "date")
        or op not in _OPERATORS
        or (than is None) == (value is None)
        or (kind == "date" and (value is not None or aggregate == "sum"))
    ):
        # dates have no constant bound and no sum: refusing beats silently judging nothing
        raise ValueError(
            f"compare: bad parameters {kwargs or {'as': kind, 'op': op, 'aggregate': aggregate}}"
        )
    document = ctx.subject
    if document is NO_JSON:
        return None
    read = as_date if kind == "date" else as_number
    test, words = _OPERATORS[op]
    scopes = list(resolve(document, within)) if within else [("", document)]
    judged = False
    found: list[Violation] = []
    for here, scope in scopes:
        if than is not None:
            bounds = [read(v) for _, v in resolve(scope, than)]
            bound = bounds[0] if bounds else None
            bound_text = f"{words} {here}{than}"
        else:
            bound = read(value) if kind == "number" else None
            bound_text = f"{words} {value}"
        if bound is None:
            continue
        values = [(f"{here}{w}", v, read(v)) for w, v in resolve(scope, path)]
        readable = [(w, raw, v) for w, raw, v in values if v is not None]
        if not readable:
            continue
        judged = True
        if aggregate == "sum":
            total = sum((v for _, _, v in readable), Decimal(0)) if kind == "number" else None
            if total is not None and not test(total, bound):
                found.append(Violation(f"{here}{path}", f"a total {bound_text} ({bound})", f"total {total}"))
            continue
        for where, raw, number in readable:
            if not test(number, bound):
                found.append(Violation(where, f"{bound_text} ({bound})", show(raw)))
    return found if judged else None


compare.extra_params = ("as",)  # type: ignore[attr-defined]


@check("working_day")
def working_day(ctx: CheckContext, *, path: str) -> Outcome:
    """The date at ``path`` falls Monday to Friday (public holidays are not knowable from a document)."""
    document = ctx.subject
    if document is NO_JSON:
        return None
    dates = [(w, v, as_date(v)) for w, v in resolve(document, path)]
    readable = [(w, v, d) for w, v, d in dates if d is not None]
    if not readable:
        return None
    return [
        Violation(w, "a working day (Monday to Friday)", f"{show(v)}, a {d:%A}")
        for w, v, d in readable
        if d.weekday() >= 5
    ]

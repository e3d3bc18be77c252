"""Alternatives of several members: a record named by its key, or by its number together with its parent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from b2bconform.engine.checks.registry import CheckContext, Outcome, check
from b2bconform.engine.model import NO_JSON, Violation
from b2bconform.engine.pointers import resolve

__all__: list[str] = []


@check("any_group_present")
def any_group_present(ctx: CheckContext, *, groups: Sequence[Sequence[str]]) -> Outcome:
    """Every member of at least one of ``groups`` is present and not blank."""
    document = ctx.subject
    if document is NO_JSON:
        return None

    def present(path: str) -> bool:
        return any(_filled(value) for _, value in resolve(document, path))

    if any(all(present(path) for path in group) for group in groups):
        return []
    expected = " or ".join(" with ".join(group) for group in groups) + " present"
    return [Violation(groups[0][0], expected, "none of them")]


def _filled(value: Any) -> bool:
    return value not in ("", None, [], {}) and not (isinstance(value, str) and not value.strip())

"""A member that may hold one of several JSON types (a string or null)."""

from __future__ import annotations

from collections.abc import Sequence

from b2bconform.checks.documents import show
from b2bconform.checks.registry import CheckContext, Outcome, check
from b2bconform.model import NO_JSON, Violation
from b2bconform.pointers import select

__all__: list[str] = []

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "array": (list,),
    "object": (dict,),
    "boolean": (bool,),
    "null": (type(None),),
    "number": (int, float),
    "integer": (int,),
}


@check("type_in")
def type_in(ctx: CheckContext, *, path: str, types: Sequence[str]) -> Outcome:
    """The member at ``path``, where present, is of one of the JSON ``types``."""
    document = ctx.subject
    if document is NO_JSON:
        return None
    found = select(document, path)
    if not found:
        return None
    allowed = tuple(t for name in types for t in _TYPES[name])
    expected = " or ".join(types)
    return [
        Violation(where, expected, show(value))
        for where, value in found
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed)
    ]

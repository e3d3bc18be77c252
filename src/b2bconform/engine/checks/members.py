"""Checks on the members a message carries: beyond those its document defines, or present with a documented value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from b2bconform.engine.checks.documents import enum, required
from b2bconform.engine.checks.registry import CheckContext, Outcome, check
from b2bconform.engine.model import NO_JSON, Violation
from b2bconform.engine.pointers import select

__all__ = ["required_enum", "undocumented_member_sent"]


@check("undocumented_member_sent")
def undocumented_member_sent(
    ctx: CheckContext, *, documented: Mapping[str, Sequence[str]], refused_with: Sequence[int] = ()
) -> Outcome:
    """The request carries a member the document does not define: some object at a path of
    ``documented`` (object path -> the member names the document gives it) holds another member;
    with ``refused_with``, the answer is also one of those statuses.

    A reading uses this where the document shows the vendor validating members it never defines."""
    document = ctx.request_document
    if document is NO_JSON or ctx.status is None:
        return None
    if refused_with and ctx.status not in refused_with:
        expected = "a refusal with HTTP " + ", ".join(map(str, refused_with))
        return [Violation("", expected, ctx.status_text())]
    for path, members in documented.items():
        known = set(members)
        for _, node in select(document, path):
            if isinstance(node, dict) and set(node) - known:
                return []
    listed = ", ".join(documented)
    return [Violation("", f"a member the document does not define (in {listed})", "only documented members")]


@check("required_enum")
def required_enum(ctx: CheckContext, *, path: str, values: Sequence[str]) -> Outcome:
    """The member at ``path`` is present in every object that should hold it and is one of ``values``
    (a reading that makes a member with an enum required: absent and unlisted both break it)."""
    missing = required(ctx, path=path)
    unlisted = enum(ctx, path=path, values=values)
    if missing is None and unlisted is None:
        return None
    return [*(missing or []), *(unlisted or [])]

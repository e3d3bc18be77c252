"""Checks that a search's results match the filter the request gave."""

from __future__ import annotations

from collections.abc import Sequence

from b2bconform.engine.checks.documents import show
from b2bconform.engine.checks.registry import CheckContext, Outcome, check
from b2bconform.engine.model import NO_JSON, Violation
from b2bconform.engine.pointers import resolve, select

__all__ = ["matches_filter"]


@check("matches_filter")
def matches_filter(ctx: CheckContext, *, path: str | Sequence[str], request_path: str) -> Outcome:
    """Each value at ``path`` (in the answer) equals the filter the request sent at ``request_path``,
    compared without regard to case or surrounding blanks (a search by "Open" finds POSTATUS "OPEN ").
    Not judged when the request sent no such filter or the answer holds no such value."""
    request, answer = ctx.request_document, ctx.response_document
    if request is NO_JSON or answer is NO_JSON:
        return None
    sent = [v for _, v in resolve(request, request_path) if isinstance(v, str) and v.strip()]
    paths = [path] if isinstance(path, str) else list(path)
    found = [(w, v) for one in paths for w, v in select(answer, one) if isinstance(v, str)]
    if not sent or not found:
        return None
    wanted = sent[0].strip().casefold()
    return [
        Violation(w, f"{sent[0].strip()!r} (the {request_path.lstrip('/')} searched for, any case)", show(v))
        for w, v in found
        if v.strip().casefold() != wanted
    ]

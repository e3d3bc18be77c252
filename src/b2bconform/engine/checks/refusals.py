"""Refusals that give a reason: the reason must fit the request it answers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from b2bconform.engine.checks.documents import show
from b2bconform.engine.checks.registry import CheckContext, Outcome, check
from b2bconform.engine.model import NO_JSON, Violation
from b2bconform.engine.pointers import resolve

__all__: list[str] = []


@check("refused_only_when")
def refused_only_when(
    ctx: CheckContext,
    *,
    message_path: str,
    pattern: str,
    present: Sequence[str] = (),
    absent: Sequence[str] = (),
) -> Outcome:
    """An answer whose message (at ``message_path``) matches ``pattern`` answers only a request that
    holds every ``present`` member and none of the ``absent`` ones; None for any other answer."""
    answer, request = ctx.response_document, ctx.request_document
    if answer is NO_JSON or request is NO_JSON:
        return None
    messages = [v for _, v in resolve(answer, message_path) if isinstance(v, str)]
    if not any(re.search(pattern, message) for message in messages):
        return None
    reason = show(messages[0])

    def filled(path: str) -> bool:
        return any(_filled(value) for _, value in resolve(request, path))

    found = [
        Violation(p, f"{p} sent with a request refused so", f"absent; refused: {reason}")
        for p in present
        if not filled(p)
    ]
    found += [
        Violation(p, f"{p} not sent with a request refused so", f"sent; refused: {reason}")
        for p in absent
        if filled(p)
    ]
    return found


def _filled(value: Any) -> bool:
    return value not in ("", None, [], {}) and not (isinstance(value, str) and not value.strip())

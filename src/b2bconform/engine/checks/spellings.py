"""Checks that compare values up to their spelling: characters a document writes in one place and
leaves out in another (the hyphen of "Rb1234-03" and "Rb123403") do not make two values differ."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from b2bconform.engine.checks.documents import Paths, _values, show
from b2bconform.engine.checks.registry import CheckContext, Outcome, check
from b2bconform.engine.model import NO_JSON, Violation
from b2bconform.engine.pointers import resolve

__all__ = ["spelled"]


def spelled(value: str, ignore: str) -> str:
    """``value`` as compared: surrounding blanks and the characters of ``ignore`` left out."""
    return "".join(c for c in value.strip() if c not in ignore)


@check("same_per_group_spelled")
def same_per_group_spelled(ctx: CheckContext, *, path: str, key: str, member: str, ignore: str) -> Outcome:
    """Items at ``path`` that share ``key`` carry one ``member``, written with or without the
    characters of ``ignore``."""
    document = ctx.subject
    if document is NO_JSON:
        return None
    first: dict[Any, tuple[str, str]] = {}
    out: list[Violation] = []
    for where, item in resolve(document, path):
        if not isinstance(item, dict) or not isinstance(item.get(key), str):
            continue
        value = item.get(member)
        if not isinstance(value, str):
            continue
        seen = first.setdefault(item[key], (where, value))
        if spelled(value, ignore) != spelled(seen[1], ignore):
            expected = f"{show(seen[1])} however spelled (ignoring {ignore!r}), as at {seen[0]}/{member}"
            out.append(Violation(f"{where}/{member}", expected, show(value)))
    return out if first else None


@check("matches_request_spelled")
def matches_request_spelled(
    ctx: CheckContext,
    *,
    path: Paths,
    request_path: str,
    ignore: str,
    if_request_path: str | None = None,
    if_request_in: Sequence[str] = (),
) -> Outcome:
    """Each value at ``path`` (in the response) is one the request sent at ``request_path``, written
    with or without the characters of ``ignore``; with ``if_request_path``, only when the request's
    value there is in ``if_request_in``."""
    request = ctx.request_document
    if request is NO_JSON:
        return None
    if if_request_path is not None:
        flags = [v.strip() for _, v in resolve(request, if_request_path) if isinstance(v, str)]
        if not flags or flags[0] not in if_request_in:
            return None
    sent = [v for _, v in resolve(request, request_path) if isinstance(v, str)]
    found = [(w, v) for w, v in _values(ctx, path) or [] if isinstance(v, str)]
    if not sent or not found:
        return None
    known = {spelled(s, ignore) for s in sent}
    expected = f"one of the numbers queried (ignoring {ignore!r}): " + ", ".join(sent)
    return [Violation(w, expected, show(v)) for w, v in found if spelled(v, ignore) not in known]

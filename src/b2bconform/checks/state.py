"""Checks that need earlier exchanges: duplicates, and reading back what was created."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from b2bconform.checks.documents import show
from b2bconform.checks.registry import CheckContext, Outcome, check
from b2bconform.documents import effective_status
from b2bconform.model import NO_JSON, Exchange, Violation
from b2bconform.pointers import resolve


def _first(document: Any, path: str) -> Any:
    if document is NO_JSON:
        return NO_JSON
    return next((value for _, value in resolve(document, path)), NO_JSON)


def _accepted(ctx: CheckContext, operation: str | None) -> Iterator[tuple[int, Exchange]]:
    for position, earlier in enumerate(ctx.history):
        if (
            earlier.operation == operation
            and earlier.response is not None
            and 200 <= effective_status(earlier.response, ctx.status_path) < 300
        ):
            yield position, earlier


@check("unique")
def unique(ctx: CheckContext, *, path: str) -> Outcome:
    """``path`` repeats no value of an earlier accepted request of the same operation."""
    value = _first(ctx.request_document, path)
    if value is NO_JSON:
        return None
    for position, earlier in _accepted(ctx, ctx.exchange.operation):
        if _first(ctx.document_of(earlier.request), path) == value:
            seen = earlier.index if earlier.index is not None else position
            return [
                Violation(
                    path, "a value not accepted before", f"{show(value)}, accepted in interaction {seen}"
                )
            ]
    return []


@check("repeat_accepted")
def repeat_accepted(ctx: CheckContext, *, path: str, conflict_statuses: list[int]) -> Outcome:
    """A request repeating an earlier value at ``path`` (and breaking no request rule) is not refused as a duplicate."""
    value = _first(ctx.request_document, path)
    if value is NO_JSON or ctx.status is None or any(ctx.request_violations.values()):
        return None
    if not any(
        _first(ctx.document_of(e.request), path) == value for _, e in _accepted(ctx, ctx.exchange.operation)
    ):
        return None
    if ctx.status in conflict_statuses:
        return [Violation(path, "repeat accepted (duplicates are not rejected)", ctx.status_text())]
    return []


@check("accepts_conforming")
def accepts_conforming(
    ctx: CheckContext,
    *,
    rejection_statuses: list[int],
    unless_path: str | None = None,
    unless_pattern: str | None = None,
) -> Outcome:
    """A request that breaks no request rule is not rejected as invalid.

    ``unless_path``/``unless_pattern``: rejections whose answer matches depend on vendor-side state
    ("does not exist"), not on the request, and are not judged here.
    """
    if ctx.status is None or ctx.credentials_refused or any(ctx.request_violations.values()):
        return None  # a refused key is the auth rules' business, not a rejected request
    if ctx.status not in rejection_statuses:
        return []
    if unless_path and unless_pattern:
        answered = (
            [v for _, v in resolve(ctx.response_document, unless_path)]
            if ctx.response_document is not NO_JSON
            else []
        )
        if any(isinstance(v, str) and re.search(unless_pattern, v) for v in answered):
            return None
    received = f"rejected with {ctx.status_text()}"
    message = (
        next((v for _, v in resolve(ctx.response_document, unless_path)), None)
        if unless_path and ctx.response_document is not NO_JSON
        else None
    )
    if isinstance(message, str):
        received += f": {show(message)}"
    return [Violation("", "accepted: the request breaks no documented rule", received)]


@check("reads_back")
def reads_back(ctx: CheckContext, *, created_by: str, id_path: str, fields: Mapping[str, str]) -> Outcome:
    """A resource read by its id shows what the creating request sent (``fields``: read path → sent path)."""
    response_document = ctx.response_document
    if response_document is NO_JSON:
        return None
    resource_id = ctx.exchange.request.path.rstrip("/").rsplit("/", 1)[-1]
    creator = next(
        (
            e
            for _, e in _accepted(ctx, created_by)
            if _first(ctx.document_of(e.response), id_path) == resource_id
        ),
        None,
    )
    if creator is None:
        return None
    sent_document = ctx.document_of(creator.request)
    out = []
    for read_path, sent_path in fields.items():
        sent = [v for _, v in resolve(sent_document, sent_path)]
        if not sent:
            continue
        read = [v for _, v in resolve(response_document, read_path)]
        if read != sent:
            out.append(
                Violation(
                    read_path,
                    f"{', '.join(map(show, sent))}, as sent",
                    ", ".join(map(show, read)) or "absent",
                )
            )
    return out

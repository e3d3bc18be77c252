"""Checks that need earlier exchanges: duplicates, and reading back what was created."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal

from b2bconform.engine.checks.documents import show
from b2bconform.engine.checks.history_index import AcceptedIndex
from b2bconform.engine.checks.memo import derived
from b2bconform.engine.checks.registry import CheckContext, Outcome, check, message_document
from b2bconform.engine.documents import effective_status
from b2bconform.engine.model import NO_JSON, Exchange, Request, Response, Violation
from b2bconform.engine.pointers import resolve


def _first(document: Any, path: str) -> Any:
    if document is NO_JSON:
        return NO_JSON
    return next((value for _, value in resolve(document, path)), NO_JSON)


def _accepted(ctx: CheckContext, operation: str | None) -> Iterator[tuple[int, Exchange]]:
    for position, earlier in enumerate(ctx.history):
        if earlier.operation == operation and _was_accepted(earlier, ctx.status_path):
            yield position, earlier


def _was_accepted(exchange: Exchange, status_path: str | None) -> bool:
    response = exchange.response
    if response is None:
        return False
    status = derived(response, ("status", status_path), lambda: effective_status(response, status_path))
    return 200 <= status < 300


Part = Literal["request", "response"]


def _first_accepted(
    ctx: CheckContext, operation: str | None, part: Part, path: str, value: Any
) -> tuple[int, Exchange] | None:
    """The earliest accepted exchange of ``operation`` in the history whose ``part`` holds ``value``
    first at ``path``, with its position: one lookup in an index kept beside a history that can
    have one (the audit's deque), else a walk through it."""
    settings = (ctx.request_parameters, ctx.list_elements, ctx.xml, ctx.status_path)
    history = ctx.history
    try:
        weakref.ref(history)
    except TypeError:  # a plain list (a suite session's): walk it
        return next(
            (
                (position, earlier)
                for position, earlier in _accepted(ctx, operation)
                if _first_of(getattr(earlier, part), path, *settings[:3]) == value
            ),
            None,
        )
    key = ("accepted", operation, part, path, settings)
    index = derived(history, key, lambda: AcceptedIndex(_valuer(operation, part, path, settings)))
    return index.first(history, value)


def _valuer(
    operation: str | None, part: Part, path: str, settings: tuple[str, frozenset[str], bool, str | None]
) -> Callable[[Exchange], Any]:
    # built from plain settings only: the index lives as long as its history and must not keep
    # a check's context (and with it the history) alive
    parameters, list_elements, xml, status_path = settings

    def value_of(exchange: Exchange) -> Any:
        if exchange.operation != operation or not _was_accepted(exchange, status_path):
            return NO_JSON
        return _first_of(getattr(exchange, part), path, parameters, list_elements, xml)

    return value_of


def _first_of(
    message: Request | Response | None, path: str, parameters: str, list_elements: frozenset[str], xml: bool
) -> Any:
    """``path``'s first value in a message: worked out once per message, however often compared."""
    if message is None:
        return NO_JSON
    key = ("first", path, parameters, list_elements, xml)
    return derived(
        message, key, lambda: _first(message_document(message, parameters, list_elements, xml), path)
    )


@check("unique")
def unique(ctx: CheckContext, *, path: str) -> Outcome:
    """``path`` repeats no value of an earlier accepted request of the same operation."""
    value = _first(ctx.request_document, path)
    if value is NO_JSON:
        return None
    found = _first_accepted(ctx, ctx.exchange.operation, "request", path, value)
    if found is not None:
        position, earlier = found
        seen = earlier.index if earlier.index is not None else position
        return [
            Violation(path, "a value not accepted before", f"{show(value)}, accepted in interaction {seen}")
        ]
    return []


@check("repeat_accepted")
def repeat_accepted(ctx: CheckContext, *, path: str, conflict_statuses: list[int]) -> Outcome:
    """A request repeating an earlier value at ``path`` (and breaking no request rule) is not refused as a duplicate."""
    value = _first(ctx.request_document, path)
    if value is NO_JSON or ctx.status is None or any(ctx.request_violations.values()):
        return None
    if _first_accepted(ctx, ctx.exchange.operation, "request", path, value) is None:
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
    found = _first_accepted(ctx, created_by, "response", id_path, resource_id)
    if found is None:
        return None
    creator = found[1]
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

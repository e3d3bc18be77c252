"""Checks on the HTTP envelope: status codes, headers, transport."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from b2bconform.engine.checks.registry import CheckContext, Outcome, check
from b2bconform.engine.model import Violation


@check("status_in")
def status_in(ctx: CheckContext, *, statuses: Sequence[int]) -> Outcome:
    if ctx.status is None:
        return None
    if ctx.status in statuses:
        return []
    documented = ", ".join(map(str, statuses))
    unit = "Code" if ctx.status_path else "HTTP status"
    return [Violation("", f"{unit} {documented}", ctx.status_text())]


@check("header_present")
def header_present(
    ctx: CheckContext, *, name: str, pattern: str | None = None, meaning: str | None = None
) -> Outcome:
    """The request carries header ``name`` with a non-blank value (matching ``pattern`` when given;
    the value is never quoted in the finding: it may be a credential)."""
    value = ctx.exchange.request.headers.get(name)
    if value is None:
        return None if pattern is not None else [Violation(f"header {name}", "present", "absent")]
    if not value.strip():
        return [Violation(f"header {name}", "a non-blank value", "blank")]
    if pattern is not None and re.fullmatch(pattern, value) is None:
        return [Violation(f"header {name}", meaning or f"matching {pattern}", _shape(value))]
    return []


def _shape(value: str) -> str:
    """What a header value looks like, without revealing it: its first word when it has several."""
    words = value.split()
    if len(words) > 1:
        return f'"{words[0]} …" ({len(value)} characters)'
    return f"one word of {len(value)} characters"


@check("content_type")
def content_type(ctx: CheckContext, *, media_type: str | Sequence[str]) -> Outcome:
    """The message's Content-Type is (one of) ``media_type``: the request for request-side rules."""
    message = ctx.exchange.request if ctx.rule.is_request_side else ctx.exchange.response
    if message is None or not message.body:
        return None
    allowed = [media_type] if isinstance(media_type, str) else list(media_type)
    received = message.headers.get("content-type")
    expected = " or ".join(allowed)
    if received is None:
        return [Violation("header Content-Type", expected, "absent")]
    if received.split(";")[0].strip().lower() not in {m.lower() for m in allowed}:
        return [Violation("header Content-Type", expected, received)]
    return []


# In-process and loopback stand-ins (the sandboxes) have no TLS to judge.
_LOCAL_HOSTS = frozenset({"testserver", "localhost", "127.0.0.1", "::1"})


@check("https")
def https(ctx: CheckContext) -> Outcome:
    url = urlsplit(ctx.exchange.request.url)
    if not url.scheme or (url.hostname or "") in _LOCAL_HOSTS:
        return None
    return [] if url.scheme.lower() == "https" else [Violation("url", "https", url.scheme)]

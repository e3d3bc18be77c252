"""Checks on the HTTP envelope: status codes, headers, transport."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from b2bconform.checks.registry import CheckContext, Outcome, check
from b2bconform.model import Violation


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
def header_present(ctx: CheckContext, *, name: str) -> Outcome:
    """The request carries header ``name`` with a non-blank value."""
    value = ctx.exchange.request.headers.get(name)
    if value is None:
        return [Violation(f"header {name}", "present", "absent")]
    if not value.strip():
        return [Violation(f"header {name}", "a non-blank value", "blank")]
    return []


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

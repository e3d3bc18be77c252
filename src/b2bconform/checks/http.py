"""Checks on the HTTP envelope: status codes, headers, transport."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from b2bconform.checks.registry import CheckContext, Outcome, check
from b2bconform.model import Violation


@check("status_in")
def status_in(ctx: CheckContext, *, statuses: Sequence[int]) -> Outcome:
    response = ctx.exchange.response
    if response is None:
        return None
    if response.status in statuses:
        return []
    documented = ", ".join(map(str, statuses))
    return [Violation("", f"HTTP status {documented}", f"HTTP {response.status}")]


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
def content_type(ctx: CheckContext, *, media_type: str) -> Outcome:
    response = ctx.exchange.response
    if response is None or not response.body:
        return None
    received = response.headers.get("content-type")
    if received is None:
        return [Violation("header Content-Type", media_type, "absent")]
    if received.split(";")[0].strip().lower() != media_type.lower():
        return [Violation("header Content-Type", media_type, received)]
    return []


# In-process and loopback stand-ins (the sandboxes) have no TLS to judge.
_LOCAL_HOSTS = frozenset({"testserver", "localhost", "127.0.0.1", "::1"})


@check("https")
def https(ctx: CheckContext) -> Outcome:
    url = urlsplit(ctx.exchange.request.url)
    if not url.scheme or (url.hostname or "") in _LOCAL_HOSTS:
        return None
    return [] if url.scheme.lower() == "https" else [Violation("url", "https", url.scheme)]

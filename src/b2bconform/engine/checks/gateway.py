"""Checks on answers an API gateway gives itself, before the API behind it reads the call."""

from __future__ import annotations

from collections.abc import Sequence

from b2bconform.engine.checks.documents import show
from b2bconform.engine.checks.registry import CheckContext, Outcome, check
from b2bconform.engine.model import NO_JSON, Violation
from b2bconform.engine.pointers import select

__all__ = ["gateway_refusal"]


@check("gateway_refusal")
def gateway_refusal(
    ctx: CheckContext,
    *,
    statuses: Sequence[int],
    status_member: str = "/statusCode",
    message_member: str = "/message",
) -> Outcome:
    """The answer is a gateway's own refusal (Azure API Management: ``{"statusCode": 401, "message":
    "Access denied ..."}``): one of ``statuses``, whose body repeats that status as a JSON number at
    ``status_member`` and explains it in a non-empty string at ``message_member``."""
    if ctx.status is None:
        return None
    expected = "a gateway refusal: HTTP " + ", ".join(map(str, statuses)) + " with the gateway's own body"
    if ctx.status not in statuses:
        return [Violation("", expected, ctx.status_text())]
    document = ctx.response_document
    if document is NO_JSON or not isinstance(document, dict):
        return [Violation("", expected, show(document))]
    code = [v for _, v in select(document, status_member)]
    text = [v for _, v in select(document, message_member)]
    if not code or isinstance(code[0], bool) or code[0] != ctx.status:
        received = show(code[0]) if code else "absent"
        return [Violation(status_member, f"{ctx.status} (JSON number), the HTTP status", received)]
    if not text or not isinstance(text[0], str) or not text[0].strip():
        return [Violation(message_member, "a message", show(text[0]) if text else "absent")]
    return []

"""Faults that change a faithful sandbox's answers on their way out: a message worded otherwise, a
quoted URI that is not the one asked for, a refusal with another status. The sandbox's own logic
stays faithful; the fault is one rewrite of the answers it names, so that the rule it breaks is
the only thing that changed (the fault self-test proves that of each)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["AnswerRewrite", "rewriting"]


@dataclass(frozen=True)
class AnswerRewrite:
    """On requests whose path matches ``path`` (a regex, searched), in answers whose body matches
    ``when``: ``old`` (a regex) becomes ``new`` in the body, and the status becomes ``status``."""

    path: str
    when: str = ""
    old: str = ""
    new: str = ""
    status: int | None = None

    def apply(self, status: int, body: bytes) -> tuple[int, bytes]:
        text = body.decode("utf-8", "replace")
        if not re.search(self.when, text):
            return status, body
        if self.old:
            text = re.sub(self.old, self.new, text)
        return self.status or status, text.encode("utf-8")


def rewriting(app: ASGIApp, rewrite: AnswerRewrite) -> ASGIApp:
    """``app`` with ``rewrite`` applied to the answers of the requests it names (each answer is
    held until its body is complete, then sent with its Content-Length set anew)."""

    async def rewritten(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not re.search(rewrite.path, scope.get("path", "")):
            await app(scope, receive, send)
            return
        start: dict[str, object] = {}
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            status, body = rewrite.apply(int(start["status"]), b"".join(chunks))  # type: ignore[call-overload]
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]  # type: ignore[attr-defined]
            headers.append((b"content-length", str(len(body)).encode("ascii")))
            await send({**start, "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, hold)

    return rewritten

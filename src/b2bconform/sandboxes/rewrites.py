"""Faults that change a faithful sandbox's answers on their way out: a message worded otherwise, a
quoted URI that is not the one asked for, a refusal with another status. The sandbox's own logic
stays faithful; the fault is one rewrite of the answers it names, so that the rule it breaks is
the only thing that changed (the fault self-test proves that of each)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from b2bconform.engine.model import Headers, Request

__all__ = ["AnswerRewrite", "Rewrite", "rewriting"]

RawHeaders = list[tuple[bytes, bytes]]


class Rewrite(Protocol):
    """A change of the answers to the requests whose path matches ``path`` (a regex, searched)."""

    @property
    def path(self) -> str: ...

    def rewrite(
        self, asked: Request, status: int, headers: RawHeaders, body: bytes
    ) -> tuple[int, RawHeaders, bytes]:
        """The answer to ``asked`` as the fault sends it."""
        ...


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

    def rewrite(
        self, asked: Request, status: int, headers: RawHeaders, body: bytes
    ) -> tuple[int, RawHeaders, bytes]:
        status, body = self.apply(status, body)
        return status, headers, body


def rewriting(app: ASGIApp, rewrite: Rewrite) -> ASGIApp:
    """``app`` with ``rewrite`` applied to the answers of the requests it names (each request is read
    as it reaches the app, each answer held until its body is complete, then sent with its
    Content-Length set anew)."""

    async def rewritten(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not re.search(rewrite.path, scope.get("path", "")):
            await app(scope, receive, send)
            return
        sent: list[bytes] = []

        async def read() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                sent.append(message.get("body", b""))
            return message

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
            status, headers, body = rewrite.rewrite(
                _asked(scope, b"".join(sent)),
                int(start["status"]),  # type: ignore[call-overload]
                [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"],  # type: ignore[attr-defined]
                b"".join(chunks),
            )
            headers.append((b"content-length", str(len(body)).encode("ascii")))
            await send({**start, "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, read, hold)

    return rewritten


def _asked(scope: Scope, body: bytes) -> Request:
    """The request as the app received it (the URL rebuilt from the scope)."""
    headers = Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])])
    host = headers.get("host") or "testserver"
    query = scope.get("query_string", b"").decode("latin-1")
    url = f"{scope.get('scheme', 'http')}://{host}{scope.get('path', '/')}" + (f"?{query}" if query else "")
    return Request(scope.get("method", "GET"), url, headers, body)

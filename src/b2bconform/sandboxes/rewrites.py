"""Faults that change a faithful sandbox's answers on their way out: a message worded otherwise, a
quoted URI that is not the one asked for, a refusal with another status. The sandbox's own logic
stays faithful; the fault is one rewrite of the answers it names, so that the rule it breaks is
the only thing that changed (the fault self-test proves that of each)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from b2bconform.engine.model import Exchange, Headers, Request, Response

__all__ = ["SERVED_KEPT", "AnswerRewrite", "RawHeaders", "Rewrite", "rewriting"]

RawHeaders = list[tuple[bytes, bytes]]

# answers a rewrite may read back (a rule on history, such as a read-back, compares with them)
SERVED_KEPT = 50


class Rewrite(Protocol):
    """A change of the answers to the requests whose path matches ``path`` (a regex, searched)."""

    @property
    def path(self) -> str: ...

    def rewrite(
        self, asked: Request, status: int, headers: RawHeaders, body: bytes, served: Sequence[Exchange] = ()
    ) -> tuple[int, RawHeaders, bytes]:
        """The answer to ``asked`` as the fault sends it; ``served``: the app's earlier exchanges,
        as sent (the last ``SERVED_KEPT`` of the requests the rewrite names)."""
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
        self, asked: Request, status: int, headers: RawHeaders, body: bytes, served: Sequence[Exchange] = ()
    ) -> tuple[int, RawHeaders, bytes]:
        status, body = self.apply(status, body)
        return status, headers, body


def rewriting(app: ASGIApp, rewrite: Rewrite) -> ASGIApp:
    """``app`` with ``rewrite`` applied to the answers of the requests it names (each request is read
    as it reaches the app, each answer held until its body is complete, then sent with its
    Content-Length set anew). The exchanges it sent are kept for the next rewrites to read, for as
    long as the app serves: a suite never resets a sandbox it runs against."""
    served: deque[Exchange] = deque(maxlen=SERVED_KEPT)

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
            asked = _asked(scope, b"".join(sent))
            status, headers, body = rewrite.rewrite(
                asked,
                int(start["status"]),  # type: ignore[call-overload]
                [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"],  # type: ignore[attr-defined]
                b"".join(chunks),
                tuple(served),
            )
            served.append(Exchange("", asked, Response(status, _headers(headers), body)))
            headers.append((b"content-length", str(len(body)).encode("ascii")))
            await send({**start, "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, read, hold)

    return rewritten


def _headers(raw: RawHeaders) -> Headers:
    return Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw])


def _asked(scope: Scope, body: bytes) -> Request:
    """The request as the app received it (the URL rebuilt from the scope)."""
    headers = _headers(scope.get("headers", []))
    host = headers.get("host") or "testserver"
    query = scope.get("query_string", b"").decode("latin-1")
    url = f"{scope.get('scheme', 'http')}://{host}{scope.get('path', '/')}" + (f"?{query}" if query else "")
    return Request(scope.get("method", "GET"), url, headers, body)

"""SOAP through the harness: a zeep client whose transport is a harness ``Target``.

zeep builds and parses the envelopes (with ``zeep.wsse.username.UsernameToken``, PasswordText);
every call it makes goes through the same Target as REST traffic (in-process sandbox, live httpx,
respx in unit tests) and is handed to ``on_exchange`` so the engine judges it like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import zeep
from zeep.wsse.username import UsernameToken

from b2bconform.engine.model import Exchange, Headers, Request
from b2bconform.targets import Target

__all__ = ["TargetTransport", "soap_client"]


class TargetTransport(zeep.Transport):
    """zeep transport that posts through a harness Target and loads documents from local files."""

    def __init__(self, target: Target, on_exchange: Callable[[Exchange], Any] | None = None) -> None:
        super().__init__()
        self.target = target
        self.on_exchange = on_exchange

    def post(self, address: str, message: bytes | str, headers: dict[str, str]) -> requests.Response:
        body = message.encode("utf-8") if isinstance(message, str) else message
        exchange = self.target.send(Request("POST", address, Headers(headers), body), with_credentials=False)
        if self.on_exchange is not None:
            self.on_exchange(exchange)
        assert exchange.response is not None
        reply = requests.Response()
        reply.status_code = exchange.response.status
        reply._content = exchange.response.body
        reply.headers.update(dict(exchange.response.headers.pairs()))
        reply.encoding = "utf-8"
        return reply

    def load(self, url: str) -> bytes:
        # The WSDL and XSDs are the contract's own files: never fetched from the system under test.
        if url.startswith(("http://", "https://")):
            raise ValueError(f"refusing to fetch {url}: the contract's WSDL must import local files only")
        return Path(url.removeprefix("file://")).read_bytes()


def soap_client(
    wsdl: Path,
    target: Target,
    address: str,
    *,
    username: str,
    password: str,
    on_exchange: Callable[[Exchange], Any] | None = None,
) -> Any:
    """A zeep service proxy for the WSDL's first binding, bound to ``address`` on ``target``."""
    client = zeep.Client(
        str(wsdl), transport=TargetTransport(target, on_exchange), wsse=UsernameToken(username, password)
    )
    binding = next(iter(client.wsdl.bindings))
    return client.create_service(binding, address)

"""A SOAP 1.1 sandbox built from a contract: the contract's WSDL served at ``?wsdl``, every request
judged by the contract's own request rules (a request breaking one is refused the way the API says
it refuses that rule), the caller's credentials read where the contract says they travel, and every
other request answered by the API's particulars (``answer``).
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from b2bconform.engine.contract import contract_of
from b2bconform.engine.documents import element_at, xml_root
from b2bconform.engine.model import Exchange, Headers, Request
from b2bconform.engine.rules import Credential
from b2bconform.sandboxes.base import Credentials, Sandbox

__all__ = ["ContractSoapSandbox", "fault_envelope", "text_at"]

XML = "text/xml; charset=utf-8"


def text_at(root: etree._Element | None, path: str) -> str | None:
    """The text at a path of local names (``/Envelope/Body/Request/id``), or None when absent."""
    node = element_at(root, path) if root is not None else None
    return None if node is None else (node.text or "")


class ContractSoapSandbox(Sandbox):
    """The generic part of a SOAP sandbox; an API adds its state, its answers and its refusals."""

    #: What each credential is and where a client sends it (the banner of a served sandbox): the
    #: contract's ``credentials``, as a WSDL describes no security.
    credential_notes: ClassVar[Mapping[str, str]] = {}
    credential_locations: ClassVar[Mapping[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "api" in vars(cls):
            declared = contract_of(cls.api).rules.credentials
            cls.credential_notes = {c.name: c.meaning for c in declared}
            cls.credential_locations = {
                c.name: f"header {c.at}" if c.where == "header" else f"SOAP Body: {c.at}" for c in declared
            }

    def __init__(self, fault: str | None = None, *, credentials: Credentials | None = None) -> None:
        super().__init__(fault, credentials=credentials)
        self.contract = contract_of(self.api)
        self.reset()

    @classmethod
    def credential_fields(cls) -> tuple[Credential, ...]:
        return contract_of(cls.api).rules.credentials

    # ── what each API writes ────────────────────────────────────────────────────────────────

    @abstractmethod
    def refusal(self, broken: Sequence[str], request: etree._Element) -> tuple[int, bytes] | None:
        """The answer to a request breaking the rules ``broken`` (ids, in catalogue order); None: the
        API answers it as a conforming one."""

    @abstractmethod
    def answer(self, operation: str, request: etree._Element, caller: Mapping[str, str]) -> tuple[int, bytes]:
        """The answer to a conforming request of ``operation``; ``caller``: the credentials it sent."""

    # ── the Sandbox interface ───────────────────────────────────────────────────────────────

    def asgi(self) -> ASGIApp:
        path = self.contract.soap_service[0]
        return Starlette(routes=[Route(path, self._dispatch, methods=["GET", "POST"])])

    def client_headers(self, site: int = 0) -> dict[str, str]:
        return {c.name: v for c, v in self._presented(site) if c.where == "header"}

    def client_credentials(self, site: int = 0) -> dict[str, str]:
        return dict((c.name, v) for c, v in self._presented(site))

    def _presented(self, site: int) -> list[tuple[Credential, str]]:
        if not 0 <= site < len(self.credential_sites):
            raise IndexError(f"the {self.api} sandbox has no site {site}")
        values = self.credential_sites[site]
        return [(c, values[c.name]) for c in self.credential_fields() if c.name in values]

    # ── serving ─────────────────────────────────────────────────────────────────────────────

    async def _dispatch(self, request: StarletteRequest) -> Response:
        if request.method == "GET":
            if request.url.query.lower() != "wsdl":
                return Response("GET ?wsdl, or POST a SOAP request", 404, media_type="text/plain")
            return Response(self._wsdl(str(request.url).split("?")[0]), 200, media_type=XML)
        body = await request.body()
        asked = Request("POST", str(request.url), Headers(request.headers.items()), body)
        operation = self.contract.operation_for(asked)
        judgement = self.contract.check(Exchange(self.api, asked, operation=operation), side="client")
        broken = [rule.id for rule in self.contract.rules if rule.id in {f.rule for f in judgement.findings}]
        root = xml_root(body)
        if root is None or operation is None:  # no request of this service: SOAP 1.1's Client fault
            return Response(
                fault_envelope("Client", "not a SOAP request of this service"), 500, media_type=XML
            )
        with self._lock:
            refused = self.refusal(broken, root) if broken else None
            if refused is None:
                caller = {
                    c.name: text_at(root, c.at) or "" for c in self.credential_fields() if c.where == "body"
                }
                caller.update(
                    {
                        c.name: request.headers.get(c.at, "")
                        for c in self.credential_fields()
                        if c.where == "header"
                    }
                )
                refused = self.answer(operation, root, caller)
        status, answer = refused
        return Response(answer, status, media_type=XML)

    def _wsdl(self, address: str) -> bytes:
        (wsdl,) = sorted(self.contract.root.glob("*.wsdl"))
        text = wsdl.read_text(encoding="utf-8")
        return re.sub(r'(<soap:address\s+location=")[^"]*(")', rf"\g<1>{address}\g<2>", text).encode("utf-8")


SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"


def fault_envelope(code: str, reason: str) -> bytes:
    """A SOAP 1.1 Fault: faultcode s:Client or s:Server (s:VersionMismatch), faultstring ``reason``."""
    envelope = etree.Element(f"{{{SOAP11_NS}}}Envelope", nsmap={"s": SOAP11_NS})
    fault = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP11_NS}}}Body"), f"{{{SOAP11_NS}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"s:{code}"
    etree.SubElement(fault, "faultstring").text = reason
    data: bytes = etree.tostring(envelope, xml_declaration=False, encoding="utf-8")
    return data

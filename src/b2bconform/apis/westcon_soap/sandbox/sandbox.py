"""WestconSoapSandbox: a faithful double of the Westcon SOAP Order Status v2 service, with its faults."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from b2bconform.apis.westcon_soap.sandbox import request as soap
from b2bconform.apis.westcon_soap.sandbox.envelopes import (
    SYSTEM_ERROR_DETAIL,
    ErrorEntry,
    RenderOptions,
    fault_envelope,
    result_envelope,
)
from b2bconform.apis.westcon_soap.sandbox.faults import FAULTS
from b2bconform.apis.westcon_soap.sandbox.orders import (
    Order,
    OrderBook,
    OrderNumberKind,
    seed_orders,
)
from b2bconform.apis.westcon_soap.sandbox.request import Query, SoapFault
from b2bconform.apis.westcon_soap.sandbox.security import PASSWORD_TEXT, Token, read_token
from b2bconform.apis.westcon_soap.sandbox.service_documents import schema_document, wsdl_document
from b2bconform.engine.contract import contract_of
from b2bconform.errors import UsageError
from b2bconform.sandboxes.base import Credentials, Fault, Sandbox
from b2bconform.sandboxes.refusals import as_sent, breaking_paths

__all__ = ["ACCOUNTS", "SERVICE_PATH", "SYSTEM_ERROR_ORDER_NUMBER", "Account", "WestconSoapSandbox"]

#: The service's path (3.0); routes compare case-insensitively (production spells /b2b/).
SERVICE_PATH = "/B2B/OrderStatus/v2/OrderStatus.svc"

#: An order number that, queried in an otherwise valid call, gets the documented system error (3.2).
SYSTEM_ERROR_ORDER_NUMBER = "SANDBOX-SYSTEM-ERROR"

_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_ACCOUNT_LENGTH = 10  # CustomerAccountNumber is String(10), and it must equal the Username (4.0)
_XML = "text/xml; charset=utf-8"
_AUTH_FAILED = "Authentication failed"
_INTERNAL_ERROR = "The server was unable to process the request due to an internal error."
_HELP_PAGE = (
    "<html><head><title>OrderStatus Service</title></head><body><h1>OrderStatus Service</h1>"
    "<p>This is the b2bconform sandbox of the Westcon Order Status v2 service. Its description is at "
    '<a href="{url}?wsdl">{url}?wsdl</a>.</p></body></html>'
)


@dataclass(frozen=True)
class Account:
    """One customer account: the account number is the WS-Security username (4.0)."""

    number: str
    password: str


# Sandbox-only demo credentials: not secrets, never the vendor document's sample key; as long as
# the document's authentication key (WESTCON_SOAP-AUTH-006), so the harness's own calls honour it.
ACCOUNTS: tuple[Account, ...] = (
    Account("1001065", "sbx-wsc-key-0000000000000000-1001065"),
    Account("2002002", "sbx-wsc-key-0000000000000000-2002002"),
)


def _is_service_path(path: str) -> bool:
    return path.lower() == SERVICE_PATH.lower()


class WestconSoapSandbox(Sandbox):
    """GET ?wsdl / ?xsd=<file> and POST GetOrderStatus (SOAP 1.1) at SERVICE_PATH, held in memory."""

    api: ClassVar[str] = "westcon_soap"
    faults: ClassVar[Mapping[str, Fault]] = FAULTS
    #: Where the service answers (its WSDL at ``?wsdl``), below the base URL.
    service_path: ClassVar[str] = SERVICE_PATH
    #: What each credential is and where a client sends it: the WSDL describes no security policy.
    credential_notes: ClassVar[Mapping[str, str]] = {
        "Username": f"The customer account number; CustomerAccountNumber must equal it (up to {_ACCOUNT_LENGTH} characters).",
        "Password": "The account's authentication key.",
    }
    credential_locations: ClassVar[Mapping[str, str]] = {
        "Username": "SOAP Header: wsse:Security/wsse:UsernameToken/wsse:Username (WS-Security)",
        "Password": "SOAP Header: wsse:Security/wsse:UsernameToken/wsse:Password, "
        f"Type {PASSWORD_TEXT.rpartition('#')[2]} (WS-Security)",
    }

    def __init__(self, fault: str | None = None, *, credentials: Credentials | None = None) -> None:
        super().__init__(fault, credentials=credentials)
        self._accounts = tuple(Account(site["Username"], site["Password"]) for site in self.credential_sites)
        if any(len(account.number) > _ACCOUNT_LENGTH for account in self._accounts):
            raise UsageError(
                f"the {self.api} sandbox's Username is the CustomerAccountNumber: up to {_ACCOUNT_LENGTH} characters"
            )
        # A caller's account takes over the seed orders of the demo account it replaces.
        self._owners = {demo.number: own.number for demo, own in zip(ACCOUNTS, self._accounts, strict=False)}
        self._book = self._seeded()

    @classmethod
    def demo_credentials(cls) -> tuple[dict[str, str], ...]:
        return tuple({"Username": account.number, "Password": account.password} for account in ACCOUNTS)

    def _seeded(self) -> OrderBook:
        owners = self._owners
        return OrderBook(
            [dataclasses.replace(o, account=owners.get(o.account, o.account)) for o in seed_orders()]
        )

    # ── Sandbox interface ──────────────────────────────────────────────────────────────────

    def asgi(self) -> ASGIApp:
        return Starlette(routes=[Route("/{path:path}", self._dispatch, methods=_ALL_METHODS)])

    def reset(self) -> None:
        with self._lock:
            self._book = self._seeded()

    def client_headers(self, site: int = 0) -> dict[str, str]:
        """SOAP carries its credentials in the envelope (see ``credentials``), not in HTTP headers."""
        self.credentials(site)  # the same UsageError for an unknown site
        return {}

    def client_credentials(self, site: int = 0) -> dict[str, str]:
        username, password = self.credentials(site)
        return {"Username": username, "Password": password}

    def credentials(self, site: int = 0) -> tuple[str, str]:
        """(username, password) of the WS-Security UsernameToken for account ``site`` (0 or 1)."""
        if not 0 <= site < len(self._accounts):
            sites = ", ".join(f"{index} ({account.number})" for index, account in enumerate(self._accounts))
            raise UsageError(f"the {self.api} sandbox has no site {site}; sites: {sites}")
        return self._accounts[site].number, self._accounts[site].password

    def add_order(self, order: Order) -> None:
        """Seed one more order (until the next ``reset``); its account need not be a demo account."""
        if not (order.account.isdigit() and len(order.account) <= 10):
            raise UsageError(f"account {order.account!r}: up to 10 digits")
        if not (order.erp_number.isdigit() and len(order.erp_number) <= 10):
            raise UsageError(f"Westcon order number {order.erp_number!r}: up to 10 digits")
        with self._lock:
            self._book.add(order)

    # ── routing and transport ──────────────────────────────────────────────────────────────

    async def _dispatch(self, request: Request) -> Response:
        if not _is_service_path(request.url.path):
            return self._plain(404, "Not found: the service is at " + SERVICE_PATH)
        if request.method == "POST":
            return self._call(await request.body())
        if request.method in ("GET", "HEAD"):
            return self._describe(request)
        return self._plain(405, "Method not allowed: GET (?wsdl, ?xsd=) or POST", {"Allow": "GET, POST"})

    def _plain(self, status: int, text: str, headers: dict[str, str] | None = None) -> Response:
        return Response(text, status, headers, media_type="text/plain; charset=utf-8")

    def _xml(self, status: int, body: bytes) -> Response:
        return Response(body, status, media_type=_XML)

    def _describe(self, request: Request) -> Response:
        """GET: the WSDL (?wsdl), one XSD (?xsd=<file>), or WCF's help page."""
        service_url = str(request.base_url).rstrip("/") + SERVICE_PATH
        query = request.url.query
        if query.lower() == "wsdl":
            return self._xml(200, wsdl_document(service_url))
        xsd = next((value for key, value in parse_qsl(query) if key.lower() == "xsd"), None)
        if xsd is not None:
            document = schema_document(xsd, service_url)
            if document is None:
                return self._plain(404, f"Not found: no schema {xsd!r}")
            return self._xml(200, document)
        page = _HELP_PAGE.format(url=service_url)
        return Response(page, 200, media_type="text/html; charset=utf-8")

    def _fault(self, fault: SoapFault) -> Response:
        return self._xml(500, fault_envelope(fault.code, fault.reason))

    def _now(self) -> datetime:
        return datetime.now(UTC)

    # ── POST: GetOrderStatus ───────────────────────────────────────────────────────────────

    def _call(self, raw: bytes) -> Response:
        try:
            return self._xml(200, self._get_order_status(raw))
        except SoapFault as fault:
            return self._fault(fault)
        except Exception:  # what a WCF service answers when the implementation fails
            return self._fault(SoapFault("Server", _INTERNAL_ERROR))

    def _unenforced(self, raw: bytes) -> list[str]:
        """Where this call breaks the request rule a fault leaves unenforced (nowhere when faithful)."""
        rule = self.broken_rule
        if rule is None or contract_of(self.api).rules.get(rule).direction != "request":
            return []
        return breaking_paths(self.api, soap.OPERATION, rule, as_sent(raw))

    def _get_order_status(self, raw: bytes) -> bytes:
        """The order of judgement: envelope, WS-Security, operation, XSD, account = username, lookup."""
        envelope = soap.parse_envelope(raw)
        user = self._authenticate(read_token(envelope.header))
        operation = soap.operation_element(envelope.body)
        problems = soap.schema_problems(operation, self._unenforced(raw))
        if problems:
            raise soap.invalid_request_fault(problems)
        query = soap.read_query(operation)
        if query.account != user and not self.has("ignores-account-mismatch"):
            raise SoapFault(
                "Client",
                f"{_AUTH_FAILED}: CustomerAccountNumber {query.account!r} does not match "
                f"the UsernameToken Username {user!r}.",
            )
        return self._answer(query)

    def _authenticate(self, token: Token) -> str:
        """The authenticated account number; SoapFault (s:Client, "Authentication failed...") otherwise."""
        username = token.username
        if username is None:
            if not self.has("ignores-missing-token"):
                raise SoapFault(
                    "Client",
                    f"{_AUTH_FAILED}: the message carries no WS-Security UsernameToken with a Username.",
                )
            username = self._accounts[0].number
            if token.password is None:
                return username
        if token.password is None:
            raise SoapFault("Client", f"{_AUTH_FAILED}: the UsernameToken carries no Password.")
        if not token.is_password_text:
            raise SoapFault("Client", f"{_AUTH_FAILED}: only PasswordText passwords are supported.")
        account = next((a for a in self._accounts if a.number == username), None)
        if account is None and self.has("accepts-long-account-number") and len(username) > 10:
            account = Account(username, self._accounts[0].password)  # so a long account can be sent at all
        if account is not None and self.has("accepts-wrong-password"):
            return username
        if account is None or token.password != account.password:
            raise SoapFault("Client", f"{_AUTH_FAILED}: unknown user or wrong password.")
        return username

    def _answer(self, query: Query) -> bytes:
        now = self._now().replace(tzinfo=None)
        options = self._render_options(query)
        customer_number = query.account.zfill(10)
        if SYSTEM_ERROR_ORDER_NUMBER in (number.strip() for number in query.numbers):
            errors = [ErrorEntry("1", SYSTEM_ERROR_DETAIL)]
            return result_envelope(None, customer_number, now, options, errors)
        return result_envelope(self._find(query), customer_number, now, options)

    def _find(self, query: Query) -> list[Order] | None:
        """The orders to return; None (Orders nil) when nothing could be looked up at all."""
        # Only W and C pass the XSD; accepts-unknown-order-type reads any other value as W.
        kind: OrderNumberKind = "C" if query.kind == "C" else "W"
        if query.order_number_type is None and self.has("default-type-customer"):
            kind = "C"
        with self._lock:
            own = query.account in {account.number for account in self._accounts}
            known = own or self._book.has_account(query.account)
            if not query.numbers or not known:
                return None
            return self._book.find(query.account, query.numbers, kind)

    def _render_options(self, query: Query) -> RenderOptions:
        return RenderOptions(
            serials=query.serials or self.has("serials-always"),
            order_errors=[ErrorEntry("0", "none")] if self.has("order-level-errors") else (),
        )

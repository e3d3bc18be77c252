"""WestconRestSandbox: a faithful double of the Westcon REST Order Status API and its Azure AD token
endpoint, with its fault catalogue.

One app serves both hosts of the real service: Azure AD v1 (``POST /{tenant}/oauth2/token``) and
Azure API Management in front of the order API (``POST /Orders/orderStatus``).
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from b2bconform.apis.westcon_rest.sandbox.faults import FAULTS
from b2bconform.apis.westcon_rest.sandbox.orders import (
    PARTNER_KEYS,
    OrderBook,
    OrderType,
    render_line,
    seed_orders,
)
from b2bconform.apis.westcon_rest.sandbox.tokens import TOKEN_LIFETIME, TokenIssuer
from b2bconform.engine.contract import contract_of
from b2bconform.errors import UsageError
from b2bconform.sandboxes.base import Credentials, Fault, credential_header, header_value
from b2bconform.sandboxes.contract_rest import SpecRoutedSandbox
from b2bconform.sandboxes.refusals import broken_request_rules, dotted, spec_schema_errors

__all__ = [
    "CLIENTS",
    "INVALID_KEY_MESSAGE",
    "INVALID_TOKEN_MESSAGE",
    "MISSING_KEY_MESSAGE",
    "ORDER_STATUS_PATH",
    "REQUEST_ROOT",
    "RESOURCE",
    "RESPONSE_ROOT",
    "ROUTE_NOT_FOUND_MESSAGE",
    "SUBSCRIPTION_KEY_HEADER",
    "TENANT",
    "Client",
    "Problem",
    "WestconRestSandbox",
    "contract_tenants",
    "request_problems",
]

# Sandbox-only demo values, never the vendor document's samples. The token endpoint also answers
# under the tenant the contract shows (``contract_tenants``): a tenant names a directory, no secret.
TENANT = "5b2bc0f0-0000-4000-8000-00000000cafe"
RESOURCE = "5b2bc0f0-0000-4000-8000-0000000a9100"

SUBSCRIPTION_KEY_HEADER = credential_header(
    "westcon_rest", "Ocp-Apim-Subscription-Key"
)  # as the contract says
REQUEST_ROOT = "mT_OrderStatus_API_REQ"
RESPONSE_ROOT = "MT_OrderStatus_Response"

# API Management's own wording for its 401s and 404s.
MISSING_KEY_MESSAGE = (
    "Access denied due to missing subscription key. "
    "Make sure to include subscription key when making requests to an API."
)
INVALID_KEY_MESSAGE = (
    "Access denied due to invalid subscription key. "
    "Make sure to provide a valid key for an active subscription."
)
INVALID_TOKEN_MESSAGE = "Unauthorized. Access token is missing or invalid."
ROUTE_NOT_FOUND_MESSAGE = "Resource not found"


@dataclass(frozen=True)
class Client:
    """One registered client application; each belongs to one partner (a site)."""

    client_id: str
    client_secret: str
    subscription_key: str
    partner_key: str


CLIENTS: tuple[Client, ...] = (
    Client(
        "5b2bc0f0-0000-4000-8000-0000000c1001",
        "sbx-westcon-secret-4f1d8a62e07b",
        "sbx-westcon-subscription-2c7e91d4",
        PARTNER_KEYS[0],
    ),
    Client(
        "5b2bc0f0-0000-4000-8000-0000000c1002",
        "sbx-westcon-secret-b93e0c5718da",
        "sbx-westcon-subscription-8a05f3b6",
        PARTNER_KEYS[1],
    ),
)

_JSON = "application/json; charset=utf-8"
_FORM = "application/x-www-form-urlencoded"
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_REQ = "WESTCON_REST-REQ-"
API = "westcon_rest"
ORDER_STATUS_OPERATION = "getOrderStatus"
ORDER_STATUS_PATH = contract_of(API).operation(ORDER_STATUS_OPERATION).template  # the spec's route


# ── the tenant the contract shows ──────────────────────────────────────────────────────────


@cache
def contract_tenants() -> tuple[str, ...]:
    """The tenants the contract's token endpoint shows as its example (the OpenAPI's ``tenant`` path
    parameter, a ``tenant`` server variable), lower-cased: Westcon's own directory, printed in the
    document's token URL. The sandbox accepts them beside its demo TENANT, as another name of the
    same directory: a double must not refuse its contract's own example."""
    from b2bconform.engine.contract import Contract  # the contract is the source of truth for its examples

    found = (value.strip().lower() for value in _tenant_examples(Contract.load("westcon_rest").spec))
    return tuple(dict.fromkeys(value for value in found if value and "/" not in value))


def _tenant_examples(spec: Mapping[str, Any]) -> Iterator[str]:
    """Every value the spec gives as an example of the token endpoint's tenant."""

    def resolve(node: Any) -> Any:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target: Any = spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node = target
        return node

    def strings(value: Any) -> Iterator[str]:
        # a value, a list of them (examples, enum), an Example object or a map of named ones
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, dict):
            yield from strings(value["value"]) if "value" in value else strings(list(value.values()))

    def named(node: Any, *keys: str) -> Iterator[str]:
        node = resolve(node)
        for key in keys if isinstance(node, dict) else ():
            yield from strings(node.get(key))

    for template, item in (spec.get("paths") or {}).items():
        if "{tenant}" not in template or not isinstance(item, dict):
            continue
        operations = [op for op in item.values() if isinstance(op, dict)]
        parameters = [
            *(item.get("parameters") or []),
            *(p for op in operations for p in op.get("parameters") or []),
        ]
        for parameter in map(resolve, parameters):
            if isinstance(parameter, dict) and (parameter.get("name"), parameter.get("in")) == (
                "tenant",
                "path",
            ):
                yield from named(parameter, "example", "examples")
                yield from named(parameter.get("schema"), "example", "examples", "default", "enum")
        servers = [
            *(spec.get("servers") or []),
            *(item.get("servers") or []),
            *(server for op in operations for server in op.get("servers") or []),
        ]
        for server in servers:
            if isinstance(server, dict) and isinstance(server.get("variables"), dict):
                yield from named(server["variables"].get("tenant"), "default", "enum", "examples")


# ── request validation (the 400s) ──────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Problem:
    """What is wrong with a request, and the rule it enforces (None: a type check no rule names)."""

    rule: str | None
    message: str


def request_problems(body: Any) -> list[Problem]:
    """Every request rule of the contract the vendor refuses with 400 that the parsed body breaks,
    in the catalogue's order (the first one is answered). A body or root that is no object is
    refused before any rule reads a member; language (REQ-008, REQ-009) is judged on the client
    only, so the sandbox accepts any."""
    if not isinstance(body, dict):
        return [Problem(f"{_REQ}001", "The request body must be a JSON object.")]
    if REQUEST_ROOT in body and not isinstance(body[REQUEST_ROOT], dict):
        return [Problem(None, f"{REQUEST_ROOT} must be a JSON object.")]
    found = [
        Problem(rule.id, f"{dotted(finding.path) or 'The request body'}: {rule.statement}")
        for rule, finding in broken_request_rules(API, ORDER_STATUS_OPERATION, body, status=400)
    ]
    typed = spec_schema_errors(API, ORDER_STATUS_OPERATION, body)
    return found or [
        Problem(None, f"{dotted(pointer)} is not what the spec's schema says.") for pointer in typed
    ]


def _parse_json(raw: bytes) -> tuple[bool, Any]:
    """(parsed, value): the body as JSON whatever Content-Type says."""
    try:
        return True, json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return False, None


# ── the sandbox ────────────────────────────────────────────────────────────────────────────


class WestconRestSandbox(SpecRoutedSandbox):
    """getAccessToken (Azure AD v1; TENANT or the contract's example tenant) and getOrderStatus,
    routed by the spec, the orders held in memory."""

    api: ClassVar[str] = API
    faults: ClassVar[Mapping[str, Fault]] = FAULTS
    #: The sandbox's own (demo) Azure AD tenant; ``accepted_tenants`` adds the contract's example.
    tenant: ClassVar[str] = TENANT
    token_path: ClassVar[str] = f"/{TENANT}/oauth2/token"
    #: What each credential is, where the contract describes none.
    credential_notes: ClassVar[Mapping[str, str]] = {
        "client_id": "The application (client) id registered in Westcon's Azure AD tenant.",
        "client_secret": "That application's client secret.",
        "partnerKey": "The partner key: the answer holds only this partner's orders.",
    }

    def __init__(
        self,
        fault: str | None = None,
        *,
        clock: Callable[[], float] = time.time,
        credentials: Credentials | None = None,
    ) -> None:
        super().__init__(fault, credentials=credentials)
        self._clients, self._resource = _clients(self.credential_sites)
        # A caller's partnerKey takes over the seed orders of the demo partner it replaces.
        self._owners = {
            demo.partner_key: own.partner_key for demo, own in zip(CLIENTS, self._clients, strict=False)
        }
        self._clock = clock
        self._book = self._seeded()
        #: Issues and verifies this instance's tokens; tests sign crafted claims with ``tokens.sign``.
        self.tokens = TokenIssuer(
            audience=self._resource,
            issuer=f"https://sts.windows.net/{TENANT}/",
            client_ids=[client.client_id for client in self._clients],
            clock=clock,
        )

    @classmethod
    def demo_credentials(cls) -> tuple[dict[str, str], ...]:
        return tuple(_credentials(client, RESOURCE) for client in CLIENTS)

    @classmethod
    def accepted_tenants(cls) -> tuple[str, ...]:
        """The tenants the token endpoint serves: the demo TENANT, then the contract's example."""
        return tuple(dict.fromkeys((cls.tenant, *contract_tenants())))

    def _seeded(self) -> OrderBook:
        owners = self._owners
        return OrderBook(
            dataclasses.replace(o, partner=owners.get(o.partner, o.partner)) for o in seed_orders()
        )

    # ── Sandbox interface ──────────────────────────────────────────────────────────────────

    def reset(self) -> None:
        """Restore the seed. Tokens stay valid: a client's cached token is a credential, not order state
        (``revoke_tokens`` is the way to invalidate them)."""
        with self._lock:
            self._book = self._seeded()

    def client_headers(self, site: int = 0) -> dict[str, str]:
        return {SUBSCRIPTION_KEY_HEADER: self._client(site).subscription_key}

    def client_credentials(self, site: int = 0) -> dict[str, str]:
        return _credentials(self._client(site), self._resource)

    def issue_token(self, site: int = 0, lifetime: int = TOKEN_LIFETIME) -> str:
        """A token for site's application, as the token endpoint would issue it (lifetime < 0: expired)."""
        client = self._client(site)
        with self._lock:
            return self.tokens.issue(client.client_id, lifetime)

    def revoke_tokens(self) -> None:
        """Invalidate every token issued so far (a client must fetch a new one after its 401)."""
        with self._lock:
            self.tokens.revoke_all()

    def _client(self, site: int) -> Client:
        if not 0 <= site < len(self._clients):
            raise IndexError(f"the {self.api} sandbox has no site {site}; sites: 0..{len(self._clients) - 1}")
        return self._clients[site]

    # ── routing and transport ──────────────────────────────────────────────────────────────

    async def serve(self, operation: str, request: Request, path_values: Mapping[str, str]) -> Response:
        if operation == "getAccessToken":
            return await self._token(request, path_values["tenant"])
        return await self._order_status(request)

    async def wrong_method(
        self, operation: str, request: Request, path_values: Mapping[str, str]
    ) -> Response:
        # Azure AD answers another method itself (AADSTS900561); the API's gateway knows no such route
        if operation == "getAccessToken":
            return await self._token(request, path_values["tenant"])
        return self.no_operation(request)

    def no_operation(self, request: Request) -> Response:
        return self._json(404, {"statusCode": 404, "message": ROUTE_NOT_FOUND_MESSAGE})

    def _json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body, ensure_ascii=False), status, headers, media_type=_JSON)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    # ── POST /{tenant}/oauth2/token ────────────────────────────────────────────────────────

    async def _token(self, request: Request, tenant: str) -> Response:
        """Azure AD's order of judgement: tenant, method, grant, client, secret, resource."""
        if tenant.lower() not in self.accepted_tenants():
            return self._aad_error(
                400,
                "invalid_request",
                90002,
                f"Tenant '{tenant}' not found. Check that the tenant ID is right "
                "and that you are signing in to the right cloud.",
            )
        if request.method != "POST":
            return self._aad_error(
                400,
                "invalid_request",
                900561,
                f"The endpoint only accepts POST, OPTIONS requests. Received a {request.method} request.",
            )
        form = await _form(request)
        grant_type = form.get("grant_type")
        if grant_type is None:
            return self._missing_parameter("grant_type")
        if grant_type != "client_credentials":
            return self._aad_error(
                400,
                "unsupported_grant_type",
                70003,
                f"The app requested an unsupported grant type '{grant_type}'.",
            )
        client_id = form.get("client_id")
        if client_id is None:
            return self._missing_parameter("client_id")
        client = next((c for c in self._clients if c.client_id == client_id.lower()), None)
        if client is None or not _GUID.fullmatch(client_id):
            return self._aad_error(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory '{TENANT}'. "
                "The application may not be registered in this tenant.",
            )
        secret = form.get("client_secret")
        if secret is None:
            return self._aad_error(
                401,
                "invalid_client",
                7000216,
                "'client_assertion', 'client_secret' or 'request' is required "
                "for the 'client_credentials' grant type.",
            )
        if not hmac.compare_digest(secret.encode("utf-8"), client.client_secret.encode("utf-8")):
            return self._aad_error(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Send the client secret's value, not its ID, "
                f"for a secret added to app '{client.client_id}'.",
            )
        resource = form.get("resource")
        if resource is not None and (resource.lower() != self._resource or self.has("refuses-resource")):
            return self._aad_error(
                400,
                "invalid_resource",
                500011,
                f"The resource principal named {resource} was not found in the tenant named {TENANT}.",
            )
        with self._lock:
            access_token = self.tokens.issue(client.client_id)
        answer: dict[str, Any] = {
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
            "ext_expires_in": TOKEN_LIFETIME,
            "access_token": access_token,
        }
        return self._json(200, answer, _NO_STORE)

    def _missing_parameter(self, name: str) -> Response:
        text = f"The request body must contain the following parameter: '{name}'."
        return self._aad_error(400, "invalid_request", 900144, text)

    def _aad_error(self, status: int, error: str, code: int, text: str) -> Response:
        """Azure AD's error body: the AADSTS code leads the description, then the trace lines."""
        trace_id, correlation_id = str(uuid.uuid4()), str(uuid.uuid4())
        timestamp = self._now().strftime("%Y-%m-%d %H:%M:%SZ")
        description = f"AADSTS{code}: {text}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}"
        body = {
            "error": error,
            "error_description": description,
            "error_codes": [code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
        }
        return self._json(status, body, _NO_STORE)

    # ── POST /Orders/orderStatus ───────────────────────────────────────────────────────────

    async def _order_status(self, request: Request) -> Response:
        refusal = self._auth_problem(request)
        if refusal is not None:
            return self._json(401, {"statusCode": 401, "message": refusal})
        parsed, value = _parse_json(await request.body())
        if not parsed:
            return self._bad_request("The request body is not valid JSON.")
        # A validation fault switches off exactly the problems of the rule it breaks.
        problems = [p for p in request_problems(value) if p.rule is None or p.rule != self.broken_rule]
        if problems:
            return self._bad_request(problems[0].message)
        query = value[REQUEST_ROOT]
        # Only W and C pass validation; accepts-unknown-order-type reads any other value as W.
        order_type: OrderType = "C" if query["orderType"] == "C" else "W"
        partner = None if self.has("returns-other-partners-orders") else query["partnerKey"]
        numbers = list(query["order"])
        if order_type == "W" and self.has("leading-zeros-required"):
            numbers = [number for number in numbers if len(number.strip()) == 10]
        with self._lock:
            orders = self._book.find(partner, numbers, order_type)
        if order_type == "C" and self.has("first-order-only"):
            orders = [
                o
                for i, o in enumerate(orders)
                if o.customer_number not in {p.customer_number for p in orders[:i]}
            ]
        lines = [render_line(order, line) for order in orders for line in order.lines]
        return self._json(200, {RESPONSE_ROOT: lines})

    def _bad_request(self, message: str) -> Response:
        return self._json(400, {"statusCode": 400, "message": message})

    def _auth_problem(self, request: Request) -> str | None:
        """The 401 message for this call's credentials, or None when they are good.

        As API Management does: the subscription key first, then the token (validate-jwt).
        """
        key = header_value(request, SUBSCRIPTION_KEY_HEADER)
        if key is None:
            if not self.has("accepts-missing-subscription-key"):
                return MISSING_KEY_MESSAGE
        elif all(key != c.subscription_key for c in self._clients) and not self.has(
            "accepts-wrong-subscription-key"
        ):
            return INVALID_KEY_MESSAGE
        authorization = header_value(request, "Authorization")
        if authorization is None:
            return None if self.has("accepts-missing-token") else INVALID_TOKEN_MESSAGE
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            if not self.has("accepts-non-bearer-scheme"):
                return INVALID_TOKEN_MESSAGE
            token = authorization.split()[-1]  # "Token <jwt>" or a bare "<jwt>"
        with self._lock:
            problem = self.tokens.problem(token, check_expiry=not self.has("accepts-expired-token"))
            if problem == "wrong audience" and self.has("accepts-foreign-audience"):
                problem = None
        return None if problem is None else INVALID_TOKEN_MESSAGE


def _credentials(client: Client, resource: str) -> dict[str, str]:
    return {
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "resource": resource,
        SUBSCRIPTION_KEY_HEADER: client.subscription_key,
        "partnerKey": client.partner_key,
    }


def _clients(sites: tuple[dict[str, str], ...]) -> tuple[tuple[Client, ...], str]:
    """The registered applications and the API's resource id, from each site's credentials.

    Azure AD compares application and resource ids as GUIDs, whatever their letter case; one API has
    one resource id, so every site must name the same.
    """
    for name in ("client_id", "resource"):
        if not all(_GUID.fullmatch(site[name]) for site in sites):
            raise UsageError(f"the westcon_rest sandbox's {name} credentials must be GUIDs")
    if len({site["resource"].lower() for site in sites}) != 1:
        raise UsageError("the westcon_rest sandbox's sites must name the same resource (one API, one id)")
    clients = tuple(
        Client(
            site["client_id"].lower(),
            site["client_secret"],
            site[SUBSCRIPTION_KEY_HEADER],
            site["partnerKey"],
        )
        for site in sites
    )
    return clients, sites[0]["resource"].lower()


# Azure AD marks token answers as not to be cached.
_NO_STORE: Mapping[str, str] = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}


async def _form(request: Request) -> dict[str, str]:
    """The form's non-blank parameters (first occurrence each); an empty form unless the body is
    labelled application/x-www-form-urlencoded, as Azure AD reads only that."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != _FORM:
        return {}
    raw = (await request.body()).decode("utf-8", "replace")
    form: dict[str, str] = {}
    for name, value in parse_qsl(raw, keep_blank_values=True):
        if value.strip() and name not in form:
            form[name] = value
    return form

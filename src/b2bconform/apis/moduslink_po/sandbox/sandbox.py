"""ModusLinkSandbox: a faithful, stateful double of the ModusLink Purchase API, with its fault catalogue."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import Response

from b2bconform.apis.moduslink_po.sandbox import envelopes as env
from b2bconform.apis.moduslink_po.sandbox.envelopes import Entry, References
from b2bconform.apis.moduslink_po.sandbox.faults import FAULTS
from b2bconform.apis.moduslink_po.sandbox.orders import (
    DEFAULT_UOM,
    OrderBook,
    ReadOptions,
    StoredOrder,
    render_detail,
)
from b2bconform.apis.moduslink_po.sandbox.validation import Problem, validate_request
from b2bconform.errors import UsageError
from b2bconform.sandboxes.base import Credentials, Fault, credential_header, header_value
from b2bconform.sandboxes.contract_rest import SpecRoutedSandbox
from b2bconform.sandboxes.refusals import broken_request_rules

__all__ = [
    "CLIENT_AUTH_KEY_HEADER",
    "CLIENT_CONFIG_ID_HEADER",
    "FAIL_500_CUST_REFERENCE",
    "SITES",
    "SUBSCRIPTION_KEY",
    "SUBSCRIPTION_KEY_HEADER",
    "ModusLinkSandbox",
    "Site",
]

# where the contract says each credential travels
CLIENT_CONFIG_ID_HEADER = credential_header("moduslink_po", "ClientConfigId")
CLIENT_AUTH_KEY_HEADER = credential_header("moduslink_po", "ClientAuthKey")
SUBSCRIPTION_KEY_HEADER = credential_header("moduslink_po", "Ocp-Apim-Subscription-Key")

#: A POST whose order.custReference is exactly this (and is otherwise valid) gets the documented 500.
FAIL_500_CUST_REFERENCE = "SANDBOX-FAIL-500"

CREATE = "createPurchaseOrder"

# Sandbox-only demo credentials: not secrets, never the vendor document's sample values.
SUBSCRIPTION_KEY = "sbx-subscription-2d8e5a90"


@dataclass(frozen=True)
class Site:
    """One receiving site: ModusLink issues a CCID and auth key per site (multi-site receiving)."""

    name: str
    config_id: str
    auth_key: str
    subscription_key: str = SUBSCRIPTION_KEY  # the APIM subscription (one for every site by default)

    def headers(self) -> dict[str, str]:
        return {
            CLIENT_CONFIG_ID_HEADER: self.config_id,
            CLIENT_AUTH_KEY_HEADER: self.auth_key,
            SUBSCRIPTION_KEY_HEADER: self.subscription_key,
        }


SITES: tuple[Site, ...] = (
    Site("Netherlands", "SBX-NL", "sbx-key-nl-7f3a9c21"),
    Site("Singapore", "SBX-SG", "sbx-key-sg-4be81d06"),
)


def _z_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_object(raw: bytes) -> dict[str, Any] | None:
    """The body as a JSON object, whatever Content-Type says; None when it is anything else."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _references(body: Mapping[str, Any]) -> References:
    """The request's references, for echoing: only string values, else ""."""
    request = body.get("clientRequest")
    header = request.get("requestHeader") if isinstance(request, dict) else None
    if not isinstance(header, dict):
        return References()
    reference, external = header.get("requestReference"), header.get("externalMessageReference")
    return References(
        reference if isinstance(reference, str) else "", external if isinstance(external, str) else ""
    )


class ModusLinkSandbox(SpecRoutedSandbox):
    """createPurchaseOrder and getPurchaseOrder (routed by the spec: paths compare case-insensitively,
    as the vendor's own link spells /V1/), the orders held in memory."""

    api: ClassVar[str] = "moduslink_po"
    faults: ClassVar[Mapping[str, Fault]] = FAULTS

    def __init__(self, fault: str | None = None, *, credentials: Credentials | None = None) -> None:
        super().__init__(fault, credentials=credentials)
        self._book = OrderBook()
        self._read_once: set[str] = set()  # lost-after-first-read: the orders already read
        # The sites this instance accepts: the demo ones, or the caller's values under their names.
        self._sites = tuple(
            Site(
                SITES[index].name,
                values[CLIENT_CONFIG_ID_HEADER],
                values[CLIENT_AUTH_KEY_HEADER],
                values[SUBSCRIPTION_KEY_HEADER],
            )
            for index, values in enumerate(self.credential_sites)
        )

    @classmethod
    def demo_credentials(cls) -> tuple[dict[str, str], ...]:
        return tuple(site.headers() for site in SITES)

    # ── Sandbox interface ──────────────────────────────────────────────────────────────────

    def reset(self) -> None:
        with self._lock:
            self._book = OrderBook()
            self._read_once = set()

    def client_headers(self, site: int = 0) -> dict[str, str]:
        if not 0 <= site < len(self._sites):
            sites = ", ".join(f"{index} ({s.name})" for index, s in enumerate(self._sites))
            raise UsageError(f"the {self.api} sandbox has no site {site}; sites: {sites}")
        return self._sites[site].headers()

    # ── routing and transport ──────────────────────────────────────────────────────────────

    async def serve(self, operation: str, request: Request, path_values: Mapping[str, str]) -> Response:
        if operation == CREATE:
            return await self._create(request)
        return self._read(request, path_values["requestId"])

    def no_operation(self, request: Request) -> Response:
        return self._json(404, env.error("404", [Entry(env.ROUTE_NOT_FOUND_MESSAGE, "", "not found")]))

    def _json(self, status: int, body: dict[str, Any]) -> Response:
        return Response(
            json.dumps(body, ensure_ascii=False), status_code=status, media_type="application/json"
        )

    def _now(self) -> datetime:
        return datetime.now(UTC)

    # ── auth ──────────────────────────────────────────────────────────────────────────────

    def _auth_refusal(self, request: Request) -> Response | None:
        """The 401 for this call's credentials, or None when they are good."""
        text = self._auth_problem(request)
        if text is None:
            return None
        return self._json(401, env.error("401", [Entry(text, "", "authentication")]))

    def _auth_problem(self, request: Request) -> str | None:
        # The gateway checks the subscription before the application checks the client pair.
        subscription = header_value(request, SUBSCRIPTION_KEY_HEADER)
        if subscription is None and not self.has("ignores-subscription-key"):
            return env.SUBSCRIPTION_MESSAGE
        known = subscription is None or any(subscription == s.subscription_key for s in self._sites)
        if not known and not self.has("accepts-any-subscription-key"):
            return env.SUBSCRIPTION_MESSAGE
        config_id = header_value(request, CLIENT_CONFIG_ID_HEADER)
        auth_key = header_value(request, CLIENT_AUTH_KEY_HEADER)
        if config_id is None or auth_key is None:
            return env.CREDENTIALS_MESSAGE
        site = next((s for s in self._sites if s.config_id == config_id), None)
        if site is None and self.has("accepts-unknown-config-id"):
            site = self._sites[0]
        if site is None or not self._key_fits(site, auth_key):
            return env.CREDENTIALS_MESSAGE
        return None

    def _key_fits(self, site: Site, auth_key: str) -> bool:
        if auth_key == site.auth_key:
            return True
        # accepts-any-auth-key still refuses another site's key, so the pairing rule keeps holding.
        other_keys = {s.auth_key for s in self._sites if s is not site}
        if self.has("accepts-other-sites-key") and auth_key in other_keys:
            return True
        return self.has("accepts-any-auth-key") and auth_key not in other_keys

    # ── POST /purchaseapi/v1/orders ────────────────────────────────────────────────────────

    async def _create(self, request: Request) -> Response:
        refused = self._auth_refusal(request)
        if refused is not None:
            return refused
        body = _parse_object(await request.body())
        if body is None:
            return self._malformed()
        refs = _references(body)
        # A validation fault switches off exactly the problems of the rule it breaks.
        problems = [p for p in validate_request(body) if p.rule != self.broken_rule]
        if problems:
            return self._precondition_failed(problems, refs)
        with self._lock:
            if self._is_duplicate(body, refs):
                return self._duplicate(refs)
            if body["clientRequest"]["order"].get("custReference") == FAIL_500_CUST_REFERENCE:
                return self._server_error()
            order = self._book.add(body, CREATE, self._now())
        return self._accepted(order, refs)

    def _is_duplicate(self, body: dict[str, Any], refs: References) -> bool:
        # a repeated requestReference: the contract's unique rule, judged on the orders accepted
        repeats = broken_request_rules(self.api, CREATE, body, status=409, history=self._book.accepted)
        if any(rule.id != self.broken_rule for rule, _ in repeats):
            return True
        return self.has("rejects-repeat-external-reference") and self._book.has_external_reference(
            refs.external
        )

    def _malformed(self) -> Response:
        if self.has("malformed-json-500"):
            return self._server_error()
        return self._json(400, env.error("400", [Entry(env.BAD_JSON_MESSAGE, "", "invalid format")]))

    def _precondition_failed(self, problems: list[Problem], refs: References) -> Response:
        entries = [Entry(p.message, p.path, p.error_type) for p in problems]
        code = "400" if self.has("error-code-mismatch") else "412"
        return self._json(412, env.error(code, entries, refs))

    def _duplicate(self, refs: References) -> Response:
        entry = Entry(env.DUPLICATE_MESSAGE, env.DUPLICATE_PATH, "duplicate")
        return self._json(409, env.error("409", [entry], refs))

    def _server_error(self) -> Response:
        return self._json(500, env.error("500", [Entry(env.SERVER_ERROR_MESSAGE, "", "server error")]))

    def _accepted(self, order: StoredOrder, refs: References) -> Response:
        body = env.accepted(order.request_id, refs)
        return self._json(202, body)

    # ── GET /purchaseapi/v1/orders/{requestId} ─────────────────────────────────────────────

    def _read(self, request: Request, request_id: str) -> Response:
        refused = self._auth_refusal(request)
        if refused is not None:
            return refused
        with self._lock:
            order = self._book.get(request_id)
            if order is None or request_id in self._read_once:
                return self._json(404, env.error("404", [Entry(env.NOT_FOUND_MESSAGE, "", "not found")]))
            status = order.read(self._now())
            if self.has("lost-after-first-read"):
                self._read_once.add(request_id)  # the order is kept (its references still count)
            return self._json(200, render_detail(order, status, self._read_options()))

    def _read_options(self) -> ReadOptions:
        return ReadOptions(
            timestamp=_z_timestamp,
            default_uom="BX" if self.has("default-uom-box") else DEFAULT_UOM,
        )

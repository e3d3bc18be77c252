"""ManexSandbox: one in-memory ManEx ERP behind both its REST APIs, and the two registered sandboxes.

Routes are ``/api/<SO|PO>/<Action>/<API key>`` in any letter case, by GET or POST. The key travels in
the path, so a conforming client's only credential is ``{apiKey}``, which the harness puts there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from b2bconform.apis.manex_erp.sandbox import wire
from b2bconform.apis.manex_erp.sandbox.erp import Erp
from b2bconform.apis.manex_erp.sandbox.faults import PO_FAULTS, SO_FAULTS, FaultSwitch
from b2bconform.apis.manex_erp.sandbox.purchase_orders import PO_STEPS, PurchaseOrderApi
from b2bconform.apis.manex_erp.sandbox.sales_orders import SO_STEPS, SalesOrderApi
from b2bconform.apis.manex_erp.sandbox.wire import Answer, Failure, Params
from b2bconform.errors import UsageError
from b2bconform.sandboxes.base import Credentials, Fault, Sandbox

__all__ = ["API_KEYS", "KEY_CREDENTIAL", "ManexPoSandbox", "ManexSandbox", "ManexSoSandbox"]

#: Sandbox-only demo keys for sites 0 and 1: not secrets, never the vendor document's sample keys.
API_KEYS: tuple[str, ...] = ("sbx-manex-key-0001", "sbx-manex-key-0002")
#: The credential's name: the harness substitutes it into the URL path.
KEY_CREDENTIAL = "{apiKey}"

# route segment -> (the controller name ASP.NET reports, its actions)
_CONTROLLERS: Mapping[str, tuple[str, frozenset[str]]] = {
    "so": ("So", frozenset(SO_STEPS)),
    "po": ("Po", frozenset(PO_STEPS)),
}
_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def _route(path: str) -> tuple[str, str, str] | str:
    """(controller, action, key), all but the key lower-cased; else the URL error's MessageDetail.

    Every MessageDetail names what matched nothing, in one of ASP.NET's two wordings (a known action
    without its key, or with extra segments, is reported as that action not matching).
    """
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) < 2 or segments[0].lower() != "api":
        controller = segments[0] if segments else "api"
        return f"No type was found that matches the controller named '{controller}'."
    controller = segments[1].lower()
    if controller not in _CONTROLLERS or len(segments) < 3:
        return f"No type was found that matches the controller named '{segments[1]}'."
    name, actions = _CONTROLLERS[controller]
    if segments[2].lower() not in actions or len(segments) != 4:
        return f"No action was found on the controller '{name}' that matches the name '{segments[2]}'."
    return controller, segments[2].lower(), segments[3]


def _names_unknown_action(path: str, controller: str) -> bool:
    """Whether the path names ``controller`` and, after it, an action that controller does not have."""
    segments = [segment.lower() for segment in path.split("/") if segment]
    return (
        segments[:2] == ["api", controller]
        and len(segments) > 2
        and segments[2] not in _CONTROLLERS[controller][1]
    )


def _method_not_allowed(method: str) -> Response:
    message = f"The requested resource does not support http method '{method}'."
    return _json(405, {"$id": "1", "Message": message})


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False), status_code=status, media_type="application/json; charset=utf-8"
    )


class ManexSandbox(Sandbox):
    """Both ManEx APIs over one ERP; a subclass names the API whose faults it runs."""

    controller: ClassVar[str]  # "so" or "po"

    def __init__(self, fault: str | None = None, *, credentials: Credentials | None = None) -> None:
        super().__init__(fault, credentials=credentials)
        self._keys = tuple(site[KEY_CREDENTIAL] for site in self.credential_sites)
        if any("/" in key for key in self._keys):
            # the key is one path segment: ASP.NET's route would read a "/" as another segment
            raise UsageError(f"the {self.api} sandbox's {KEY_CREDENTIAL} is a URL path segment: no '/'")
        self._build()

    @classmethod
    def demo_credentials(cls) -> tuple[dict[str, str], ...]:
        return tuple({KEY_CREDENTIAL: key} for key in API_KEYS)

    def _build(self) -> None:
        self.erp = Erp()
        self._switches = {
            "so": FaultSwitch(SO_FAULTS, self.fault if self.controller == "so" else None),
            "po": FaultSwitch(PO_FAULTS, self.fault if self.controller == "po" else None),
        }
        self._apis: dict[str, SalesOrderApi | PurchaseOrderApi] = {
            "so": SalesOrderApi(self.erp, self._switches["so"]),
            "po": PurchaseOrderApi(self.erp, self._switches["po"]),
        }

    # ── Sandbox interface ──────────────────────────────────────────────────────────────────

    def asgi(self) -> ASGIApp:
        return Starlette(routes=[Route("/{path:path}", self._dispatch, methods=_ALL_METHODS)])

    def reset(self) -> None:
        with self._lock:
            self._build()

    def client_headers(self, site: int = 0) -> dict[str, str]:
        """The key travels in the URL path, not in a header (see ``client_credentials``)."""
        return {}

    def client_credentials(self, site: int = 0) -> dict[str, str]:
        if not 0 <= site < len(self._keys):
            sites = " and ".join(str(index) for index in range(len(self._keys)))
            raise IndexError(f"the {self.api} sandbox has no site {site}; sites: {sites}")
        return {KEY_CREDENTIAL: self._keys[site]}

    # ── transport ──────────────────────────────────────────────────────────────────────────

    async def _dispatch(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            return _method_not_allowed(request.method)
        route = _route(request.url.path)
        if isinstance(route, str):
            unknown = "unknown-action-bad-request" in self.faults and self.has("unknown-action-bad-request")
            status = 400 if unknown and _names_unknown_action(request.url.path, self.controller) else 404
            return _json(status, wire.url_error(str(request.url), route))
        controller, action, key = route
        has = self._switches[controller]
        here = has.catalogue  # a fault of the other API's catalogue never runs on this controller
        if "get-not-allowed" in here and request.method == "GET" and has("get-not-allowed"):
            return _method_not_allowed("GET")
        if key not in self._keys and not has("accepts-invalid-key"):
            return _json(200, wire.invalid_key())
        body = wire.parse_body(await request.body())
        with self._lock:
            api = self._apis[controller]
            try:
                if body is None:
                    raise Failure(api.bad_body(action))
                query = request.query_params.multi_items()
                if "query-wins" in here and has("query-wins"):
                    params = Params.merged([], {**body, **dict(query)})  # the query string wins a clash
                else:
                    params = Params.merged(query, body)
                answer: Answer = api.actions()[action](params)
            except Failure as refused:
                return _json(200, wire.envelope(wire.FAILURE, refused.message))
        return _json(200, wire.envelope(wire.SUCCESS, answer.message, answer.response))


class ManexSoSandbox(ManexSandbox):
    """The ManEx ERP running the Sales Order API's faults (apis/manex_so/contract)."""

    api: ClassVar[str] = "manex_so"
    faults: ClassVar[Mapping[str, Fault]] = SO_FAULTS
    controller: ClassVar[str] = "so"


class ManexPoSandbox(ManexSandbox):
    """The ManEx ERP running the Purchase Order API's faults (apis/manex_po/contract)."""

    api: ClassVar[str] = "manex_po"
    faults: ClassVar[Mapping[str, Fault]] = PO_FAULTS
    controller: ClassVar[str] = "po"

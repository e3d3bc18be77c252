"""A REST sandbox built from a contract alone: the operations of its OpenAPI spec, every request
judged by the contract's own request rules (a request breaking one is refused with the rule's
rejection status), the caller's header credentials checked where the contract says they travel,
answers and error bodies taken from the contract's examples (each operation's response example of
that status), and simple state declared in ``rules.yaml`` (``state``): records created, read,
updated and deleted by key. An API with no sandbox module of its own gets one of these
(``b2bconform.sandboxes.get_sandbox``); what it cannot know, such as an ERP's rules, needs a module.
"""

from __future__ import annotations

import itertools
import json
from abc import abstractmethod
from collections import deque
from collections.abc import Mapping
from functools import cache
from typing import Any, ClassVar

from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from b2bconform.engine.contract import contract_of, parameter_segments
from b2bconform.engine.model import Exchange, Headers, Request
from b2bconform.engine.model import Response as Answer
from b2bconform.engine.pointers import holder_of
from b2bconform.engine.yamlfile import load_yaml
from b2bconform.errors import ContractLoadError
from b2bconform.sandboxes.base import Credentials, Fault, Sandbox
from b2bconform.sandboxes.refusals import broken_request_rules

__all__ = ["ContractRestSandbox", "SpecRoutedSandbox", "contract_rest_sandbox"]

JSON = "application/json"
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class SpecRoutedSandbox(Sandbox):
    """A REST sandbox whose requests reach it by its contract's spec: each to the operation its
    method and path name (compared as the engine compares them: case-insensitively, a trailing
    slash allowed), with its path parameters' values by name; a path the spec has with another
    method gets ``wrong_method``, any other request ``no_operation``. The routes are the spec's,
    written nowhere else."""

    def asgi(self) -> ASGIApp:
        unrouted: dict[Any, Any] = {404: self._unrouted, 405: self._unrouted}
        return Starlette(
            routes=[Route("/{path:path}", self._route, methods=_METHODS)], exception_handlers=unrouted
        )

    async def _route(self, request: StarletteRequest) -> Response:
        contract = contract_of(self.api)
        asked = Request(request.method, str(request.url), Headers(request.headers.items()), None)
        operation = contract.operation_for(asked)
        named = operation or next(
            (op.id for op in contract.operations if op.matches(asked, any_method=True)), None
        )
        if named is None:
            return self.no_operation(request)
        path = request.url.path
        segments = path.strip("/").split("/")
        where = parameter_segments(contract.operation(named).template, path)
        values = {name: segments[i] for name, i in where.items()}
        if operation is None:  # the path is the spec's, the method is not
            return await self.wrong_method(named, request, values)
        return await self.serve(operation, request, values)

    async def _unrouted(self, request: StarletteRequest, exc: Exception) -> Response:
        return self.no_operation(request)

    @abstractmethod
    async def serve(
        self, operation: str, request: StarletteRequest, path_values: Mapping[str, str]
    ) -> Response:
        """The answer to ``request``, which the spec names ``operation``."""

    async def wrong_method(
        self, operation: str, request: StarletteRequest, path_values: Mapping[str, str]
    ) -> Response:
        """The answer to a method the spec does not give ``operation``'s path: no operation, unless
        the vendor answers it otherwise."""
        return self.no_operation(request)

    def no_operation(self, request: StarletteRequest) -> Response:
        """The answer to a request the spec has no operation for (the vendor's 404, where known)."""
        return _json(404, {"message": f"no operation of {self.api} at {request.method} {request.url.path}"})


class ContractRestSandbox(SpecRoutedSandbox):
    """The sandbox of a REST contract, from its spec, rules, examples and declared state."""

    faults: ClassVar[Mapping[str, Fault]] = {}

    def __init__(self, fault: str | None = None, *, credentials: Credentials | None = None) -> None:
        super().__init__(fault, credentials=credentials)
        self.contract = contract_of(self.api)
        self._answers = _response_examples(self.api)
        self._templates = {op.id: op.template for op in self.contract.operations}
        for action, (operation, _) in self.contract.rules.state.items():
            if operation not in self._templates:
                raise ContractLoadError(
                    str(self.contract.root / "rules.yaml"),
                    f"state.{action} names {operation!r}, which is no operation of the spec",
                )
        self.reset()

    @classmethod
    def demo_credentials(cls) -> tuple[dict[str, str], ...]:
        headers = [c for c in contract_of(cls.api).rules.credentials if c.where == "header"]
        return ({c.name: f"sbx-{cls.api}-{c.name}".lower() for c in headers},)

    def client_headers(self, site: int = 0) -> dict[str, str]:
        values = self.credential_sites[site]
        return {c.at: values[c.name] for c in self.contract.rules.credentials if c.name in values}

    def reset(self) -> None:
        self._records: dict[str, dict[str, Any]] = {}
        self._keys = itertools.count(1)
        # the exchanges answered 2xx, which the contract's rules on state read (a unique key)
        self._accepted: deque[Exchange] = deque()

    # ── serving ─────────────────────────────────────────────────────────────────────────────

    async def serve(
        self, operation: str, request: StarletteRequest, path_values: Mapping[str, str]
    ) -> Response:
        body = await request.body()
        asked = Request(request.method, str(request.url), Headers(request.headers.items()), body or None)
        if not self._presents_a_site(asked):
            status = next(iter(sorted(self.contract.rules.auth_statuses)), 401)
            return self._example(operation, status, {"message": "credentials refused"})
        with self._lock:
            refusable = [
                rule for rule, _ in broken_request_rules(self.api, operation, asked, history=self._accepted)
            ]
            if refusable:
                status = refusable[0].rejects_with[0]
                return self._example(operation, status, {"message": f"refused: breaks {refusable[0].id}"})
            answer = self._answer(operation, asked, path_values)
            if 200 <= answer.status_code < 300:
                kept = Answer(answer.status_code, Headers([("Content-Type", JSON)]), bytes(answer.body))
                self._accepted.append(Exchange(self.api, asked, kept, operation=operation))
            return answer

    def _presents_a_site(self, asked: Request) -> bool:
        declared = [c for c in self.contract.rules.credentials if c.where == "header"]
        return any(
            all(asked.headers.get(c.at) == site.get(c.name) for c in declared)
            for site in self.credential_sites
        )

    def _answer(self, operation: str, asked: Request, path_values: Mapping[str, str]) -> Response:
        state = {op: (action, key) for action, (op, key) in self.contract.rules.state.items()}
        action, key = state.get(operation, ("", ""))
        if action == "create":
            record = _object(asked.body)
            name = str(next(self._keys))
            self._records[name] = record
            answer = self._success(operation, {})
            holder, member = holder_of(answer, key)
            if holder is not None:
                holder[member] = name
            return _json(self._success_status(operation), answer)
        if action:
            name = path_values.get(key, "")
            if name not in self._records:
                return self._example(operation, 404, {"message": f"no record {name}"})
            if action == "delete":
                del self._records[name]
                return _json(self._success_status(operation), self._success(operation, {}))
            if action == "update":
                self._records[name].update(_object(asked.body))
            return _json(self._success_status(operation), self._records[name])
        return _json(self._success_status(operation), self._success(operation, {}))

    def _success_status(self, operation: str) -> int:
        return next((s for s in sorted(self._answers.get(operation, {})) if 200 <= s < 300), 200)

    def _success(self, operation: str, default: Any) -> Any:
        return self._answers.get(operation, {}).get(self._success_status(operation), default)

    def _example(self, operation: str, status: int, default: Any) -> Response:
        return _json(status, self._answers.get(operation, {}).get(status, default))


def _json(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status, media_type=JSON)


def _object(body: bytes | None) -> dict[str, Any]:
    try:
        loaded = json.loads(body or b"{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _response_examples(api: str) -> dict[str, dict[int, Any]]:
    """operation -> status -> the first JSON response example of it (examples/index.yaml)."""
    folder = contract_of(api).root / "examples"
    if not (folder / "index.yaml").is_file():
        return {}
    found: dict[str, dict[int, Any]] = {}
    for entry in load_yaml(folder / "index.yaml").data or []:
        if entry.get("kind") != "response" or not entry.get("operation"):
            continue
        try:
            body = json.loads((folder / entry["file"]).read_bytes())
        except (OSError, ValueError):
            continue  # not JSON: an example for the review, not an answer to give
        found.setdefault(entry["operation"], {}).setdefault(int(entry.get("status", 200)), body)
    return found


@cache
def contract_rest_sandbox(api: str) -> type[ContractRestSandbox]:
    """The contract-built sandbox class of ``api`` (a REST contract with no sandbox module)."""
    return type(f"ContractRest_{api}", (ContractRestSandbox,), {"api": api})

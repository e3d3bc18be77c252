"""Embedded vendor doubles: a faithful in-memory implementation of each API, with named faults.

Adding an API: its folder's ``sandbox`` module (or package) holds a ``Sandbox`` subclass that names
its ``api``; it is found there, not listed anywhere. Here is the machinery every sandbox shares.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from types import ModuleType

from b2bconform.discovery import Discovered
from b2bconform.engine.contract import contract_of, known_apis
from b2bconform.errors import UsageError
from b2bconform.sandboxes.base import Fault, Sandbox
from b2bconform.sandboxes.contract_rest import contract_rest_sandbox

__all__ = ["SANDBOXES", "Fault", "Sandbox", "get_sandbox"]


def _sandbox_classes(module: ModuleType) -> Iterator[tuple[str, type[Sandbox]]]:
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if issubclass(cls, Sandbox) and not inspect.isabstract(cls) and "api" in vars(cls):
            yield cls.api, cls


#: api id -> sandbox class
SANDBOXES: Mapping[str, type[Sandbox]] = Discovered("sandbox", _sandbox_classes)


def get_sandbox(api: str) -> type[Sandbox]:
    """The sandbox class of `api`: its API folder's, or, for a REST contract without one, the one
    built from the contract (``ContractRestSandbox``); UsageError naming the known ones otherwise."""
    if api in SANDBOXES:
        return SANDBOXES[api]
    if api in known_apis() and contract_of(api).operations and not contract_of(api).soap_operations:
        return contract_rest_sandbox(api)
    known = ", ".join(sorted(SANDBOXES)) or "none"
    raise UsageError(
        f"no sandbox for api {api!r}; known sandboxes: {known} (and every REST contract without a sandbox module)"
    )

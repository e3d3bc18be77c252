"""Embedded vendor doubles: a faithful in-memory implementation of each API, with named faults.

Adding an API: write ``b2bconform.sandboxes.<api>`` (a module or a package) with a ``Sandbox``
subclass that names its ``api``; it is found there, not listed anywhere.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator, Mapping

from b2bconform.errors import UsageError
from b2bconform.sandboxes.base import Fault, Sandbox

__all__ = ["SANDBOXES", "Fault", "Sandbox", "get_sandbox"]


class _Discovered(Mapping[str, type[Sandbox]]):
    """api id -> sandbox class: every concrete Sandbox subclass of this package's modules, found on
    first use (a module of the package may itself import the package)."""

    def __init__(self) -> None:
        self._found: dict[str, type[Sandbox]] | None = None

    def _classes(self) -> dict[str, type[Sandbox]]:
        if self._found is None:
            found: dict[str, type[Sandbox]] = {}
            for module in pkgutil.iter_modules(__path__, f"{__name__}."):
                for _, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
                    if issubclass(cls, Sandbox) and not inspect.isabstract(cls) and "api" in vars(cls):
                        found.setdefault(cls.api, cls)
            self._found = dict(sorted(found.items()))
        return self._found

    def __getitem__(self, api: str) -> type[Sandbox]:
        return self._classes()[api]

    def __iter__(self) -> Iterator[str]:
        return iter(self._classes())

    def __len__(self) -> int:
        return len(self._classes())


#: api id -> sandbox class
SANDBOXES: Mapping[str, type[Sandbox]] = _Discovered()


def get_sandbox(api: str) -> type[Sandbox]:
    """The sandbox class of `api`; UsageError naming the known ones otherwise."""
    try:
        return SANDBOXES[api]
    except KeyError:
        known = ", ".join(sorted(SANDBOXES)) or "none"
        raise UsageError(f"no sandbox for api {api!r}; known sandboxes: {known}") from None

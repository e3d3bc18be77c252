"""What each API brings is found in its package's modules, not listed by hand: a sandbox class, a
builder of its examples. Found on first use, as a module of the package may import the package."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from types import ModuleType
from typing import Generic, TypeVar

__all__ = ["Discovered"]

T = TypeVar("T")


class Discovered(Mapping[str, T], Generic[T]):
    """api id -> what ``found`` takes from each module of ``package`` (pairs; none: the module brings
    nothing), sorted by api; the first module naming an api keeps it."""

    def __init__(self, package: str, found: Callable[[ModuleType], Iterator[tuple[str, T]]]) -> None:
        self._package = package
        self._found = found
        self._items: dict[str, T] | None = None

    def _all(self) -> dict[str, T]:
        if self._items is None:
            items: dict[str, T] = {}
            package = importlib.import_module(self._package)
            for info in pkgutil.iter_modules(package.__path__, f"{self._package}."):
                for api, item in self._found(importlib.import_module(info.name)):
                    items.setdefault(api, item)
            self._items = dict(sorted(items.items()))
        return self._items

    def __getitem__(self, api: str) -> T:
        return self._all()[api]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

"""What each API folder brings is found there, not listed by hand: its sandbox class in its
``sandbox`` module, the builder of its examples in its ``review`` module. The shipped API folders are
the packages ``b2bconform.apis.<api>``; a user's API folder (``$B2BCONFORM_PATH``) is imported from
its files. Found on first use, as such a module imports the machinery that looks it up."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Generic, TypeVar

from b2bconform.errors import InputFileError
from b2bconform.locations import APIS_DIR, api_roots

__all__ = ["Discovered"]

T = TypeVar("T")
USER_PACKAGE = "b2bconform_user_apis"  # where a user API folder's modules are imported to


class Discovered(Mapping[str, T], Generic[T]):
    """api id -> what ``found`` takes from the ``part`` module of each API folder (pairs; none: the
    module brings nothing), sorted by api; the first module naming an api keeps it (a user's
    before a shipped one)."""

    def __init__(self, part: str, found: Callable[[ModuleType], Iterator[tuple[str, T]]]) -> None:
        self._part = part
        self._found = found
        self._items: dict[str, T] | None = None

    def _all(self) -> dict[str, T]:
        if self._items is None:
            items: dict[str, T] = {}
            for module in _part_modules(self._part):
                for api, item in self._found(module):
                    items.setdefault(api, item)
            self._items = dict(sorted(items.items()))
        return self._items

    def __getitem__(self, api: str) -> T:
        return self._all()[api]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _part_modules(part: str) -> Iterator[ModuleType]:
    for root in api_roots():
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
            if not ((folder / f"{part}.py").is_file() or (folder / part / "__init__.py").is_file()):
                continue
            if root == APIS_DIR:
                yield importlib.import_module(f"b2bconform.apis.{folder.name}.{part}")
            else:
                yield _user_module(folder, part)


def _user_module(folder: Path, part: str) -> ModuleType:
    """``<folder>/<part>.py`` (or the package ``<folder>/<part>/``) of a user's API folder."""
    name = f"{USER_PACKAGE}.{folder.name}.{part}"
    package = folder / part
    path = package / "__init__.py" if package.is_dir() else folder / f"{part}.py"
    loaded = sys.modules.get(name)
    if loaded is not None and getattr(loaded, "__file__", None) == str(path):
        return loaded
    locations = [str(package)] if package.is_dir() else None
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=locations)
    if spec is None or spec.loader is None:
        raise InputFileError(str(path), "expected a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        del sys.modules[name]
        raise InputFileError(str(path), f"line {exc.lineno}: {exc.msg}") from None
    except Exception as exc:  # the user's code: whatever it raises is an input error, named
        del sys.modules[name]
        raise InputFileError(str(path), f"could not be imported: {type(exc).__name__}: {exc}") from None
    return module

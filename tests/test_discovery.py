"""What an API brings is found in its package's modules, not listed: a new module is found as it is."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from b2bconform.discovery import Discovered
from b2bconform.review import BUILDERS
from b2bconform.sandboxes import SANDBOXES


def _named(module: ModuleType) -> Iterator[tuple[str, str]]:
    if isinstance(getattr(module, "API", None), str):
        yield module.API, module.__name__


def test_a_module_naming_an_api_is_found_without_being_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "acme_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "zeta.py").write_text('API = "zeta_api"\n')
    (package / "alpha.py").write_text('API = "alpha_api"\n')
    (package / "helpers.py").write_text("VALUE = 1\n")  # names no api: brings nothing
    monkeypatch.syspath_prepend(str(tmp_path))
    found = Discovered("acme_pkg", _named)
    assert dict(found) == {"alpha_api": "acme_pkg.alpha", "zeta_api": "acme_pkg.zeta"}
    assert "helpers" not in str(list(found.values()))
    for name in [m for m in sys.modules if m.startswith("acme_pkg")]:
        monkeypatch.delitem(sys.modules, name)


def test_every_shipped_api_has_its_sandbox_and_its_review_builder_found() -> None:
    assert list(SANDBOXES) == list(BUILDERS) == [
        "manex_po", "manex_so", "moduslink_po", "promostandards_osn", "westcon_rest", "westcon_soap",
    ]  # fmt: skip

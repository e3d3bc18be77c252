"""What an API brings is found in its API folder's modules, not listed: a new one is found as it is."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from b2bconform.discovery import USER_PACKAGE, Discovered
from b2bconform.locations import PATH_VARIABLE
from b2bconform.review import BUILDERS, builder_of
from b2bconform.sandboxes import SANDBOXES


def _named(module: ModuleType) -> Iterator[tuple[str, str]]:
    if isinstance(getattr(module, "API", None), str):
        yield module.API, module.__name__


def test_a_module_naming_an_api_is_found_without_being_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for api in ("zeta_api", "alpha_api"):
        (tmp_path / api).mkdir()
        (tmp_path / api / "review.py").write_text(f'API = "{api}"\n')
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "review.py").write_text("VALUE = 1\n")  # names no api: brings nothing
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.py").write_text('API = "other_api"\n')  # not the part looked for
    monkeypatch.setenv(PATH_VARIABLE, str(tmp_path))
    found = Discovered("review", _named)
    assert found["alpha_api"] == f"{USER_PACKAGE}.alpha_api.review"
    assert found["zeta_api"] == f"{USER_PACKAGE}.zeta_api.review"
    assert "other_api" not in found and "helpers" not in str(list(found.values()))
    assert "moduslink_po" in found  # the shipped API folders' beside them
    for name in [m for m in sys.modules if m.startswith(USER_PACKAGE)]:
        monkeypatch.delitem(sys.modules, name)


def test_every_shipped_api_has_its_sandbox_and_its_review_builder_found() -> None:
    assert list(SANDBOXES) == [
        "manex_po", "manex_so", "moduslink_po", "promostandards_osn", "westcon_rest", "westcon_soap",
    ]  # fmt: skip
    # a SOAP contract's builder comes from its WSDL: OSN's folder has no review module
    assert "promostandards_osn" not in BUILDERS and "westcon_soap" in BUILDERS
    assert all(builder_of(api) is not None for api in SANDBOXES)

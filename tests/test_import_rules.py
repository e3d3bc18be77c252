"""The import rules of ARCHITECTURE.md ("Layers"), as pyproject.toml declares them for import-linter:
they hold for the package, and a rule the package breaks is reported (the check can fail)."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_the_package_keeps_its_layers_and_the_engine_knows_no_traffic_source(tmp_path: Path) -> None:
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_an_import_against_the_layers_is_reported(tmp_path: Path) -> None:
    # the engine above the command line: cli imports the engine, which these layers forbid
    upside_down = tmp_path / "layers.toml"
    upside_down.write_text(
        "[tool.importlinter]\nroot_package = 'b2bconform'\n\n"
        "[[tool.importlinter.contracts]]\nname = 'upside down'\ntype = 'layers'\n"
        "layers = ['b2bconform.engine', 'b2bconform.cli']\n",
        encoding="utf-8",
    )
    assert lint_imports(config_filename=str(upside_down), no_cache=True, no_logo=True) == 1

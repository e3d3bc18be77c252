"""A seed alone decides what Hypothesis draws: literals in local source files do not leak in."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b2bconform.generation import draw_without_local_constants, draws_use_local_constants

CANARIES = ["zqqzqzzqzqqzqzzq", "qzzqzqqzqzzqzqqz", "zzzzqqqqzzzzqqqq"]


def _draws() -> list[str]:
    """400 derandomized draws that only the canaries (16 of 'q'/'z') among local literals can match."""
    drawn: list[str] = []

    @settings(max_examples=400, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.text(alphabet="qz", min_size=16, max_size=16))
    def collect(value: str) -> None:
        drawn.append(value)

    collect()
    return drawn


@pytest.fixture
def import_canaries(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Import a new local module whose literals Hypothesis would add to its pool."""
    source = tmp_path / "b2bconform_canary_literals.py"
    source.write_text("".join(f"C{i} = {value!r}\n" for i, value in enumerate(CANARIES)))

    def load() -> None:
        spec = importlib.util.spec_from_file_location(source.stem, source)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[source.stem] = module
        spec.loader.exec_module(module)

    yield load
    sys.modules.pop(source.stem, None)


@pytest.fixture
def hypothesis_default() -> Iterator[None]:
    draws_use_local_constants(True)
    yield
    draw_without_local_constants()


def test_hypothesis_by_default_draws_literals_of_local_files(
    hypothesis_default: None, import_canaries: Callable[[], None]
) -> None:
    """The control: without the harness's setting, a local literal does reach the generated data."""
    before = _draws()
    import_canaries()
    after = _draws()
    assert set(CANARIES) & set(after)
    assert after != before


def test_draws_do_not_change_when_local_source_changes(import_canaries: Callable[[], None]) -> None:
    draw_without_local_constants()
    before = _draws()
    import_canaries()
    after = _draws()
    assert after == before
    assert not set(CANARIES) & set(after)

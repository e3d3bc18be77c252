"""The shipped profiles and examples load as they are, and each states its own limits."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from b2bconform.locations import APIS_DIR, profile_dirs
from b2bconform.targets import load_profile

PROFILES = sorted(
    p for folder in profile_dirs() for p in [*folder.glob("*.yaml"), *folder.glob("examples/*.yaml")]
)


def test_there_are_profiles_and_examples() -> None:
    assert any(path.parent.name == "examples" for path in PROFILES)
    assert len(PROFILES) >= 5


@pytest.mark.parametrize("path", PROFILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_profile_loads_and_states_its_timeout_rate_limit_and_budget(path: Path) -> None:
    loaded = load_profile(str(path))
    assert loaded.api and loaded.base_url.startswith("https://")
    stated = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert {"timeout", "rate_limit", "budget"} <= set(stated), f"{path} relies on a default limit"


def test_the_manex_example_points_nowhere_real_and_keeps_its_key_in_the_path() -> None:
    example = load_profile(str(APIS_DIR / "manex_so" / "profiles" / "examples" / "manex_so-uat.yaml"))
    assert example.base_url == "https://manex.example.invalid"
    assert example.environment == "uat"
    assert example.credentials == {"{apiKey}": "MANEX_API_KEY"}
    assert example.timeout == {"connect": 10, "read": 60}

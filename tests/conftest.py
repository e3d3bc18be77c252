"""Fixtures every test of the harness's own shares."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from b2bconform.generation import draw_without_local_constants
from b2bconform.pytest_plugin.harness import register_hypothesis_profiles
from b2bconform.references import RUN_ID_VARIABLE

# The harness's own tests draw as its suites do (the plugin leaves other runs, these included, alone):
# the quick profile, and the seed alone deciding what is drawn.
register_hypothesis_profiles()
settings.load_profile(os.environ.get("B2BCONFORM_TESTS_HYPOTHESIS_PROFILE", "quick"))
draw_without_local_constants()


@pytest.fixture(autouse=True, scope="session")
def _runs_the_tests_start_are_runs_of_their_own() -> None:
    """Under ``pytest tests -n N`` the plugin exports this run's id for its workers; the harness runs
    the tests start (subprocesses, CLI invocations) would inherit it and report one shared run id."""
    os.environ.pop(RUN_ID_VARIABLE, None)

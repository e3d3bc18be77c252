"""Fixtures every test of the harness's own shares."""

from __future__ import annotations

import os

import pytest

from b2bconform.references import RUN_ID_VARIABLE


@pytest.fixture(autouse=True, scope="session")
def _runs_the_tests_start_are_runs_of_their_own() -> None:
    """Under ``pytest tests -n N`` the plugin exports this run's id for its workers; the harness runs
    the tests start (subprocesses, CLI invocations) would inherit it and report one shared run id."""
    os.environ.pop(RUN_ID_VARIABLE, None)

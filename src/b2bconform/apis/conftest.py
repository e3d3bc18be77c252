"""Fixtures more than one API's suites share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from b2bconform.apis.manex_erp.sandbox.erp import SEED, Seed
from b2bconform.pytest_plugin.harness import JUDGE_KEY
from b2bconform.session import HarnessSession


@pytest.fixture
def manex_seed(harness: HarnessSession, api: str) -> Seed:
    """ManEx master data valid requests name (customers, parts, suppliers): the sandbox's own, on
    the sandbox or a profile with `test_data: sandbox` (one that points at a served sandbox)."""
    if harness.test_data(api) != "sandbox":
        pytest.skip(
            "the ManEx suites need master data (customers, parts): the target profile gives no test_data"
        )
    return SEED


@pytest.fixture(autouse=True)
def _register_what_the_test_created(request: pytest.FixtureRequest) -> Iterator[None]:
    """On a live target, after each test: the suite's `created_by` registers what the test's traffic
    created, for the end-of-run clean-up (suites whose API creates nothing define none)."""
    try:
        registrar = request.getfixturevalue("created_by")
    except pytest.FixtureLookupError:
        registrar = None
    yield
    judge = request.node.stash.get(JUDGE_KEY, None)
    if registrar is not None and judge is not None and judge.session.options.kind == "live":
        registrar(judge)

"""Fixtures more than one API's suites share."""

from __future__ import annotations

import pytest

from b2bconform.sandboxes.manex.erp import SEED, Seed
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

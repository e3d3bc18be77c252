"""Fixtures more than one API's suites share."""

from __future__ import annotations

import pytest

from b2bconform.sandboxes.manex.erp import SEED, Seed
from b2bconform.session import HarnessSession


@pytest.fixture
def manex_seed(harness: HarnessSession) -> Seed:
    """ManEx master data valid requests name (customers, parts, suppliers): the sandbox's own."""
    if harness.options.kind != "sandbox":
        pytest.skip(
            "the ManEx suites need master data (customers, parts) that target profiles do not give yet"
        )
    return SEED

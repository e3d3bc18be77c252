"""Westcon REST suite fixtures: the caller's partner key, a valid token, and the sandbox's test data."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from b2bconform.apis.westcon_rest.generators import ORDER_STATUS_PATH, query
from b2bconform.apis.westcon_rest.sandbox import SEED, Seed, WestconRestSandbox
from b2bconform.session import HarnessSession, Judge
from b2bconform.targets import SandboxTarget

Call = Callable[..., object]


@pytest.fixture
def partner_key(judge: Judge) -> str:
    """The caller's partnerKey (the `partnerKey` credential of the target profile or sandbox)."""
    return judge.target.credentials()["partnerKey"]


@pytest.fixture
def subscription_header(judge: Judge) -> str:
    flow = judge.contract.rules.auth_flow
    assert flow is not None, "the westcon_rest contract names its auth flow"
    return flow.subscription_header


@pytest.fixture
def bearer(judge: Judge, partner_key: str) -> str:
    """A valid access token, obtained the documented way by a conforming call (itself judged)."""
    judge.send("POST", ORDER_STATUS_PATH, json=query(partner_key, "W", ["1"]))
    auth = judge.target.auth
    token = auth.current_token if auth is not None else None
    if token is None:
        raise RuntimeError("the token flow left no valid token")  # broken, not a finding
    return token


@pytest.fixture
def westcon_seed(harness: HarnessSession) -> Seed:
    """Orders whose lines are known: the sandbox's, on the sandbox or a profile with `test_data: sandbox`."""
    if harness.test_data("westcon_rest") != "sandbox":
        pytest.skip("needs orders whose lines are known: the target profile gives no test_data")
    return SEED


@pytest.fixture
def westcon_sandbox(judge: Judge) -> WestconRestSandbox:
    """The sandbox itself, for what only a token issuer can do (mint an expired token)."""
    target = judge.target
    if not isinstance(target, SandboxTarget) or not isinstance(target.sandbox, WestconRestSandbox):
        pytest.skip("only the sandbox can mint an expired or foreign token; a live run would wait expires_in")
    return target.sandbox

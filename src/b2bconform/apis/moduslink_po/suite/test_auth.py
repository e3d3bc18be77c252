"""Auth: each missing or wrong credential is refused with the documented 401 body."""

from __future__ import annotations

from typing import Any

import pytest

from b2bconform.apis.moduslink_po.generators import ORDERS_PATH, sample_order
from b2bconform.engine.mutations import wrong_credential
from b2bconform.session import Judge

pytestmark = pytest.mark.api("moduslink_po")

HEADERS = {
    "ClientConfigId": ("MODUSLINK_PO-AUTH-001", "MODUSLINK_PO-AUTH-004"),
    "ClientAuthKey": ("MODUSLINK_PO-AUTH-002", "MODUSLINK_PO-AUTH-005"),
    "Ocp-Apim-Subscription-Key": ("MODUSLINK_PO-AUTH-003", "MODUSLINK_PO-AUTH-006"),
}
SUBSCRIPTION_MESSAGE = "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."


def _order(judge: Judge) -> dict[str, Any]:
    return sample_order(judge.tag)


def _status(judgement: Any) -> int:
    assert judgement.exchange.response is not None
    return int(judgement.exchange.response.status)


@pytest.mark.writes
@pytest.mark.parametrize(
    "header",
    [pytest.param(h, marks=pytest.mark.rules(rules[0]), id=f"without-{h}") for h, rules in HEADERS.items()],
)
def test_a_call_without_a_credential_header_is_refused_with_401(judge: Judge, header: str) -> None:
    headers = {k: v for k, v in judge.target.credentials().items() if k != header}
    judgement = judge.send("POST", ORDERS_PATH, json=_order(judge), headers=headers, with_credentials=False)
    assert judgement.outcomes.get(HEADERS[header][0]) is not None
    judge.expect_conforms(judgement)  # the engine holds the request to 401 and the body to the 401 rules


@pytest.mark.writes
@pytest.mark.parametrize(
    "header",
    [pytest.param(h, marks=pytest.mark.rules(rules[1]), id=f"wrong-{h}") for h, rules in HEADERS.items()],
)
def test_a_call_with_a_wrong_credential_is_refused_with_401(judge: Judge, header: str) -> None:
    headers = judge.target.credentials()
    headers[header] = wrong_credential(headers[header])
    judgement = judge.send("POST", ORDERS_PATH, json=_order(judge), headers=headers, with_credentials=False)
    judge.expect_conforms(judgement)
    assert _status(judgement) == 401, f"a wrong {header} was answered HTTP {_status(judgement)}"


@pytest.mark.writes
@pytest.mark.rules("MODUSLINK_PO-AUTH-007")
def test_a_key_presented_with_another_sites_config_id_is_refused(judge: Judge) -> None:
    try:
        other = judge.target.credentials(site=1)
    except Exception as exc:
        pytest.skip(f"no second site's credentials: {exc}")
    headers = judge.target.credentials()
    headers["ClientAuthKey"] = other["ClientAuthKey"]
    judgement = judge.send("POST", ORDERS_PATH, json=_order(judge), headers=headers, with_credentials=False)
    judge.expect_conforms(judgement)
    assert _status(judgement) == 401, (
        f"site 2's key with site 1's ClientConfigId was answered HTTP {_status(judgement)}"
    )


@pytest.mark.writes
@pytest.mark.rules("MODUSLINK_PO-AUTH-008")
def test_an_invalid_subscription_key_is_explained_as_documented(judge: Judge) -> None:
    headers = judge.target.credentials()
    headers["Ocp-Apim-Subscription-Key"] = "b2bconform-not-a-subscription"
    judgement = judge.send("POST", ORDERS_PATH, json=_order(judge), headers=headers, with_credentials=False)
    assert judgement.exchange.response is not None
    messages = [
        m.get("message") for m in judgement.exchange.response.json().get("message", []) if isinstance(m, dict)
    ]
    assert SUBSCRIPTION_MESSAGE in messages, f"401 messages {messages}"


@pytest.mark.smoke
@pytest.mark.rules("MODUSLINK_PO-AUTH-001")
def test_reading_an_order_needs_credentials_too(judge: Judge) -> None:
    judgement = judge.send("GET", ORDERS_PATH + "/1", with_credentials=False)
    judge.expect_conforms(judgement)
    assert _status(judgement) == 401, (
        f"an order read without credentials was answered HTTP {_status(judgement)}"
    )

"""The Azure AD token endpoint: the documented request is answered with a Bearer token; each
token-request rule, broken, is refused as Azure AD refuses it; a wrong secret gets no token."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2bconform.apis.westcon_rest.generators import encode_form, token_form, token_request_headers
from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.mutations import can_break, draw_breaking, require_evaluated, wrong_credential
from b2bconform.session import Judge

API = "westcon_rest"
CONTRACT = Contract.load(API)
TOKEN_RULES = [
    pytest.param(rule, marks=pytest.mark.rules(rule.id), id=rule.id)
    for rule in CONTRACT.rules
    if can_break(rule) and "getAccessToken" in rule.operations
]
RESPONSE_RULES = ["WESTCON_REST-TOK-010", "WESTCON_REST-TOK-011", "WESTCON_REST-TOK-012", "WESTCON_REST-TOK-013",
                  "WESTCON_REST-TOK-014"]  # fmt: skip

pytestmark = pytest.mark.api(API)


def request_token(judge: Judge, body: bytes) -> Judgement:
    url = judge.target.token_url
    assert url is not None, "the target has no token endpoint"
    return judge.send("POST", url, body=body, headers=token_request_headers(), with_credentials=False)


def _status(judgement: Judgement) -> int:
    assert judgement.exchange.response is not None
    return judgement.exchange.response.status


@pytest.mark.smoke
@pytest.mark.rules(*RESPONSE_RULES)
def test_the_documented_token_request_is_answered_with_a_bearer_token(judge: Judge) -> None:
    judgement = request_token(judge, encode_form(token_form(judge.target.credentials())))
    judge.expect_conforms(judgement)
    assert _status(judgement) == 200, f"the documented token request was answered HTTP {_status(judgement)}"
    unjudged = [rule for rule in RESPONSE_RULES if judgement.outcomes.get(rule) != "passed"]
    assert not unjudged, f"not evaluated on the token response: {unjudged}"


@pytest.mark.parametrize("rule", TOKEN_RULES)
@given(data=st.data())
def test_a_token_request_breaking_a_rule_is_refused_as_azure_ad_refuses_it(
    judge: Judge, rule: Any, data: st.DataObject
) -> None:
    form = token_form(judge.target.credentials())
    mutation = draw_breaking(rule, form, data, what="token request")
    judgement = request_token(judge, mutation.body or encode_form(mutation.document))
    require_evaluated(rule, mutation, judgement.outcomes)
    judge.expect_conforms(judgement)


@pytest.mark.smoke
@pytest.mark.rules("WESTCON_REST-TOK-007")
def test_a_wrong_client_secret_is_refused_with_invalid_client_and_no_token(judge: Judge) -> None:
    form = token_form(judge.target.credentials())
    form["client_secret"] = wrong_credential(form["client_secret"])
    judgement = request_token(judge, encode_form(form))
    judge.expect_conforms(judgement)
    response = judgement.exchange.response
    assert response is not None and response.status == 401, (
        f"a wrong secret was answered {_status(judgement)}"
    )
    body = response.json()
    assert body.get("error") == "invalid_client", f"error {body.get('error')!r}, expected invalid_client"
    assert "AADSTS7000215" in str(body.get("error_description")), "the refusal does not name AADSTS7000215"
    assert "access_token" not in body


@pytest.mark.rules("WESTCON_REST-TOK-006")
def test_the_token_request_as_the_sample_configuration_makes_it_is_answered_with_a_token(
    judge: Judge,
) -> None:
    """resource is sent when the target's credentials name one (the sample configuration's key)."""
    form = token_form(judge.target.credentials())
    judgement = request_token(judge, encode_form(form))
    judge.expect_conforms(judgement)
    assert _status(judgement) == 200, (
        f"answered HTTP {_status(judgement)} (resource sent: {'resource' in form})"
    )

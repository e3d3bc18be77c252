"""Order status auth: every call needs a valid Bearer token and the subscription key; each missing,
wrong, expired or altered credential is refused with 401 and the gateway's error body."""

from __future__ import annotations

import pytest

from b2bconform.apis.westcon_rest.generators import ORDER_STATUS_PATH, query
from b2bconform.apis.westcon_rest.sandbox import WestconRestSandbox, decode_claims
from b2bconform.engine.contract import Judgement
from b2bconform.engine.mutations import wrong_credential
from b2bconform.session import Judge

pytestmark = pytest.mark.api("westcon_rest")


def call(judge: Judge, partner_key: str, headers: dict[str, str]) -> Judgement:
    """A conforming query with exactly ``headers`` as credentials (the token flow left out)."""
    return judge.send(
        "POST",
        ORDER_STATUS_PATH,
        json=query(partner_key, "W", ["1"]),
        headers=headers,
        with_credentials=False,
    )


def refused(judge: Judge, judgement: Judgement, what: str) -> None:
    judge.expect_conforms(judgement)  # the engine holds the answer to 401 and the body to AUTH-007/008
    response = judgement.exchange.response
    assert response is not None
    assert response.status == 401, f"{what} was answered HTTP {response.status}, documented: 401"


def key(judge: Judge, subscription_header: str) -> dict[str, str]:
    return {subscription_header: judge.target.credentials()[subscription_header]}


@pytest.mark.smoke
@pytest.mark.rules("WESTCON_REST-AUTH-001")
def test_a_call_without_a_token_is_refused_with_401(
    judge: Judge, partner_key: str, subscription_header: str
) -> None:
    refused(judge, call(judge, partner_key, key(judge, subscription_header)), "a call without Authorization")


@pytest.mark.rules("WESTCON_REST-AUTH-002")
@pytest.mark.parametrize(
    "form", ["Token {}", "{}", "Basic {}", "Bearer"], ids=["token-scheme", "no-scheme", "basic", "no-token"]
)
def test_a_token_presented_without_the_bearer_scheme_is_refused_with_401(
    judge: Judge, partner_key: str, subscription_header: str, bearer: str, form: str
) -> None:
    headers = {**key(judge, subscription_header), "Authorization": form.format(bearer)}
    judgement = call(judge, partner_key, headers)
    assert judgement.outcomes.get("WESTCON_REST-AUTH-002") is not None
    refused(judge, judgement, f"Authorization {form.format('<token>')!r}")


@pytest.mark.rules("WESTCON_REST-AUTH-003")
def test_a_call_without_the_subscription_key_is_refused_with_401(
    judge: Judge, partner_key: str, bearer: str
) -> None:
    refused(
        judge,
        call(judge, partner_key, {"Authorization": f"Bearer {bearer}"}),
        "a call without the subscription key",
    )


@pytest.mark.rules("WESTCON_REST-AUTH-004")
def test_an_expired_token_is_refused_with_401(
    judge: Judge, partner_key: str, subscription_header: str, westcon_sandbox: WestconRestSandbox
) -> None:
    expired = westcon_sandbox.issue_token(lifetime=-60)
    headers = {**key(judge, subscription_header), "Authorization": f"Bearer {expired}"}
    refused(judge, call(judge, partner_key, headers), "a token that expired a minute ago")


@pytest.mark.rules("WESTCON_REST-AUTH-005")
def test_a_token_with_an_altered_signature_is_refused_with_401(
    judge: Judge, partner_key: str, subscription_header: str, bearer: str
) -> None:
    header, claims, signature = bearer.split(".") if bearer.count(".") == 2 else (bearer, "", "")
    # a signature of our own: the real one reversed would show it wherever the locals are printed
    altered = f"{header}.{claims}.{'b2bconform-altered-signature' if signature else 'b2bconform'}"
    headers = {**key(judge, subscription_header), "Authorization": f"Bearer {altered}"}
    refused(judge, call(judge, partner_key, headers), "a token with an altered signature")


@pytest.mark.rules("WESTCON_REST-AUTH-005")
def test_a_token_issued_for_another_audience_is_refused_with_401(
    judge: Judge, partner_key: str, subscription_header: str, bearer: str, westcon_sandbox: WestconRestSandbox
) -> None:
    claims = decode_claims(bearer)
    assert claims is not None, "the sandbox issued a token that is no JWT"
    foreign = westcon_sandbox.tokens.sign({**claims, "aud": "https://graph.microsoft.com"})
    headers = {**key(judge, subscription_header), "Authorization": f"Bearer {foreign}"}
    refused(judge, call(judge, partner_key, headers), "a token issued for Microsoft Graph")


@pytest.mark.rules("WESTCON_REST-AUTH-006")
def test_a_wrong_subscription_key_is_refused_with_401(
    judge: Judge, partner_key: str, subscription_header: str, bearer: str
) -> None:
    wrong = wrong_credential(judge.target.credentials()[subscription_header])
    headers = {subscription_header: wrong, "Authorization": f"Bearer {bearer}"}
    refused(judge, call(judge, partner_key, headers), "a wrong subscription key")

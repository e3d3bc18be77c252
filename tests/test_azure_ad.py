"""The Azure AD client-credentials flow: one token per lifetime, renewed on expiry or a 401 (once),
the subscription key on every call, and refusals that name the endpoint and code but no secret."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest
import respx

from b2bconform.errors import MissingCredentialsError
from b2bconform.targets.azure_ad import REFRESH_MARGIN, AzureAdError, ClientCredentials, ClientCredentialsAuth

TOKEN_URL = "https://login.example.test/tenant-0001/oauth2/token"
API_URL = "https://api.example.test/Orders/orderStatus"
SECRET = "canary-client-secret-5f2b"
KEY = "canary-subscription-key-77c1"
CREDENTIALS = ClientCredentials(
    TOKEN_URL, "client-0001", SECRET, resource="resource-0001", subscription_key=KEY
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def token(value: str, expires_in: object = "3599", token_type: str = "Bearer") -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "token_type": token_type,
            "expires_in": expires_in,
            "ext_expires_in": expires_in,
            "access_token": value,
        },
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


def reads_only(request: httpx.Request) -> bool:
    return True  # the order status call is a POST that only reads


@pytest.fixture
def client(clock: Clock) -> httpx.Client:
    return httpx.Client(auth=ClientCredentialsAuth(CREDENTIALS, clock=clock, may_resend=reads_only))


def _auth(client: httpx.Client) -> ClientCredentialsAuth:
    assert isinstance(client.auth, ClientCredentialsAuth)
    return client.auth


@respx.mock
def test_the_token_is_fetched_once_and_reused_while_valid(client: httpx.Client) -> None:
    tokens = respx.post(TOKEN_URL).mock(return_value=token("token-1"))
    api = respx.post(API_URL).mock(return_value=httpx.Response(200, json=[]))
    for _ in range(3):
        assert client.post(API_URL, json={}).status_code == 200
    assert tokens.call_count == 1
    assert [call.request.headers["Authorization"] for call in api.calls] == ["Bearer token-1"] * 3


@respx.mock
def test_the_token_request_is_the_documented_form(client: httpx.Client) -> None:
    tokens = respx.post(TOKEN_URL).mock(return_value=token("token-1"))
    respx.post(API_URL).mock(return_value=httpx.Response(200))
    client.post(API_URL, json={})
    sent = tokens.calls[0].request
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(sent.content.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": ["client-0001"],
        "client_secret": [SECRET],
        "resource": ["resource-0001"],
    }


@respx.mock
def test_every_api_call_carries_the_subscription_key(client: httpx.Client) -> None:
    respx.post(TOKEN_URL).mock(return_value=token("token-1"))
    api = respx.post(API_URL).mock(return_value=httpx.Response(200))
    client.post(API_URL, json={})
    client.post(API_URL, json={})
    assert [call.request.headers["Ocp-Apim-Subscription-Key"] for call in api.calls] == [KEY, KEY]


@respx.mock
def test_a_subscription_key_the_caller_sets_itself_is_sent_as_set(client: httpx.Client) -> None:
    respx.post(TOKEN_URL).mock(return_value=token("token-1"))
    api = respx.post(API_URL).mock(return_value=httpx.Response(401))
    client.post(API_URL, json={}, headers={"Ocp-Apim-Subscription-Key": "a-wrong-key"})
    assert {call.request.headers["Ocp-Apim-Subscription-Key"] for call in api.calls} == {"a-wrong-key"}
    assert all(call.request.headers["Authorization"].startswith("Bearer ") for call in api.calls)


@respx.mock
def test_a_token_is_renewed_shortly_before_it_expires(client: httpx.Client, clock: Clock) -> None:
    tokens = respx.post(TOKEN_URL).mock(side_effect=[token("token-1", 3599), token("token-2", 3599)])
    api = respx.post(API_URL).mock(return_value=httpx.Response(200))
    client.post(API_URL)
    clock.now += 3599 - REFRESH_MARGIN - 1
    client.post(API_URL)
    assert tokens.call_count == 1  # still inside its lifetime, margin included
    clock.now += 2
    client.post(API_URL)
    assert tokens.call_count == 2
    assert api.calls[-1].request.headers["Authorization"] == "Bearer token-2"


@respx.mock
def test_a_401_gets_one_new_token_and_one_retry(client: httpx.Client) -> None:
    tokens = respx.post(TOKEN_URL).mock(side_effect=[token("revoked"), token("fresh")])
    api = respx.post(API_URL).mock(side_effect=[httpx.Response(401), httpx.Response(200)])
    assert client.post(API_URL, json={"a": 1}).status_code == 200
    assert tokens.call_count == 2
    assert [c.request.headers["Authorization"] for c in api.calls] == ["Bearer revoked", "Bearer fresh"]
    assert api.calls[1].request.content == b'{"a":1}'  # the retry is the same request


@respx.mock
def test_a_second_401_is_answered_not_retried_again(client: httpx.Client) -> None:
    tokens = respx.post(TOKEN_URL).mock(side_effect=[token("t1"), token("t2"), token("t3")])
    api = respx.post(API_URL).mock(return_value=httpx.Response(401))
    assert client.post(API_URL).status_code == 401
    assert (tokens.call_count, api.call_count) == (2, 2)


@respx.mock
def test_a_write_answered_401_is_not_sent_again(clock: Clock) -> None:
    auth = ClientCredentialsAuth(CREDENTIALS, clock=clock, may_resend=lambda request: False)
    tokens = respx.post(TOKEN_URL).mock(side_effect=[token("revoked"), token("fresh")])
    api = respx.post(API_URL).mock(side_effect=[httpx.Response(401), httpx.Response(200)])
    client = httpx.Client(auth=auth)
    assert client.post(API_URL, json={"a": 1}).status_code == 401  # answered, not re-sent
    assert (tokens.call_count, api.call_count) == (1, 1)
    client.post(API_URL, json={"a": 2})  # the refused token is forgotten: the next call gets a new one
    assert tokens.call_count == 2
    assert api.calls[-1].request.headers["Authorization"] == "Bearer fresh"


@respx.mock
@pytest.mark.parametrize(("method", "sent"), [("GET", 2), ("PUT", 2), ("POST", 1), ("PATCH", 1)])
def test_by_default_only_an_idempotent_method_is_sent_again_after_a_401(
    clock: Clock, method: str, sent: int
) -> None:
    respx.post(TOKEN_URL).mock(side_effect=[token("t1"), token("t2")])
    api = respx.route(method=method, url=API_URL).mock(return_value=httpx.Response(401))
    httpx.Client(auth=ClientCredentialsAuth(CREDENTIALS, clock=clock)).request(method, API_URL)
    assert api.call_count == sent


@respx.mock
def test_an_invalid_client_names_the_endpoint_and_the_azure_code_never_the_secret(
    client: httpx.Client,
) -> None:
    refusal = {
        "error": "invalid_client",
        "error_description": f"AADSTS7000215: Invalid client secret provided. Trace ID: x (secret {SECRET})",
        "error_codes": [7000215],
    }
    respx.post(TOKEN_URL).mock(return_value=httpx.Response(401, json=refusal))
    api = respx.post(API_URL).mock(return_value=httpx.Response(200))
    with pytest.raises(AzureAdError) as raised:
        client.post(API_URL)
    message = str(raised.value)
    assert TOKEN_URL in message and "invalid_client" in message and "AADSTS7000215" in message
    assert SECRET not in message and KEY not in message
    assert api.call_count == 0


@respx.mock
@pytest.mark.parametrize(
    ("answer", "named"),
    [
        (httpx.Response(200, json={"token_type": "Bearer", "expires_in": 60}), "no access_token"),
        (httpx.Response(503, text="<html>down</html>"), "without an Azure AD error body"),
    ],
    ids=["no-token", "not-json"],
)
def test_an_answer_that_is_no_bearer_token_is_a_clear_error(
    client: httpx.Client, answer: httpx.Response, named: str
) -> None:
    respx.post(TOKEN_URL).mock(return_value=answer)
    with pytest.raises(AzureAdError, match=named):
        client.post(API_URL)


@respx.mock
def test_a_token_of_another_type_is_used_and_left_to_the_contract_to_judge(client: httpx.Client) -> None:
    respx.post(TOKEN_URL).mock(return_value=token("t-mac", token_type="mac"))
    api = respx.post(API_URL).mock(return_value=httpx.Response(200))
    client.post(API_URL)
    client.post(API_URL)
    assert api.calls[0].request.headers["Authorization"] == "Bearer t-mac"
    assert _auth(client).fetched == 1


@respx.mock
@pytest.mark.parametrize("lifetime", ["soon", None, 0, -5, True])
def test_a_token_of_unknown_lifetime_serves_one_request_only(client: httpx.Client, lifetime: object) -> None:
    tokens = respx.post(TOKEN_URL).mock(return_value=token("t-once", expires_in=lifetime))
    respx.post(API_URL).mock(return_value=httpx.Response(200))
    client.post(API_URL)
    client.post(API_URL)
    assert tokens.call_count == 2


@respx.mock
def test_a_subscription_header_renamed_by_the_gateway_is_used(clock: Clock) -> None:
    renamed = ClientCredentials(
        TOKEN_URL, "client-0001", SECRET, subscription_key=KEY, subscription_header="X-Sub"
    )
    respx.post(TOKEN_URL).mock(return_value=token("t"))
    api = respx.post(API_URL).mock(return_value=httpx.Response(200))
    httpx.Client(auth=ClientCredentialsAuth(renamed, clock=clock)).post(API_URL)
    headers = api.calls[0].request.headers
    assert headers["X-Sub"] == KEY and "Ocp-Apim-Subscription-Key" not in headers


@respx.mock
def test_the_current_token_is_among_the_secrets_to_scrub(client: httpx.Client) -> None:
    respx.post(TOKEN_URL).mock(return_value=token("token-abc-123"))
    respx.post(API_URL).mock(return_value=httpx.Response(200))
    client.post(API_URL)
    assert set(_auth(client).secrets) == {SECRET, KEY, "token-abc-123"}


def test_credentials_come_from_the_environment_and_every_missing_one_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("WR_CLIENT_ID", "WR_CLIENT_SECRET", "WR_SUBSCRIPTION_KEY", "WR_RESOURCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WR_CLIENT_ID", "client-0001")
    with pytest.raises(MissingCredentialsError) as raised:
        ClientCredentials.from_environment(TOKEN_URL, "WR")
    assert "WR_CLIENT_SECRET" in str(raised.value) and "WR_SUBSCRIPTION_KEY" in str(raised.value)
    monkeypatch.setenv("WR_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("WR_SUBSCRIPTION_KEY", KEY)
    loaded = ClientCredentials.from_environment(TOKEN_URL, "WR")
    assert (loaded.client_secret, loaded.subscription_key, loaded.resource) == (SECRET, KEY, None)

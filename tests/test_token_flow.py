"""Targets of an API behind an OAuth2 client-credentials flow (Westcon REST): the token is fetched
through the target, judged like any other exchange, reused, renewed once on a 401, and neither the
secret, the token nor the key reaches anything the run writes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from b2bconform.apis.westcon_rest.sandbox import SEED
from b2bconform.engine.model import Headers, Request
from b2bconform.errors import MissingCredentialsError, UsageError
from b2bconform.session import HarnessSession, Judge
from b2bconform.targets import LiveTarget, SandboxTarget, load_profile
from b2bconform.traffic.redaction import Redactor

ORDER_STATUS = "/Orders/orderStatus"


def _query(partner_key: str, *numbers: str) -> dict[str, object]:
    return {
        "mT_OrderStatus_API_REQ": {
            "partnerKey": partner_key,
            "orderType": "W",
            "language": "EN",
            "order": list(numbers),
        }
    }


@pytest.fixture
def judge() -> Judge:
    return Judge(HarnessSession(), "westcon_rest", "test_token_flow")


def _operations(judge: Judge) -> list[tuple[str | None, int]]:
    return [
        (j.exchange.operation, j.exchange.response.status if j.exchange.response else 0)
        for j in judge.judgements
    ]


def test_the_first_call_fetches_a_token_through_the_target_and_both_exchanges_are_judged(
    judge: Judge,
) -> None:
    judgement = judge.send("POST", ORDER_STATUS, json=_query(SEED.partner_keys[0], "600004"))
    assert _operations(judge) == [("getAccessToken", 200), ("getOrderStatus", 200)]
    token_judgement = judge.judgements[0]
    assert token_judgement.outcomes["WESTCON_REST-TOK-010"] == "passed"
    assert token_judgement.outcomes["WESTCON_REST-TOK-002"] == "passed"  # the form body was read
    assert judgement.outcomes["WESTCON_REST-AUTH-002"] == "passed"  # the Bearer header as sent
    judge.expect_conforms()


def test_the_token_is_reused_until_it_expires(judge: Judge) -> None:
    for _ in range(3):
        judge.send("POST", ORDER_STATUS, json=_query(SEED.partner_keys[0], "600004"))
    assert [op for op, _ in _operations(judge)].count("getAccessToken") == 1


def test_a_revoked_token_is_renewed_once_and_the_call_retried(judge: Judge) -> None:
    judge.send("POST", ORDER_STATUS, json=_query(SEED.partner_keys[0], "600004"))
    target = judge.target
    assert isinstance(target, SandboxTarget)
    target.sandbox.revoke_tokens()  # type: ignore[attr-defined]
    judge.send("POST", ORDER_STATUS, json=_query(SEED.partner_keys[0], "600004"))
    assert _operations(judge)[2:] == [
        ("getOrderStatus", 401),
        ("getAccessToken", 200),
        ("getOrderStatus", 200),
    ]
    judge.expect_conforms()


def test_without_credentials_no_token_is_fetched_or_sent(judge: Judge) -> None:
    judgement = judge.send(
        "POST", ORDER_STATUS, json=_query(SEED.partner_keys[0], "600004"), with_credentials=False
    )
    assert _operations(judge) == [("getOrderStatus", 401)]
    assert "authorization" not in {k.lower() for k in judgement.exchange.request.headers}


def test_no_secret_token_or_key_survives_in_the_judged_exchanges(judge: Judge) -> None:
    judge.send("POST", ORDER_STATUS, json=_query(SEED.partner_keys[0], "600004"))
    target = judge.target
    assert target.auth is not None
    secrets = [*target.auth.secrets]
    credentials = target.credentials()
    assert credentials["client_secret"] in secrets and credentials["Ocp-Apim-Subscription-Key"] in secrets
    written = "\n".join(
        json.dumps(
            [j.exchange.request.url, dict(j.exchange.request.headers), (j.exchange.request.body or b"").decode(),
             dict(j.exchange.response.headers) if j.exchange.response else {},
             j.exchange.response.body.decode() if j.exchange.response else ""]
        )
        for j in judge.judgements
    )  # fmt: skip
    assert len(secrets) == 3  # secret, key and the current token
    for secret in secrets:
        assert secret not in written
    token = judge.judgements[0].exchange
    assert token.response is not None and b'"access_token": "***"' in token.response.body
    assert token.request.body is not None and b"client_secret=***" in token.request.body


def test_the_redactor_masks_token_fields_by_name_when_the_values_are_unknown() -> None:
    redactor = Redactor()
    request = Request(
        "POST",
        "https://login.example.test/t/oauth2/token",
        Headers({"Content-Type": "application/x-www-form-urlencoded"}),
        b"grant_type=client_credentials&client_id=abc&client_secret=never-seen-before",
    )
    assert redactor.request(request).body == b"grant_type=client_credentials&client_id=abc&client_secret=***"
    body = b'{"token_type": "Bearer", "access_token": "eyJhbGciOi.unknown", "refresh_token": "r1"}'
    assert redactor.body(body) == b'{"token_type": "Bearer", "access_token": "***", "refresh_token": "***"}'


# ── live targets ─────────────────────────────────────────────────────────────────────────────

TOKEN_URL = "https://login.example.test/tenant-1/oauth2/token"
API = "https://api.example.test"
ENV = {
    "WR_CLIENT_ID": "5b2bc0f0-0000-4000-8000-0000000c1001",
    "WR_CLIENT_SECRET": "canary-secret-9d1e",
    "WR_RESOURCE": "5b2bc0f0-0000-4000-8000-0000000a9100",
    "WR_KEY": "canary-key-41aa",
    "WR_PARTNER": "000000000000100003",
}


@pytest.fixture
def live_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The live profile's credentials in the environment (the only place they come from)."""
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def _profile(tmp_path: Path, *, token_url: bool = True) -> Path:
    path = tmp_path / "westcon-rest.yaml"
    lines = ["api: westcon_rest", f"base_url: {API}", "environment: uat", "rate_limit: 100", "credentials:",
             "  client_id: WR_CLIENT_ID", "  client_secret: WR_CLIENT_SECRET", "  resource: WR_RESOURCE",
             "  Ocp-Apim-Subscription-Key: WR_KEY", "  partnerKey: WR_PARTNER"]  # fmt: skip
    if token_url:
        lines.append(f"token_url: {TOKEN_URL}")
    path.write_text("\n".join(lines) + "\n")
    return path


@respx.mock
def test_a_live_target_fetches_its_token_from_the_profiles_token_url(
    tmp_path: Path, live_env: pytest.MonkeyPatch
) -> None:
    tokens = respx.post(TOKEN_URL).mock(
        return_value=httpx.Response(
            200, json={"token_type": "Bearer", "expires_in": 3599, "access_token": "tok-live-1"}
        )
    )
    api = respx.post(f"{API}{ORDER_STATUS}").mock(
        return_value=httpx.Response(200, json={"MT_OrderStatus_Response": []})
    )
    target = LiveTarget(load_profile(str(_profile(tmp_path))))
    exchange = target.send(
        Request("POST", ORDER_STATUS, Headers({"Content-Type": "application/json"}), b"{}")
    )
    preceding = target.take_preceding()
    assert tokens.call_count == 1 and api.call_count == 1
    assert [e.request.url for e in preceding] == [TOKEN_URL]
    form = dict(httpx.QueryParams(preceding[0].request.body.decode()))  # type: ignore[union-attr]
    assert form == {"grant_type": "client_credentials", "client_id": ENV["WR_CLIENT_ID"],
                    "client_secret": ENV["WR_CLIENT_SECRET"], "resource": ENV["WR_RESOURCE"]}  # fmt: skip
    sent = api.calls[0].request.headers
    assert sent["Authorization"] == "Bearer tok-live-1" and sent["Ocp-Apim-Subscription-Key"] == ENV["WR_KEY"]
    assert (
        "partnerKey" not in sent and "client_secret" not in sent
    )  # credentials the flow owns are no headers
    assert exchange.request.url == f"{API}{ORDER_STATUS}"
    assert "tok-live-1" not in target.redactor.text("Bearer tok-live-1")


def test_a_live_profile_without_token_url_is_refused_naming_the_profile(
    tmp_path: Path, live_env: pytest.MonkeyPatch
) -> None:
    with pytest.raises(UsageError, match=r"westcon-rest\.yaml:line 1.*missing required setting 'token_url'"):
        LiveTarget(load_profile(str(_profile(tmp_path, token_url=False))))


def test_a_live_run_without_the_client_secret_names_the_variable(
    tmp_path: Path, live_env: pytest.MonkeyPatch
) -> None:
    live_env.delenv("WR_CLIENT_SECRET")
    with pytest.raises(MissingCredentialsError, match="WR_CLIENT_SECRET"):
        LiveTarget(load_profile(str(_profile(tmp_path))))


@respx.mock
def test_a_refused_client_is_a_broken_run_naming_the_endpoint_and_code_not_a_secret(
    tmp_path: Path, live_env: pytest.MonkeyPatch
) -> None:
    from b2bconform.targets.azure_ad import AzureAdError

    respx.post(TOKEN_URL).mock(
        return_value=httpx.Response(
            401,
            json={"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided.",
                  "error_codes": [7000215]},
        )
    )  # fmt: skip
    target = LiveTarget(load_profile(str(_profile(tmp_path))))
    with pytest.raises(AzureAdError) as caught:
        target.send(Request("POST", ORDER_STATUS, Headers({"Content-Type": "application/json"}), b"{}"))
    message = str(caught.value)
    assert TOKEN_URL in message and "invalid_client" in message and "AADSTS7000215" in message
    assert ENV["WR_CLIENT_SECRET"] not in message and ENV["WR_KEY"] not in message


def test_an_empty_token_field_stays_empty_so_redaction_never_changes_a_verdict() -> None:
    redactor = Redactor()
    assert redactor.body(b'{"access_token": ""}') == b'{"access_token": ""}'
    assert redactor.body(b"grant_type=client_credentials&client_secret=&x=1") == (
        b"grant_type=client_credentials&client_secret=&x=1"
    )

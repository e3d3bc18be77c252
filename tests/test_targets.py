"""Targets: profiles are validated with file and key, live safety is enforced by the harness, and
infrastructure trouble becomes a TargetError that never carries a secret."""

from __future__ import annotations

import dataclasses
import json
import re
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx
from starlette.exceptions import StarletteDeprecationWarning

from b2bconform.engine.model import Headers, Request
from b2bconform.errors import InputFileError, MissingCredentialsError, TargetError, UsageError
from b2bconform.targets import (
    LiveTarget,
    SandboxTarget,
    TargetProfile,
    WritesNotAllowed,
    load_profile,
)
from b2bconform.traffic.redaction import MASK

BASE = "https://api-uat.moduslink.com"
ORDERS = "/purchaseapi/v1/orders"
ENV = {
    "MODUSLINK_CLIENT_CONFIG_ID": "cfg-live-20461",
    "MODUSLINK_CLIENT_AUTH_KEY": "5C0FDFDE-B714-42AE-BF4B-000000000001",
    "MODUSLINK_SUBSCRIPTION_KEY": "sub-live-7d1e0c9b2a",
}
SECRET = ENV["MODUSLINK_CLIENT_AUTH_KEY"]
ALTERNATE = ("MODUSLINK_SITE2_CLIENT_CONFIG_ID", "MODUSLINK_SITE2_CLIENT_AUTH_KEY")

VALID_PROFILE = """\
api: moduslink_po
base_url: https://api-uat.moduslink.com
environment: uat
credentials:
  ClientConfigId: MODUSLINK_CLIENT_CONFIG_ID
  ClientAuthKey: MODUSLINK_CLIENT_AUTH_KEY
writes_allowed: false
rate_limit: 2
budget: 10
"""


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    for name in ALTERNATE:
        monkeypatch.delenv(name, raising=False)
    return dict(ENV)


@pytest.fixture
def profile() -> TargetProfile:
    return dataclasses.replace(load_profile("moduslink_po-uat"), rate_limit=1000.0, budget=50)


@pytest.fixture
def mocked() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


def write_profile(tmp_path: Path, text: str, name: str = "partner-uat") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


# ── profiles ─────────────────────────────────────────────────────────────────────────────────


def test_the_moduslink_uat_profile_loads_by_name() -> None:
    loaded = load_profile("moduslink_po-uat")
    assert loaded.name == "moduslink_po-uat"
    assert loaded.api == "moduslink_po"
    assert loaded.base_url == BASE
    assert loaded.environment == "uat"
    assert loaded.credentials == {
        "ClientConfigId": "MODUSLINK_CLIENT_CONFIG_ID",
        "ClientAuthKey": "MODUSLINK_CLIENT_AUTH_KEY",
        "Ocp-Apim-Subscription-Key": "MODUSLINK_SUBSCRIPTION_KEY",
    }
    assert loaded.alternate_credentials["ClientConfigId"] == "MODUSLINK_SITE2_CLIENT_CONFIG_ID"
    assert loaded.writes_allowed is True
    assert (loaded.rate_limit, loaded.budget, loaded.timeout) == (2, 400, 30)


def test_a_profile_loads_by_path_and_takes_its_name_from_the_file(tmp_path: Path) -> None:
    loaded = load_profile(str(write_profile(tmp_path, VALID_PROFILE)))
    assert loaded.name == "partner-uat"
    assert loaded.writes_allowed is False and loaded.budget == 10


def test_an_unknown_profile_name_lists_the_known_profiles() -> None:
    with pytest.raises(UsageError, match=r"'nope' not found.*moduslink_po-uat"):
        load_profile("nope")


@pytest.mark.parametrize(
    ("change", "needle", "problem"),
    [
        pytest.param(
            ("budget: 10", "budget: 10\nretries: 3"),
            "retries:",
            "unknown setting 'retries'",
            id="unknown-key",
        ),
        pytest.param(("budget: 10", "budget: many"), "budget:", "expected int, got 'many'", id="wrong-type"),
        pytest.param(
            ("budget: 10", "budget: true"), "budget:", "expected int, got True", id="boolean-for-int"
        ),
        pytest.param(
            ("rate_limit: 2", "rate_limit: fast"), "rate_limit:", "expected a number", id="not-a-number"
        ),
        pytest.param(
            ("writes_allowed: false", "writes_allowed: 1"),
            "writes_allowed:",
            "expected bool",
            id="int-for-bool",
        ),
        pytest.param(
            ("environment: uat", "environment: staging"),
            "environment:",
            "expected qa, uat or production",
            id="bad-environment",
        ),
        pytest.param(
            ("base_url: https://api-uat.moduslink.com", "base_url: api-uat.moduslink.com"),
            "base_url:",
            "expected an http(s) URL",
            id="url-without-scheme",
        ),
    ],
)
def test_a_malformed_profile_names_the_file_the_key_and_its_line(
    tmp_path: Path, change: tuple[str, str], needle: str, problem: str
) -> None:
    text = VALID_PROFILE.replace(*change)
    path = write_profile(tmp_path, text)
    with pytest.raises(InputFileError) as caught:
        load_profile(str(path))
    message = str(caught.value)
    key = needle.rstrip(":")
    assert str(path) in message
    assert f"line {line_of(text, needle)}, at {key}" in message
    assert problem in message


def test_a_credential_given_as_a_value_is_refused_without_repeating_the_value(tmp_path: Path) -> None:
    value = "5C0FDFDE-B714-42AE-BF4B-EB5E1409C53D"
    text = VALID_PROFILE.replace("ClientAuthKey: MODUSLINK_CLIENT_AUTH_KEY", f"ClientAuthKey: {value}")
    path = write_profile(tmp_path, text)
    with pytest.raises(InputFileError) as caught:
        load_profile(str(path))
    message = str(caught.value)
    assert str(path) in message
    assert f"line {line_of(text, value)}, at credentials.ClientAuthKey" in message
    assert "NAME of an environment variable" in message
    assert value not in message


def test_a_lower_case_variable_name_is_refused(tmp_path: Path) -> None:
    path = write_profile(
        tmp_path, VALID_PROFILE.replace("ClientConfigId: MODUSLINK_CLIENT_CONFIG_ID", "ClientConfigId: ccid")
    )
    with pytest.raises(InputFileError, match=r"credentials\.ClientConfigId"):
        load_profile(str(path))


def test_a_profile_without_base_url_names_the_missing_setting(tmp_path: Path) -> None:
    path = write_profile(tmp_path, VALID_PROFILE.replace("base_url: https://api-uat.moduslink.com\n", ""))
    with pytest.raises(InputFileError) as caught:
        load_profile(str(path))
    assert str(path) in str(caught.value)
    assert "missing required setting 'base_url'" in str(caught.value)
    assert "line 1" in str(caught.value)


def test_a_profile_that_is_not_valid_yaml_names_line_and_column(tmp_path: Path) -> None:
    text = VALID_PROFILE.replace("environment: uat", "environment: [uat")
    path = write_profile(tmp_path, text)
    with pytest.raises(InputFileError) as caught:
        load_profile(str(path))
    assert str(path) in str(caught.value)
    assert re.search(r"line \d+, column \d+: not valid YAML", str(caught.value)), str(caught.value)


def test_a_profile_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = write_profile(tmp_path, "- api: moduslink_po\n")
    with pytest.raises(InputFileError, match="expected a mapping"):
        load_profile(str(path))


# ── live target: credentials and safety ──────────────────────────────────────────────────────


def test_missing_credentials_name_every_missing_variable_and_no_value(
    monkeypatch: pytest.MonkeyPatch, profile: TargetProfile
) -> None:
    monkeypatch.setenv("MODUSLINK_CLIENT_AUTH_KEY", SECRET)
    monkeypatch.delenv("MODUSLINK_CLIENT_CONFIG_ID", raising=False)
    monkeypatch.setenv("MODUSLINK_SUBSCRIPTION_KEY", "")  # set but empty counts as missing
    with pytest.raises(MissingCredentialsError) as caught:
        LiveTarget(profile)
    message = str(caught.value)
    assert "MODUSLINK_CLIENT_CONFIG_ID" in message and "MODUSLINK_SUBSCRIPTION_KEY" in message
    assert "MODUSLINK_CLIENT_AUTH_KEY" not in message
    assert SECRET not in message
    assert caught.value.variables == ["MODUSLINK_CLIENT_CONFIG_ID", "MODUSLINK_SUBSCRIPTION_KEY"]
    assert isinstance(caught.value, TargetError)


def test_an_unset_alternate_site_is_reported_only_when_asked_for(
    credentials: dict[str, str], profile: TargetProfile
) -> None:
    target = LiveTarget(profile)
    assert target.credentials()["ClientAuthKey"] == SECRET
    with pytest.raises(MissingCredentialsError) as caught:
        target.credentials(site=1)
    assert "MODUSLINK_SITE2_CLIENT_CONFIG_ID" in str(caught.value)
    assert SECRET not in str(caught.value)
    target.close()


def test_each_site_gets_its_own_credentials_when_both_are_set(
    credentials: dict[str, str], profile: TargetProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODUSLINK_SITE2_CLIENT_CONFIG_ID", "cfg-site2-30117")
    monkeypatch.setenv("MODUSLINK_SITE2_CLIENT_AUTH_KEY", "key-site2-aa55bb66")
    target = LiveTarget(profile)
    assert target.credentials(site=0) == {
        "ClientConfigId": ENV["MODUSLINK_CLIENT_CONFIG_ID"],
        "ClientAuthKey": SECRET,
        "Ocp-Apim-Subscription-Key": ENV["MODUSLINK_SUBSCRIPTION_KEY"],
    }
    assert target.credentials(site=1) == {
        "ClientConfigId": "cfg-site2-30117",
        "ClientAuthKey": "key-site2-aa55bb66",
        "Ocp-Apim-Subscription-Key": ENV["MODUSLINK_SUBSCRIPTION_KEY"],
    }
    assert "key-site2-aa55bb66" not in target.redactor.text("key-site2-aa55bb66")
    target.close()


def test_a_production_profile_is_refused_unless_production_is_allowed(
    credentials: dict[str, str], profile: TargetProfile
) -> None:
    production = dataclasses.replace(profile, environment="production")
    with pytest.raises(UsageError, match=r"production.*--allow-production"):
        LiveTarget(production)
    LiveTarget(production, allow_production=True).close()


def test_a_known_production_host_is_refused_whatever_environment_the_profile_claims(
    credentials: dict[str, str], profile: TargetProfile
) -> None:
    from b2bconform.targets import known_production_hosts

    # the vendor documents' production URLs, from the production profiles shipped under profiles/
    assert "webservices.westcon.com" in known_production_hosts()
    assert "login.microsoftonline.com" not in known_production_hosts()  # Azure AD serves every environment
    disguised = dataclasses.replace(profile, environment="qa", base_url="https://WebServices.westcon.com/b2b")
    with pytest.raises(
        UsageError, match=r"webservices\.westcon\.com is a known production host.*--allow-production"
    ):
        LiveTarget(disguised)
    LiveTarget(disguised, allow_production=True).close()


@pytest.mark.parametrize(
    "url",
    [
        "https://webservices.westcon.com./b2b",  # the fully qualified name, trailing dot
        "https://WEBSERVICES.WESTCON.COM.",
        "https://api.westconcomstor.com.",
        "https://webservices.westcon.com:443/b2b",  # the default port written out
        "https://qa-user:pw@webservices.westcon.com/b2b",  # userinfo before the host
        "https://\uff57\uff45\uff42services.westcon.com/b2b",  # full-width letters (NFKC: webservices)
    ],
)
def test_a_production_host_is_refused_however_it_is_spelled(
    credentials: dict[str, str], profile: TargetProfile, url: str
) -> None:
    with pytest.raises(UsageError, match=r"known production host.*--allow-production"):
        LiveTarget(dataclasses.replace(profile, environment="qa", base_url=url))


def test_a_token_url_on_a_production_host_is_refused(
    credentials: dict[str, str], profile: TargetProfile
) -> None:
    aimed = dataclasses.replace(
        profile, environment="uat", token_url="https://api.westconcomstor.com./oauth2/token"
    )
    with pytest.raises(
        UsageError, match=r"token_url host api\.westconcomstor\.com is a known production host"
    ):
        LiveTarget(aimed)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://exa\tmple.com", "without blanks or control characters"),
        ("http://[::1", "expected a valid http(s) URL"),
        ("https://example.com:abc/", "expected a valid http(s) URL"),
        ("https://", "naming a host"),
        ("ftp://example.com", "expected an http(s) URL"),
    ],
)
def test_an_unusable_profile_url_is_an_input_error_naming_file_and_line(
    tmp_path: Path, url: str, problem: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        f"api: moduslink_po\nenvironment: qa\nbase_url: {json.dumps(url)}\ncredentials: {{ClientConfigId: X_ID}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        load_profile(str(path))
    assert problem in str(caught.value) and "line 3" in str(caught.value) and str(path) in str(caught.value)


@pytest.mark.parametrize("setting", ["rate_limit: .nan", "rate_limit: .inf", "budget: .nan", "budget: -.inf"])
def test_a_rate_limit_or_budget_that_is_not_a_finite_number_is_refused(tmp_path: Path, setting: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        f"api: moduslink_po\nenvironment: qa\nbase_url: https://x.example\ncredentials: {{ClientConfigId: X_ID}}\n"
        f"{setting}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="line 5"):
        load_profile(str(path))


@pytest.mark.parametrize(("profile_allows", "command_allows"), [(True, False), (False, True), (False, False)])
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_write_is_refused_unless_profile_and_command_line_both_allow_it(
    credentials: dict[str, str],
    profile: TargetProfile,
    mocked: respx.MockRouter,
    method: str,
    profile_allows: bool,
    command_allows: bool,
) -> None:
    route = mocked.route(method=method, path=ORDERS).respond(202)
    target = LiveTarget(
        dataclasses.replace(profile, writes_allowed=profile_allows), allow_writes=command_allows
    )
    with pytest.raises(WritesNotAllowed, match="--allow-writes"):
        target.send(Request(method, ORDERS, body=b"{}"))
    assert not route.called
    assert target.sent == 0  # a refused write does not spend the budget


def test_a_write_reaches_the_target_when_both_allow_it(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    route = mocked.post(ORDERS).respond(202, json={"result": "true"})
    target = LiveTarget(profile, allow_writes=True)
    exchange = target.send(Request("POST", ORDERS, Headers({"Content-Type": "application/json"}), b"{}"))
    assert route.call_count == 1
    assert exchange.response is not None and exchange.response.status == 202
    sent = route.calls.last.request
    assert sent.headers["ClientAuthKey"] == SECRET
    assert sent.headers["Ocp-Apim-Subscription-Key"] == ENV["MODUSLINK_SUBSCRIPTION_KEY"]


def test_a_read_is_sent_with_credentials_and_recorded_with_an_absolute_url(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    mocked.get(f"{ORDERS}/3201413").respond(200, json={"order": {}})
    target = LiveTarget(profile)
    exchange = target.send(Request("GET", f"{ORDERS}/3201413"))
    assert exchange.request.url == f"{BASE}{ORDERS}/3201413"
    assert exchange.api == "moduslink_po"
    assert exchange.request.headers["ClientConfigId"] == ENV["MODUSLINK_CLIENT_CONFIG_ID"]
    assert exchange.response is not None and exchange.response.json() == {"order": {}}
    assert SECRET not in repr(target.redactor.exchange(exchange))


def test_headers_the_caller_gives_are_not_overridden_by_credentials(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    route = mocked.get(f"{ORDERS}/1").respond(401)
    target = LiveTarget(profile)
    target.send(Request("GET", f"{ORDERS}/1", Headers({"clientauthkey": "wrong-on-purpose"})))
    assert route.calls.last.request.headers["ClientAuthKey"] == "wrong-on-purpose"


def test_an_http_error_status_is_an_exchange_not_an_exception(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    mocked.get(f"{ORDERS}/1").respond(500, json={"result": "false"})
    exchange = LiveTarget(profile).send(Request("GET", f"{ORDERS}/1"))
    assert exchange.response is not None and exchange.response.status == 500


# ── rate limit and budget ────────────────────────────────────────────────────────────────────


def test_requests_are_spaced_by_the_rate_limit(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    mocked.get(f"{ORDERS}/1").respond(200)
    target = LiveTarget(dataclasses.replace(profile, rate_limit=20.0))
    started = time.monotonic()
    for _ in range(4):
        target.send(Request("GET", f"{ORDERS}/1"))
    # four requests at 20/s: the last may leave no sooner than 3 intervals (0.15 s) after the first
    assert time.monotonic() - started >= 0.14


def test_a_spent_budget_is_a_target_error_and_sends_nothing_more(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    route = mocked.get(f"{ORDERS}/1").respond(200)
    target = LiveTarget(dataclasses.replace(profile, budget=2))
    target.send(Request("GET", f"{ORDERS}/1"))
    target.send(Request("GET", f"{ORDERS}/1"))
    with pytest.raises(TargetError, match=r"request budget of 2 .* is spent"):
        target.send(Request("GET", f"{ORDERS}/1"))
    assert route.call_count == 2
    assert target.sent == 2


# ── infrastructure trouble ───────────────────────────────────────────────────────────────────


def send_failing(profile: TargetProfile, mocked: respx.MockRouter, error: Exception) -> TargetError:
    route = mocked.get(f"{ORDERS}/1").mock(side_effect=error)
    target = LiveTarget(profile)
    with pytest.raises(TargetError) as caught:
        target.send(Request("GET", f"{ORDERS}/1"))
    assert route.call_count == 1  # never retried
    return caught.value


def test_a_connection_failure_is_a_target_error_that_names_the_host_and_no_secret(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    error = send_failing(profile, mocked, httpx.ConnectError(f"[Errno 111] refused (ClientAuthKey={SECRET})"))
    message = str(error)
    assert message.startswith(f"{BASE}: cannot connect:")
    assert SECRET not in message and MASK in message
    assert not isinstance(error, UsageError)


def test_a_tls_failure_is_reported_as_such(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    error = send_failing(
        profile, mocked, httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    )
    assert "TLS handshake failed" in str(error)


def test_a_timeout_is_a_target_error_naming_the_configured_timeout_and_no_secret(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    error = send_failing(profile, mocked, httpx.ReadTimeout(f"read timed out for {SECRET}"))
    message = str(error)
    assert message == f"{BASE}: timed out after {profile.timeout}s (ReadTimeout)"
    assert SECRET not in message


def test_another_transport_error_is_a_target_error_without_the_secret(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    error = send_failing(profile, mocked, httpx.RemoteProtocolError(f"peer closed; key {SECRET}"))
    assert "RemoteProtocolError" in str(error)
    assert SECRET not in str(error)


# ── sandbox target ───────────────────────────────────────────────────────────────────────────


@pytest.fixture
def sandbox() -> Iterator[SandboxTarget]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)  # the TestClient nudges towards httpx2
        target = SandboxTarget("moduslink_po")
    yield target
    target.close()


def test_the_sandbox_target_returns_an_exchange_with_an_absolute_url(sandbox: SandboxTarget) -> None:
    exchange = sandbox.send(Request("GET", f"{ORDERS}/999999"))
    assert exchange.request.url == f"http://testserver{ORDERS}/999999"
    assert exchange.api == "moduslink_po"
    assert exchange.response is not None and exchange.response.status in (401, 404)
    assert exchange.response.elapsed is not None


def test_the_sandbox_target_sends_its_own_credentials_and_redacts_them(sandbox: SandboxTarget) -> None:
    exchange = sandbox.send(Request("GET", f"{ORDERS}/999999"))
    credentials = sandbox.credentials()
    assert set(credentials) == {"ClientConfigId", "ClientAuthKey", "Ocp-Apim-Subscription-Key"}
    assert exchange.request.headers["ClientAuthKey"] == credentials["ClientAuthKey"]
    assert exchange.response is not None and exchange.response.status == 404
    text = repr(sandbox.redactor.exchange(exchange))
    for value in credentials.values():
        assert value not in text


def test_the_sandbox_target_can_send_without_credentials(sandbox: SandboxTarget) -> None:
    exchange = sandbox.send(Request("GET", f"{ORDERS}/1"), with_credentials=False)
    assert "ClientAuthKey" not in exchange.request.headers
    assert exchange.response is not None and exchange.response.status == 401


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("api: nope\n", 1, "unknown api 'nope'; expected one of"),
        ("api: moduslink_po\nsettings: {nosuch: 1}\n", 2, "moduslink_po declares no setting 'nosuch'"),
        ("api: westcon_rest\n", 1, "missing required setting 'token_url'"),
    ],
)
def test_a_profile_naming_what_its_contract_lacks_is_an_error_at_its_line(
    tmp_path: Path, text: str, line: int, says: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        text + "environment: qa\nbase_url: https://x.example\ncredentials: {ClientConfigId: X_ID}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        load_profile(str(path))
    assert (
        says in str(caught.value) and f"line {line}" in str(caught.value) and str(path) in str(caught.value)
    )


def test_a_credential_with_a_control_character_is_refused_naming_the_variable_not_the_value(
    credentials: dict[str, str], profile: TargetProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODUSLINK_CLIENT_AUTH_KEY", SECRET + "\r")  # a CRLF .env file
    with pytest.raises(UsageError) as caught:
        LiveTarget(profile)
    assert "MODUSLINK_CLIENT_AUTH_KEY" in str(caught.value) and SECRET not in str(caught.value)


# ── broken targets: reported as broken, and fast ──────────────────────────────────────────────


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        (502, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
        (503, "text/plain", b"Service Unavailable"),
        (504, "application/json", b""),
        (403, "text/html; charset=utf-8", b"<!DOCTYPE html><html><title>Forbidden by proxy</title></html>"),
    ],
)
def test_an_answer_that_is_not_the_apis_is_a_target_error_never_a_verdict(
    credentials: dict[str, str],
    profile: TargetProfile,
    mocked: respx.MockRouter,
    status: int,
    content_type: str,
    body: bytes,
) -> None:
    mocked.get(path=f"{ORDERS}/1").respond(status, headers={"Content-Type": content_type}, content=body)
    target = LiveTarget(profile)
    with pytest.raises(TargetError, match=f"HTTP {status}.*(gateway|proxy)"):
        target.send(Request("GET", f"{ORDERS}/1"))
    target.close()


def test_a_documented_error_status_with_the_apis_body_stays_the_apis_answer(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    mocked.get(path=f"{ORDERS}/1").respond(
        500, json={"requestId": "1", "message": [{"path": "", "errorMessage": "x"}]}
    )
    target = LiveTarget(profile)
    assert target.send(Request("GET", f"{ORDERS}/1")).response is not None
    target.close()


def test_once_the_host_is_unreachable_the_rest_fail_at_once_naming_the_first_error(
    credentials: dict[str, str], profile: TargetProfile, mocked: respx.MockRouter
) -> None:
    route = mocked.get(path=f"{ORDERS}/1").mock(
        side_effect=httpx.ConnectError("[Errno 111] Connection refused")
    )
    target = LiveTarget(profile)
    with pytest.raises(TargetError, match=r"cannot connect.*refused"):
        target.send(Request("GET", f"{ORDERS}/1"))
    for _ in range(5):
        with pytest.raises(TargetError, match=r"refused \(earlier in this run; not tried again\)"):
            target.send(Request("GET", f"{ORDERS}/1"))
    assert route.call_count == 1
    target.close()

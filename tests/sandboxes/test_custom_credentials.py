"""Every sandbox accepts credentials given by the caller in place of its demo ones, on every site,
and then refuses the demo ones: a run can present values nobody has seen (canaries) and prove
where they end up. Served over HTTP too (``start_in_thread``, ``sandbox serve --credentials-from-env``)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from starlette.exceptions import StarletteDeprecationWarning

from b2bconform.apis.manex_erp.sandbox import KEY_CREDENTIAL
from b2bconform.apis.westcon_rest.sandbox import (
    ORDER_STATUS_PATH,
    REQUEST_ROOT,
    RESPONSE_ROOT,
    SEED,
    SUBSCRIPTION_KEY_HEADER,
    WestconRestSandbox,
)
from b2bconform.apis.westcon_soap.generators import order_status_envelope
from b2bconform.apis.westcon_soap.sandbox import SERVICE_PATH
from b2bconform.cli import cli
from b2bconform.errors import UsageError
from b2bconform.locations import contract_dir
from b2bconform.rulesuite import with_credentials
from b2bconform.sandboxes import SANDBOXES, Sandbox, get_sandbox
from b2bconform.sandboxes import serve as serving
from b2bconform.sandboxes.serve import credential_variable, credentials_from_env, start_in_thread

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

APIS = sorted(SANDBOXES)
Credentials = dict[str, str]

# Credentials whose shape the sandbox checks: Azure AD ids are GUIDs, the SOAP username is the
# (up to 10 character) account number. Every other value is free text.
SHAPED: dict[str, Callable[[int], str]] = {
    "client_id": lambda site: f"c0570e00-0000-4000-8000-00000000c00{site}",
    "resource": lambda site: "c0570e00-0000-4000-8000-0000000a0000",
    "Username": lambda site: f"770000{site}",
}


def custom(api: str, site: int) -> Credentials:
    """Values no sandbox knows, under the names its demo site `site` uses."""
    names = get_sandbox(api).demo_credentials()[site]
    return {
        name: SHAPED[name](site) if name in SHAPED else f"custom-{site}-{_slug(name)}-5e1d" for name in names
    }


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def customised(api: str, sites: int = 2) -> Sandbox:
    return get_sandbox(api)(credentials=[custom(api, site) for site in range(sites)])


# ── one authenticated call per API: True when the sandbox accepted the credentials ──────────────


def _moduslink(http: httpx.Client, credentials: Credentials, site: int) -> bool:
    # a known route for an unknown order: 404 once the credentials pass, 401 while they do not
    return http.get("/purchaseapi/v1/orders/1", headers=credentials).status_code == 404


def _westcon_soap(http: httpx.Client, credentials: Credentials, site: int) -> bool:
    username, number = credentials["Username"], ("704571", "800200")[site]
    envelope = order_status_envelope(username, [number], username=username, password=credentials["Password"])
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"GetOrderStatus"'}
    answer = http.post(SERVICE_PATH, content=envelope, headers=headers)
    # the site's seed order belongs to whichever account the site has
    return answer.status_code == 200 and number.encode() in answer.content


def _westcon_rest(http: httpx.Client, credentials: Credentials, site: int) -> bool:
    form = {
        "grant_type": "client_credentials",
        **{k: credentials[k] for k in ("client_id", "client_secret", "resource")},
    }
    token = http.post(WestconRestSandbox.token_path, data=form)
    if token.status_code != 200:
        return False
    number = (SEED.westcon_numbers[0], SEED.other_partner_westcon_number)[site]
    query = {REQUEST_ROOT: {"partnerKey": credentials["partnerKey"], "orderType": "W", "order": [number]}}
    headers = {
        "Authorization": f"Bearer {token.json()['access_token']}",
        SUBSCRIPTION_KEY_HEADER: credentials[SUBSCRIPTION_KEY_HEADER],
    }
    answer = http.post(ORDER_STATUS_PATH, json=query, headers=headers)
    # the site's seed orders belong to whichever partnerKey the site has
    return answer.status_code == 200 and bool(answer.json()[RESPONSE_ROOT])


OSN_QUERY = (contract_dir("promostandards_osn") / "examples" / "request.query-po.xml").read_bytes()


def _promostandards_osn(http: httpx.Client, credentials: Credentials, site: int) -> bool:
    # the credentials travel in the body: a purchase order search gets the seed shipment once they
    # pass, a ServiceMessage (100 unknown id, 105 wrong password) while they do not
    body = with_credentials("promostandards_osn", OSN_QUERY, credentials)
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"getOrderShipmentNotification"'}
    answer = http.post("/osn/2.0.0", content=body, headers=headers)
    return (
        answer.status_code == 200
        and b"OrderShipmentNotificationArray>" in answer.content
        and b">PO-100234<" in answer.content
        and b"ServiceMessage" not in answer.content
    )


def _manex(controller: str) -> Callable[[httpx.Client, Credentials, int], bool]:
    def call(http: httpx.Client, credentials: Credentials, site: int) -> bool:
        answer = http.post(f"/api/{controller}/Get/{credentials[KEY_CREDENTIAL]}", content=b"{}")
        return answer.status_code == 200 and answer.json()["IsValidUser"] is True

    return call


PROBES: dict[str, Callable[[httpx.Client, Credentials, int], bool]] = {
    "moduslink_po": _moduslink,
    "westcon_soap": _westcon_soap,
    "westcon_rest": _westcon_rest,
    "manex_so": _manex("SO"),
    "manex_po": _manex("PO"),
    "promostandards_osn": _promostandards_osn,
}


def accepts(sandbox: Sandbox, credentials: Credentials, site: int) -> bool:
    with TestClient(sandbox.asgi()) as http:
        return PROBES[sandbox.api](http, credentials, site)


def demo(api: str, site: int) -> Credentials:
    return dict(get_sandbox(api).demo_credentials()[site])


# ── in process ─────────────────────────────────────────────────────────────────────────────────


def test_every_sandbox_has_a_probe_and_two_demo_sites() -> None:
    assert set(PROBES) == set(SANDBOXES)
    for api in APIS:
        assert len(get_sandbox(api).demo_credentials()) == 2


@pytest.mark.parametrize("api", APIS)
def test_the_demo_sandbox_accepts_its_demo_credentials_and_refuses_others(api: str) -> None:
    # the control: each probe can tell an accepted call from a refused one
    sandbox = get_sandbox(api)()
    for site in (0, 1):
        assert sandbox.client_credentials(site) == demo(api, site)
        assert accepts(sandbox, demo(api, site), site)
        assert not accepts(sandbox, custom(api, site), site)


@pytest.mark.parametrize("api", APIS)
def test_custom_credentials_are_accepted_on_every_site(api: str) -> None:
    sandbox = customised(api)
    for site in (0, 1):
        assert sandbox.client_credentials(site) == custom(api, site)
        assert accepts(sandbox, custom(api, site), site), f"site {site}"


@pytest.mark.parametrize("api", APIS)
def test_with_custom_credentials_the_demo_ones_are_refused(api: str) -> None:
    sandbox = customised(api)
    for site in (0, 1):
        assert not accepts(sandbox, demo(api, site), site), f"site {site}"


@pytest.mark.parametrize("api", APIS)
def test_credentials_for_one_site_leave_no_second_site(api: str) -> None:
    sandbox = customised(api, sites=1)
    assert accepts(sandbox, custom(api, 0), 0)
    assert not accepts(sandbox, demo(api, 1), 1)
    with pytest.raises((IndexError, UsageError)):
        sandbox.client_credentials(1)


@pytest.mark.parametrize("api", ["westcon_soap", "westcon_rest"])
def test_a_reset_keeps_the_seed_orders_with_the_custom_accounts(api: str) -> None:
    sandbox = customised(api)
    sandbox.reset()
    assert accepts(sandbox, custom(api, 0), 0)
    assert accepts(sandbox, custom(api, 1), 1)


def test_the_westcon_rest_gateway_refuses_the_demo_subscription_key_with_a_custom_token() -> None:
    credentials = {
        **custom("westcon_rest", 0),
        SUBSCRIPTION_KEY_HEADER: demo("westcon_rest", 0)[SUBSCRIPTION_KEY_HEADER],
    }
    assert not accepts(customised("westcon_rest"), credentials, 0)


def test_the_moduslink_gateway_refuses_the_demo_subscription_key_with_a_custom_pair() -> None:
    credentials = {
        **custom("moduslink_po", 0),
        "Ocp-Apim-Subscription-Key": demo("moduslink_po", 0)["Ocp-Apim-Subscription-Key"],
    }
    assert not accepts(customised("moduslink_po"), credentials, 0)


def test_credential_names_compare_in_any_case_and_take_the_demo_spelling() -> None:
    given = {name.lower(): value for name, value in custom("moduslink_po", 0).items()}
    sandbox = get_sandbox("moduslink_po")(credentials=[given])
    assert sandbox.client_credentials(0) == custom("moduslink_po", 0)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda c: {k: v for k, v in c.items() if k != "ClientAuthKey"}, "missing ClientAuthKey"),
        (lambda c: {**c, "X-Extra": "custom-extra-value"}, "unknown X-Extra"),
        (lambda c: {**c, "ClientAuthKey": ""}, "blank or padded ClientAuthKey"),
        (lambda c: {**c, "ClientAuthKey": " custom-padded-value "}, "blank or padded ClientAuthKey"),
    ],
    ids=["missing", "unknown", "blank", "padded"],
)
def test_wrong_credentials_are_refused_naming_them_but_never_a_value(
    change: Callable[[Credentials], Credentials], named: str
) -> None:
    given = change(custom("moduslink_po", 0))
    with pytest.raises(UsageError) as refused:
        get_sandbox("moduslink_po")(credentials=[given])
    message = str(refused.value)
    assert named in message and "site 0" in message
    assert not any(value.strip() and value.strip() in message for value in given.values())


@pytest.mark.parametrize("given", [[], [{}, {}, {}]], ids=["no-site", "three-sites"])
def test_credentials_name_one_or_two_sites(given: list[Credentials]) -> None:
    with pytest.raises(UsageError, match="1 to 2 sites"):
        get_sandbox("manex_so")(credentials=given)


def test_credentials_are_a_sequence_of_sites_not_one_mapping() -> None:
    with pytest.raises(UsageError, match="one per site"):
        get_sandbox("manex_so")(credentials={KEY_CREDENTIAL: "custom-key-5e1d"})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("api", "change", "match"),
    [
        ("westcon_rest", {"client_id": "custom-not-a-guid"}, "client_id credentials must be GUIDs"),
        ("westcon_rest", {"resource": "custom-not-a-guid"}, "resource credentials must be GUIDs"),
        ("westcon_soap", {"Username": "12345678901"}, "up to 10 characters"),
        ("manex_po", {KEY_CREDENTIAL: "custom/key"}, "no '/'"),
    ],
)
def test_credentials_the_sandbox_could_not_accept_are_refused(
    api: str, change: Credentials, match: str
) -> None:
    with pytest.raises(UsageError, match=match):
        get_sandbox(api)(credentials=[{**custom(api, 0), **change}])


def test_westcon_rest_sites_must_share_one_resource() -> None:
    second = {**custom("westcon_rest", 1), "resource": "c0570e00-0000-4000-8000-0000000b0000"}
    with pytest.raises(UsageError, match="same resource"):
        WestconRestSandbox(credentials=[custom("westcon_rest", 0), second])


def test_a_fault_still_runs_with_custom_credentials() -> None:
    sandbox = get_sandbox("manex_so")("accepts-invalid-key", credentials=[custom("manex_so", 0)])
    assert accepts(sandbox, demo("manex_so", 0), 0)


# ── served over HTTP ───────────────────────────────────────────────────────────────────────────


@pytest.fixture(params=APIS)
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    api = request.param
    url, stop = start_in_thread(api, credentials=[custom(api, 0), custom(api, 1)])
    yield api, url
    stop()


def test_start_in_thread_serves_the_custom_credentials_and_refuses_the_demo_ones(
    served: tuple[str, str],
) -> None:
    api, url = served
    with httpx.Client(base_url=url, timeout=10) as http:
        assert PROBES[api](http, custom(api, 0), 0)
        assert PROBES[api](http, custom(api, 1), 1)
        assert not PROBES[api](http, demo(api, 0), 0)


def test_credential_variables_follow_the_served_profile_spelling() -> None:
    assert credential_variable("CANARY", "ClientAuthKey") == "CANARY_CLIENTAUTHKEY"
    assert (
        credential_variable("CANARY_", "Ocp-Apim-Subscription-Key", 1)
        == "CANARY_SITE2_OCP_APIM_SUBSCRIPTION_KEY"
    )
    assert credential_variable("CANARY", KEY_CREDENTIAL) == "CANARY_APIKEY"


def _environ(api: str, prefix: str, sites: int) -> dict[str, str]:
    return {
        credential_variable(prefix, name, site): value
        for site in range(sites)
        for name, value in custom(api, site).items()
    }


@pytest.mark.parametrize("sites", [1, 2])
def test_credentials_from_env_read_site_0_and_an_optional_second_site(sites: int) -> None:
    environ = {**_environ("westcon_rest", "CANARY", sites), "UNRELATED": "x"}
    assert credentials_from_env("westcon_rest", "CANARY", environ) == [
        custom("westcon_rest", s) for s in range(sites)
    ]


def test_credentials_from_env_name_every_missing_variable_and_no_value() -> None:
    environ = _environ("moduslink_po", "CANARY", 2)
    del environ["CANARY_CLIENTAUTHKEY"], environ["CANARY_SITE2_CLIENTCONFIGID"]
    with pytest.raises(UsageError) as refused:
        credentials_from_env("moduslink_po", "CANARY", {k: v for k, v in environ.items() if "SITE2" not in k})
    assert "CANARY_CLIENTAUTHKEY" in str(refused.value)
    with pytest.raises(UsageError) as refused:
        credentials_from_env("moduslink_po", "CANARY", {**environ, "CANARY_CLIENTAUTHKEY": "custom-5e1d"})
    message = str(refused.value)
    assert "CANARY_SITE2_CLIENTCONFIGID" in message and "site 1" in message
    assert not any(value in message for value in environ.values())


class _Quiet:
    """Stands in for uvicorn: serve() returns as soon as it would start serving."""

    def run(self, **_: Any) -> None:
        return None


def test_serve_with_custom_credentials_prints_no_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(serving, "_server", lambda app: _Quiet())
    serving.serve("moduslink_po", credentials=[custom("moduslink_po", 0)])
    printed = capsys.readouterr().out
    assert "serving on http://127.0.0.1:" in printed and "not shown" in printed
    assert not any(value in printed for value in custom("moduslink_po", 0).values())


def test_serve_with_demo_credentials_prints_them_so_a_user_can_call_in(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(serving, "_server", lambda app: _Quiet())
    serving.serve("manex_po")
    assert demo("manex_po", 0)[KEY_CREDENTIAL] in capsys.readouterr().out


def test_the_cli_serves_the_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(serving, "serve", lambda api, **kw: seen.update(api=api, **kw))
    environ = _environ("manex_po", "B2BTEST_CANARY", 2)
    result = CliRunner().invoke(
        cli,
        ["sandbox", "serve", "--api", "manex_po", "--credentials-from-env", "B2BTEST_CANARY"],
        env=environ,
    )
    assert result.exit_code == 0, result.output
    assert seen["credentials"] == [custom("manex_po", 0), custom("manex_po", 1)]


def test_the_cli_names_the_missing_variables_and_exits_2() -> None:
    result = CliRunner().invoke(
        cli, ["sandbox", "serve", "--api", "manex_so", "--credentials-from-env", "B2BTEST_NOTSET"]
    )
    assert result.exit_code == 2
    assert "B2BTEST_NOTSET_APIKEY" in result.output


def test_the_cli_help_documents_the_variables() -> None:
    text = CliRunner().invoke(cli, ["sandbox", "serve", "--help"]).output
    assert "--credentials-from-env" in text and "PREFIX_SITE2_<NAME>" in text


def test_a_sandbox_reads_its_credential_headers_from_the_contract() -> None:
    from b2bconform.errors import UsageError
    from b2bconform.sandboxes.base import credential_header

    assert credential_header("westcon_rest", "Ocp-Apim-Subscription-Key") == "Ocp-Apim-Subscription-Key"
    with pytest.raises(UsageError, match="no header credential 'partnerKey'"):
        credential_header("westcon_rest", "partnerKey")  # a body credential, not a header

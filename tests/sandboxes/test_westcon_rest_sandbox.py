"""The Westcon REST Order Status sandbox: its Azure AD token endpoint, the API Management gate, the
order lookups, and each fault breaking its one rule."""

from __future__ import annotations

import base64
import json
import re
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fault_probes import derived_probes, failed_rules_of
from starlette.exceptions import StarletteDeprecationWarning

from b2bconform.apis.westcon_rest.sandbox import (
    CLIENTS,
    INVALID_KEY_MESSAGE,
    INVALID_TOKEN_MESSAGE,
    LINE_MEMBERS,
    MISSING_KEY_MESSAGE,
    ORDER_STATUS_PATH,
    REQUEST_ROOT,
    RESOURCE,
    RESPONSE_ROOT,
    SEED,
    SUBSCRIPTION_KEY_HEADER,
    TENANT,
    WestconRestSandbox,
    decode_claims,
)
from b2bconform.engine.contract import Contract
from b2bconform.errors import UsageError
from b2bconform.sandboxes import SANDBOXES, Fault, get_sandbox
from b2bconform.sandboxes.serve import start_in_thread

with warnings.catch_warnings():
    # Starlette nudges towards httpx2; the httpx-based TestClient works the same for us.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

TOKEN_PATH = WestconRestSandbox.token_path
JSON_TYPE = "application/json; charset=utf-8"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
STAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z"
PARTNER, OTHER_PARTNER = SEED.partner_keys


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


class Clock:
    """A settable clock, so tokens can expire without waiting."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Api:
    """A sandbox instance and an in-process client over it, with site 0's credentials."""

    def __init__(self, fault: str | None = None, clock: Clock | None = None) -> None:
        self.sandbox = WestconRestSandbox(fault, clock=clock or Clock())
        self.http = TestClient(self.sandbox.app())  # a fault that rewrites answers included
        self.credentials = self.sandbox.client_credentials()

    def form(self, **changes: str | None) -> dict[str, str]:
        """A conforming token request of site 0; a change of None leaves the parameter out."""
        return self.site_form(0, changes)

    def site_form(self, site: int, changes: dict[str, str | None] | None = None) -> dict[str, str]:
        creds = self.sandbox.client_credentials(site)
        form: dict[str, str | None] = {
            "grant_type": "client_credentials",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "resource": creds["resource"],
            **(changes or {}),
        }
        return {name: value for name, value in form.items() if value is not None}

    def token_call(self, form: dict[str, str] | None = None, path: str = TOKEN_PATH) -> httpx.Response:
        response: httpx.Response = self.http.post(path, data=self.form() if form is None else form)
        return response

    def token(self, site: int = 0) -> str:
        response = self.token_call(self.site_form(site))
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def headers(self, token: str | None = None, site: int = 0) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token or self.sandbox.issue_token(site)}",
            SUBSCRIPTION_KEY_HEADER: self.sandbox.client_credentials(site)[SUBSCRIPTION_KEY_HEADER],
        }

    def post(
        self, body: Any, headers: dict[str, str] | None = None, path: str = ORDER_STATUS_PATH
    ) -> httpx.Response:
        content = body if isinstance(body, bytes | str) else json.dumps(body)
        sent = self.headers() if headers is None else headers
        response: httpx.Response = self.http.post(
            path, content=content, headers={"Content-Type": "application/json", **sent}
        )
        return response

    def query(
        self,
        numbers: list[Any],
        order_type: Any = "W",
        partner: Any = PARTNER,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return self.post(request(numbers, order_type, partner), headers)

    def lines(
        self, numbers: list[Any], order_type: str = "W", partner: str = PARTNER
    ) -> list[dict[str, Any]]:
        response = self.query(numbers, order_type, partner)
        assert response.status_code == 200, response.text
        lines: list[dict[str, Any]] = response.json()[RESPONSE_ROOT]
        return lines


def request(numbers: list[Any], order_type: Any = "W", partner: Any = PARTNER) -> dict[str, Any]:
    return {
        REQUEST_ROOT: {"partnerKey": partner, "orderType": order_type, "language": "EN", "order": numbers}
    }


def keys(lines: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(line["eRPOrderNumber"], line["eRPOrderLineNumber"]) for line in lines]


def without(headers: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k != name}


def b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def claims_of(token: str) -> dict[str, Any]:
    claims = decode_claims(token)
    assert claims is not None
    return claims


@pytest.fixture
def api() -> Api:
    return Api()


# ── the token endpoint ───────────────────────────────────────────────────────────────────────


def test_token_endpoint_issues_a_bearer_token_the_api_accepts(api: Api) -> None:
    response = api.token_call()
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON_TYPE
    body = response.json()
    assert list(body) == ["token_type", "expires_in", "ext_expires_in", "access_token"]
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == body["ext_expires_in"] == 3599
    claims = claims_of(body["access_token"])
    assert claims["aud"] == RESOURCE
    assert claims["iss"] == f"https://sts.windows.net/{TENANT}/"
    assert claims["appid"] == api.credentials["client_id"]
    assert claims["exp"] - claims["iat"] == 3599 and claims["nbf"] == claims["iat"]
    assert api.query(["600004"], headers=api.headers(body["access_token"])).status_code == 200


def test_each_token_is_distinct_and_names_its_own_application(api: Api) -> None:
    first, again, second = api.token(0), api.token(0), api.token(1)
    assert first != again
    assert claims_of(second)["appid"] == api.sandbox.client_credentials(1)["client_id"]


@pytest.mark.parametrize(
    "changes",
    [
        {"resource": None},  # TOK-006 is judged on the client only: Azure AD accepts no resource
        {"resource": RESOURCE.upper()},
        {"client_id": CLIENTS[0].client_id.upper()},  # GUIDs compare case-insensitively
        {"scope": "ignored", "extra": "x"},
    ],
    ids=["no-resource", "resource-upper-case", "client-id-upper-case", "unknown-parameters"],
)
def test_token_requests_azure_ad_accepts(api: Api, changes: dict[str, str | None]) -> None:
    assert api.token_call(api.form(**changes)).status_code == 200


def test_tenant_and_path_compare_case_insensitively(api: Api) -> None:
    path = f"/{TENANT.upper()}/OAuth2/Token"
    assert api.token_call(path=path).status_code == 200


TOKEN_REFUSALS: dict[str, tuple[dict[str, str | None], int, str, int]] = {
    "grant-type-missing": ({"grant_type": None}, 400, "invalid_request", 900144),
    "grant-type-blank": ({"grant_type": ""}, 400, "invalid_request", 900144),
    "grant-type-password": ({"grant_type": "password"}, 400, "unsupported_grant_type", 70003),
    "grant-type-wrong-case": ({"grant_type": "Client_Credentials"}, 400, "unsupported_grant_type", 70003),
    "client-id-missing": ({"client_id": None}, 400, "invalid_request", 900144),
    "client-id-not-a-guid": ({"client_id": "my-app"}, 400, "unauthorized_client", 700016),
    "client-id-unknown": (
        {"client_id": "5b2bc0f0-0000-4000-8000-0000000c9999"},
        400,
        "unauthorized_client",
        700016,
    ),
    "client-secret-missing": ({"client_secret": None}, 401, "invalid_client", 7000216),
    "client-secret-blank": ({"client_secret": ""}, 401, "invalid_client", 7000216),
    "client-secret-wrong": ({"client_secret": "sbx-wrong"}, 401, "invalid_client", 7000215),
    "client-secret-of-the-other-site": (
        {"client_secret": CLIENTS[1].client_secret},
        401,
        "invalid_client",
        7000215,
    ),
    "resource-unknown": (
        {"resource": "5b2bc0f0-0000-4000-8000-0000000a9999"},
        400,
        "invalid_resource",
        500011,
    ),
}


@pytest.mark.parametrize("case", sorted(TOKEN_REFUSALS))
def test_token_refusals_carry_azure_ads_status_error_and_aadsts_code(api: Api, case: str) -> None:
    changes, status, error, code = TOKEN_REFUSALS[case]
    response = api.token_call(api.form(**changes))
    assert response.status_code == status
    assert response.headers["content-type"] == JSON_TYPE
    body = response.json()
    assert body["error"] == error
    assert body["error_codes"] == [code]
    match = re.fullmatch(
        rf"AADSTS{code}: [^\r\n]+\r\nTrace ID: ({UUID})\r\nCorrelation ID: ({UUID})\r\nTimestamp: ({STAMP})",
        body["error_description"],
    )
    assert match is not None, body["error_description"]
    assert match.groups() == (body["trace_id"], body["correlation_id"], body["timestamp"])


def test_the_checks_come_in_azure_ads_order(api: Api) -> None:
    # Several problems at once: the earliest in grant, client, secret, resource order is answered.
    everything_wrong = {"grant_type": "password", "client_id": "x", "client_secret": "", "resource": "y"}
    assert api.token_call(everything_wrong).json()["error_codes"] == [70003]
    assert api.token_call(api.form(client_id="x", client_secret=None)).json()["error_codes"] == [700016]
    assert api.token_call(api.form(client_secret="bad", resource="y")).json()["error_codes"] == [7000215]


def test_missing_parameter_refusals_name_the_parameter(api: Api) -> None:
    for name in ("grant_type", "client_id"):
        description = api.token_call(api.form(**{name: None})).json()["error_description"]
        assert f"'{name}'" in description.splitlines()[0]


def test_another_tenant_is_not_found(api: Api) -> None:
    response = api.token_call(path="/5b2bc0f0-0000-4000-8000-00000000beef/oauth2/token")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_codes"] == [90002]


def test_a_body_not_labelled_as_a_form_is_read_as_an_empty_form(api: Api) -> None:
    response = api.http.post(
        TOKEN_PATH, content=json.dumps(api.form()), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error_codes"] == [900144]
    assert "'grant_type'" in response.json()["error_description"]


def test_a_form_with_a_charset_is_read(api: Api) -> None:
    content = "&".join(f"{k}={v}" for k, v in api.form().items())
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    assert api.http.post(TOKEN_PATH, content=content, headers=headers).status_code == 200


def test_the_token_endpoint_answers_get_with_400_not_405(api: Api) -> None:
    response = api.http.get(TOKEN_PATH)
    assert response.status_code == 400
    assert response.json()["error_codes"] == [900561]


def test_refusal_timestamps_follow_the_sandbox_clock() -> None:
    api = Api(clock=Clock(1_800_000_000.0))  # 2027-01-15 08:00:00 UTC
    body = api.token_call(api.form(client_secret=None)).json()
    assert body["timestamp"] == "2027-01-15 08:00:00Z"


# ── token verification ───────────────────────────────────────────────────────────────────────


def test_a_token_expires_after_3599_seconds() -> None:
    clock = Clock()
    api = Api(clock=clock)
    headers = api.headers(api.token())
    clock.now += 3598
    assert api.query(["600004"], headers=headers).status_code == 200
    clock.now += 1
    response = api.query(["600004"], headers=headers)
    assert response.status_code == 401
    assert response.json() == {"statusCode": 401, "message": INVALID_TOKEN_MESSAGE}


def test_revoked_tokens_are_refused_and_new_ones_accepted(api: Api) -> None:
    old = api.headers(api.token())
    minted = api.headers(api.sandbox.issue_token())
    assert api.query(["600004"], headers=old).status_code == 200
    api.sandbox.revoke_tokens()
    assert api.query(["600004"], headers=old).status_code == 401
    assert api.query(["600004"], headers=minted).status_code == 401
    assert api.query(["600004"], headers=api.headers(api.token())).status_code == 200


def _tampered_claims(api: Api) -> str:
    header, _, signature = api.sandbox.issue_token().split(".")
    claims = {**claims_of(api.sandbox.issue_token()), "appid": CLIENTS[1].client_id}
    return f"{header}.{b64(claims)}.{signature}"


def _signed(api: Api, **changes: Any) -> str:
    return api.sandbox.tokens.sign({**claims_of(api.sandbox.issue_token()), **changes})


BAD_TOKENS: dict[str, Callable[[Api], str]] = {
    "expired": lambda a: a.sandbox.issue_token(lifetime=-60),
    "expiring-now": lambda a: a.sandbox.issue_token(lifetime=0),
    "bad-signature": lambda a: a.sandbox.issue_token()[:-4] + "AAAA",
    "tampered-claims": _tampered_claims,
    "alg-none": lambda a: f"{b64({'typ': 'JWT', 'alg': 'none'})}.{a.sandbox.issue_token().split('.')[1]}.",
    "another-instance": lambda a: WestconRestSandbox().issue_token(),
    "wrong-audience": lambda a: _signed(a, aud="https://graph.microsoft.com"),
    "wrong-issuer": lambda a: _signed(a, iss="https://sts.windows.net/5b2bc0f0-0000-4000-8000-00000000beef/"),
    "unknown-application": lambda a: _signed(a, appid="5b2bc0f0-0000-4000-8000-0000000c9999"),
    "not-yet-valid": lambda a: _signed(a, nbf=claims_of(a.sandbox.issue_token())["nbf"] + 600),
    "no-expiry": lambda a: a.sandbox.tokens.sign({"aud": RESOURCE, "appid": CLIENTS[0].client_id}),
    "malformed": lambda a: "not-a-token",
    "garbage-segments": lambda a: "a.b.c",
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
def test_bad_tokens_are_refused(api: Api, case: str) -> None:
    response = api.query(["600004"], headers=api.headers(BAD_TOKENS[case](api)))
    assert response.status_code == 401
    assert response.json() == {"statusCode": 401, "message": INVALID_TOKEN_MESSAGE}


def test_a_sandbox_signed_token_with_the_right_claims_is_accepted(api: Api) -> None:
    assert api.query(["600004"], headers=api.headers(_signed(api))).status_code == 200


# ── the API Management gate ──────────────────────────────────────────────────────────────────


def _gate_headers(api: Api) -> dict[str, dict[str, str]]:
    good = api.headers()
    token = good["Authorization"].split()[1]
    return {
        "no-subscription-key": without(good, SUBSCRIPTION_KEY_HEADER),
        "blank-subscription-key": {**good, SUBSCRIPTION_KEY_HEADER: " "},
        "wrong-subscription-key": {**good, SUBSCRIPTION_KEY_HEADER: "sbx-not-a-key"},
        "no-authorization": without(good, "Authorization"),
        "other-scheme": {**good, "Authorization": f"Token {token}"},
        "no-scheme": {**good, "Authorization": token},
        "bearer-without-token": {**good, "Authorization": "Bearer "},
        "basic": {**good, "Authorization": "Basic dXNlcjpwYXNz"},
        "nothing": {},
        "wrong-key-and-no-token": {SUBSCRIPTION_KEY_HEADER: "sbx-not-a-key"},
    }


GATE_MESSAGES = {
    "no-subscription-key": MISSING_KEY_MESSAGE,
    "blank-subscription-key": MISSING_KEY_MESSAGE,
    "wrong-subscription-key": INVALID_KEY_MESSAGE,
    "no-authorization": INVALID_TOKEN_MESSAGE,
    "other-scheme": INVALID_TOKEN_MESSAGE,
    "no-scheme": INVALID_TOKEN_MESSAGE,
    "bearer-without-token": INVALID_TOKEN_MESSAGE,
    "basic": INVALID_TOKEN_MESSAGE,
    "nothing": MISSING_KEY_MESSAGE,  # the subscription key is checked before the token
    "wrong-key-and-no-token": INVALID_KEY_MESSAGE,
}


@pytest.mark.parametrize("case", sorted(GATE_MESSAGES))
def test_each_auth_refusal_is_a_401_with_statuscode_and_its_message(api: Api, case: str) -> None:
    response = api.query(["600004"], headers=_gate_headers(api)[case])
    assert response.status_code == 401
    assert response.headers["content-type"] == JSON_TYPE
    assert response.json() == {"statusCode": 401, "message": GATE_MESSAGES[case]}


def test_the_bearer_scheme_is_case_insensitive(api: Api) -> None:
    headers = {**api.headers(), "Authorization": "bearer " + api.sandbox.issue_token()}
    assert api.query(["600004"], headers=headers).status_code == 200


def test_credentials_are_checked_before_the_body(api: Api) -> None:
    response = api.post(b"not json", headers=without(api.headers(), "Authorization"))
    assert response.status_code == 401


def test_the_second_site_is_served_with_its_own_credentials(api: Api) -> None:
    lines = api.query(["700001"], partner=OTHER_PARTNER, headers=api.headers(api.token(1), site=1))
    assert keys(lines.json()[RESPONSE_ROOT]) == [("0000700001", "000010")]


# ── request validation ───────────────────────────────────────────────────────────────────────


def _with(**changes: Any) -> dict[str, Any]:
    body = request(["600004"])
    body[REQUEST_ROOT].update(changes)
    return {REQUEST_ROOT: {k: v for k, v in body[REQUEST_ROOT].items() if v is not ...}}


BAD_REQUESTS: dict[str, tuple[Any, str]] = {
    "not-json": (b"{not json", "JSON"),
    "empty-body": (b"", "JSON"),
    "array-body": ([request(["600004"])], "JSON object"),
    "no-root": ({}, REQUEST_ROOT),
    "root-wrong-case": ({"MT_OrderStatus_API_REQ": request(["600004"])[REQUEST_ROOT]}, REQUEST_ROOT),
    "root-not-object": ({REQUEST_ROOT: ["600004"]}, REQUEST_ROOT),
    "partner-key-missing": (_with(partnerKey=...), "partnerKey"),
    "partner-key-number": (_with(partnerKey=100003), "partnerKey"),
    "partner-key-empty": (_with(partnerKey=""), "partnerKey"),
    "order-type-missing": (_with(orderType=...), "orderType"),
    "order-type-unknown": (_with(orderType="X"), "orderType"),
    "order-type-lower-case": (_with(orderType="w"), "orderType"),
    "order-type-number": (_with(orderType=1), "orderType"),
    "order-missing": (_with(order=...), "order"),
    "order-a-string": (_with(order="600004"), "order"),
    "order-empty": (_with(order=[]), "order"),
    "order-number-not-string": (_with(order=[600004]), "order[0]"),
    "order-number-empty": (_with(order=["600004", ""]), "order[1]"),
}


@pytest.mark.parametrize("case", sorted(BAD_REQUESTS))
def test_each_invalid_request_is_a_400_naming_the_problem(api: Api, case: str) -> None:
    body, named = BAD_REQUESTS[case]
    response = api.post(body)
    assert response.status_code == 400
    assert response.headers["content-type"] == JSON_TYPE
    answer = response.json()
    assert list(answer) == ["statusCode", "message"] and answer["statusCode"] == 400
    assert named in answer["message"]


def test_the_first_problem_is_answered(api: Api) -> None:
    message = api.post(_with(partnerKey=..., order=[])).json()["message"]
    assert "partnerKey" in message and "order" not in message.replace(REQUEST_ROOT, "")


@pytest.mark.parametrize("language", [..., "english", "", 7])
def test_language_is_judged_on_the_client_only(api: Api, language: Any) -> None:
    assert api.post(_with(language=language)).status_code == 200


def test_content_type_of_the_request_is_not_judged(api: Api) -> None:
    response = api.http.post(
        ORDER_STATUS_PATH, content=json.dumps(request(["600004"])), headers=api.headers()
    )
    assert response.status_code == 200


# ── lookups ──────────────────────────────────────────────────────────────────────────────────


def test_the_documented_request_shape_gets_both_orders_lines(api: Api) -> None:
    response = api.query(["600004", "600009"])
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON_TYPE
    assert list(response.json()) == [RESPONSE_ROOT]
    assert keys(response.json()[RESPONSE_ROOT]) == [
        ("0000600004", "000010"),
        ("0000600004", "000020"),
        ("0000600009", "000010"),
        ("0000600009", "000020"),
    ]


@pytest.mark.parametrize("number", ["600004", "0000600004", "00600004", " 600004 "])
def test_w_ignores_leading_zeros(api: Api, number: str) -> None:
    assert keys(api.lines([number])) == [("0000600004", "000010"), ("0000600004", "000020")]


def test_w_answers_in_query_order(api: Api) -> None:
    assert [n for n, _ in keys(api.lines(["600016", "600004"]))] == ["0000600016", "0000600004", "0000600004"]


def test_c_matches_the_customer_number_exactly_and_may_find_several_orders(api: Api) -> None:
    lines = api.lines(["PO-77812"], "C")
    assert keys(lines) == [
        ("0000600015", "000010"),
        ("0000600015", "000020"),
        ("0000600015", "000030"),
        ("0000600015", "000031"),
        ("0000600016", "000010"),
    ]
    assert {line["customerOrderNumber"] for line in lines} == {"PO-77812"}
    assert api.lines(["po-77812"], "C") == []
    assert api.lines(["PO-7781"], "C") == []
    assert len(api.lines([" PO-77812 "], "C")) == 5  # surrounding blanks are not part of the number


def test_a_number_of_one_kind_queried_as_the_other_finds_nothing(api: Api) -> None:
    assert api.lines(["600004", "0000600004"], "C") == []
    assert api.lines(["RB1024-03", "PO-77812"], "W") == []


@pytest.mark.parametrize(
    ("numbers", "order_type", "count"),
    [
        (["600004", "0000600004", "600004"], "W", 2),
        (["PO-77812", "PO-77812"], "C", 5),
        (["600015", "PO-77812"], "W", 4),
    ],
)
def test_a_number_queried_twice_lists_its_lines_once(
    api: Api, numbers: list[str], order_type: str, count: int
) -> None:
    lines = api.lines(numbers, order_type)
    assert len(lines) == count == len(set(keys(lines)))


@pytest.mark.parametrize("numbers", [["999999"], ["0"], ["NOPE"]])
def test_numbers_matching_no_order_get_200_and_an_empty_list(api: Api, numbers: list[str]) -> None:
    assert api.lines(numbers) == []
    assert api.lines(numbers, "C") == []


def test_a_partner_sees_only_its_own_orders(api: Api) -> None:
    assert api.lines([SEED.other_partner_westcon_number]) == []
    assert api.lines([SEED.other_partner_customer_number], "C") == []
    assert keys(api.lines(["600004", "700001"])) == [("0000600004", "000010"), ("0000600004", "000020")]
    assert keys(api.lines(["700001"], partner=OTHER_PARTNER)) == [("0000700001", "000010")]
    assert api.lines(["600004"], partner=OTHER_PARTNER) == []
    assert api.lines(["600004"], partner="000000000000999999") == []


def test_lines_in_several_statuses(api: Api) -> None:
    by_line = {line["eRPOrderLineNumber"]: line for line in api.lines(["600015"])}
    described = {n: (line["lineStatusCode"], line["lineStatusDescription"]) for n, line in by_line.items()}
    assert described == {
        "000010": ("OPN", "Open"),
        "000020": ("BCK", "Backordered"),
        "000030": ("SHI", "Shipped"),
        "000031": ("SHI", "Shipped"),
    }
    assert by_line["000010"]["shipDate"] == by_line["000020"]["shipDate"] == ""
    assert by_line["000030"]["shipDate"] and by_line["000031"]["shipDate"]
    assert by_line["000031"]["parentERPLine"] == "000030"
    assert by_line["000030"]["parentERPLine"] == "000000"
    assert by_line["000020"]["lineQuantity"] == "12.000"


def test_invoiced_lines_carry_the_billing_document(api: Api) -> None:
    for line in api.lines(["600004"]):
        assert (line["lineStatusCode"], line["lineStatusDescription"]) == ("INV", "Invoiced")
        assert line["billingDocument"] == "0090000017"
        assert line["lineQuantity"] == " 2.000"
        assert line["unitOfMeasure"] == "EA"


DATE = r"\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])"
DESCRIPTIONS = {"INV": "Invoiced", "SHI": "Shipped"}


def line_rules_broken(lines: list[dict[str, Any]], queried: list[str], key: str = RESPONSE_ROOT) -> set[str]:
    """The RES rules the lines break, judged here independently of the engine (W query of `queried`)."""
    broken = {rule for line in lines for rule in _line_rules(line, queried)}
    if key != RESPONSE_ROOT:
        broken.add("RES-002")
    customers: dict[str, set[str]] = {}
    for line in lines:
        customers.setdefault(line.get("eRPOrderNumber", ""), set()).add(line.get("customerOrderNumber", ""))
    if any(len(names) != 1 for names in customers.values()):
        broken.add("RES-022")
    return broken


def _line_rules(line: dict[str, Any], queried: list[str]) -> set[str]:
    # A missing member reads as "": its absence is judged by RES-004 alone.
    number, code, description, ship, billing = (
        line.get(name, "")
        for name in (
            "eRPOrderNumber",
            "lineStatusCode",
            "lineStatusDescription",
            "shipDate",
            "billingDocument",
        )
    )
    kept = {
        "RES-004": set(line) == set(LINE_MEMBERS),
        "RES-005": all(isinstance(value, str) for value in line.values()),
        "RES-006": re.fullmatch(r"\d{10}", number),
        "RES-007": re.fullmatch(r"\d{6}", line.get("eRPOrderLineNumber", "")),
        "RES-008": re.fullmatch(r"\d{6}", line.get("parentERPLine", "")),
        "RES-009": re.fullmatch(r" *(0|[1-9][0-9]*)\.[0-9]{3}", line.get("lineQuantity", "")),
        "RES-010": re.fullmatch(r"[A-Z0-9]{1,3}", line.get("unitOfMeasure", "")),
        "RES-011": re.fullmatch(r"[A-Z]{3}", code),
        "RES-012": description == DESCRIPTIONS.get(code, description),
        "RES-013": re.fullmatch(DATE, line.get("statusDate", "")),
        "RES-014": ship == "" or re.fullmatch(DATE, ship),
        "RES-015": code not in DESCRIPTIONS or ship,
        "RES-016": code != "INV" or billing,
        "RES-017": code == "INV" or billing == "",
        "RES-018": re.fullmatch(r"\d{0,10}", billing),
        "RES-020": number.lstrip("0") in {n.lstrip("0") for n in queried},
    }
    return {rule for rule, ok in kept.items() if not ok}


ALL_NUMBERS = [*SEED.westcon_numbers]


def judged(api: Api) -> set[str]:
    response = api.query(ALL_NUMBERS)
    assert response.status_code == 200
    ((key, lines),) = response.json().items()
    return line_rules_broken(lines, ALL_NUMBERS, key)


def test_every_line_has_the_13_string_members_in_the_documented_formats(api: Api) -> None:
    lines = api.lines(ALL_NUMBERS)
    assert len(lines) == sum(SEED.lines_of(number) for number in ALL_NUMBERS) == 9
    assert {line["lineStatusCode"] for line in lines} == {"INV", "SHI", "OPN", "BCK"}
    for line in lines:
        assert tuple(line) == LINE_MEMBERS
    assert line_rules_broken(lines, ALL_NUMBERS) == set()


def test_seed_facts_agree_with_the_answers(api: Api) -> None:
    assert SEED.partner_keys == tuple(api.sandbox.client_credentials(site)["partnerKey"] for site in (0, 1))
    assert all(re.fullmatch(r"\d{18}", key) for key in SEED.partner_keys)
    for number in SEED.westcon_numbers:
        assert len(api.lines([number.lstrip("0")])) == SEED.lines_of(number) > 0
    for number in SEED.customer_numbers:
        assert len(api.lines([number], "C")) == SEED.lines_of(number) == SEED.lines_of(number, "C") > 0
    assert SEED.lines_of("PO-77812") == 5 and SEED.lines_of("600004", "C") == 0
    other = api.lines([SEED.other_partner_westcon_number], partner=OTHER_PARTNER)
    assert len(other) == SEED.lines_of(SEED.other_partner_westcon_number) == 1
    assert other[0]["customerOrderNumber"] == SEED.other_partner_customer_number


# ── routing ──────────────────────────────────────────────────────────────────────────────────


def test_the_path_compares_case_insensitively(api: Api) -> None:
    assert api.post(request(["600004"]), path="/orders/ORDERSTATUS").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", ORDER_STATUS_PATH), ("PUT", ORDER_STATUS_PATH), ("POST", "/Orders/other"), ("GET", "/")],
)
def test_other_routes_are_404_resource_not_found(api: Api, method: str, path: str) -> None:
    response = api.http.request(method, path, headers=api.headers())
    assert response.status_code == 404
    assert response.headers["content-type"] == JSON_TYPE
    assert response.json() == {"statusCode": 404, "message": "Resource not found"}


# ── state, registry, credentials ─────────────────────────────────────────────────────────────


def test_reset_keeps_the_seed_and_the_tokens(api: Api) -> None:
    headers = api.headers(api.token())
    before = api.lines(ALL_NUMBERS)
    api.sandbox.reset()
    assert api.query(ALL_NUMBERS, headers=headers).json()[RESPONSE_ROOT] == before


def test_registry_knows_the_westcon_rest_sandbox() -> None:
    assert SANDBOXES["westcon_rest"] is WestconRestSandbox
    assert get_sandbox("westcon_rest") is WestconRestSandbox
    assert WestconRestSandbox.token_path == f"/{TENANT}/oauth2/token"


def test_client_credentials_per_site() -> None:
    sandbox = WestconRestSandbox()
    for site in (0, 1):
        creds = sandbox.client_credentials(site)
        assert list(creds) == [
            "client_id",
            "client_secret",
            "resource",
            SUBSCRIPTION_KEY_HEADER,
            "partnerKey",
        ]
        assert re.fullmatch(UUID, creds["client_id"])
        assert creds["client_secret"].startswith("sbx-westcon-secret-")
        assert creds["resource"] == RESOURCE
        assert sandbox.client_headers(site) == {SUBSCRIPTION_KEY_HEADER: creds[SUBSCRIPTION_KEY_HEADER]}
    assert sandbox.client_credentials(0) != sandbox.client_credentials(1)
    for site in (2, -1):
        with pytest.raises(IndexError, match="no site"):
            sandbox.client_credentials(site)
        with pytest.raises(IndexError):
            sandbox.client_headers(site)
        with pytest.raises(IndexError):
            sandbox.issue_token(site)


def test_unknown_fault_is_a_usage_error_listing_the_faults() -> None:
    with pytest.raises(UsageError, match="iso-status-date"):
        WestconRestSandbox("no-such-fault")


def test_every_fault_names_one_distinct_rule() -> None:
    faults = WestconRestSandbox.faults
    assert len({fault.rule for fault in faults.values()}) == len(faults) == 25
    for name, fault in faults.items():
        assert isinstance(fault, Fault) and fault.name == name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
        assert re.fullmatch(r"WESTCON_REST-(TOK|AUTH|REQ|RES|STA)-\d{3}", fault.rule)
        assert fault.description and "\n" not in fault.description


def test_broken_rule_and_has() -> None:
    assert WestconRestSandbox().broken_rule is None
    sandbox = WestconRestSandbox("iso-status-date")
    assert sandbox.broken_rule == "WESTCON_REST-RES-013"
    assert sandbox.has("iso-status-date") and not sandbox.has("zero-padded-quantity")
    with pytest.raises(KeyError):
        sandbox.has("typo")


# ── each fault: its misbehaviour is present, and absent from the faithful sandbox ────────────


def _token_body(api: Api) -> dict[str, Any]:
    body: dict[str, Any] = api.token_call().json()
    return body


def _served(api: Api, headers: dict[str, str]) -> bool:
    response = api.query(["600004"], headers=headers)
    return response.status_code == 200 and len(response.json()[RESPONSE_ROOT]) == 2


def _non_bearer(api: Api) -> bool:
    token = api.sandbox.issue_token()
    good = api.headers(token)
    return _served(api, {**good, "Authorization": f"Token {token}"}) and _served(
        api, {**good, "Authorization": token}
    )


def _failed_rules(api: Api) -> set[str]:
    """The rules the engine fails on a token answer and the answers about shipped, invoiced and
    partly shipped orders, asked by Westcon order number and by the customer's."""
    responses = [
        api.token_call(),
        *(api.query([number]) for number in ("600004", "600009", "600015")),
        api.query(["PO-77812"], "C"),
    ]
    return failed_rules_of(Contract.load("westcon_rest"), responses)


FAULT_PROBES: dict[str, Callable[[Api], bool]] = {
    **derived_probes(WestconRestSandbox.faults, _failed_rules),
    "accepts-missing-token": lambda a: _served(a, without(a.headers(), "Authorization")),
    "accepts-non-bearer-scheme": _non_bearer,
    "accepts-missing-subscription-key": lambda a: _served(a, without(a.headers(), SUBSCRIPTION_KEY_HEADER)),
    "accepts-expired-token": lambda a: _served(a, a.headers(a.sandbox.issue_token(lifetime=-60))),
    "accepts-wrong-subscription-key": lambda a: _served(
        a, {**a.headers(), SUBSCRIPTION_KEY_HEADER: "sbx-not-a-key"}
    ),
    "accepts-unknown-order-type": lambda a: (
        a.query(["600004"], "X").status_code == 200
        and len(a.query(["600004"], "X").json()[RESPONSE_ROOT]) == 2
    ),
    "accepts-empty-order-list": lambda a: (
        a.query([]).status_code == 200 and a.query([]).json() == {RESPONSE_ROOT: []}
    ),
    "returns-other-partners-orders": lambda a: keys(a.lines(["700001"])) == [("0000700001", "000010")],
    "leading-zeros-required": lambda a: a.query(["600004"]).json()[RESPONSE_ROOT] == [],
    "first-order-only": lambda a: (
        len({line["eRPOrderNumber"] for line in a.query(["PO-77812"], "C").json()[RESPONSE_ROOT]}) == 1
    ),
    "accepts-foreign-audience": lambda a: _served(
        a, {**a.headers(), "Authorization": f"Bearer {_signed(a, aud='https://graph.microsoft.com')}"}
    ),
    "refuses-resource": lambda a: a.token_call(a.form()).status_code == 400,  # the form names the resource
    "wrong-secret-bad-request": lambda a: (
        a.token_call({**a.form(), "client_secret": "wrong"}).status_code == 400
    ),
    "no-match-not-found": lambda a: a.query(["999999"]).status_code == 404,
}


def test_every_fault_has_a_probe() -> None:
    assert set(FAULT_PROBES) == set(WestconRestSandbox.faults)


@pytest.mark.parametrize("fault", sorted(FAULT_PROBES))
def test_fault_misbehaves_and_the_faithful_sandbox_does_not(fault: str) -> None:
    probe = FAULT_PROBES[fault]
    assert probe(Api(fault)), f"{fault}: misbehaviour not observed"
    assert not probe(Api()), f"faithful sandbox shows the {fault} misbehaviour"


LINE_FAULTS = {
    name: fault.rule.removeprefix("WESTCON_REST-")
    for name, fault in WestconRestSandbox.faults.items()
    if "-RES-" in fault.rule and fault.rewrite is None  # a rewritten status breaks no line rule
}


@pytest.mark.parametrize("fault", sorted(LINE_FAULTS))
def test_a_response_fault_breaks_its_rule_and_no_other_line_rule(fault: str) -> None:
    assert judged(Api(fault)) == {LINE_FAULTS[fault]}


@pytest.mark.parametrize(
    "fault",
    sorted(
        name
        for name, f in WestconRestSandbox.faults.items()
        if "-RES-" not in f.rule and name != "returns-other-partners-orders"
    ),
)
def test_other_faults_leave_the_lines_alone(fault: str) -> None:
    api = Api(fault)
    assert judged(api) == set()
    assert api.lines(ALL_NUMBERS) == Api().lines(ALL_NUMBERS)


def test_the_partner_fault_changes_nothing_but_partner_isolation() -> None:
    api = Api("returns-other-partners-orders")
    assert judged(api) == set()
    assert api.lines(ALL_NUMBERS) == Api().lines(ALL_NUMBERS)
    assert keys(api.lines(["600004"], partner=OTHER_PARTNER)) == keys(Api().lines(["600004"]))


def test_the_auth_faults_still_refuse_what_their_rule_does_not_cover() -> None:
    bad_token = "Bearer " + WestconRestSandbox().issue_token()  # another instance: bad signature
    missing_token = Api("accepts-missing-token")
    assert (
        missing_token.query(
            ["600004"], headers={**missing_token.headers(), "Authorization": bad_token}
        ).status_code
        == 401
    )
    assert (
        missing_token.query(
            ["600004"], headers=without(missing_token.headers(), SUBSCRIPTION_KEY_HEADER)
        ).status_code
        == 401
    )

    non_bearer = Api("accepts-non-bearer-scheme")
    good = non_bearer.headers()
    assert (
        non_bearer.query(["600004"], headers={**good, "Authorization": "Token not-a-token"}).status_code
        == 401
    )
    assert non_bearer.query(["600004"], headers=without(good, "Authorization")).status_code == 401

    missing_key = Api("accepts-missing-subscription-key")
    wrong = {**missing_key.headers(), SUBSCRIPTION_KEY_HEADER: "sbx-not-a-key"}
    assert missing_key.query(["600004"], headers=wrong).json()["message"] == INVALID_KEY_MESSAGE
    assert (
        missing_key.query(["600004"], headers=without(missing_key.headers(), "Authorization")).status_code
        == 401
    )

    wrong_key = Api("accepts-wrong-subscription-key")
    assert (
        wrong_key.query(["600004"], headers=without(wrong_key.headers(), SUBSCRIPTION_KEY_HEADER)).json()[
            "message"
        ]
        == MISSING_KEY_MESSAGE
    )

    expired = Api("accepts-expired-token")
    forged = _signed(expired, aud="https://graph.microsoft.com", exp=1)
    assert expired.query(["600004"], headers=expired.headers(forged)).status_code == 401
    stale_other = WestconRestSandbox().issue_token(lifetime=-60)
    assert expired.query(["600004"], headers=expired.headers(stale_other)).status_code == 401


def test_the_validation_faults_still_refuse_other_problems() -> None:
    order_type = Api("accepts-unknown-order-type")
    assert order_type.post(_with(orderType=...)).status_code == 400
    assert order_type.query([]).status_code == 400
    assert keys(order_type.lines(["PO-77812"], "C"))[0] == ("0000600015", "000010")
    empty = Api("accepts-empty-order-list")
    assert empty.post(_with(order=...)).status_code == 400
    assert empty.post(_with(order=[""])).status_code == 400
    assert empty.query([], "X").status_code == 400


# ── over real HTTP ───────────────────────────────────────────────────────────────────────────


def test_start_in_thread_serves_the_token_endpoint_and_the_api() -> None:
    url, stop = start_in_thread("westcon_rest", fault="lowercase-response-root")
    try:
        creds = WestconRestSandbox().client_credentials()
        form = {
            "grant_type": "client_credentials",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "resource": creds["resource"],
        }
        token = httpx.post(f"{url}{TOKEN_PATH}", data=form, timeout=10).json()["access_token"]
        headers = {
            "Authorization": f"Bearer {token}",
            SUBSCRIPTION_KEY_HEADER: creds[SUBSCRIPTION_KEY_HEADER],
        }
        response = httpx.post(
            f"{url}{ORDER_STATUS_PATH}",
            json=request(["600004"], partner=creds["partnerKey"]),
            headers=headers,
            timeout=10,
        )
        assert response.status_code == 200
        assert list(response.json()) != [RESPONSE_ROOT]  # the fault's rewrite acts over HTTP too
    finally:
        stop()

"""Redaction: secret header names are masked whatever their value, secret values wherever they appear."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2bconform.model import Exchange, Headers, Request, Response
from b2bconform.redaction import MASK, Redactor

KEY = "5C0FDFDE-B714-42AE-BF4B-EB5E1409C53D"
API_KEY = "a1b2c3d4e5f6"


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "authorization",
        "ClientAuthKey",
        "CLIENTAUTHKEY",
        "ClientConfigId",
        "clientconfigid",
        "Ocp-Apim-Subscription-Key",
        "OCP-APIM-SUBSCRIPTION-KEY",
        "Cookie",
        "X-API-Key",
    ],
)
def test_secret_header_names_are_masked_in_any_case(name: str) -> None:
    redacted = Redactor().headers(Headers([(name, "value-that-is-not-a-known-secret")]))
    assert redacted.pairs() == ((name, MASK),)


@pytest.mark.parametrize(
    ("value", "redacted"),
    [("Bearer eyJ.a.b", f"Bearer {MASK}"), ("Basic dXNlcjpwYXNz", f"Basic {MASK}"), ("eyJ.a.b", MASK),
     ("Bearer", MASK), ("Bearer   ", MASK), ("x-1 secret", MASK)],
)  # fmt: skip
def test_an_authorization_header_keeps_its_scheme_and_loses_its_credentials(
    value: str, redacted: str
) -> None:
    assert Redactor().headers(Headers({"Authorization": value}))["Authorization"] == redacted


def test_a_header_named_by_the_caller_is_masked_too() -> None:
    redacted = Redactor(headers=["X-Partner-Token"]).headers(Headers({"x-partner-token": "abc"}))
    assert redacted["X-Partner-Token"] == MASK


def test_other_headers_keep_their_value_and_order() -> None:
    headers = Headers(
        [("Content-Type", "application/json"), ("Authorization", "Bearer t"), ("Accept", "*/*")]
    )
    redacted = Redactor().headers(headers)
    assert redacted.pairs() == (
        ("Content-Type", "application/json"),
        ("Authorization", f"Bearer {MASK}"),
        ("Accept", "*/*"),
    )


def test_a_secret_value_under_an_innocent_header_name_is_scrubbed() -> None:
    headers = Headers({"Location": f"/orders/1?key={KEY}"})
    assert Redactor([KEY]).headers(headers)["Location"] == f"/orders/1?key={MASK}"


def test_a_secret_value_is_scrubbed_from_the_url_path() -> None:
    sent = Request("GET", f"https://erp.example.com/api/PO/GetPO/{API_KEY}?po=1")
    assert Redactor([API_KEY]).request(sent).url == f"https://erp.example.com/api/PO/GetPO/{MASK}?po=1"


def test_a_secret_value_is_scrubbed_from_a_utf8_body() -> None:
    body = f'{{"client_secret": "{KEY}", "name": "Zoë"}}'.encode()
    redacted = Redactor([KEY]).body(body)
    assert redacted == f'{{"client_secret": "{MASK}", "name": "Zoë"}}'.encode()


def test_a_secret_value_is_scrubbed_from_a_body_that_is_not_utf8() -> None:
    body = b"\xff\xfe<Password>" + KEY.encode() + b"</Password>\x80"
    redacted = Redactor([KEY]).body(body)
    assert redacted == b"\xff\xfe<Password>***</Password>\x80"


def test_a_secret_value_is_scrubbed_from_error_text() -> None:
    assert Redactor([KEY]).text(f"connect failed for key={KEY}") == f"connect failed for key={MASK}"


def test_every_occurrence_is_scrubbed() -> None:
    assert Redactor([API_KEY]).text(f"{API_KEY}/{API_KEY}") == f"{MASK}/{MASK}"


@pytest.mark.parametrize("short", ["1", "12", "abc"])
def test_a_value_shorter_than_four_characters_is_not_scrubbed(short: str) -> None:
    assert Redactor([short]).text(f"id {short} and {short}") == f"id {short} and {short}"


def test_a_four_character_value_is_scrubbed() -> None:
    assert Redactor(["1077"]).text("ClientConfigId 1077") == f"ClientConfigId {MASK}"


def test_empty_values_are_ignored() -> None:
    assert Redactor(["", "abcd"]).text("abcd") == MASK


def test_a_longer_secret_is_masked_whole_before_a_shorter_one_inside_it() -> None:
    assert Redactor(["abcd", "abcdefgh"]).text("x abcdefgh y") == f"x {MASK} y"


def test_with_secrets_adds_to_the_known_secrets_without_changing_the_original() -> None:
    first = Redactor(["abcdef"], headers=["X-Token"])
    second = first.with_secrets(["ghijkl"])
    assert second.text("abcdef ghijkl") == f"{MASK} {MASK}"
    assert second.headers(Headers({"X-Token": "t"}))["X-Token"] == MASK
    assert first.text("ghijkl") == "ghijkl"


def test_a_body_without_secrets_configured_is_returned_unchanged() -> None:
    body = b"\xff not utf-8"
    assert Redactor().body(body) is body
    assert Redactor([KEY]).body(None) is None


def test_a_redacted_exchange_leaves_no_secret_anywhere_in_its_repr() -> None:
    secrets = [KEY, API_KEY, "sub-key-9f8e7d", "1077"]
    original = Exchange(
        api="moduslink_po",
        request=Request(
            "POST",
            f"https://api.example.com/api/PO/AddPO/{API_KEY}",
            Headers(
                [
                    ("ClientConfigId", "1077"),
                    ("clientauthkey", KEY),
                    ("Ocp-Apim-Subscription-Key", "sub-key-9f8e7d"),
                    ("X-Echo", f"key {KEY}"),
                ]
            ),
            f'{{"auth": "{KEY}", "config": "1077"}}'.encode(),
        ),
        response=Response(
            401,
            Headers([("Set-Cookie", "session=s"), ("WWW-Authenticate", f"Key {API_KEY}")]),
            b"\x80 invalid key " + KEY.encode(),
        ),
        error=f"retry with sub-key-9f8e7d refused ({API_KEY})",
    )
    redacted = Redactor(secrets).exchange(original)
    text = repr(redacted)
    for secret in secrets:
        assert secret not in text, f"{secret!r} survived redaction"
    assert redacted.request.path == f"/api/PO/AddPO/{MASK}"
    assert redacted.response is not None and redacted.response.status == 401
    assert KEY in repr(original)  # the original exchange is untouched (frozen values, new copies)


def test_a_redacted_exchange_without_a_response_stays_without_one() -> None:
    original = Exchange(api="x", request=Request("GET", f"https://h/{API_KEY}"), error=f"timeout {API_KEY}")
    redacted = Redactor([API_KEY]).exchange(original)
    assert redacted.response is None
    assert redacted.error == f"timeout {MASK}"


SECRET_ALPHABET = string.ascii_letters + string.digits + "-_."


@given(
    secret=st.text(alphabet=SECRET_ALPHABET, min_size=4, max_size=40),
    before=st.text(max_size=30),
    after=st.text(max_size=30),
)
def test_a_secret_of_four_or_more_characters_never_survives_in_text_or_body(
    secret: str, before: str, after: str
) -> None:
    redactor = Redactor([secret])
    text = before + secret + after
    assert secret not in redactor.text(text)
    body = redactor.body(text.encode("utf-8", "surrogatepass"))
    assert body is not None and secret.encode() not in body

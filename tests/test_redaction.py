"""Redaction: secret header names are masked whatever their value, secret values wherever they appear."""

from __future__ import annotations

import io
import json
import logging
import string
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2bconform.engine import secrets
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.engine.secrets import declared_secrets
from b2bconform.traffic import redaction
from b2bconform.traffic.redaction import (
    MASK,
    RedactingFilter,
    Redactor,
    _name_patterns,
    install_log_redaction,
    redact_exception,
    redact_text,
    secret_headers,
)

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
    # the original exchange is untouched (frozen values, new copies)
    assert original.request.headers["clientauthkey"] == KEY and KEY.encode() in (original.request.body or b"")


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


# ── secrets by element and field name, whatever their value ───────────────────────────────────

PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
)


@pytest.mark.parametrize(
    "element",
    [
        f'<wsse:Password Type="{PASSWORD_TEXT}">{{}}</wsse:Password>',
        "<o:Password>{}</o:Password>",
        "<Password>{}</Password>",
        "<password >{}</password>",
        "<wsse:Password><![CDATA[{}]]></wsse:Password>",
    ],
    ids=["wsse-password-text", "other-prefix", "no-prefix", "lower-case", "cdata"],
)
def test_a_password_element_is_masked_whatever_its_value_and_prefix(element: str) -> None:
    envelope = f"<Envelope><Username>1001065</Username>{element.format('never-told-5e1d')}</Envelope>"
    redacted = Redactor().text(envelope)
    assert "never-told-5e1d" not in redacted
    assert element.format(MASK).replace("<![CDATA[***]]>", MASK) in redacted
    assert "<Username>1001065</Username>" in redacted  # the account number is evidence, not a secret


@pytest.mark.parametrize(
    "element",
    [
        f'<wsse:Password Type="{PASSWORD_TEXT}"></wsse:Password>',
        "<Password/>",
        "<Password />",
        "<Password>  </Password>",
    ],
)
def test_an_empty_password_element_stays_empty(element: str) -> None:
    assert Redactor().text(f"<a>{element}</a>") == f"<a>{element}</a>"


@pytest.mark.parametrize("name", ["PasswordType", "PasswordHint", "OldPasswords"])
def test_an_element_whose_name_only_contains_password_keeps_its_value(name: str) -> None:
    assert Redactor().text(f"<{name}>kept</{name}>") == f"<{name}>kept</{name}>"


def test_a_password_in_a_soap_body_that_is_not_utf8_text_is_masked_by_value_only() -> None:
    body = b"\xff<Password>" + KEY.encode() + b"</Password>"
    assert Redactor([KEY]).body(body) == b"\xff<Password>***</Password>"


@pytest.mark.parametrize(
    "name", ["ClientAuthKey", "clientAuthKey", "ClientConfigId", "client_config_id", "Ocp-Apim-Subscription-Key",
             "subscriptionKey", "subscription_key", "password", "client_secret"],
)  # fmt: skip
def test_credentials_echoed_as_json_fields_are_masked_by_name(name: str) -> None:
    body = f'{{"{name}": "echoed-5e1d", "status": "ok"}}'
    assert Redactor().text(body) == f'{{"{name}": "{MASK}", "status": "ok"}}'


def test_a_numeric_credential_field_is_masked_and_the_json_stays_valid() -> None:
    redacted = Redactor().text('{"ClientConfigId": 1077, "count": 1077}')
    assert json.loads(redacted) == {"ClientConfigId": MASK, "count": 1077}


def test_an_empty_or_null_credential_field_stays_as_it_was() -> None:
    body = '{"ClientAuthKey": "", "ClientConfigId": null}'
    assert Redactor().text(body) == body


@pytest.mark.parametrize(
    "name", ["ClientAuthKey", "ml:ClientConfigId", "SubscriptionKey", "Ocp-Apim-Subscription-Key"]
)
def test_credentials_echoed_as_xml_elements_are_masked_by_name(name: str) -> None:
    assert Redactor().text(f"<r><{name}>echoed-5e1d</{name}></r>") == f"<r><{name}>{MASK}</{name}></r>"


def test_credentials_in_a_query_string_are_masked_by_name() -> None:
    url = "https://h/orders?ClientAuthKey=echoed-5e1d&subscription-key=k-5e1d&page=2"
    assert Redactor().text(url) == f"https://h/orders?ClientAuthKey={MASK}&subscription-key={MASK}&page=2"


def test_a_known_secret_is_scrubbed_percent_encoded_too() -> None:
    secret = "a+b/c=d e"
    redactor = Redactor([secret])
    assert redactor.text("q=a%2Bb%2Fc%3Dd%20e") == f"q={MASK}"
    assert redactor.text("q=a%2Bb%2Fc%3Dd+e") == f"q={MASK}"
    assert redactor.text(f"raw {secret}") == f"raw {MASK}"


# ── logs ───────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO, logging.Handler]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("b2bconform.tests.redaction")
    logger.propagate, logger.level = False, logging.DEBUG
    logger.addHandler(handler)
    yield logger, stream, handler
    logger.removeHandler(handler)


def test_a_log_record_is_redacted_message_and_arguments(
    captured: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    logger, stream, handler = captured
    handler.addFilter(RedactingFilter(lambda: [Redactor([API_KEY])]))
    logger.info("HTTP Request: %s %s", "POST", f"http://h/api/SO/Get/{API_KEY}")
    logger.info(f"key {API_KEY} in the message itself")
    assert (
        stream.getvalue()
        == f"INFO HTTP Request: POST http://h/api/SO/Get/{MASK}\nINFO key {MASK} in the message itself\n"
    )


def test_a_logged_exception_and_stack_are_redacted(
    captured: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    logger, stream, handler = captured
    handler.addFilter(RedactingFilter(lambda: [Redactor([API_KEY])]))
    try:
        raise RuntimeError(f"refused {API_KEY}")
    except RuntimeError:
        logger.exception("call failed", stack_info=True)
    assert API_KEY not in stream.getvalue()
    assert f"RuntimeError: refused {MASK}" in stream.getvalue()


def test_arguments_that_do_not_fit_the_message_are_redacted_not_dumped(
    captured: tuple[logging.Logger, io.StringIO, logging.Handler], capsys: pytest.CaptureFixture[str]
) -> None:
    logger, stream, handler = captured
    handler.addFilter(RedactingFilter(lambda: [Redactor([API_KEY])]))
    logger.info("one %s two %s", API_KEY)
    assert API_KEY not in stream.getvalue() + capsys.readouterr().err
    assert MASK in stream.getvalue()


def test_the_filter_asks_for_the_redactors_on_every_record(
    captured: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    # a run's redactor learns a token after its first request: later records must use it
    logger, stream, handler = captured
    active: list[Redactor] = []
    handler.addFilter(RedactingFilter(lambda: active))
    logger.info("token %s", "tok-5e1d-early")
    active.append(Redactor(["tok-5e1d-late"]))
    logger.info("token %s", "tok-5e1d-late")
    assert stream.getvalue() == f"INFO token tok-5e1d-early\nINFO token {MASK}\n"


def test_a_record_redacted_by_one_handler_reaches_the_next_handler_redacted(
    captured: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    logger, _, handler = captured
    other = io.StringIO()
    second = logging.StreamHandler(other)
    logger.addHandler(second)
    try:
        handler.addFilter(RedactingFilter(lambda: [Redactor([API_KEY])]))
        logger.info("key %s", API_KEY)
    finally:
        logger.removeHandler(second)
    assert other.getvalue() == f"key {MASK}\n"


def test_install_log_redaction_covers_the_root_handlers_and_the_given_ones() -> None:
    root_handler, extra = logging.StreamHandler(io.StringIO()), logging.StreamHandler(io.StringIO())
    logging.getLogger().addHandler(root_handler)
    try:
        installed = install_log_redaction(lambda: [Redactor([API_KEY])], [extra])
        assert installed in root_handler.filters and installed in extra.filters
    finally:
        logging.getLogger().removeHandler(root_handler)


# ── exceptions ─────────────────────────────────────────────────────────────────────────────────


def test_an_exception_chain_is_redacted_in_place_arguments_and_notes() -> None:
    redactor = Redactor([API_KEY])
    try:
        try:
            raise ValueError(f"inner {API_KEY}")
        except ValueError as inner:
            outer = AssertionError(f"outer {API_KEY}", 3)
            outer.add_note(f"Falsifying example: key={API_KEY!r}")
            raise outer from inner
    except AssertionError as error:
        redact_exception(error, redactor.text)
        text = "".join(traceback.format_exception(error))
    assert API_KEY not in text
    assert f"outer {MASK}" in text and f"inner {MASK}" in text and f"key='{MASK}'" in text


def test_redact_text_applies_every_redactor() -> None:
    assert redact_text(f"{KEY} {API_KEY}", [Redactor([KEY]), Redactor([API_KEY])]) == f"{MASK} {MASK}"


# ── a secret in every form it can take ────────────────────────────────────────────────────────

AWKWARD = "k+y =&'<x>\"/é"


@pytest.mark.parametrize(
    "spelled",
    [
        AWKWARD,
        "k%2By%20%3D%26%27%3Cx%3E%22%2F%C3%A9",  # percent-encoded, every character
        "k%2by%20%3d%26%27%3cx%3e%22%2f%c3%a9",  # lower-case hex
        "k+y+=&'<x>\"/é",  # a form encoder's space
        "k%2By =&'<x>\"/é",  # httpx's path encoding leaves most of it alone
        json.dumps(AWKWARD)[1:-1],  # JSON-escaped: \" and \/ forms
        json.dumps(AWKWARD, ensure_ascii=False)[1:-1],
        "k\\u002By =\\u0026\\u0027\\u003Cx\\u003E\\u0022/\\u00e9",  # .NET's JavaScriptEncoder
        "k+y =&amp;&apos;&lt;x&gt;&quot;/é",  # XML-escaped
        "k+y =&#38;&#x27;&#60;x&#62;&#34;/&#233;",  # numeric character references
    ],
)
def test_a_secret_is_scrubbed_in_every_spelling_it_can_take(spelled: str) -> None:
    text = Redactor([AWKWARD]).text(f"echoed: [{spelled}] done")
    assert text == f"echoed: [{MASK}] done", text


def test_a_credential_with_a_trailing_carriage_return_is_scrubbed_with_and_without_it() -> None:
    redactor = Redactor(["sbx-key-0001\r"])
    assert redactor.text("Illegal header value b'sbx-key-0001\\r'") == f"Illegal header value b'{MASK}'"
    assert redactor.text("sent sbx-key-0001 alone") == f"sent {MASK} alone"


def test_reprs_of_requests_headers_and_responses_carry_no_values() -> None:
    exchange = Exchange(
        "manex_so",
        Request(
            "POST", f"https://erp.example/API/SO/Get/{API_KEY}", Headers({"ClientAuthKey": KEY}), KEY.encode()
        ),
        Response(200, Headers({"Set-Cookie": KEY}), KEY.encode()),
    )
    shown = repr(exchange)
    assert KEY not in shown and API_KEY not in shown
    assert "ClientAuthKey" in shown and "POST" in shown and "erp.example" in shown


@pytest.mark.parametrize("api", ["manex_so", "manex_po"])
def test_a_key_in_the_path_of_an_undocumented_action_is_masked_without_knowing_it(api: str) -> None:
    from b2bconform.engine.contract import Contract

    redactor = Redactor(url_patterns=Contract.load(api).secret_url_patterns)
    root = "/API/SO" if api == "manex_so" else "/api/PO"
    assert redactor.text(f"https://erp.example{root}/NoSuchAction/{API_KEY}?x=1") == (
        f"https://erp.example{root}/NoSuchAction/{MASK}?x=1"
    )
    assert (
        redactor.text(f"https://erp.example{root}/Get") == f"https://erp.example{root}/Get"
    )  # no key: nothing to mask
    # a controller left out (/api/SOAdd/<key>): still a key ending a URL of the API's shape
    assert (
        redactor.text(f"https://erp.example/api/SOAdd/{API_KEY}") == f"https://erp.example/api/SOAdd/{MASK}"
    )


@pytest.mark.parametrize("name", ["apiKey", "api_key", "token", "key", "signature"])
def test_a_key_or_token_in_a_query_string_is_masked_by_name(name: str) -> None:
    assert (
        Redactor().text(f"https://h.example/x?{name}=abc123&n=1") == f"https://h.example/x?{name}={MASK}&n=1"
    )


@pytest.fixture
def declared_fresh() -> Iterator[None]:
    """The contracts' secret names read anew (they are read once per process)."""
    declared_secrets.cache_clear()
    _name_patterns.cache_clear()
    yield
    declared_secrets.cache_clear()
    _name_patterns.cache_clear()


def test_a_secret_a_contract_declares_is_masked_by_name_in_headers_and_bodies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declared_fresh: None
) -> None:
    headers = Headers({"X-Acme-Key": "acme-value-1"})
    body = b'{"X-Acme-Key": "acme-value-2", "order": "1"}'
    assert Redactor().headers(headers)["X-Acme-Key"] == "acme-value-1"  # no contract names it yet
    rules = tmp_path / "acme_po" / "contract" / "rules.yaml"
    rules.parent.mkdir(parents=True)
    rules.write_text(
        "api: acme_po\ndocument: acme.pdf\n"
        "credentials:\n  - {name: key, in: header, at: X-Acme-Key, secret: true}\n"
        "rules: []\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("B2BCONFORM_PATH", str(tmp_path))
    declared_secrets.cache_clear()
    _name_patterns.cache_clear()
    assert Redactor().headers(headers)["X-Acme-Key"] == MASK
    assert Redactor().body(body) == b'{"X-Acme-Key": "***", "order": "1"}'


def test_the_code_names_no_vendors_credential_the_contracts_declare_them() -> None:
    source = (Path(redaction.__file__).read_text() + Path(secrets.__file__).read_text()).lower()
    for name in ("clientauthkey", "clientconfigid", "ocp-apim-subscription-key"):
        assert name not in source, name
        assert name in secret_headers()  # from contracts/moduslink_po/rules.yaml

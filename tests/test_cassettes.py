"""VCR.py cassettes: read into exchanges with precise errors, written back redacted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.errors import InputFileError
from b2bconform.traffic.cassettes import read_cassette, write_cassette
from b2bconform.traffic.redaction import Redactor

ORDERS_URL = "https://api.example.com/purchaseapi/v1/orders"


def write(tmp_path: Path, text: str, name: str = "cassette.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_error(tmp_path: Path, text: str) -> InputFileError:
    path = write(tmp_path, text)
    with pytest.raises(InputFileError) as caught:
        read_cassette(path)
    assert caught.value.path == str(path)
    return caught.value


# ── reading ───────────────────────────────────────────────────────────────────────────────────


def test_a_vcr_cassette_reads_as_exchanges_in_recorded_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
version: 1
interactions:
- request:
    method: post
    uri: https://api.example.com/purchaseapi/v1/orders
    body: '{"a": 1}'
    headers:
      Content-Type: [application/json]
      Accept: [application/json, text/plain]
  response:
    status: {code: 202, message: Accepted}
    headers:
      Content-Type: [application/json]
    body: {string: '{"result": "true"}'}
- request:
    method: GET
    uri: https://api.example.com/purchaseapi/V1/orders/3201413
    body: null
    headers: {}
  response:
    status: {code: 200, message: OK}
    headers: {}
    body: {string: ''}
""",
    )
    first, second = read_cassette(path)
    assert first.api == ""
    assert (first.index, second.index) == (0, 1)
    assert first.source == second.source == str(path)
    assert first.request.method == "POST"
    assert first.request.url == ORDERS_URL
    assert first.request.path == "/purchaseapi/v1/orders"
    assert first.request.json() == {"a": 1}
    assert first.request.headers["content-type"] == "application/json"
    assert [v for k, v in first.request.headers.pairs() if k == "Accept"] == [
        "application/json",
        "text/plain",
    ]
    assert first.response is not None and first.response.status == 202
    assert first.response.json() == {"result": "true"}
    assert second.request.body is None
    assert second.response is not None and second.response.body == b""


def test_binary_bodies_and_bare_string_bodies_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
version: 1
interactions:
- request:
    method: POST
    uri: https://api.example.com/purchaseapi/v1/orders
    body: !!binary eyJhIjogMX0=
    headers: {Content-Type: application/json}
  response:
    status: {code: 412}
    body: {string: !!binary eyJiIjogMn0=}
- request: {method: GET, uri: "https://api.example.com/x", body: {string: hello}}
  response: {status: {code: 404}, body: not found}
""",
    )
    first, second = read_cassette(path)
    assert first.request.body == b'{"a": 1}'
    assert first.request.headers["Content-Type"] == "application/json"
    assert first.response is not None and first.response.json() == {"b": 2}
    assert second.request.body == b"hello"
    assert second.response is not None and second.response.body == b"not found"


def test_an_empty_interactions_list_yields_no_exchanges(tmp_path: Path) -> None:
    assert read_cassette(write(tmp_path, "version: 1\ninteractions: []\n")) == []


# ── errors: file, location, what was expected ────────────────────────────────────────────────


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="file not found") as caught:
        read_cassette(tmp_path / "absent.yaml")
    assert "absent.yaml" in str(caught.value)


def test_text_that_is_not_yaml_reports_the_line(tmp_path: Path) -> None:
    error = read_error(tmp_path, "version: 1\ninteractions:\n  - request: {method: GET\n")
    assert "not valid YAML" in str(error)
    assert error.location is not None and "line 4" in error.location


@pytest.mark.parametrize(
    ("text", "location", "problem"),
    [
        ("- 1\n- 2\n", None, "expected a mapping"),
        ("interactions: []\n", None, "missing 'version'"),
        ("version: 2\ninteractions: []\n", "at version", "unsupported cassette version 2; expected 1"),
        ("version: 1\n", None, "missing 'interactions'"),
        ("version: 1\ninteractions: {a: 1}\n", "line 2, at interactions", "expected a list"),
        ("version: 1\ninteractions: [3]\n", "at interactions[0]", "expected a mapping with request"),
        (
            "version: 1\ninteractions:\n- request: {method: GET, uri: 'https://h/p'}\n",
            "at interactions[0].response",
            "expected a 'response' mapping (missing)",
        ),
        (
            "version: 1\ninteractions:\n- request: {uri: 'https://h/p'}\n  response: {status: {code: 200}}\n",
            "at interactions[0].request.method",
            "expected an HTTP method",
        ),
        (
            "version: 1\ninteractions:\n- request: {method: GET, uri: /relative}\n"
            "  response: {status: {code: 200}}\n",
            "at interactions[0].request.uri",
            "expected an absolute URL",
        ),
        (
            "version: 1\ninteractions:\n- request: {method: GET, uri: 'https://h/p'}\n"
            "  response:\n    status: {message: OK}\n",
            "line 5, at interactions[0].response.status.code",
            "missing status code",
        ),
        (
            "version: 1\ninteractions:\n- request: {method: GET, uri: 'https://h/p'}\n"
            "  response: {status: {code: OK}}\n",
            "at interactions[0].response.status.code",
            "expected an integer HTTP status",
        ),
    ],
    ids=[
        "not-a-mapping",
        "no-version",
        "version-2",
        "no-interactions",
        "interactions-not-a-list",
        "interaction-not-a-mapping",
        "no-response",
        "no-method",
        "relative-uri",
        "no-status-code",
        "non-integer-status",
    ],
)
def test_a_malformed_cassette_names_the_location_and_what_was_expected(
    tmp_path: Path, text: str, location: str | None, problem: str
) -> None:
    error = read_error(tmp_path, text)
    assert problem in error.problem
    if location:
        assert error.location is not None and location in error.location


# ── writing ───────────────────────────────────────────────────────────────────────────────────


def exchanges(canary: str) -> list[Exchange]:
    body = json.dumps({"clientRequest": {"requestHeader": {"note": f"key {canary} echoed"}}}).encode()
    post = Exchange(
        api="moduslink_po",
        request=Request(
            "POST",
            ORDERS_URL,
            Headers(
                [
                    ("Content-Type", "application/json"),
                    ("ClientAuthKey", "SECRET-CANARY-123"),
                    ("Ocp-Apim-Subscription-Key", "SUBS-CANARY-456"),
                    ("Authorization", "Bearer TOKEN-CANARY-789"),
                ]
            ),
            body,
        ),
        response=Response(202, Headers([("Content-Type", "application/json")]), b'{"result": "true"}'),
    )
    get = Exchange(
        api="moduslink_po",
        request=Request("GET", f"https://api.example.com/{canary}/purchaseapi/v1/orders/1"),
        response=Response(200, Headers(), b"\xff\xfe binary"),
    )
    return [post, get]


def test_written_cassettes_read_back_with_method_url_status_and_bodies(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "run.yaml"
    originals = exchanges("no-secret-here")
    write_cassette(path, originals, Redactor())
    again = read_cassette(path)
    assert len(again) == 2
    for before, after in zip(originals, again, strict=True):
        assert after.request.method == before.request.method
        assert after.request.url == before.request.url
        assert after.request.body == before.request.body
        assert after.response is not None and before.response is not None
        assert after.response.status == before.response.status
        assert after.response.body == before.response.body
    assert again[0].request.headers["Content-Type"] == "application/json"


def test_written_cassettes_hold_no_secret_header_or_secret_value(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    write_cassette(path, exchanges("PATH-CANARY-000"), Redactor(secrets=["PATH-CANARY-000"]))
    text = path.read_text(encoding="utf-8")
    for secret in ("SECRET-CANARY-123", "SUBS-CANARY-456", "TOKEN-CANARY-789", "PATH-CANARY-000"):
        assert secret not in text
    post, get = read_cassette(path)
    assert post.request.headers["ClientAuthKey"] == "***"
    assert "***" in get.request.url
    assert post.request.json()["clientRequest"]["requestHeader"]["note"] == "key *** echoed"


def test_written_cassettes_are_vcr_version_1_with_metadata_aside(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    meta: dict[str, Any] = {"seed": 42, "profile": "sandbox", "contract": "moduslink_po 2019-02"}
    write_cassette(path, exchanges("x-canary"), Redactor(), meta=meta)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["b2bconform"] == meta
    first = data["interactions"][0]
    assert first["request"]["headers"]["Content-Type"] == ["application/json"]
    assert first["response"]["status"] == {"code": 202, "message": "Accepted"}
    assert set(first["response"]["body"]) == {"string"}


def test_transport_errors_are_not_written(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    failed = Exchange(api="moduslink_po", request=Request("GET", ORDERS_URL), error="timed out")
    write_cassette(path, [failed, *exchanges("x-canary")], Redactor())
    assert [e.request.method for e in read_cassette(path)] == ["POST", "GET"]

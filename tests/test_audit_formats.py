"""`b2bconform audit` reads VCR.py cassettes, schemathesis' VCR output and HAR 1.2 (streamed), finds
each interaction's API, and refuses malformed input naming the file and the line."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from click.testing import CliRunner, Result

from b2bconform.apis.westcon_rest.generators import ORDER_STATUS_PATH, query
from b2bconform.apis.westcon_rest.sandbox import SEED
from b2bconform.apis.westcon_soap.generators import ADDRESS_PATH, order_status_envelope
from b2bconform.audit import audit
from b2bconform.cli import _AuditProgress, cli
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.errors import InputFileError
from b2bconform.locations import contract_dir
from b2bconform.targets import SandboxTarget
from b2bconform.traffic import detect_format, iter_exchanges

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE: dict[str, Any] = json.loads(
    (contract_dir("moduslink_po") / "examples" / "request.create-order.json").read_text(encoding="utf-8")
)
JSON = Headers({"Content-Type": "application/json"})
SOAP = Headers(
    {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": '"http://tempuri.org/IOrderStatus/GetOrderStatus"',
    }
)
CANARY = "SECRET-CANARY-123"
HOSTS = {
    "moduslink_po": "https://api-uat.moduslink.com",
    "westcon_soap": "https://webservicetest.westcon.com",
    "manex_so": "https://manex.example.com",
    "manex_po": "https://manex.example.com",
    "westcon_rest": "https://api.westconcomstor.com",
}


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


# ── the same traffic, written in each format ─────────────────────────────────────────────────


def _text(body: bytes | None) -> str | None:
    return None if body is None else body.decode("utf-8")


def _grouped(headers: Headers) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in headers.pairs():
        grouped.setdefault(name, []).append(value)
    return grouped


def vcr_text(exchanges: list[Exchange]) -> str:
    """VCR.py's layout, key order as VCR.py writes it (sorted: 'interactions' before 'version')."""
    interactions = []
    for exchange in exchanges:
        assert exchange.response is not None
        interactions.append(
            {
                "request": {
                    "body": _text(exchange.request.body),
                    "headers": _grouped(exchange.request.headers),
                    "method": exchange.request.method,
                    "uri": exchange.request.url,
                },
                "response": {
                    "body": {"string": _text(exchange.response.body)},
                    "headers": _grouped(exchange.response.headers),
                    "status": {"code": exchange.response.status, "message": "OK"},
                },
            }
        )
    return yaml.safe_dump({"interactions": interactions, "version": 1}, sort_keys=False, width=120)


def _quoted(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar, as schemathesis writes them


def schemathesis_text(exchanges: list[Exchange]) -> str:
    """As schemathesis 4.32's VcrWriter writes a run (`st run --report vcr`), line for line."""
    out = [
        "command: 'st run openapi.yaml --report vcr'",
        "recorded_with: 'Schemathesis 4.32.5'",
        "seed: 42",
        "http_interactions:",
    ]
    for index, exchange in enumerate(exchanges):
        request, response = exchange.request, exchange.response
        out += [f"- id: 'case{index}'", "  status: 'SUCCESS'" if response else "  status: 'ERROR'"]
        out += ["  metadata: null", "  recorded_at: '2026-11-01T10:00:00.000000+00:00'", "  checks: []"]
        out += ["  request:", f"    uri: '{request.url}'", f"    method: '{request.method}'", "    headers:"]
        for name, values in _grouped(request.headers).items():
            out += [f'      "{name}":', *(f"      - {_quoted(v)}" for v in values)]
        if request.body is not None:
            out += ["    body:", "      encoding: 'utf-8'", f"      string: {_quoted(request.body.decode())}"]
        if response is None:
            out.append("  response: null")
            continue
        out += ["  response:", "    status:", f"      code: '{response.status}'"]
        out += [
            f"      message: {_quoted(HTTPStatus(response.status).phrase)}",
            "    elapsed: '0.012'",
            "    headers:",
        ]
        for name, values in _grouped(response.headers).items():
            out += [f'      "{name}":', *(f"      - {_quoted(v)}" for v in values)]
        out += [
            "",
            "    body:",
            "      encoding: 'utf-8'",
            f"      string: {_quoted(response.body.decode())}",
        ]
        out.append("    http_version: '1.1'")
    return "\n".join(out) + "\n"


def _har_headers(headers: Headers) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in headers.pairs()]


def har_entry(exchange: Exchange) -> dict[str, Any]:
    request, response = exchange.request, exchange.response
    entry: dict[str, Any] = {
        "startedDateTime": "2026-11-01T10:00:00.000Z",
        "time": 12.5,
        "request": {
            "method": request.method,
            "url": request.url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _har_headers(request.headers),
            "queryString": [],
            "headersSize": -1,
            "bodySize": len(request.body or b""),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 12.5, "receive": 0},
    }
    if request.body is not None:
        content_type = request.headers.get("Content-Type", "")
        entry["request"]["postData"] = {"mimeType": content_type, "text": request.body.decode()}
    if response is None:
        entry["response"] = {"status": 0, "statusText": "", "httpVersion": "", "headers": [], "cookies": [],
                             "content": {"size": 0, "mimeType": ""}, "redirectURL": "", "headersSize": -1, "bodySize": -1}  # fmt: skip
        return entry
    entry["response"] = {
        "status": response.status,
        "statusText": HTTPStatus(response.status).phrase,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _har_headers(response.headers),
        "content": {
            "size": len(response.body),
            "mimeType": response.headers.get("Content-Type", ""),
            "text": response.body.decode(),
        },
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": len(response.body),
    }
    return entry


def har_text(exchanges: list[Exchange]) -> str:
    log = {"version": "1.2", "creator": {"name": "test", "version": "1"}, "pages": []}
    return json.dumps({"log": {**log, "entries": [har_entry(e) for e in exchanges]}}, indent=2) + "\n"


WRITERS: dict[str, tuple[Callable[[list[Exchange]], str], str]] = {
    "vcr": (vcr_text, ".yaml"),
    "schemathesis_vcr": (schemathesis_text, ".yaml"),
    "har": (har_text, ".har"),
}
FORMATS = list(WRITERS)


def write(tmp_path: Path, exchanges: list[Exchange], fmt: str, name: str = "traffic") -> Path:
    writer, suffix = WRITERS[fmt]
    path = tmp_path / f"{name}-{fmt}{suffix}"
    path.write_text(writer(exchanges), encoding="utf-8")
    return path


# ── recorded traffic: the sandboxes, as the vendors' hosts ──────────────────────────────────


def on_host(exchange: Exchange, api: str) -> Exchange:
    """The sandbox's exchange as if recorded against the vendor: its host (Azure AD's for tokens)."""
    url = exchange.request.url
    host = "https://login.microsoftonline.com" if "/oauth2/token" in url else HOSTS[api]
    request = dataclasses.replace(exchange.request, url=url.replace("http://testserver", host))
    return dataclasses.replace(exchange, request=request, api="")


def moduslink_traffic(fault: str | None = None, reference: str = "API_DEMOUS_PO_1") -> list[Exchange]:
    target = SandboxTarget("moduslink_po", fault=fault)
    try:
        body = json.loads(json.dumps(EXAMPLE))
        body["clientRequest"]["requestHeader"]["requestReference"] = reference
        post = target.send(Request("POST", "/purchaseapi/v1/orders", JSON, json.dumps(body).encode()))
        assert post.response is not None
        recorded = [post]
        if post.response.status == 202:
            recorded.append(target.send(Request("GET", post.response.json()["links"][0]["href"])))
    finally:
        target.close()
    return [on_host(e, "moduslink_po") for e in recorded]


def five_api_traffic() -> list[Exchange]:
    """One conversation with each of the five APIs, as a proxy would record them in one file."""
    soap, so, po, rest = (
        SandboxTarget(api) for api in ("westcon_soap", "manex_so", "manex_po", "westcon_rest")
    )
    try:
        account = soap.credentials()
        user, password = account["Username"], account["Password"]
        envelope = order_status_envelope(user, ["704571"], username=user, password=password)
        sent: list[tuple[str, Exchange]] = [
            ("westcon_soap", soap.send(Request("POST", ADDRESS_PATH, SOAP, envelope), with_credentials=False)),
            ("manex_so", so.send(Request("POST", "/API/SO/Add/{apiKey}", JSON, b'{"SoNo": "0000004242", "custNo": "1"}'))),
            ("manex_so", so.send(Request("GET", "/API/SO/Get/{apiKey}?" + urlencode({"SONO": "0000004242"})))),
            ("manex_po", po.send(Request("GET", "/api/PO/Get/{apiKey}?" + urlencode({"supName": "Baltic Components"})))),
        ]  # fmt: skip
        body = json.dumps(query(SEED.partner_keys[0], "W", ["600004"])).encode()
        answer = rest.send(Request("POST", ORDER_STATUS_PATH, JSON, body))
        sent += [("westcon_rest", e) for e in (*rest.take_preceding(), answer)]
    finally:
        for target in (soap, so, po, rest):
            target.close()
    return moduslink_traffic() + [on_host(exchange, api) for api, exchange in sent]


@pytest.fixture(scope="module")
def five_apis() -> list[Exchange]:
    return five_api_traffic()


FIVE_API_OPERATIONS = {
    "moduslink_po": {"createPurchaseOrder": 1, "getPurchaseOrder": 1},
    "westcon_soap": {"GetOrderStatus": 1},
    "manex_so": {"SOAdd": 1, "SOGet": 1},
    "manex_po": {"POGet": 1},
    "westcon_rest": {"getAccessToken": 1, "getOrderStatus": 1},
}


# ── formats: detected by content, read alike ─────────────────────────────────────────────────


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_format_is_detected_from_the_content_not_the_file_name(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, moduslink_traffic(), fmt)
    disguised = path.rename(tmp_path / "recording.txt")
    assert detect_format(disguised) == fmt


def test_a_json_vcr_cassette_reads_as_vcr(tmp_path: Path) -> None:
    exchanges = moduslink_traffic()
    path = tmp_path / "cassette.json"
    path.write_text(json.dumps(yaml.safe_load(vcr_text(exchanges))), encoding="utf-8")
    assert detect_format(path) == "vcr"
    assert [e.request.url for e in iter_exchanges(path)] == [e.request.url for e in exchanges]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_reads_method_url_headers_bodies_status_source_and_index(
    tmp_path: Path, fmt: str
) -> None:
    recorded = moduslink_traffic()
    path = write(tmp_path, recorded, fmt)
    read = list(iter_exchanges(path))
    assert len(read) == len(recorded) == 2
    for index, (before, after) in enumerate(zip(recorded, read, strict=True)):
        assert (after.index, after.source, after.api) == (index, str(path), "")
        assert (after.request.method, after.request.url) == (before.request.method, before.request.url)
        assert after.request.body == before.request.body
        assert after.request.headers.pairs() == before.request.headers.pairs()
        assert after.response is not None and before.response is not None
        assert (after.response.status, after.response.body) == (before.response.status, before.response.body)
        assert after.response.headers.pairs() == before.response.headers.pairs()


def test_without_libyaml_the_pure_python_loader_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, moduslink_traffic(), "schemathesis_vcr")
    with_libyaml = [(e.request, e.response) for e in iter_exchanges(path)]
    monkeypatch.setattr("b2bconform.traffic._yaml_stream.GuardedLoader", yaml.SafeLoader)
    assert [(e.request, e.response) for e in iter_exchanges(path)] == with_libyaml
    broken = path.read_text(encoding="utf-8").replace("code: '202'", "code: 'OK'")
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InputFileError, match="expected an integer HTTP status") as caught:
        list(iter_exchanges(path))
    line = line_of(broken, "code: 'OK'")
    assert caught.value.location == f"line {line}, at http_interactions[0].response.status.code"


def test_a_har_with_a_byte_order_mark_and_form_params_is_read(tmp_path: Path) -> None:
    """Windows tools write a BOM; some HAR writers keep a form body only as ``params``."""
    token = Exchange(
        api="",
        request=Request("POST", "https://login.microsoftonline.com/t/oauth2/token", body=b"unused"),
        response=Response(200, JSON, b'{"token_type": "Bearer"}'),
    )
    har = json.loads(har_text([token]))
    post_data = har["log"]["entries"][0]["request"]["postData"]
    post_data.update(mimeType="application/x-www-form-urlencoded", params=[
        {"name": "grant_type", "value": "client_credentials"}, {"name": "client_id", "value": "a b"}])  # fmt: skip
    del post_data["text"]
    path = tmp_path / "token.har"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(har).encode())
    assert detect_format(path) == "har"
    (read,) = iter_exchanges(path)
    assert read.request.body == b"grant_type=client_credentials&client_id=a+b"


def test_unknown_content_is_refused_naming_the_formats_expected(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("title: my notes\nitems: [1, 2]\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        detect_format(path)
    assert caught.value.path == str(path)
    for expected in ("unknown traffic format", "'title'", "VCR.py", "http_interactions", "HAR 1.2"):
        assert expected in caught.value.problem


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.har"
    path.write_text("\n", encoding="utf-8")
    result = invoke("audit", path)
    assert result.exit_code == 2
    assert "empty.har: empty file" in result.stderr


# ── judged alike ─────────────────────────────────────────────────────────────────────────────


def _findings(result: Result) -> list[tuple[Any, ...]]:
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    return [
        (f["rule"], f["api"], f["operation"], f["interaction"], f["path"], f["received"])
        for f in report["findings"]
    ]


@pytest.mark.parametrize("api_option", [(), ("--api", "moduslink_po")], ids=["detected", "given"])
def test_the_same_traffic_in_each_format_gives_the_same_findings(
    tmp_path: Path, api_option: tuple[str, ...]
) -> None:
    recorded = moduslink_traffic() + moduslink_traffic("accepts-long-request-reference", "R" * 26)
    results = {
        fmt: invoke("audit", *api_option, "--format", "json", write(tmp_path, recorded, fmt))
        for fmt in FORMATS
    }
    findings = {fmt: _findings(result) for fmt, result in results.items()}
    assert ("MODUSLINK_PO-REQ-012", "moduslink_po", "createPurchaseOrder", 2) in [
        f[:4] for f in findings["vcr"]
    ]
    assert findings["schemathesis_vcr"] == findings["vcr"]
    assert findings["har"] == findings["vcr"]
    assert {r.exit_code for r in results.values()} == {1}


@pytest.mark.parametrize("fmt", FORMATS)
def test_traffic_of_all_five_apis_in_one_file_is_judged_each_against_its_own_api(
    tmp_path: Path, fmt: str, five_apis: list[Exchange]
) -> None:
    result = invoke("audit", "--format", "json", write(tmp_path, five_apis, fmt))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["findings"] == []
    assert (report["interactions"], report["judged"], report["unclassified"]) == (8, 8, 0)
    assert {api: counts["operations"] for api, counts in report["apis"].items()} == FIVE_API_OPERATIONS
    token = report["apis"]["westcon_rest"]["rules"]
    assert token["WESTCON_REST-TOK-010"] == {
        "passed": 1,
        "failed": 0,
        "discrepancy": 0,
        "not_judged": 0,
    }  # the token response was judged


def test_the_text_report_names_each_api_and_its_operations_when_detected(
    tmp_path: Path, five_apis: list[Exchange]
) -> None:
    result = invoke("audit", write(tmp_path, five_apis, "vcr"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "westcon_rest: 2 interactions (getAccessToken 1, getOrderStatus 1)" in lines
    assert "manex_so: 2 interactions (SOAdd 1, SOGet 1)" in lines
    assert lines[-1] == "8 interactions, conforming"


def test_a_faulty_vendor_is_found_in_mixed_traffic(tmp_path: Path, five_apis: list[Exchange]) -> None:
    faulty = moduslink_traffic("accepts-long-request-reference", "R" * 26)[:1]
    result = invoke("audit", "--format", "json", write(tmp_path, [*five_apis, *faulty], "har"))
    assert result.exit_code == 1, result.output
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["api"], finding["interaction"]) == (
        "MODUSLINK_PO-REQ-012",
        "moduslink_po",
        8,
    )


# ── interactions that cannot be judged: counted and listed, never dropped ──────────────────


def unrelated() -> Exchange:
    return Exchange(
        api="",
        request=Request("GET", "https://cdn.example.com/app.js"),
        response=Response(200, Headers({"Content-Type": "text/javascript"}), b"let a = 1;"),
    )


def twin_contracts(tmp_path: Path) -> Path:
    """moduslink_po twice, under two names: every ModusLink request matches both."""
    contracts = tmp_path / "contracts"
    for name in ("moduslink_po", "moduslink_twin"):
        folder = contracts / name
        folder.mkdir(parents=True)
        shutil.copy(contract_dir("moduslink_po") / "openapi.yaml", folder / "openapi.yaml")
        rules = (contract_dir("moduslink_po") / "rules.yaml").read_text(encoding="utf-8")
        rules = rules.replace("api: moduslink_po", f"api: {name}").replace(
            "MODUSLINK_PO-", f"{name.upper()}-"
        )
        (folder / "rules.yaml").write_text(rules, encoding="utf-8")
    return contracts


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_interaction_of_no_known_api_is_reported_unclassified(
    tmp_path: Path, fmt: str, five_apis: list[Exchange]
) -> None:
    path = write(tmp_path, [unrelated(), *five_apis], fmt)
    result = invoke("audit", "--format", "json", path)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["interactions"], report["judged"], report["unclassified"]) == (9, 8, 1)
    assert report["unjudged"] == [
        {
            "file": str(path),
            "interaction": 0,
            "method": "GET",
            "url": "https://cdn.example.com/app.js",
            "reason": "matches no operation of any known API",
        }
    ]
    text = invoke("audit", path).stdout.splitlines()
    assert "unclassified: 1 interactions, not judged" in text
    assert (
        "    interaction 0  GET https://cdn.example.com/app.js: matches no operation of any known API" in text
    )
    assert text[-1] == "9 interactions (8 judged), conforming"


def test_an_interaction_matching_several_apis_is_reported_unclassified(tmp_path: Path) -> None:
    contracts = twin_contracts(tmp_path)
    path = write(tmp_path, moduslink_traffic(), "vcr")
    report = audit([path], contracts_dir=contracts)
    assert (report.judged, report.unclassified) == (0, 2)
    assert {u.reason for u in report.unjudged} == {
        "matches operations of several APIs: moduslink_po, moduslink_twin"
    }
    given = audit([path], "moduslink_twin", contracts_dir=contracts)
    assert (given.judged, given.unclassified) == (2, 0)
    assert set(given.apis) == {"moduslink_twin"}


def test_with_api_given_every_interaction_is_judged_against_it(tmp_path: Path) -> None:
    path = write(tmp_path, [unrelated(), *moduslink_traffic()], "har")
    report = json.loads(invoke("audit", "--api", "moduslink_po", "--format", "json", path).stdout)
    assert (report["judged"], report["unclassified"]) == (3, 0)
    assert report["apis"]["moduslink_po"]["operations"] == {
        "createPurchaseOrder": 1,
        "getPurchaseOrder": 1,
        "unknown": 1,
    }


def test_when_nothing_can_be_judged_the_audit_exits_2_saying_why(tmp_path: Path) -> None:
    result = invoke("audit", write(tmp_path, [unrelated()], "har"))
    assert result.exit_code == 2
    assert "none of the 1 interactions" in result.stderr
    assert "1 match no single known API (name it with --api)" in result.stderr
    assert result.stdout == ""


def unanswered(exchange: Exchange) -> Exchange:
    return dataclasses.replace(exchange, response=None)


@pytest.mark.parametrize("fmt", ["schemathesis_vcr", "har"])
def test_an_interaction_without_a_response_is_counted_not_judged(tmp_path: Path, fmt: str) -> None:
    long_reference = moduslink_traffic("accepts-long-request-reference", "R" * 26)[0]
    path = write(tmp_path, [*moduslink_traffic(), unanswered(long_reference)], fmt)
    vendor = json.loads(invoke("audit", "--format", "json", path).stdout)
    assert (vendor["interactions"], vendor["judged"], vendor["unanswered"], vendor["findings"]) == (
        3,
        2,
        1,
        [],
    )
    (skipped,) = vendor["unjudged"]
    assert skipped["interaction"] == 2
    assert skipped["reason"].startswith("no response recorded")
    # the caller's own request can still be judged
    client = invoke("audit", "--side", "client", "--format", "json", path)
    assert client.exit_code == 1, client.output
    report = json.loads(client.stdout)
    assert report["judged"] == 3
    assert [(f["rule"], f["interaction"]) for f in report["findings"]] == [("MODUSLINK_PO-REQ-012", 2)]


def test_a_response_body_cut_by_the_recorder_is_not_judged(tmp_path: Path) -> None:
    post, get = moduslink_traffic()
    text = schemathesis_text([post, get]).replace(
        "    http_version: '1.1'", "    truncated_from: 99999\n    http_version: '1.1'", 1
    )
    path = tmp_path / "cut.yaml"
    path.write_text(text, encoding="utf-8")
    first, second = iter_exchanges(path)
    assert first.response is None and first.error is not None and "truncated" in first.error
    assert second.response is not None
    har = json.loads(har_text([post, get]))
    har["log"]["entries"][1]["response"]["content"]["comment"] = "Body truncated: 10 of 500 bytes recorded"
    del har["log"]["entries"][0]["response"]["content"]["text"]  # a browser that kept no body
    path = tmp_path / "cut.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    errors = [e.error for e in iter_exchanges(path)]
    assert errors[0] is not None and "not recorded" in errors[0]
    assert errors[1] is not None and "truncated" in errors[1]


REAL_SCHEMATHESIS = """\
command: 'st run contracts/moduslink_po/openapi.yaml --url http://127.0.0.1:18765 --report vcr,har'
recorded_with: 'Schemathesis 4.32.5'
seed: 318052685848175602485648032493896855339
http_interactions:
- id: '7RcR14'
  status: 'SUCCESS'
  generation:
    time: 0.263814697998896
    mode: positive
  components:
    header:
      mode: 'positive'
  phase:
    name: 'examples'
    data: {}
  recorded_at: '2026-11-22T06:41:07.976308+00:00'
  checks:
    - name: 'not_a_server_error'
      status: 'SUCCESS'
      message: ~
  request:
    uri: 'http://127.0.0.1:18765/purchaseapi/v1/orders/3201413'
    method: 'GET'
    headers:
      "User-Agent":
      - "schemathesis/4.32.5"
      "ClientAuthKey":
      - "[Filtered]"
  response:
    status:
      code: '401'
      message: "Unauthorized"
    elapsed: '0.00315'
    headers:
      "content-type":
      - "application/json"

    body:
      encoding: 'utf-8'
      string: "{\\"result\\": \\"false\\", \\"errorCode\\": \\"401\\"}"
    http_version: '1.1'
- id: '9XbQ2a'
  status: 'ERROR'
  metadata: null
  recorded_at: '2026-11-22T06:41:08.112210+00:00'
  checks: []
  request:
    uri: 'http://127.0.0.1:18765/purchaseapi/v1/orders'
    method: 'POST'
    headers:
      "Content-Type":
      - "application/json"
    body:
      encoding: 'utf-8'
      base64_string: 'eyJhIjogMX0='
  response: null
"""


def test_schemathesis_output_as_it_writes_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "vcr-20261122T064106Z.yaml"
    path.write_text(REAL_SCHEMATHESIS, encoding="utf-8")
    assert detect_format(path) == "schemathesis_vcr"
    answered, failed = iter_exchanges(path)
    assert answered.response is not None and answered.response.status == 401
    assert answered.response.elapsed == pytest.approx(0.00315)
    assert answered.response.json() == {"result": "false", "errorCode": "401"}
    assert answered.request.headers["ClientAuthKey"] == "[Filtered]"
    assert failed.response is None and failed.request.body == b'{"a": 1}'
    assert failed.error == "no response recorded (schemathesis status ERROR)"


def test_a_schemathesis_run_that_recorded_nothing_has_nothing_to_judge(tmp_path: Path) -> None:
    path = tmp_path / "empty-run.yaml"
    path.write_text(
        "command: 'st run x'\nrecorded_with: 'Schemathesis 4.32.5'\nseed: 1\nhttp_interactions:",
        encoding="utf-8",
    )
    assert list(iter_exchanges(path)) == []
    assert "no interactions to judge" in invoke("audit", path).stderr


# ── the caller's side ────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("fmt", FORMATS)
def test_client_side_reports_the_callers_broken_request_even_when_the_vendor_rejected_it(
    tmp_path: Path, fmt: str
) -> None:
    recorded = moduslink_traffic(reference="R" * 26)  # the faithful sandbox refuses it as documented
    assert recorded[0].response is not None and recorded[0].response.status == 412
    path = write(tmp_path, recorded, fmt)
    vendor = invoke("audit", "--format", "json", path)
    assert vendor.exit_code == 0, vendor.output  # a documented rejection: the vendor conforms
    client = invoke("audit", "--side", "client", "--format", "json", path)
    assert client.exit_code == 1, client.output
    assert [f["rule"] for f in json.loads(client.stdout)["findings"]] == ["MODUSLINK_PO-REQ-012"]


# ── secrets ─────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_secret_header_value_echoed_into_a_finding_is_scrubbed_even_when_seen_later(
    tmp_path: Path, fmt: str
) -> None:
    """The finding of interaction 0 quotes the key; its header only appears in interaction 1."""
    post, get = moduslink_traffic("accepts-long-request-reference", (CANARY + "-" * 26)[:26])
    with_key = Headers([*get.request.headers.pairs(), ("ClientAuthKey", CANARY)])
    get = dataclasses.replace(get, request=dataclasses.replace(get.request, headers=with_key))
    path = write(tmp_path, [post, get], fmt)
    for output_format in ("text", "json"):
        result = invoke("audit", "--format", output_format, path)
        assert result.exit_code == 1, result.output
        assert CANARY not in result.output
        assert "***" in result.output


# ── malformed input: exit 2 naming the file, the line and what was expected ─────────────────


def line_of(text: str, marker: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``marker``."""
    found = [number for number, line in enumerate(text.splitlines(), 1) if marker in line]
    return found[occurrence - 1]


def assert_refused(path: Path, *expected: str) -> None:
    result = invoke("audit", "--format", "json", path)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""  # no verdict at all
    assert result.stderr.startswith(f"error: {path}:"), result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr


@pytest.mark.parametrize("fmt", ["vcr", "schemathesis_vcr"])
def test_truncated_yaml_is_refused_with_its_line(tmp_path: Path, fmt: str) -> None:
    text = WRITERS[fmt][0](moduslink_traffic() * 2)
    cut = text[: text.index('"clientRequest', len(text) // 2) + 5]  # inside a quoted body, mid-file
    path = tmp_path / f"cut-{fmt}.yaml"
    path.write_text(cut, encoding="utf-8")
    assert_refused(path, "not valid YAML", f"line {cut.count(chr(10)) + 1}")


def test_truncated_json_is_refused_with_its_line_and_column(tmp_path: Path) -> None:
    text = har_text(moduslink_traffic() * 2)
    cut = text[: text.index('"status"', len(text) // 2) + 4]
    path = tmp_path / "cut.har"
    path.write_text(cut, encoding="utf-8")
    last = cut.splitlines()[-1]
    assert_refused(
        path, "not valid JSON", "truncated", f"line {cut.count(chr(10)) + 1}, column {len(last) + 1}"
    )


def test_a_json_syntax_error_is_refused_with_its_line_and_column(tmp_path: Path) -> None:
    text = har_text(moduslink_traffic())
    broken = text.replace('"httpVersion": "HTTP/1.1",', '"httpVersion": "HTTP/1.1",,', 1)
    path = tmp_path / "broken.har"
    path.write_text(broken, encoding="utf-8")
    line = line_of(broken, ",,")
    column = broken.splitlines()[line - 1].index(",,") + 2
    assert_refused(path, "not valid JSON", f"line {line}, column {column}")


def _missing_request(fmt: str, text: str) -> tuple[str, str, int]:
    """``text`` with the second interaction's request removed; where the error must point."""
    if fmt == "har":
        data = json.loads(text)
        del data["log"]["entries"][1]["request"]
        broken = json.dumps(data, indent=2)
        return broken, "at log.entries[1].request", line_of(broken, '"startedDateTime"', 2) - 1  # its "{"
    key = "interactions" if fmt == "vcr" else "http_interactions"
    data = yaml.safe_load(text)
    del data[key][1]["request"]
    broken = yaml.safe_dump(data, width=120)
    # keys sorted: the entry now starts with 'response' (VCR.py) or 'checks' (schemathesis)
    marker, occurrence = ("- response:", 1) if fmt == "vcr" else ("- checks:", 2)
    return broken, f"at {key}[1].request", line_of(broken, marker, occurrence)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_interaction_without_its_request_is_refused_with_its_line(tmp_path: Path, fmt: str) -> None:
    broken, location, line = _missing_request(fmt, WRITERS[fmt][0](moduslink_traffic()))
    path = tmp_path / f"no-request{WRITERS[fmt][1]}"
    path.write_text(broken, encoding="utf-8")
    assert_refused(path, f"line {line}, {location}", "expected a 'request'", "(missing)")


NON_INTEGER_STATUS = {
    "vcr": ("code: 202", "code: Accepted", "interactions[0].response.status.code"),
    "schemathesis_vcr": ("code: '202'", "code: 'two hundred'", "http_interactions[0].response.status.code"),
    "har": ('"status": 202', '"status": "202"', "log.entries[0].response.status"),
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_non_integer_status_is_refused_with_its_line(tmp_path: Path, fmt: str) -> None:
    good, bad, location = NON_INTEGER_STATUS[fmt]
    text = WRITERS[fmt][0](moduslink_traffic())
    assert good in text
    broken = text.replace(good, bad, 1)
    path = tmp_path / f"status{WRITERS[fmt][1]}"
    path.write_text(broken, encoding="utf-8")
    assert_refused(
        path, f"line {line_of(broken, bad)}, at {location}", "expected an integer HTTP status 100-599"
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_malformed_entry_after_judged_ones_still_gives_no_verdict(tmp_path: Path, fmt: str) -> None:
    good = write(tmp_path, moduslink_traffic(), fmt, name="good")
    recorded = moduslink_traffic() * 3
    text = WRITERS[fmt][0](recorded)
    bad_location = NON_INTEGER_STATUS[fmt]
    # the last interaction's status only
    head, _, tail = text.rpartition(bad_location[0])
    path = tmp_path / f"late{WRITERS[fmt][1]}"
    path.write_text(head + bad_location[1] + tail, encoding="utf-8")
    assert_refused(path, "expected an integer HTTP status")
    result = invoke("audit", good, path)
    assert result.exit_code == 2 and result.stdout == ""


def test_the_top_level_keys_of_a_cassette_may_come_in_any_order(tmp_path: Path) -> None:
    interactions = yaml.safe_load(vcr_text(moduslink_traffic()))["interactions"]
    orders = [
        {"version": 1, "b2bconform": {"target": "sandbox"}, "interactions": interactions},
        {"interactions": interactions, "b2bconform": {"target": "sandbox"}, "version": 1},
        {"b2bconform": {"target": "sandbox"}, "interactions": interactions, "version": 1},
    ]
    for number, data in enumerate(orders):
        path = tmp_path / f"order{number}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        assert [e.request.method for e in iter_exchanges(path)] == ["POST", "GET"]


def test_a_wrong_version_after_the_interactions_is_still_refused(tmp_path: Path) -> None:
    text = vcr_text(moduslink_traffic()).replace("version: 1", "version: 2")
    assert text.rstrip().endswith("version: 2")
    path = tmp_path / "v2.yaml"
    path.write_text(text, encoding="utf-8")
    assert_refused(path, f"line {line_of(text, 'version: 2')}, at version", "unsupported cassette version 2")


# ── streaming: memory does not grow with the file ───────────────────────────────────────────


def _many(fmt: str, count: int, tmp_path: Path) -> Path:
    """``count`` interactions with ~2 KB bodies, generated without holding them all as objects."""
    post, _ = moduslink_traffic()
    path = tmp_path / f"many-{count}{WRITERS[fmt][1]}"
    one = WRITERS[fmt][0]([post])
    if fmt == "har":
        entry = json.dumps(har_entry(post))
        head, _, _ = one.partition('"entries": [')
        path.write_text(head + '"entries": [' + ",\n".join([entry] * count) + "]}}\n", encoding="utf-8")
        return path
    key = "interactions:\n" if fmt == "vcr" else "http_interactions:\n"
    head, _, item = one.partition(key)
    item, version = (item.rsplit("version: 1", 1)[0], "version: 1\n") if fmt == "vcr" else (item, "")
    path.write_text(head + key + item * count + version, encoding="utf-8")
    return path


_MEASURE = """
import sys, tracemalloc
from pathlib import Path
from b2bconform.traffic import iter_exchanges
from b2bconform.locations import contract_dir
# CPython keeps up to 2000 freed tuples of each size for reuse, and tracemalloc counts them as
# held: fill those free lists first, or their filling would read as growth
spare = [tuple(range(size)) for size in range(1, 20) for _ in range(2000)]
del spare
tracemalloc.start()
count = sum(1 for _ in iter_exchanges(Path(sys.argv[1])))
print(count, tracemalloc.get_traced_memory()[1])
"""


def _peak_while_reading(path: Path) -> tuple[int, int]:
    """(interactions read, peak traced memory while reading them), in a fresh interpreter: the test
    session's own caches (plugins warming up) would otherwise be counted."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, check=True, timeout=300
    )
    count, peak = map(int, done.stdout.split())
    return count, peak


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_reading_streams_memory_does_not_grow_with_the_number_of_interactions(
    tmp_path: Path, fmt: str
) -> None:
    small, large = _many(fmt, 250, tmp_path), _many(fmt, 1000, tmp_path)
    added = large.stat().st_size - small.stat().st_size  # what a reader holding everything would add
    (small_count, small_peak), (large_count, large_peak) = map(_peak_while_reading, (small, large))
    assert (small_count, large_count) == (250, 1000)
    assert large_peak < 1.25 * small_peak, (small_peak, large_peak)  # 4x the file, not 4x the memory
    assert large_peak - small_peak < added / 20, (small_peak, large_peak, added)


# ── progress ────────────────────────────────────────────────────────────────────────────────


def test_the_audit_reports_the_bytes_read_of_each_file(tmp_path: Path) -> None:
    paths = [_many("har", 200, tmp_path), _many("vcr", 200, tmp_path)]
    seen: list[tuple[Path, int]] = []
    audit(paths, "moduslink_po", progress=lambda path, read: seen.append((path, read)))
    for path in paths:
        positions = [read for seen_path, read in seen if seen_path == path]
        assert len(positions) == 200
        assert positions == sorted(positions) and 0 < positions[-1] <= path.stat().st_size
        assert len(set(positions)) > 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_is_drawn_on_a_terminal_for_a_large_file_only(tmp_path: Path) -> None:
    large, small = _many("vcr", 50, tmp_path), write(tmp_path, moduslink_traffic(), "vcr")
    terminal = _Terminal()
    with _AuditProgress(terminal, min_bytes=small.stat().st_size + 1) as progress:
        for path in (small, large):
            for position in (1, path.stat().st_size // 2, path.stat().st_size):
                progress(path, position)
    drawn = terminal.getvalue()
    assert f"reading {large.name}" in drawn and "100%" in drawn
    assert small.name not in drawn
    pipe = io.StringIO()
    with _AuditProgress(pipe, min_bytes=1) as progress:
        progress(large, large.stat().st_size)
    assert pipe.getvalue() == ""


def test_no_progress_is_written_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = invoke("audit", write(tmp_path, moduslink_traffic(), "har"))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""

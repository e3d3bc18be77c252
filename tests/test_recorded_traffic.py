"""A recording says only what it kept: traffic recorded by VCR.py (and with pytest-recording's
documented configuration) from the faithful sandboxes, with the recorders' usual secret filters,
audits with no finding; what the filters removed or replaced is reported as not judged, with the
reason. Real violations in the same recordings are still found, and nothing else."""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from b2bconform.audit import AuditReport, audit
from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.engine.recordings import hidden_from, is_placeholder, names_read, unknown_parts
from b2bconform.locations import contract_dir
from b2bconform.sandboxes import get_sandbox
from b2bconform.sandboxes.serve import start_in_thread
from b2bconform.traffic._entries import MAX_DECODED_BODY
from b2bconform.traffic.cassettes import write_cassette
from b2bconform.traffic.redaction import Redactor

vcr = pytest.importorskip("vcr")

MODUSLINK_FILTERS: dict[str, dict[str, Any]] = {
    "vcr-filter-headers": {
        "filter_headers": ["authorization", "Ocp-Apim-Subscription-Key", "ClientAuthKey", "ClientConfigId"]
    },
    "vcr-placeholders": {
        "filter_headers": [
            ("ClientAuthKey", "REDACTED"),
            ("ClientConfigId", "REDACTED"),
            ("Ocp-Apim-Subscription-Key", "[Filtered]"),
        ]
    },
    "pytest-recording-documented": {"filter_headers": ["authorization"]},
    "unfiltered": {},
}
WESTCON_FILTERS: dict[str, dict[str, Any]] = {
    "vcr-filter-post-data": {
        "filter_headers": ["authorization", "Ocp-Apim-Subscription-Key"],
        "filter_post_data_parameters": ["client_id", "client_secret"],
    },
    "vcr-placeholders": {
        "filter_headers": [("authorization", "REDACTED"), ("Ocp-Apim-Subscription-Key", "REDACTED")],
        "filter_post_data_parameters": [("client_id", "REDACTED"), ("client_secret", "REDACTED")],
    },
    "pytest-recording-documented": {"filter_headers": ["authorization"]},
}


def _scrub_soap_password(request: Any) -> Any:
    """What VCR.py users write for a SOAP body (no built-in filter reads XML): the password replaced."""
    request.body = re.sub(rb"(<(?:\w+:)?password>)[^<]*(</)", rb"\1[Filtered]\2", request.body or b"")
    return request


OSN_FILTERS: dict[str, dict[str, Any]] = {
    "vcr-scrubbed-body": {"before_record_request": _scrub_soap_password},
    "unfiltered": {},
}


@pytest.fixture
def served() -> Iterator[Callable[..., str]]:
    """(api, fault) -> the served sandbox's base URL, stopped after the test."""
    stops = []

    def start(api: str, fault: str | None = None) -> str:
        base, stop = start_in_thread(api, fault)
        stops.append(stop)
        return base

    yield start
    for stop in stops:
        stop()


def _moduslink_traffic(base: str) -> None:
    headers = get_sandbox("moduslink_po")().client_credentials()
    order = json.loads((contract_dir("moduslink_po") / "examples" / "request.create-order.json").read_text())
    with httpx.Client(base_url=base, headers=headers) as client:
        created = client.post("/purchaseapi/v1/orders", json=order)
        assert created.status_code == 202, created.text
        client.get(created.json()["links"][0]["href"])
        # an empty body, rightly refused: it breaks the body rules, so the refusal is no finding
        refused = client.post(
            "/purchaseapi/v1/orders", content=b"", headers={"Content-Type": "application/json"}
        )
        assert refused.status_code == 400


def _westcon_traffic(base: str) -> None:
    sandbox = get_sandbox("westcon_rest")()
    credentials = sandbox.client_credentials()
    form = {"grant_type": "client_credentials"} | {
        k: credentials[k] for k in ("client_id", "client_secret", "resource")
    }
    spec = Contract.load("westcon_rest").spec
    body = spec["paths"]["/Orders/orderStatus"]["post"]["requestBody"]["content"]["application/json"][
        "example"
    ]
    body = {
        "mT_OrderStatus_API_REQ": {**body["mT_OrderStatus_API_REQ"], "partnerKey": credentials["partnerKey"]}
    }
    with httpx.Client(base_url=base) as client:
        token = client.post(f"/{sandbox.tenant}/oauth2/token", data=form).json()["access_token"]
        headers = {
            "Authorization": f"Bearer {token}",
            "Ocp-Apim-Subscription-Key": credentials["Ocp-Apim-Subscription-Key"],
        }
        client.post("/Orders/orderStatus", json=body, headers=headers)


def _osn_traffic(base: str) -> None:
    """Each of the contract's request examples, signed with the sandbox's demo id and password."""
    from b2bconform.rulesuite import request_examples, with_credentials

    credentials = get_sandbox("promostandards_osn")().client_credentials()
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"getOrderShipmentNotification"'}
    with httpx.Client(base_url=base, headers=headers) as client:
        for example in request_examples("promostandards_osn"):
            answer = client.post(
                "/osn/2.0.0", content=with_credentials("promostandards_osn", example.body, credentials)
            )
            assert answer.status_code == 200 and b"ServiceMessage" not in answer.content, answer.text


def _record(path: Path, config: dict[str, Any], traffic: Any, base: str) -> Path:
    with vcr.use_cassette(str(path), record_mode="all", **config):
        traffic(base)
    return path


def _not_judged(report: AuditReport, api: str) -> dict[str, str]:
    return report.apis[api].not_judged


def _conforming_recording(
    path: Path, config: dict[str, Any], api: str, base: str, judged: int
) -> AuditReport:
    """The audit of a recording of the faithful ``api`` sandbox: no finding, every interaction judged."""
    traffic = {
        "moduslink_po": _moduslink_traffic,
        "westcon_rest": _westcon_traffic,
        "promostandards_osn": _osn_traffic,
    }[api]
    report = audit([_record(path, config, traffic, base)], api)
    assert report.findings == [], [f.as_dict() for f in report.findings]
    assert report.judged == judged
    return report


RECORDINGS = (
    [("moduslink_po", name, config) for name, config in sorted(MODUSLINK_FILTERS.items())]
    + [("westcon_rest", name, config) for name, config in sorted(WESTCON_FILTERS.items())]
    + [("promostandards_osn", name, config) for name, config in sorted(OSN_FILTERS.items())]
)
# What each recording cannot show (its rules not judged), and what it shows although replaced
# (presence rules judged on a placeholder: they passed)
NOT_JUDGED = {
    ("moduslink_po", "vcr-filter-headers"): {
        "MODUSLINK_PO-AUTH-001",
        "MODUSLINK_PO-AUTH-002",
        "MODUSLINK_PO-AUTH-003",
    },
    ("westcon_rest", "vcr-filter-post-data"): {
        "WESTCON_REST-TOK-003",
        "WESTCON_REST-TOK-005",
        "WESTCON_REST-AUTH-001",
    },
    ("westcon_rest", "vcr-placeholders"): {
        "WESTCON_REST-TOK-004"
    },  # a REDACTED client_id is no GUID to judge
    ("promostandards_osn", "vcr-scrubbed-body"): {"PROMOSTANDARDS_OSN-AUTH-003"},
}
JUDGED_ON_A_PLACEHOLDER = {("moduslink_po", "vcr-placeholders"): "MODUSLINK_PO-AUTH-001"}
INTERACTIONS = {"moduslink_po": 3, "westcon_rest": 2, "promostandards_osn": 3}
_CREDENTIALS = {
    "ClientConfigId": "SBX-NL",
    "ClientAuthKey": "sbx-key",
    "Ocp-Apim-Subscription-Key": "sbx-sub",
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("api", "recorder", "config"), RECORDINGS, ids=[f"{a}-{r}" for a, r, _ in RECORDINGS]
)
def test_recordings_of_the_faithful_sandboxes_have_no_finding(
    api: str, recorder: str, config: dict[str, Any], served: Any, tmp_path: Path
) -> None:
    report = _conforming_recording(tmp_path / "c.yaml", config, api, served(api), INTERACTIONS[api])
    not_judged = _not_judged(report, api)
    for rule in NOT_JUDGED.get((api, recorder), set()):
        assert "the recording" in not_judged[rule]
    if (api, recorder) in JUDGED_ON_A_PLACEHOLDER:
        rule = JUDGED_ON_A_PLACEHOLDER[api, recorder]
        assert report.apis[api].rules[rule].passed == INTERACTIONS[api] and rule not in not_judged
    if recorder == "unfiltered":
        assert not not_judged  # everything was shown: everything is judged


@pytest.mark.slow
def test_a_real_violation_in_a_filtered_recording_is_still_found(served: Any, tmp_path: Path) -> None:
    config = MODUSLINK_FILTERS["vcr-filter-headers"]
    base = served("moduslink_po", "error-code-mismatch")

    def traffic(url: str) -> None:
        headers = get_sandbox("moduslink_po")().client_credentials()
        order = json.loads(
            (contract_dir("moduslink_po") / "examples" / "request.create-order.json").read_text()
        )
        del order["clientRequest"]["item"][0]["sku"]  # a documented 412
        with httpx.Client(base_url=url, headers=headers) as client:
            assert client.post("/purchaseapi/v1/orders", json=order).status_code == 412

    report = audit([_record(tmp_path / "c.yaml", config, traffic, base)], "moduslink_po")
    assert report.rules == ["MODUSLINK_PO-ERR-002"]


def _request(headers: dict[str, str], body: bytes = b"") -> Exchange:
    return Exchange(
        "moduslink_po",
        Request("POST", "https://x.example/purchaseapi/v1/orders", Headers(headers), body),
        recorded=True,
    )


@pytest.mark.parametrize(
    "value",
    [
        "REDACTED",
        "[Filtered]",
        "***",
        "<SECRET>",
        "Bearer [Filtered]",
        "Basic REDACTED",
        "********",
        "[REMOVED]",
    ],
)
def test_recorders_placeholders_are_recognised(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value", ["SBX-NL", "sbx-key-nl-7f3a9c21", "Bearer eyJhbGciOi.x.y", "", "secretariat-42"]
)
def test_real_values_are_no_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_only_recorded_traffic_has_unknown_parts() -> None:
    sent = _request({"ClientConfigId": "REDACTED"})
    assert unknown_parts(sent, None, ["clientauthkey"])  # recorded: replaced and removed
    assert unknown_parts(Exchange(sent.api, sent.request), None, ["clientauthkey"]) == {}


def test_a_rule_is_hidden_only_by_what_it_reads() -> None:
    unknown = unknown_parts(_request({"ClientConfigId": "REDACTED"}), None, ["clientauthkey"])
    assert names_read({"path": "/clientRequest/requestHeader/client"}) == {"client"}
    assert hidden_from("header_present", {"name": "ClientAuthKey"}, unknown, request_side=True)  # removed
    assert (
        hidden_from("header_present", {"name": "ClientConfigId"}, unknown, request_side=True) is None
    )  # replaced: it was sent
    assert hidden_from(
        "header_present", {"name": "ClientConfigId", "pattern": "SBX-.*"}, unknown, request_side=True
    )
    assert hidden_from("required", {"path": "/clientRequest"}, unknown, request_side=True) is None


def test_sent_traffic_missing_a_credential_is_still_a_finding() -> None:
    contract = Contract.load("moduslink_po")
    order = (contract_dir("moduslink_po") / "examples" / "request.create-order.json").read_bytes()
    exchange = Exchange(
        "moduslink_po",
        Request(
            "POST",
            "https://x.example/purchaseapi/v1/orders",
            Headers({"Content-Type": "application/json"}),
            order,
        ),
        Response(202, Headers({"Content-Type": "application/json"}), b'{"result": "true"}'),
    )
    judgement = contract.check(exchange)
    assert "MODUSLINK_PO-AUTH-002" in {f.rule for f in judgement.findings}
    assert not judgement.not_judged


def _gzip_cassette(path: Path, body: bytes) -> Path:
    """A VCR.py cassette as VCR.py keeps a gzip answer: the bytes as they travelled, and the header."""
    order = (contract_dir("moduslink_po") / "examples" / "request.create-order.json").read_text()
    interaction = {
        "request": {
            "method": "POST",
            "uri": "https://api.example.com/purchaseapi/v1/orders",
            "body": order,
            "headers": {"Content-Type": ["application/json"]},
        },
        "response": {
            "status": {"code": 202, "message": "Accepted"},
            "headers": {"Content-Type": ["application/json"], "Content-Encoding": ["gzip"]},
            "body": {"string": gzip.compress(body)},
        },
    }
    path.write_text(yaml.safe_dump({"version": 1, "interactions": [interaction]}), encoding="utf-8")
    return path


def test_a_gzip_answer_is_judged_as_the_json_it_holds(tmp_path: Path) -> None:
    answer = (contract_dir("moduslink_po") / "examples" / "response.202.json").read_bytes()
    report = audit([_gzip_cassette(tmp_path / "c.yaml", answer)], "moduslink_po")
    assert "MODUSLINK_PO-RES-003" not in report.rules  # "well-formed JSON": it is, once inflated
    assert report.apis["moduslink_po"].rules["MODUSLINK_PO-RES-003"].passed == 1


def test_a_gzip_bomb_stays_as_recorded(tmp_path: Path) -> None:
    bomb = b"{" + b" " * (MAX_DECODED_BODY + 1) + b"}"
    report = audit([_gzip_cassette(tmp_path / "c.yaml", bomb)], "moduslink_po")
    assert "MODUSLINK_PO-RES-003" in report.rules  # not inflated past the bound: not JSON as recorded


def test_a_har_body_base64_encoded_without_a_marker_is_read_as_the_json_it_holds(tmp_path: Path) -> None:
    order = (contract_dir("moduslink_po") / "examples" / "request.create-order.json").read_bytes()
    answer = (contract_dir("moduslink_po") / "examples" / "response.202.json").read_text()
    entry = {
        "startedDateTime": "2026-12-07T00:00:00Z",
        "time": 5,
        "request": {
            "method": "POST",
            "url": "https://api.example.com/purchaseapi/v1/orders",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "postData": {"mimeType": "application/json", "text": base64.b64encode(order).decode()},
        },
        "response": {
            "status": 202,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": answer},
        },
    }
    har = tmp_path / "t.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}), encoding="utf-8")
    report = audit([har], "moduslink_po")
    assert "MODUSLINK_PO-REQ-001" not in report.rules, [f.as_dict() for f in report.findings]
    assert report.apis["moduslink_po"].rules["MODUSLINK_PO-REQ-001"].passed == 1


def test_a_request_body_the_recording_did_not_keep_is_not_judged_as_empty() -> None:
    contract = Contract.load("moduslink_po")
    answer = (contract_dir("moduslink_po") / "examples" / "response.202.json").read_bytes()
    headers = {"Content-Type": "application/json", "Content-Length": "444", **_CREDENTIALS}
    request = Request("POST", "https://api.example.com/purchaseapi/v1/orders", Headers(headers), b"")
    recorded = Exchange(
        "moduslink_po",
        request,
        Response(202, Headers({"Content-Type": "application/json"}), answer),
        recorded=True,
    )
    judgement = contract.check(recorded)
    assert not judgement.findings, [f.rule for f in judgement.findings]
    assert "did not keep the request body" in judgement.not_judged["MODUSLINK_PO-REQ-001"]
    # sent by the harness itself, the same empty body is what was sent: accepting it is a finding
    sent = contract.check(Exchange(recorded.api, recorded.request, recorded.response))
    assert "MODUSLINK_PO-REQ-001" in {f.rule for f in sent.findings}


@pytest.mark.parametrize("method", ["TRACE", "PUT", "QUERY"])
def test_a_method_the_document_does_not_show_is_not_judged_as_the_action(method: str, tmp_path: Path) -> None:
    contract = Contract.load("manex_so")
    url = "https://erp.example.com/API/SO/Get/k"
    assert contract.operation_for(Request("POST", url, Headers(), b"{}")) == "SOGet"
    assert contract.operation_for(Request("GET", url + "?sono=1", Headers(), b"")) == "SOGet"
    request = Request(method, url, Headers(), b"")
    assert contract.operation_for(request) is None
    assert "not a documented method of /API/SO/Get/{apiKey} (documented: GET, POST)" in str(
        contract.undocumented_method(request)
    )
    cassette = tmp_path / "c.yaml"
    exchange = Exchange(
        "manex_so", request, Response(405, Headers({"Content-Type": "text/html"}), b"<html/>")
    )
    write_cassette(cassette, [exchange], Redactor())
    report = audit([cassette], "manex_so")
    assert report.judged == 0 and report.findings == []
    assert "not a documented method" in report.unjudged[0].reason


# schemathesis filters headers by name ([Filtered]); what it cannot know (the ManEx key in the path,
# a Bearer token it was handed) shows as sent. Each API: the rule its sanitizing leaves not judged.
SCHEMATHESIS_HIDES = {
    "moduslink_po": "MODUSLINK_PO-AUTH-002",
    "westcon_rest": "WESTCON_REST-AUTH-001",
    "manex_so": None,
    "manex_po": None,
}


@pytest.mark.slow
@pytest.mark.parametrize("api", sorted(SCHEMATHESIS_HIDES))
def test_schemathesis_reports_of_the_faithful_sandbox_with_default_sanitizing_have_no_finding(
    api: str, tmp_path: Path
) -> None:
    from bench.bare_schemathesis import config_for
    from bench.common import served

    with served(api) as target:
        config = tmp_path / "schemathesis.toml"
        config.write_text(config_for(target), encoding="utf-8")
        st = [str(Path(sys.executable).parent / "st"), "--config-file", str(config), "run"]
        st += [str(contract_dir(api) / "openapi.yaml"), "--url", target.url]
        st += ["--report", "vcr,har", "--report-dir", str(tmp_path), "--max-examples", "5"]
        st += ["--phases", "examples,fuzzing", "--seed", "1", "--generation-database", "none"]
        done = subprocess.run(st, cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False)
    # schemathesis's own verdicts follow the schema alone, not the document's decisions: exit 0 or 1
    assert done.returncode in (0, 1), done.stdout[-2000:]
    reports = sorted(tmp_path.glob("vcr-*.yaml")) + sorted(tmp_path.glob("har-*.json"))
    assert len(reports) == 2
    for recording in reports:
        report = audit([recording], api)
        assert report.findings == [], [f.as_dict() for f in report.findings][:5]
        assert report.judged > 10
        hidden = SCHEMATHESIS_HIDES[api]
        if hidden is not None:
            assert "[Filtered]" in recording.read_text(encoding="utf-8")  # sanitized
            assert hidden in report.apis[api].not_judged


def test_a_ws_security_token_a_recorder_replaced_leaves_the_rules_reading_it_not_judged() -> None:
    from b2bconform.apis.westcon_soap.generators import order_status_envelope

    contract = Contract.load("westcon_soap")
    envelope = order_status_envelope("0000123456", ["1234567"], username="REDACTED", password="[Filtered]")
    request = Request(
        "POST",
        "https://webservices.westcon.com/B2B/OrderStatus/v2/OrderStatusService.svc",
        Headers(
            {
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": '"http://tempuri.org/IOrderStatusService/GetOrderStatus"',
            }
        ),
        envelope,
    )
    fault = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
        b"<faultcode>s:Client</faultcode><faultstring>refused</faultstring></s:Fault></s:Body></s:Envelope>"
    )
    response = Response(500, Headers({"Content-Type": "text/xml; charset=utf-8"}), fault)
    recorded = contract.check(Exchange("westcon_soap", request, response, recorded=True))
    unknown = contract.unknown_parts(Exchange("westcon_soap", request, response, recorded=True))
    assert {"username", "password"} <= set(unknown)
    assert "Password" in unknown["password"].reason
    reading_token = {rule for rule in recorded.not_judged if "placeholder" in recorded.not_judged[rule]}
    assert reading_token, recorded.not_judged
    sent = contract.check(Exchange("westcon_soap", request, response))
    assert not sent.not_judged, "sent traffic shows everything"
    assert reading_token & set(sent.outcomes), "the rules a placeholder hid are judged on what was sent"
    assert recorded.findings == []


# ── the other faithful sandboxes: the key in the URL path, the WS-Security token in the body ──────


def _manex_so_traffic(base: str) -> None:
    from b2bconform.apis.manex_erp.generators import action_path, spelled
    from b2bconform.apis.manex_erp.sandbox import SEED

    (key,) = get_sandbox("manex_so")().client_credentials().values()
    added = {"sono": "0012345678", "custno": SEED.customers[0].custno, "pono": "PO-CORPUS-1"}
    added["orderdate"] = datetime.now().strftime("%m-%d-%Y")
    read = spelled("manex_so", "SOGet", {"sono": "0012345678"})
    with httpx.Client(base_url=base) as client:
        assert (
            client.post(
                action_path("manex_so", "SOAdd", key), json=spelled("manex_so", "SOAdd", added)
            ).json()["Code"]
            == 200
        )
        client.post(action_path("manex_so", "SOGet", key), json=read)
        client.get(action_path("manex_so", "SOGet", key), params=read)  # the query-string form


def _manex_po_traffic(base: str) -> None:
    from b2bconform.apis.manex_erp.generators import action_path, spelled

    (key,) = get_sandbox("manex_po")().client_credentials().values()
    with httpx.Client(base_url=base) as client:
        for criteria in ({"ponum": "000000000000001"}, {"postatus": "OPEN"}):
            client.post(action_path("manex_po", "POGet", key), json=spelled("manex_po", "POGet", criteria))


def _westcon_soap_traffic(base: str) -> None:
    from b2bconform.apis.westcon_soap.generators import order_status_envelope
    from b2bconform.apis.westcon_soap.sandbox.sandbox import ACCOUNTS, SERVICE_PATH

    account = ACCOUNTS[0]
    envelope = order_status_envelope(
        account.number, ["704571"], username=account.number, password=account.password
    )
    headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": '"http://tempuri.org/IOrderStatusService/GetOrderStatus"',
    }
    with httpx.Client(base_url=base) as client:
        assert client.post(SERVICE_PATH, content=envelope, headers=headers).status_code == 200


def _key_in_path_hidden(request: Any) -> Any:
    """What VCR.py users write to keep a key in the URL path out of a cassette (before_record_request)."""
    request.uri = re.sub(r"(?i)(/API/(?:SO|PO)/[^/]+/)[^/?]+", r"\1REDACTED", request.uri)
    return request


def _token_hidden(request: Any) -> Any:
    """... and a WS-Security UsernameToken out of a SOAP body."""
    body = re.sub(rb"(<wsse:Password[^>]*>)[^<]*", rb"\1REDACTED", request.body)
    request.body = re.sub(rb"(<wsse:Username>)[^<]*", rb"\1[Filtered]", body)
    return request


OTHER_RECORDINGS: list[tuple[str, Callable[[str], None], str, dict[str, Any], int]] = [
    (api, traffic, name, config, judged)
    for api, traffic, hide, judged in (
        ("manex_so", _manex_so_traffic, _key_in_path_hidden, 3),
        ("manex_po", _manex_po_traffic, _key_in_path_hidden, 2),
        ("westcon_soap", _westcon_soap_traffic, _token_hidden, 1),
    )
    for name, config in (
        ("unfiltered", {}),
        ("pytest-recording-documented", {"filter_headers": ["authorization"]}),
        ("vcr-before-record-request", {"before_record_request": hide}),
    )
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("api", "traffic", "recorder", "config", "judged"),
    OTHER_RECORDINGS,
    ids=[f"{api}-{recorder}" for api, _, recorder, _, _ in OTHER_RECORDINGS],
)
def test_vcr_recordings_of_the_key_and_token_sandboxes_have_no_finding(
    api: str, traffic: Callable[[str], None], recorder: str, config: dict[str, Any], judged: int,
    served: Any, tmp_path: Path,
) -> None:  # fmt: skip
    path = _record(tmp_path / "c.yaml", config, traffic, served(api))
    if recorder == "vcr-before-record-request":
        assert b"REDACTED" in path.read_bytes(), "the recorder hid the secret"
    report = audit([path], api)
    assert report.findings == [] and report.discrepancies == [], [f.as_dict() for f in report.findings]
    assert report.judged == judged
    if api == "westcon_soap" and recorder == "vcr-before-record-request":
        assert {"WESTCON_SOAP-AUTH-004", "WESTCON_SOAP-AUTH-006"} <= set(report.apis[api].not_judged)
    if recorder == "unfiltered":
        assert not report.apis[api].not_judged


# ── faults through the same recorders: each found as its own rule, and nothing else ────────────

_FLOWS: dict[str, tuple[Callable[[str], None], dict[str, Any]]] = {
    "moduslink_po": (_moduslink_traffic, MODUSLINK_FILTERS["vcr-filter-headers"]),
    "westcon_rest": (_westcon_traffic, WESTCON_FILTERS["vcr-filter-post-data"]),
    "manex_so": (_manex_so_traffic, {"before_record_request": _key_in_path_hidden}),
    "manex_po": (_manex_po_traffic, {"before_record_request": _key_in_path_hidden}),
    "westcon_soap": (_westcon_soap_traffic, {"before_record_request": _token_hidden}),
}


def _faulty_recording(api: str, fault: str, served: Any, path: Path) -> AuditReport:
    traffic, config = _FLOWS[api]
    base = served(api, fault)
    # the flow met the fault (an assertion, a missing link, no JSON): what was recorded is judged all the same
    with contextlib.suppress(AssertionError, LookupError, ValueError, TypeError):
        _record(path, config, traffic, base)
    return audit([path], api)


def _beside_the_faults_rule(report: AuditReport, rule: str) -> list[str]:
    """Rules found apart from ``rule`` that are not other request rules the same request broke (an
    empty body breaks every body rule: a fault answering it wrongly fails them all)."""
    with_fault = {f.interaction for f in report.findings if f.rule == rule}
    return sorted(
        {
            f.rule
            for f in report.findings
            if f.rule != rule and not (f.interaction in with_fault and f.direction.value == "request")
        }
    )


@pytest.mark.slow
@pytest.mark.parametrize("api", sorted(_FLOWS))
def test_faults_in_filtered_recordings_break_their_own_rule_and_nothing_else(
    api: str, served: Any, tmp_path: Path
) -> None:
    faults = get_sandbox(api).faults
    found: dict[str, list[str]] = {}
    for number, (name, fault) in enumerate(sorted(faults.items())):
        report = _faulty_recording(api, name, served, tmp_path / f"{number}.yaml")
        others = _beside_the_faults_rule(report, fault.rule)
        assert not others, f"fault {name} (declares {fault.rule}) also broke {others}"
        if report.rules:
            found[name] = report.rules
    # these short flows reach only some faults: every one they reach is its own rule alone, and
    # they reach at least one per API (the suites' fault self-test reaches them all)
    assert found, f"no fault of {api} showed in its filtered recordings"

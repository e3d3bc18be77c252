"""`b2bconform audit` and the rest of the command line, judged by exit codes and output."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from b2bconform.cli import cli
from b2bconform.engine.model import Headers, Request
from b2bconform.locations import contract_dir
from b2bconform.targets import SandboxTarget
from b2bconform.traffic.cassettes import write_cassette

EXAMPLE: dict[str, Any] = json.loads(
    (contract_dir("moduslink_po") / "examples" / "request.create-order.json").read_text(encoding="utf-8")
)
ORDERS_URL = "https://api.example.com/purchaseapi/v1/orders"
FINDING_KEYS = {
    "rule", "api", "operation", "interaction", "direction",
    "path", "expected", "received", "message", "severity",
}  # fmt: skip
CANARIES = ("SECRET-CANARY-123", "SUBS-CANARY-456")


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def order(**header: Any) -> dict[str, Any]:
    """The document's example request, with requestHeader members replaced (None removes one)."""
    body = copy.deepcopy(EXAMPLE)
    request_header = body["clientRequest"]["requestHeader"]
    for name, value in header.items():
        if value is None:
            request_header.pop(name, None)
        else:
            request_header[name] = value
    return body


def accepted(body: dict[str, Any]) -> dict[str, Any]:
    """A faithful 202: the references echoed and a link to the order."""
    request_header = body["clientRequest"]["requestHeader"]
    return {
        "result": "true",
        "requestId": "3201413",
        "requestReference": request_header["requestReference"],
        "externalMessageReference": request_header["externalMessageReference"],
        "links": [
            {
                "href": "/purchaseapi/V1/orders/3201413",
                "rel": "orders",
                "method": "GET",
                "description": "Request of type purchase orders is returned",
            }
        ],
        "errorCode": "",
        "message": [{}],
    }


def cassette(tmp_path: Path, body: dict[str, Any], name: str = "orders.yaml") -> Path:
    """A one-interaction VCR.py cassette: POST ``body``, answered 202 faithfully."""
    interaction = {
        "request": {
            "method": "POST",
            "uri": ORDERS_URL,
            "body": json.dumps(body),
            "headers": {
                "Content-Type": ["application/json"],
                "ClientConfigId": ["MLDEMOUS-NL"],
                "ClientAuthKey": [CANARIES[0]],
                "Ocp-Apim-Subscription-Key": [CANARIES[1]],
            },
        },
        "response": {
            "status": {"code": 202, "message": "Accepted"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps(accepted(body))},
        },
    }
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"version": 1, "interactions": [interaction]}), encoding="utf-8")
    return path


def audit(*args: str | Path) -> Result:
    return invoke("audit", "--api", "moduslink_po", *args)


# ── verdicts ─────────────────────────────────────────────────────────────────────────────────


def test_a_conforming_cassette_exits_0_with_no_findings(tmp_path: Path) -> None:
    result = audit(cassette(tmp_path, order()), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["interactions"] == 1
    assert report["findings"] == []
    assert report["files"] == [str(tmp_path / "orders.yaml")]


def test_a_conforming_cassette_says_conforming_in_text(tmp_path: Path) -> None:
    result = audit(cassette(tmp_path, order()))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1 interactions, conforming"


def test_accepting_a_26_character_request_reference_is_a_finding(tmp_path: Path) -> None:
    result = audit(cassette(tmp_path, order(requestReference="R" * 26)), "--format", "json")
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["MODUSLINK_PO-REQ-012"]
    (finding,) = findings
    assert set(finding) == FINDING_KEYS
    assert finding["interaction"] == 0
    assert finding["direction"] == "request"
    assert finding["api"] == "moduslink_po"
    assert finding["operation"] == "createPurchaseOrder"
    assert "26 characters" in finding["received"]


def test_text_findings_show_received_and_documented(tmp_path: Path) -> None:
    result = audit(cassette(tmp_path, order(requestReference="R" * 26)))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "interaction 0  MODUSLINK_PO-REQ-012 [critical] createPurchaseOrder /clientRequest"
    )
    assert lines[1].startswith("    Received: ")
    assert lines[2] == "    Documented: at most 25 characters"
    assert lines[-1] == "1 interactions, 1 findings (1 rules)"
    assert "conforming" not in result.stdout


def test_client_side_flags_a_missing_client_name(tmp_path: Path) -> None:
    path = cassette(tmp_path, order(client=None))
    vendor = audit(path, "--format", "json")
    assert vendor.exit_code == 0, vendor.output  # the vendor may accept it: a rule for callers only
    client = audit(path, "--side", "client", "--format", "json")
    assert client.exit_code == 1, client.output
    rules = [f["rule"] for f in json.loads(client.stdout)["findings"]]
    assert "MODUSLINK_PO-REQ-009" in rules


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_secret_header_values_never_reach_the_output(tmp_path: Path, output_format: str) -> None:
    path = cassette(tmp_path, order(requestReference="R" * 26, client=None))
    for side in ("vendor", "client"):
        result = audit(path, "--format", output_format, "--side", side)
        assert result.exit_code == 1, result.output
        for canary in CANARIES:
            assert canary not in result.output


# ── input that cannot be judged: exit 2, never "conforming" ─────────────────────────────────


MALFORMED = {
    "not-yaml": ("version: 1\ninteractions:\n  - request: {method: GET\n", ["not valid YAML", "line 4"]),
    "version-2": ("version: 2\ninteractions: []\n", ["unsupported cassette version 2", "expected 1"]),
    "interactions-not-a-list": ("version: 1\ninteractions: {a: 1}\n", ["interactions", "expected a list"]),
    "no-status-code": (
        "version: 1\ninteractions:\n- request: {method: GET, uri: 'https://h/purchaseapi/v1/orders/1'}\n"
        "  response: {status: {message: OK}}\n",
        ["interactions[0].response.status.code", "missing status code"],
    ),
}


def assert_unjudged(result: Result, *expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert "conforming" not in result.output
    for text in expected:
        assert text in result.stderr


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_cassette_exits_2_naming_the_file_and_the_problem(tmp_path: Path, name: str) -> None:
    text, expected = MALFORMED[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    result = audit(path)
    assert_unjudged(result, f"{name}.yaml", *expected)
    assert result.stderr.startswith("error: ")


def test_a_missing_cassette_exits_2(tmp_path: Path) -> None:
    assert_unjudged(audit(tmp_path / "absent.yaml"), "absent.yaml", "file not found")


def test_one_malformed_file_among_good_ones_fails_the_whole_audit(tmp_path: Path) -> None:
    good = cassette(tmp_path, order())
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\ninteractions: []\n", encoding="utf-8")
    result = audit(good, bad, "--format", "json")
    assert_unjudged(result, "bad.yaml")
    assert result.stdout == ""


def test_a_cassette_without_interactions_is_not_conforming(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("version: 1\ninteractions: []\n", encoding="utf-8")
    assert_unjudged(audit(path), "no interactions to judge")


def test_an_unknown_api_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("audit", "--api", "nosuchapi", "x.yaml")
    assert result.exit_code == 2
    assert "conforming" not in result.output


# ── the sandbox's own traffic, recorded and audited ─────────────────────────────────────────


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_recorded_sandbox_traffic_audits_clean(tmp_path: Path) -> None:
    target = SandboxTarget("moduslink_po")
    try:
        post = target.send(
            Request(
                "POST",
                "/purchaseapi/v1/orders",
                Headers({"Content-Type": "application/json"}),
                json.dumps(EXAMPLE).encode(),
            )
        )
        assert post.response is not None and post.response.status == 202
        link = post.response.json()["links"][0]["href"]
        get = target.send(Request("GET", link))
        path = tmp_path / "sandbox.yaml"
        write_cassette(path, [post, get], target.redactor, meta={"target": "sandbox"})
    finally:
        target.close()
    text = path.read_text(encoding="utf-8")
    for secret in target.sandbox.client_headers().values():
        assert secret not in text
    result = audit(path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["interactions"] == 2


# ── the other commands ───────────────────────────────────────────────────────────────────────


def test_sandbox_faults_lists_name_rule_and_description() -> None:
    result = invoke("sandbox", "faults", "--api", "moduslink_po")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) >= 12
    listed = {
        name: (rule, description) for name, rule, description in (line.split(None, 2) for line in lines)
    }
    rule, description = listed["accepts-long-request-reference"]
    assert rule == "MODUSLINK_PO-REQ-012"
    assert "requestReference" in description


def test_rules_json_lists_the_catalogue() -> None:
    result = invoke("rules", "--api", "moduslink_po", "--format", "json")
    assert result.exit_code == 0, result.output
    rules = json.loads(result.stdout)
    assert len(rules) > 60
    first = rules[0]
    assert {"id", "direction", "severity", "check", "statement", "decision"} <= set(first)


def test_rules_text_names_how_each_rule_is_verified() -> None:
    result = invoke("rules", "--api", "moduslink_po")
    assert result.exit_code == 0, result.output
    assert "MODUSLINK_PO-REQ-012  request  critical  max_length  " in result.stdout
    assert "  test  " in result.stdout  # rules verified by a suite test rather than a check
    assert "    decision: " in result.stdout


def test_rules_text_lists_the_contract_settings_first_with_their_decisions() -> None:
    result = invoke("rules", "--api", "westcon_rest")
    assert result.exit_code == 0, result.output
    first, second = result.stdout.splitlines()[:2]
    assert first.startswith('setting subscription_header = "Ocp-Apim-Subscription-Key"  (decision: ')
    assert second.startswith("setting rejection_statuses = [400]")
    assert "WESTCON_REST-AUTH-003  auth  blocker  header_present  " in result.stdout


def test_run_has_help() -> None:
    result = invoke("run", "--help")
    assert result.exit_code == 0
    for option in ("--api", "--target", "--profile", "--allow-writes", "--reports", "PYTEST_ARGS"):
        assert option in result.stdout


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("b2bconform, version ")

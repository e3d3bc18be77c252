"""Hostile recordings through `audit`: bombs, deep nesting, duplicate keys and special files end in a
clear input error (exit 2, the file and the position), never a traceback, a hang or a verdict."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from b2bconform.cli import cli
from b2bconform.engine.yamlfile import MAX_DEPTH, load_yaml
from b2bconform.errors import InputFileError
from b2bconform.locations import contract_dir, suite_dir

ORDERS = "https://api-uat.moduslink.com/purchaseapi/v1/orders"


def _interaction(body: str = "{}", status: str = "{code: 202, message: Accepted}") -> str:
    return (
        f"- request:\n    method: POST\n    uri: {ORDERS}\n    body: {json.dumps(body)}\n    headers: {{}}\n"
        f"  response:\n    status: {status}\n    headers: {{}}\n    body: {{string: '{{}}'}}\n"
    )


def _alias_bomb() -> str:
    levels = ["&a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        levels.append(f"&a{level} [{levels[-1]}, " + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return f"version: 1\ninteractions:\n- request:\n    method: {levels[-1]}\n    uri: {ORDERS}\n"


def _har(entry: str) -> str:
    return '{"log": {"version": "1.2", "entries": [' + entry + "]}}"


_HAR_ENTRY = (
    '{"request": {"method": "POST", "url": "' + ORDERS + '", "headers": []}, '
    '"response": {"status": 500, "status": 202, "headers": [], "content": {"mimeType": "application/json", "text": "{}"}}}'
)
DEEP = 200_000

HOSTILE: dict[str, tuple[str, str, str]] = {
    # name: (file name, content, what the error says)
    "yaml alias bomb": ("bomb.yaml", _alias_bomb(), "expands to more than"),
    "duplicate key in an interaction": (
        "dup.yaml",
        "version: 1\ninteractions:\n"
        + _interaction(status="{code: 500, message: E}\n    status: {code: 202}"),
        "duplicate key 'status' (first at line",
    ),
    "a second interactions list": (
        "twice.yaml",
        "version: 1\ninteractions:\n" + _interaction() + "interactions: []\n",
        "duplicate key 'interactions'",
    ),
    "json cassette nested deep": (
        "deep.json",
        '{"version": 1, "interactions": [' + "[" * DEEP + "]" * DEEP + "]}",
        "nesting depth",
    ),
    "yaml nested deep": (
        "deep.yaml",
        "version: 1\ninteractions:\n- " + "[" * 2000 + "]" * 2000 + "\n",
        "nest",
    ),
    "har nested deep": (
        "deep.har",
        _har('{"a":' * DEEP + "1" + "}" * DEEP),
        f"nested deeper than {MAX_DEPTH}",
    ),
    "duplicate key in a har entry": ("dup.har", _har(_HAR_ENTRY), "duplicate key 'status'"),
    "duplicate top-level har key": (
        "twice.har",
        '{"log": {"version": "1.2", "entries": []}, "log": {"version": "1.2", "entries": []}}',
        "duplicate key 'log'",
    ),
}


def _audit(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["audit", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_recording_is_an_input_error_naming_the_file(tmp_path: Path, case: str) -> None:
    name, content, says = HOSTILE[case]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, output = _audit(str(path), "--api", "moduslink_po")
    assert code == 2, output
    assert f"error: {path}" in output and says in output, output
    assert "Traceback" not in output


def test_a_body_nested_deeper_than_python_can_read_is_judged_as_no_json(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "deep-body.yaml"
    path.write_text("version: 1\ninteractions:\n" + _interaction(body=deep), encoding="utf-8")
    code, output = _audit(str(path), "--api", "moduslink_po", "--format", "json")
    assert code == 1, output
    assert "MODUSLINK_PO-REQ-001" in {f["rule"] for f in json.loads(output)["findings"]}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_instead_of_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    code, output = _audit(str(fifo))
    assert code == 2 and "not a regular file" in output, output


def test_a_duplicate_key_in_a_rules_or_profile_file_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("api: moduslink_po\nenvironment: qa\nenvironment: production\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"line 3.*duplicate key 'environment' \(first at line 2\)"):
        load_yaml(path)


def test_another_apis_recording_audited_with_api_is_not_called_conforming() -> None:

    cassette = next(
        p for p in sorted((suite_dir("manex_so") / "cassettes" / "test_so_actions").glob("*.yaml"))
    )
    code, output = _audit(str(cassette), "--api", "westcon_rest")
    assert code == 2, output
    assert (
        "could be judged: 12 are no operation of westcon_rest (the first: a manex_so request (SOAdd)"
        in output
    )


def test_a_garbage_method_is_an_input_error_shown_short(tmp_path: Path) -> None:
    path = tmp_path / "method.yaml"
    path.write_text(
        "version: 1\ninteractions:\n" + _interaction().replace("method: POST", "method: " + "X" * 5_000_000),
        encoding="utf-8",
    )
    code, output = _audit(str(path), "--api", "moduslink_po")
    assert code == 2 and "expected an HTTP method" in output and "(5000002 characters)" in output
    assert len(output) < 1000


def test_an_answer_with_no_body_where_the_document_shows_one_is_a_finding(tmp_path: Path) -> None:

    order = (contract_dir("moduslink_po") / "examples" / "request.create-order.json").read_text()
    headers = {
        name: [name.lower()] for name in ("ClientConfigId", "ClientAuthKey", "Ocp-Apim-Subscription-Key")
    }
    interaction = {
        "request": {
            "method": "POST",
            "uri": ORDERS,
            "body": order,
            "headers": {**headers, "Content-Type": ["application/json"]},
        },
        "response": {"status": {"code": 202, "message": "Accepted"}, "headers": {}, "body": {"string": ""}},
    }
    path = tmp_path / "empty-202.json"
    path.write_text(json.dumps({"version": 1, "interactions": [interaction]}), encoding="utf-8")
    code, output = _audit(str(path), "--format", "json")
    assert code == 1, output
    assert all(f["received"] == "absent: the body is empty" for f in json.loads(output)["findings"])


def test_a_gateway_page_in_a_recording_is_listed_not_judged(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    page = "<html><body><h1>503 Service Unavailable</h1></body></html>"
    text = "version: 1\ninteractions:\n" + _interaction(status="{code: 503, message: Unavailable}")
    text = text.replace("body: {string: '{}'}", f"body: {{string: '{page}'}}")
    path.write_text(text, encoding="utf-8")
    code, output = _audit(str(path), "--api", "moduslink_po")
    assert code == 2, output  # the only interaction is not the API's answer: nothing was judged
    assert "HTTP 503, undocumented, without the API's JSON body" in output or "HTML page" in output


def test_an_unclassified_interaction_is_listed_without_what_may_be_its_key(tmp_path: Path) -> None:
    secret = "Zq9-unknown-KEY"
    odd_url = f"https://erp.example//Get/{secret}?apiKey={secret}&token={secret}"
    odd = _interaction().replace(f"uri: {ORDERS}", f"uri: {odd_url}")
    path = tmp_path / "odd.yaml"
    path.write_text("version: 1\ninteractions:\n" + _interaction() + odd, encoding="utf-8")
    code, output = _audit(str(path))
    assert code in (0, 1) and secret not in output, output
    assert "https://erp.example//Get/***?apiKey=***&token=***" in output

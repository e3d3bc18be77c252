"""`b2bconform audit --api manex_so|manex_po` judges recorded ManEx traffic, in both parameter forms,
and never lets the API key from the URL path reach its output."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner, Result

from b2bconform.cli import cli
from b2bconform.engine.model import Exchange, Headers, Request
from b2bconform.locations import suite_dir
from b2bconform.targets import SandboxTarget
from b2bconform.traffic.cassettes import read_cassette, write_cassette
from b2bconform.traffic.redaction import Redactor

JSON = Headers({"Content-Type": "application/json"})


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def _post(path: str, params: dict[str, str]) -> Request:
    return Request("POST", path, JSON, json.dumps(params).encode())


def _get(path: str, params: dict[str, str]) -> Request:
    return Request("GET", f"{path}?{urlencode(params)}")


def _sales_order_traffic(target: SandboxTarget) -> list[Exchange]:
    """An order with a line, added by JSON body and read back by query string."""
    sono = "0000004242"
    return [
        target.send(_post("/API/SO/Add/{apiKey}", {"SoNo": sono, "custNo": "0000000001"})),
        target.send(
            _get(
                "/API/SO/ItemAdd/{apiKey}",
                {
                    "SoNo": sono,
                    "line_no": "1",
                    "part_num": "PCB-1001",
                    "revision": "A",
                    "uOfMeas": "EACH",
                    "soDet_Desc": "Board",
                    "deliv_time": "9:30",
                    "status": "Standard",
                    "ord_qty": "5",
                },
            )
        ),
        target.send(_get("/API/SO/Get/{apiKey}", {"SONO": sono})),
        target.send(_post("/API/SO/Get/{apiKey}", {"sono": sono})),
    ]


def _record(tmp_path: Path, api: str, exchanges: list[Exchange], redactor: Redactor) -> Path:
    path = tmp_path / f"{api}.yaml"
    write_cassette(path, exchanges, redactor, meta={"target": "sandbox"})
    return path


@pytest.fixture
def so_target() -> SandboxTarget:
    return SandboxTarget("manex_so")


def test_recorded_sales_order_traffic_in_both_forms_audits_clean(
    tmp_path: Path, so_target: SandboxTarget
) -> None:
    cassette = _record(tmp_path, "manex_so", _sales_order_traffic(so_target), so_target.redactor)
    methods = {exchange.request.method for exchange in read_cassette(cassette)}
    assert methods == {"GET", "POST"}
    result = invoke("audit", "--api", "manex_so", "--format", "json", cassette)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []


def test_a_faulty_sandboxs_recorded_traffic_is_judged_on_its_rule(tmp_path: Path) -> None:
    target = SandboxTarget("manex_so", fault="unpadded-sono-in-get")
    cassette = _record(tmp_path, "manex_so", _sales_order_traffic(target), target.redactor)
    result = invoke("audit", "--api", "manex_so", "--format", "json", cassette)
    assert result.exit_code == 1, result.output
    assert {f["rule"] for f in json.loads(result.output)["findings"]} == {"MANEX_SO-RES-001"}


def test_a_cassette_keeps_no_api_key_and_neither_does_the_audit(
    tmp_path: Path, so_target: SandboxTarget
) -> None:
    key = so_target.credentials()["{apiKey}"]
    # recorded without redaction, as another tool might have: the key sits in every URL
    raw = _record(tmp_path, "manex_so", _sales_order_traffic(so_target), Redactor())
    assert key in raw.read_text()
    for output_format in ("text", "json"):
        result = invoke("audit", "--api", "manex_so", "--format", output_format, raw)
        assert key not in result.output
    redacted = _record(tmp_path / "redacted", "manex_so", _sales_order_traffic(so_target), so_target.redactor)
    assert key not in redacted.read_text()
    assert "/API/SO/Add/***" in redacted.read_text()


def test_a_url_error_quoting_the_key_is_masked_in_the_recording(
    tmp_path: Path, so_target: SandboxTarget
) -> None:
    key = so_target.credentials()["{apiKey}"]
    exchange = so_target.send(_post("/API/SO/NoSuchAction/{apiKey}", {"SoNo": "1"}))
    assert exchange.response is not None and key.encode() in exchange.response.body  # the URI is echoed
    cassette = _record(tmp_path, "manex_so", [exchange], so_target.redactor)
    assert key not in cassette.read_text()


def test_recorded_purchase_order_traffic_audits_clean_and_a_bad_time_is_found(tmp_path: Path) -> None:
    target = SandboxTarget("manex_po")
    add = {"supName": "Baltic Components", "PoItemsList": [{"POITTYPE": "INVT PART", "part_no": "PCB-1001",
           "Rev": "A", "UniqMfgrhd": "_1MF100101", "ORD_QTY": "10"}]}  # fmt: skip
    good = [target.send(Request("POST", "/api/PO/Add/{apiKey}", JSON, json.dumps(add).encode()))]
    good.append(target.send(_get("/api/PO/Get/{apiKey}", {"supName": "Baltic Components"})))
    cassette = _record(tmp_path, "manex_po", good, target.redactor)
    result = invoke("audit", "--api", "manex_po", "--format", "json", cassette)
    assert result.exit_code == 0, result.output

    faulty = SandboxTarget("manex_po", fault="accepts-12-hour-delivery-time")
    bad = [
        faulty.send(
            Request(
                "POST", "/api/PO/Add/{apiKey}", JSON, json.dumps({**add, "deliveryTime": "1:00 PM"}).encode()
            )
        )
    ]
    cassette = _record(tmp_path / "bad", "manex_po", bad, faulty.redactor)
    result = invoke("audit", "--api", "manex_po", "--format", "json", cassette)
    assert result.exit_code == 1, result.output
    assert {f["rule"] for f in json.loads(result.output)["findings"]} == {"MANEX_PO-PO-002"}


@pytest.mark.slow
def test_a_suite_run_writes_the_api_key_nowhere(tmp_path: Path) -> None:
    """The ManEx key travels in every URL: a run with failures (so messages carry requests) must not
    leave it in its output, Allure results, JUnit XML or conformance report."""
    import subprocess
    import sys

    key = SandboxTarget("manex_so").credentials()["{apiKey}"]
    root = Path(__file__).resolve().parents[1]
    command = [sys.executable, "-m", "pytest", str(suite_dir("manex_so")), "-q", "-p", "no:randomly",
               "-k", "keys_and_urls or lifecycle or unknown_order", "--fault", "unpadded-sono-in-get",
               "--hypothesis-profile", "selftest", "--alluredir", str(tmp_path / "allure"),
               "--junitxml", str(tmp_path / "junit.xml"), "--conformance-report", str(tmp_path / "conformance.json"),
               "-W", "ignore::DeprecationWarning"]  # fmt: skip
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout[-2000:]  # the fault was caught: messages were written
    assert key not in done.stdout + done.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in (tmp_path / "allure").iterdir())
    assert [p.name for p in written if key in p.read_text(errors="replace")] == []
    # the exchanges are there, with the key masked: the absence above is redaction, not silence
    assert any("/API/SO/Get/***" in p.read_text(errors="replace") for p in written)

"""What a reader sees attached to an Allure result: the exchange, indented, as redacted."""

from __future__ import annotations

from pathlib import Path

import pytest

from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.reporting.allure_labels import render_exchange
from b2bconform.traffic.redaction import Redactor


def _exchange(body: bytes, reply: bytes) -> Exchange:
    request = Request(
        "POST", "https://x/api", Headers({"ClientAuthKey": "KEY-CANARY-77", "Content-Type": "text/xml"}), body
    )
    return Exchange(api="demo", request=request, response=Response(200, Headers(), reply))


def test_json_and_xml_bodies_are_indented_for_the_reader() -> None:
    text = render_exchange(_exchange(b'{"a": {"b": 1}}', b"<r><s>1</s></r>"))
    assert '{\n  "a": {\n    "b": 1\n  }\n}' in text
    assert "<r>\n  <s>1</s>\n</r>" in text
    assert text.startswith("POST https://x/api") and "HTTP 200" in text


def test_a_redacted_exchange_renders_without_its_secrets() -> None:
    exchange = _exchange(b"<p>KEY-CANARY-77</p>", b"")
    text = render_exchange(Redactor(["KEY-CANARY-77"]).exchange(exchange))
    assert "KEY-CANARY-77" not in text
    assert "ClientAuthKey: ***" in text


def test_a_body_that_is_neither_json_nor_xml_is_shown_as_text() -> None:
    assert "plain words" in render_exchange(_exchange(b"plain words", b""))


def test_a_rule_source_links_to_the_published_vendor_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    from b2bconform.reporting.allure_labels import VENDOR_DOCS_VARIABLE, source_url

    monkeypatch.setenv(VENDOR_DOCS_VARIABLE, "https://docs.example.internal/vendor/")
    url = source_url("001_2b4e72c753f32ece.txt", "3.1 Request Schema")
    assert url == "https://docs.example.internal/vendor/001_2b4e72c753f32ece.txt#3.1%20Request%20Schema"


def test_a_rule_source_in_a_local_folder_of_documents_is_a_file_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from b2bconform.reporting.allure_labels import VENDOR_DOCS_VARIABLE, source_url

    monkeypatch.setenv(VENDOR_DOCS_VARIABLE, str(tmp_path))
    assert source_url("a b.txt", "1 Intro") == f"{tmp_path.as_uri()}/a%20b.txt#1%20Intro"


def test_without_a_documents_location_the_link_assumes_no_folder_outside_the_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from b2bconform.reporting.allure_labels import VENDOR_DOCS_VARIABLE, source_url

    monkeypatch.delenv(VENDOR_DOCS_VARIABLE, raising=False)
    assert source_url("000_x.txt", "Auth") == "vendor-docs/000_x.txt#Auth"

"""Allure labels and attachments: epic = vendor, feature = API, story = operation, title = rule.

Everything here is a no-op when allure-pytest is not active, so the plugin never depends on it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree

from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.documents import xml_root
from b2bconform.engine.model import Exchange, Severity, load_json

__all__ = ["VENDOR_DOCS_VARIABLE", "attach_exchange", "label_test", "render_exchange", "source_url"]

VENDOR_DOCS_VARIABLE = "B2BCONFORM_VENDOR_DOCS_URL"

_SEVERITY_ORDER = [s.value for s in Severity]


def _allure() -> Any:
    try:
        import allure
    except ImportError:  # pragma: no cover - allure-pytest is a dependency, but stay optional
        return None
    return allure


def label_test(contract: Contract, rule_ids: Sequence[str], test_name: str) -> None:
    allure = _allure()
    if allure is None:
        return
    if test_name.endswith("]") and "[" in test_name:
        # Allure tells tests apart by name and parameter values: schemathesis's cases carry no
        # parameters and bytes parameters all show as "<class 'bytes'>", so without the pytest id
        # Allure would fold distinct cases into one test and call the others its retries.
        allure.dynamic.parameter("case", test_name[test_name.index("[") + 1 : -1])
    catalogue = contract.rules
    allure.dynamic.epic(catalogue.vendor)
    allure.dynamic.feature(catalogue.title)
    rules = [catalogue.get(rule_id) for rule_id in rule_ids if rule_id in catalogue.ids]
    operations = sorted({op for rule in rules for op in rule.operations if op != "*"})
    if operations:
        allure.dynamic.story(", ".join(operations))
    if len(rules) == 1:
        allure.dynamic.title(f"{rules[0].id}: {rules[0].statement}")
    elif rules:  # several rules: their ids, and what the test does
        allure.dynamic.title(f"{', '.join(rule.id for rule in rules)}: {_readable(test_name)}")
    if rules:
        worst = min((rule.severity.value for rule in rules), key=_SEVERITY_ORDER.index)
        allure.dynamic.severity(allure.severity_level(worst))
        allure.dynamic.tag(*sorted({rule.direction.value for rule in rules} | {rule.kind for rule in rules}))
        lines = []
        for rule in rules:
            allure.dynamic.label("rule", rule.id)
            lines.append(
                f"**{rule.id}** — {rule.statement}  \nSource: `{rule.source.file}` § {rule.source.section}"
            )
            if rule.decision:
                lines.append(f"Decision: {rule.decision}")
            allure.dynamic.link(
                source_url(rule.source.file, rule.source.section),
                name=f"{rule.id} source: {rule.source.section}",
            )
        allure.dynamic.description("\n\n".join(lines))


def source_url(file: str, section: str) -> str:
    """Where a rule's source can be read: ``B2BCONFORM_VENDOR_DOCS_URL``/<file>#<section> (the
    intranet page or folder holding the vendor documents; a folder path becomes a file URL), else
    ``vendor-docs/<file>#<section>``, relative to the report: the documents are the vendor's, not
    part of the harness, so it assumes no place for them."""
    base = os.environ.get(VENDOR_DOCS_VARIABLE, "").rstrip("/")
    if base and "://" not in base and Path(base).expanduser().is_dir():
        base = Path(base).expanduser().resolve().as_uri()
    return f"{base or 'vendor-docs'}/{quote(file)}#{quote(section)}"


def _readable(test_name: str) -> str:
    name, _, params = test_name.partition("[")
    text = name.removeprefix("test_").replace("_", " ")
    return f"{text} [{params}" if params else text


def render_exchange(exchange: Exchange) -> str:
    """A readable, already-redacted rendering of one exchange."""
    request = exchange.request
    lines = [f"{request.method} {request.url}"]
    lines += [f"{k}: {v}" for k, v in request.headers.pairs()]
    if request.body:
        lines += ["", _pretty(request.body)]
    lines.append("")
    if exchange.response is None:
        lines.append(f"(no response: {exchange.error})")
    else:
        response = exchange.response
        lines.append(f"HTTP {response.status}")
        lines += [f"{k}: {v}" for k, v in response.headers.pairs()]
        if response.body:
            lines += ["", _pretty(response.body)]
    return "\n".join(lines)


def _pretty(body: bytes) -> str:
    try:
        return json.dumps(load_json(body), indent=2, ensure_ascii=False)
    except (ValueError, UnicodeDecodeError):
        pass
    root = xml_root(body)
    if root is not None:  # SOAP envelopes, indented so a reader can follow them
        return str(etree.tostring(root, pretty_print=True, encoding="unicode"))
    return body.decode("utf-8", errors="replace")


def attach_exchange(exchange: Exchange, judgement: Judgement) -> None:
    """Attach one redacted exchange (the caller redacts), its findings and its discrepancies to the
    running test."""
    allure = _allure()
    if allure is None:
        return
    name = f"{exchange.operation or 'request'} #{exchange.index}: HTTP {exchange.response.status if exchange.response else 'error'}"
    allure.attach(render_exchange(exchange), name=name, attachment_type=allure.attachment_type.TEXT)
    if judgement.findings:
        findings = json.dumps([f.as_dict() for f in judgement.findings], indent=2, ensure_ascii=False)
        allure.attach(
            findings, name=f"findings #{exchange.index}", attachment_type=allure.attachment_type.JSON
        )
    if judgement.discrepancies:
        # The vendor follows another reading of its own document: shown, with every reading, and
        # tagged so a report can filter them; never a failed test.
        allure.dynamic.tag("discrepancy")
        for rule in sorted({f.rule for f in judgement.discrepancies}):
            allure.dynamic.label("discrepancy", rule)
        contested = json.dumps([f.as_dict() for f in judgement.discrepancies], indent=2, ensure_ascii=False)
        allure.attach(
            contested,
            name=f"discrepancies for the vendor to settle #{exchange.index}",
            attachment_type=allure.attachment_type.JSON,
        )

"""Allure labels and attachments: epic = vendor, feature = API, story = operation, title = rule.

Everything here is a no-op when allure-pytest is not active, so the plugin never depends on it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from lxml import etree

from b2bconform.contract import Contract, Judgement
from b2bconform.documents import xml_root
from b2bconform.model import Exchange, Severity

__all__ = ["attach_exchange", "label_test", "render_exchange"]

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
    catalogue = contract.rules
    allure.dynamic.epic(catalogue.vendor)
    allure.dynamic.feature(catalogue.title)
    rules = [catalogue.get(rule_id) for rule_id in rule_ids if rule_id in catalogue.ids]
    operations = sorted({op for rule in rules for op in rule.operations if op != "*"})
    if operations:
        allure.dynamic.story(", ".join(operations))
    if len(rules) == 1:
        allure.dynamic.title(f"{rules[0].id}: {rules[0].statement}")
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
                f"vendor-docs/{rule.source.file}#{rule.source.section}",
                name=f"{rule.id} source: {rule.source.section}",
            )
        allure.dynamic.description("\n\n".join(lines))


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
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, UnicodeDecodeError):
        pass
    root = xml_root(body)
    if root is not None:  # SOAP envelopes, indented so a reader can follow them
        return str(etree.tostring(root, pretty_print=True, encoding="unicode"))
    return body.decode("utf-8", errors="replace")


def attach_exchange(exchange: Exchange, judgement: Judgement) -> None:
    """Attach one redacted exchange (the caller redacts) and its findings to the running test."""
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

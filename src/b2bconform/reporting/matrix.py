"""The per-rule conformance matrix: what each rule's evidence says after a run.

Status of a rule, from strongest evidence down:
- ``failed``: a check found a violation, or a test tied to the rule failed on a plain assertion;
- ``broken``: only tests that hit an infrastructure problem touched it (never blamed on the contract);
- ``passed``: evaluated at least once and never failed;
- ``untested``: no check evaluated it and no test tied to it ran.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from b2bconform.contract import Contract, Judgement
from b2bconform.model import Finding

__all__ = ["ConformanceMatrix", "RuleEvidence"]

MAX_FINDINGS_PER_RULE = 20


@dataclass
class RuleEvidence:
    evaluated: int = 0
    negative: int = 0  # evaluations where the request broke the rule (the vendor had to reject it)
    passed: int = 0
    failed: int = 0
    broken: int = 0
    tests: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    finding_count: int = 0

    @property
    def status(self) -> str:
        if self.failed:
            return "failed"
        if self.passed:
            return "passed"
        if self.broken:
            return "broken"
        return "untested"


class ConformanceMatrix:
    def __init__(self) -> None:
        self.contracts: dict[str, Contract] = {}
        self.evidence: dict[str, dict[str, RuleEvidence]] = {}
        self.meta: dict[str, Any] = {}

    def add_contract(self, contract: Contract) -> None:
        if contract.api not in self.contracts:
            self.contracts[contract.api] = contract
            self.evidence[contract.api] = {rule.id: RuleEvidence() for rule in contract.rules}

    def _rule(self, api: str, rule_id: str) -> RuleEvidence:
        return self.evidence[api][rule_id]

    def record_judgement(self, judgement: Judgement, test: str | None = None) -> None:
        api = judgement.exchange.api
        by_rule: dict[str, list[Finding]] = {}
        for finding in judgement.findings:
            by_rule.setdefault(finding.rule, []).append(finding)
        for rule_id, outcome in judgement.outcomes.items():
            evidence = self._rule(api, rule_id)
            evidence.evaluated += 1
            evidence.negative += rule_id in judgement.broken_by_request
            if test:
                evidence.tests.add(test)
            if outcome == "failed":
                evidence.failed += 1
                found = by_rule.get(rule_id, [])
                evidence.finding_count += len(found)
                room = MAX_FINDINGS_PER_RULE - len(evidence.findings)
                evidence.findings.extend(found[: max(room, 0)])
            else:
                evidence.passed += 1

    def record_test(self, api: str, rules: Iterable[str], test: str, outcome: str) -> None:
        """A test tied to ``rules`` ended: ``passed``, ``failed`` (plain assertion) or ``broken``."""
        for rule_id in rules:
            evidence = self._rule(api, rule_id)
            evidence.tests.add(test)
            if outcome == "passed":
                evidence.evaluated += 1
                evidence.passed += 1
            elif outcome == "failed":
                evidence.evaluated += 1
                evidence.failed += 1
            elif outcome == "broken":
                evidence.broken += 1

    def failed_rules(self, api: str) -> set[str]:
        return {rule_id for rule_id, ev in self.evidence.get(api, {}).items() if ev.status == "failed"}

    def as_dict(self) -> dict[str, Any]:
        apis: dict[str, Any] = {}
        totals = {"rules": 0, "passed": 0, "failed": 0, "broken": 0, "untested": 0}
        for api, contract in sorted(self.contracts.items()):
            rules: dict[str, Any] = {}
            counts = {"rules": 0, "passed": 0, "failed": 0, "broken": 0, "untested": 0}
            for rule in contract.rules:
                ev = self.evidence[api][rule.id]
                counts["rules"] += 1
                counts[ev.status] += 1
                rules[rule.id] = {
                    "statement": rule.statement,
                    "source": {"file": rule.source.file, "section": rule.source.section},
                    "direction": rule.direction.value,
                    "severity": rule.severity.value,
                    "kind": rule.kind,
                    "check": rule.check,
                    "decision": rule.decision,
                    "status": ev.status,
                    "evaluated": ev.evaluated,
                    "negative": ev.negative,
                    "passed": ev.passed,
                    "failed": ev.failed,
                    "broken": ev.broken,
                    "tests": sorted(ev.tests),
                    "findings": [f.as_dict() for f in ev.findings],
                    "findings_total": ev.finding_count,
                }
            counts_score = _score(counts)
            apis[api] = {"summary": {**counts, "score": counts_score}, "rules": rules}
            for key in totals:
                totals[key] += counts[key]
        return {
            "generated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            **self.meta,
            "score_definition": "passed rules / all rules (untested, broken and failed rules count against it)",
            "summary": {**totals, "score": _score(totals)},
            "apis": apis,
        }

    def write(self, json_path: Path) -> tuple[Path, Path]:
        data = self.as_dict()
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        md_path = json_path.with_suffix(".md")
        md_path.write_text(render_markdown(data), encoding="utf-8")
        return json_path, md_path


def _score(counts: dict[str, int]) -> float:
    return round(counts["passed"] / counts["rules"], 4) if counts["rules"] else 0.0


_ICON = {"passed": "✅ passed", "failed": "❌ failed", "broken": "⚠️ broken", "untested": "◻️ untested"}


def render_markdown(data: dict[str, Any]) -> str:
    lines = ["# Conformance matrix", ""]
    target = data.get("target")
    if target:
        run = f" (run id `{data['run_id']}`)" if data.get("run_id") else ""
        lines += [f"Target: `{target}`{run}  ", ""]
    s = data["summary"]
    lines += [
        f"Generated {data['generated']}. Overall score **{s['score']:.1%}** "
        f"({s['passed']} of {s['rules']} rules passed; {s['failed']} failed, {s['broken']} broken, {s['untested']} untested).",
        "",
        f"Score: {data['score_definition']}.",
        "",
    ]
    for api, block in data["apis"].items():
        a = block["summary"]
        lines += [
            f"## {api}",
            "",
            f"Score **{a['score']:.1%}**: {a['passed']} passed, {a['failed']} failed, {a['broken']} broken, {a['untested']} untested of {a['rules']}.",
            "",
            "| rule | status | evaluated (negative) | statement | source |",
            "|---|---|---|---|---|",
        ]
        for rule_id, rule in block["rules"].items():
            statement = rule["statement"].replace("|", "\\|")
            source = f"{rule['source']['file']} § {rule['source']['section']}"
            lines.append(
                f"| {rule_id} | {_ICON[rule['status']]} | {rule['evaluated']} ({rule['negative']}) | {statement} | {source} |"
            )
        failed = {rid: r for rid, r in block["rules"].items() if r["findings"]}
        if failed:
            lines += ["", "### Findings", ""]
            for rule_id, rule in failed.items():
                lines.append(f"- **{rule_id}** ({rule['findings_total']} findings): {rule['statement']}")
                for finding in rule["findings"][:3]:
                    lines.append(
                        f"  - `{finding['operation']}` `{finding['path'] or '(message)'}`: Received: {finding['received']} / Documented: {finding['expected']}"
                    )
        lines.append("")
    return "\n".join(lines)

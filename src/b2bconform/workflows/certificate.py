"""The onboarding certificate: what was checked, the verdict per rule group, and the evidence.

The certificate is written twice from one value, as Markdown and as a self-contained HTML page
(inline CSS, no scripts, nothing fetched), so it can be mailed, archived and signed as it is.
The evidence bundle is pinned by one hash: the sha256 of ``evidence/MANIFEST.sha256``, whose
lines are ``relative/path<TAB>sha256`` of every other file under ``evidence/``, sorted by path.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "FAILED",
    "INCOMPLETE",
    "MANIFEST",
    "NOT_TESTED",
    "PASSED",
    "Certificate",
    "CheckResult",
    "ContestedRule",
    "EvidenceFile",
    "FailedRule",
    "GroupResult",
    "SmokeTest",
    "group_results",
    "render_html",
    "render_markdown",
    "rule_group",
    "write_manifest",
]

PASSED, FAILED, INCOMPLETE, NOT_TESTED = "PASSED", "FAILED", "INCOMPLETE", "NOT TESTED"
MANIFEST = "MANIFEST.sha256"
_CHUNK = 1 << 16


@dataclass(frozen=True)
class CheckResult:
    """One credential or reachability check. ``ok`` None: not required (an optional variable)."""

    name: str
    ok: bool | None
    detail: str
    subject: str = ""  # what was checked: the variable's name, or the URL


@dataclass(frozen=True)
class GroupResult:
    """A rule group's counts in the smoke run, and its verdict."""

    group: str
    passed: int = 0
    failed: int = 0
    broken: int = 0
    untested: int = 0
    discrepancy: int = 0  # the vendor follows another reading of its document: to settle, not a failure

    @property
    def verdict(self) -> str:
        if self.failed:
            return FAILED
        if self.broken:
            return INCOMPLETE
        return PASSED if self.passed or self.discrepancy else NOT_TESTED


@dataclass(frozen=True)
class SmokeTest:
    test: str
    outcome: str  # passed | failed | broken | skipped
    reason: str | None = None


@dataclass(frozen=True)
class FailedRule:
    rule: str
    severity: str
    statement: str
    finding: str  # the first finding, as received / documented (redacted by the run)


@dataclass(frozen=True)
class ContestedRule:
    """A rule the vendor reads otherwise than adopted, as its own document allows: for it to settle."""

    rule: str
    severity: str
    statement: str
    finding: str
    readings: list[str]


@dataclass(frozen=True)
class EvidenceFile:
    path: str  # relative to evidence/, with forward slashes
    sha256: str
    size: int


@dataclass(frozen=True)
class Certificate:
    partner: str
    api: str
    api_title: str
    profile: str
    environment: str
    base_url: str
    token_url: str | None
    date: str  # UTC, ISO 8601
    run_id: str
    verdict: str
    reasons: list[str]
    credentials: list[CheckResult]
    reachability: list[CheckResult]
    smoke: str  # what happened to the smoke subset, in a sentence
    groups: list[GroupResult]
    tests: list[SmokeTest]
    failed: list[FailedRule]
    evidence: list[EvidenceFile]
    bundle_hash: str
    harness_version: str
    contract_versions: dict[str, str]
    discrepancies: list[ContestedRule] = field(default_factory=list)


def rule_group(rule_id: str) -> str:
    """The middle part of a rule id: ``MODUSLINK_PO-REQ-012`` -> ``REQ``."""
    parts = rule_id.split("-")
    return parts[1] if len(parts) >= 3 else rule_id


def group_results(statuses: Mapping[str, str]) -> list[GroupResult]:
    """Per group (in first-seen order), how many of its rules passed, failed, broke or went untested."""
    counts: dict[str, dict[str, int]] = {}
    for rule_id, status in statuses.items():
        group = counts.setdefault(
            rule_group(rule_id), {"passed": 0, "failed": 0, "broken": 0, "untested": 0, "discrepancy": 0}
        )
        group[status if status in group else "untested"] += 1
    return [GroupResult(name, **c) for name, c in counts.items()]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(evidence_dir: Path) -> tuple[list[EvidenceFile], str]:
    """Hash every file under ``evidence_dir``, write the manifest, return the files and the bundle hash."""
    manifest = evidence_dir / MANIFEST
    files = [
        EvidenceFile(p.relative_to(evidence_dir).as_posix(), _sha256(p), p.stat().st_size)
        for p in evidence_dir.rglob("*")
        if p.is_file() and p != manifest
    ]
    files.sort(key=lambda f: f.path)
    text = "".join(f"{f.path}\t{f.sha256}\n" for f in files)
    manifest.write_text(text, encoding="utf-8", newline="\n")
    return files, hashlib.sha256(text.encode("utf-8")).hexdigest()


# ── rendering ───────────────────────────────────────────────────────────────────────────────────

_ALLURE = "reports/allure-results/"
_HOW_TO_VERIFY = [
    "cd evidence",
    "sha256sum MANIFEST.sha256   # must print the bundle hash",
    "awk -F'\\t' '{print $2 \"  \" $1}' MANIFEST.sha256 | sha256sum -c",
]
_DISCREPANCY_NOTE = (
    "The vendor follows a reading its own document supports, other than the one the harness adopted: "
    "not a failure, and no effect on the verdict. Ask the vendor which reading it intends."
)
_OUTCOME = {"passed": "passed", "failed": "FAILED", "broken": "broken", "skipped": "skipped"}


def _listed(evidence: Iterable[EvidenceFile]) -> tuple[list[EvidenceFile], list[EvidenceFile]]:
    """The files the certificate lists one by one, and the Allure results it only counts."""
    files = list(evidence)
    return [f for f in files if not f.path.startswith(_ALLURE)], [
        f for f in files if f.path.startswith(_ALLURE)
    ]


def _check_mark(ok: bool | None) -> str:
    return "OK" if ok else "not required" if ok is None else "FAILED"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(c: Certificate) -> str:
    lines = [
        f"# Onboarding certificate: {c.partner} — {c.api_title}",
        "",
        f"**Verdict: {c.verdict}.** {' '.join(c.reasons)}",
        "",
        "| | |",
        "|---|---|",
        f"| Partner / API | {_md(c.partner)} / {_md(c.api_title)} (`{c.api}`) |",
        f"| Profile | `{c.profile}` |",
        f"| Environment | {c.environment} |",
        f"| Base URL | {c.base_url} |",
        *([f"| Token URL | {c.token_url} |"] if c.token_url else []),
        f"| Date (UTC) | {c.date} |",
        f"| Run id | `{c.run_id}` |",
        f"| Harness version | {c.harness_version} |",
        *(f"| Contract version ({api}) | {version} |" for api, version in c.contract_versions.items()),
        f"| Evidence bundle hash (sha256) | `{c.bundle_hash}` |",
        "",
        "## Checks",
        "",
        "| check | result | detail |",
        "|---|---|---|",
        *(
            f"| {_md(k.name)} | {_check_mark(k.ok)} | {_md(k.detail)} |"
            for k in [*c.credentials, *c.reachability]
        ),
        "",
        "## Read-only smoke subset",
        "",
        c.smoke,
        "",
    ]
    if c.tests:
        lines += ["| test | outcome | reason |", "|---|---|---|"]
        lines += [
            f"| `{_md(t.test)}` | {_OUTCOME.get(t.outcome, t.outcome)} | {_md(t.reason or '')} |"
            for t in c.tests
        ]
        lines.append("")
    lines += [
        "## Verdict per rule group",
        "",
        "| group | verdict | passed | failed | discrepancy | broken | untested |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {g.group} | {g.verdict} | {g.passed} | {g.failed} | {g.discrepancy} | {g.broken} | {g.untested} |"
            for g in c.groups
        ),
        "",
        "A group is PASSED when at least one of its rules passed (or was read otherwise, as the document allows) and none failed or broke, FAILED when "
        "one failed, INCOMPLETE when one broke (the system could not be exercised), and NOT TESTED when "
        "the smoke subset reached none of its rules.",
        "",
    ]
    if c.failed:
        lines += ["## Failed rules", "", "| rule | severity | statement | finding |", "|---|---|---|---|"]
        lines += [f"| {f.rule} | {f.severity} | {_md(f.statement)} | {_md(f.finding)} |" for f in c.failed]
        lines.append("")
    if c.discrepancies:
        lines += ["## Discrepancies for the vendor to settle", "", _DISCREPANCY_NOTE, ""]
        lines += ["| rule | severity | statement | traffic | readings |", "|---|---|---|---|---|"]
        lines += [
            f"| {d.rule} | {d.severity} | {_md(d.statement)} | {_md(d.finding)} | {'<br>'.join(map(_md, d.readings))} |"
            for d in c.discrepancies
        ]
        lines.append("")
    lines += ["## Evidence", ""]
    listed, allure = _listed(c.evidence)
    lines += ["| file (under evidence/) | bytes | sha256 |", "|---|---|---|"]
    lines += [f"| `{f.path}` | {f.size} | `{f.sha256}` |" for f in listed]
    if allure:
        lines.append(
            f"| `{_ALLURE}` ({len(allure)} files, each in MANIFEST.sha256) | {sum(f.size for f in allure)} | |"
        )
    lines += [
        "",
        "Cassettes and reports are redacted by the harness as they are written: no credential, token or "
        "API key is in them.",
        "",
        f"The bundle hash is the sha256 of `evidence/{MANIFEST}`, which lists every other file under "
        "`evidence/` as `relative/path<TAB>sha256`, one per line, sorted by path (byte order). To verify:",
        "",
        "```",
        *_HOW_TO_VERIFY,
        "```",
        "",
        "## Sign-off",
        "",
        "| role | name | signature | date |",
        "|---|---|---|---|",
        "| QA engineer | | | |",
        "| Partner contact | | | |",
        "",
    ]
    return "\n".join(lines)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:2rem auto;
max-width:60rem;padding:0 1rem;color:#1b1f23;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f6f8fa;padding:.75rem;overflow-x:auto}.hash{word-break:break-all}
.verdict{font-size:1.2rem;padding:.6rem .9rem;border-radius:6px;margin:1rem 0}
.PASSED{background:#dafbe1;color:#116329}.FAILED{background:#ffebe9;color:#a40e26}
.INCOMPLETE{background:#fff8c5;color:#7d4e00}.NOT-TESTED{color:#57606a}
.sign td{height:2.5rem}
@media print{body{margin:0}}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _row(*cells: str, header: bool = False) -> str:
    tag = "th" if header else "td"
    return "<tr>" + "".join(f"<{tag}>{cell}</{tag}>" for cell in cells) + "</tr>"


def render_html(c: Certificate) -> str:
    facts = [
        ("Partner / API", f"{_e(c.partner)} / {_e(c.api_title)} (<code>{_e(c.api)}</code>)"),
        ("Profile", f"<code>{_e(c.profile)}</code>"),
        ("Environment", _e(c.environment)),
        ("Base URL", _e(c.base_url)),
        *([("Token URL", _e(c.token_url))] if c.token_url else []),
        ("Date (UTC)", _e(c.date)),
        ("Run id", f"<code>{_e(c.run_id)}</code>"),
        ("Harness version", _e(c.harness_version)),
        *((f"Contract version ({_e(api)})", _e(version)) for api, version in c.contract_versions.items()),
        ("Evidence bundle hash (sha256)", f'<code class="hash">{_e(c.bundle_hash)}</code>'),
    ]
    checks = [
        _row(_e(k.name), _e(_check_mark(k.ok)), _e(k.detail)) for k in [*c.credentials, *c.reachability]
    ]
    tests = [
        _row(f"<code>{_e(t.test)}</code>", _e(_OUTCOME.get(t.outcome, t.outcome)), _e(t.reason or ""))
        for t in c.tests
    ]
    groups = [
        _row(
            _e(g.group),
            f'<span class="{g.verdict.replace(" ", "-")}">{_e(g.verdict)}</span>',
            *(str(n) for n in (g.passed, g.failed, g.discrepancy, g.broken, g.untested)),
        )
        for g in c.groups
    ]
    failed = [_row(_e(f.rule), _e(f.severity), _e(f.statement), _e(f.finding)) for f in c.failed]
    contested = [
        _row(_e(d.rule), _e(d.severity), _e(d.statement), _e(d.finding), "<br>".join(map(_e, d.readings)))
        for d in c.discrepancies
    ]
    listed, allure = _listed(c.evidence)
    evidence = [
        _row(f"<code>{_e(f.path)}</code>", str(f.size), f'<code class="hash">{f.sha256}</code>')
        for f in listed
    ]
    if allure:
        evidence.append(
            _row(
                f"<code>{_ALLURE}</code> ({len(allure)} files, each in {MANIFEST})",
                str(sum(f.size for f in allure)),
                "",
            )
        )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Onboarding certificate: {_e(c.partner)} {_e(c.api_title)} ({_e(c.profile)})</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Onboarding certificate: {_e(c.partner)} — {_e(c.api_title)}</h1>",
        f'<div class="verdict {_e(c.verdict)}"><strong>Verdict: {_e(c.verdict)}.</strong> {_e(" ".join(c.reasons))}</div>',
        "<table>",
        *(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in facts),
        "</table>",
        "<h2>Checks</h2><table>",
        _row("check", "result", "detail", header=True),
        *checks,
        "</table>",
        f"<h2>Read-only smoke subset</h2><p>{_e(c.smoke)}</p>",
        *(["<table>", _row("test", "outcome", "reason", header=True), *tests, "</table>"] if tests else []),
        "<h2>Verdict per rule group</h2><table>",
        _row("group", "verdict", "passed", "failed", "discrepancy", "broken", "untested", header=True),
        *groups,
        "</table>",
        "<p>A group is PASSED when at least one of its rules passed (or was read otherwise, as the document allows) and none failed or broke, FAILED when "
        "one failed, INCOMPLETE when one broke (the system could not be exercised), and NOT TESTED when "
        "the smoke subset reached none of its rules.</p>",
        *(
            [
                "<h2>Failed rules</h2><table>",
                _row("rule", "severity", "statement", "finding", header=True),
                *failed,
                "</table>",
            ]
            if failed
            else []
        ),
        *(
            [
                f"<h2>Discrepancies for the vendor to settle</h2><p>{_e(_DISCREPANCY_NOTE)}</p><table>",
                _row("rule", "severity", "statement", "traffic", "readings", header=True),
                *contested,
                "</table>",
            ]
            if contested
            else []
        ),
        "<h2>Evidence</h2><table>",
        _row("file (under evidence/)", "bytes", "sha256", header=True),
        *evidence,
        "</table>",
        "<p>Cassettes and reports are redacted by the harness as they are written: no credential, token "
        "or API key is in them.</p>",
        f"<p>The bundle hash is the sha256 of <code>evidence/{MANIFEST}</code>, which lists every other "
        "file under <code>evidence/</code> as <code>relative/path&lt;TAB&gt;sha256</code>, one per line, "
        "sorted by path (byte order). To verify:</p>",
        f"<pre>{_e(chr(10).join(_HOW_TO_VERIFY))}</pre>",
        '<h2>Sign-off</h2><table class="sign">',
        _row("role", "name", "signature", "date", header=True),
        _row("QA engineer", "", "", ""),
        _row("Partner contact", "", "", ""),
        "</table></body></html>",
        "",
    ]
    return "\n".join(parts)

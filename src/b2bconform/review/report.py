"""The review as the vendor reads it (Markdown) and as tools read it (JSON, same stem).

Grouped by API, then by vendor document and section, in the order the document prints them. No
timestamp: the same contracts give the same file, so a change shows as a diff.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from b2bconform.errors import UsageError
from b2bconform.review.model import ApiReview, Discrepancy, Drift, FindingText, Review, UndemonstratedDecision

__all__ = ["render_json", "render_markdown", "write_report"]

_KIND = {
    "pairing": "the document's answer, judged as the vendor's answer",
    "request": "the document's request, judged as a caller's request",
    "unjudged": "not judged",
}
_NUMBERED = re.compile(r"(\d+(?:\.\d+)+)\.?\s|(\d+)\.\s")
_BASIS = {"decision": "(decision)", "statement": "(the rule as written)"}
# Markdown would read these as markup in prose (an underscore only at a word's edge).
_MARKUP = re.compile(r"([\\`*<>\[\]|])|(?<!\w)_|_(?!\w)")


def write_report(review: Review, output: Path) -> tuple[Path, Path]:
    """Write the Markdown to ``output`` and the JSON beside it (same stem, ``.json``)."""
    if output.suffix.lower() == ".json":
        raise UsageError(f"{output}: expected a Markdown path (the JSON is written beside it, same stem)")
    data = output.with_suffix(".json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_markdown(review), encoding="utf-8")
    data.write_text(render_json(review), encoding="utf-8")
    return output, data


def render_json(review: Review) -> str:
    return (
        json.dumps({"generated_by": "b2bconform review", **review.as_dict()}, indent=2, ensure_ascii=False)
        + "\n"
    )


def render_markdown(review: Review) -> str:
    lines = [
        "# Vendor document review",
        "",
        "For each vendor document: where the document's own examples break its own rules, and the other",
        "places where it contradicts itself or is silent, each with the reading the conformance harness",
        "adopted. Please confirm each reading, or tell us the one you intend.",
        "",
        "| API | vendor document | examples (judged) | discrepancies in examples | other contradictions and silences | drift |",
        "|---|---|---|---|---|---|",
    ]
    for api in review.apis:
        lines.append(
            f"| {_prose(api.title)} (`{api.api}`) | {_document(api.document, api.document_url)} "
            f"| {api.examples} ({api.judged}) "
            f"| {len(api.discrepancies)} | {len(api.undemonstrated)} | {len(api.drift)} |"
        )
    if review.drift:
        lines += [
            "",
            f"**Drift: {len(review.drift)} example(s) no longer judge as `judging.yaml` records** (the "
            "document copy or the rules changed); see each API's *Drift* section. The harness's own "
            "records must be brought up to date before this list is sent.",
        ]
    for api in review.apis:
        lines += ["", *_api_section(api)]
    return "\n".join(lines) + "\n"


def _api_section(api: ApiReview) -> Iterator[str]:
    yield f"## {_prose(api.title)} (`{api.api}`)"
    yield ""
    document = _document(api.document, api.document_url)
    if api.document_url:  # a public document, not a file of the vendor-docs folder
        document += f" (public document `{api.document}`, cited by section)"
    yield (
        f"Vendor: {_prose(api.vendor)}. Document: {document}. {api.examples} examples recorded, "
        f"{api.judged} judged by the harness's audit."
    )
    if api.drift:
        yield ""
        yield "### Drift"
        yield ""
        yield from (_drift_line(d) for d in api.drift)
    yield ""
    yield "### Where the document's examples break its rules"
    if not api.discrepancies:
        yield ""
        yield "None: every example conforms to the document's rules."
    number = 0
    for heading, items in _by_section(api.document, api.discrepancies):
        yield ""
        yield f"#### {heading}"
        for item in items:
            number += 1
            yield ""
            yield from _discrepancy(number, item)
    yield ""
    yield "### Contradictions and silences no example shows"
    if not api.undemonstrated:
        yield ""
        yield "None."
    for heading, decisions in _decisions_by_section(api.document, api.undemonstrated):
        yield ""
        yield f"#### {heading}"
        yield ""
        for decision in decisions:
            yield from _decision(decision)


def _by_section(document: str, items: Iterable[Discrepancy]) -> list[tuple[str, list[Discrepancy]]]:
    groups: dict[str, list[Discrepancy]] = {}
    for item in items:
        where = item.where[0]
        groups.setdefault(_heading(document, where.document, where.section, where.url), []).append(item)
    return list(groups.items())


def _decisions_by_section(
    document: str, items: Iterable[UndemonstratedDecision]
) -> list[tuple[str, list[UndemonstratedDecision]]]:
    groups: dict[tuple[str, str, str | None], list[UndemonstratedDecision]] = {}
    for item in items:
        groups.setdefault((item.document, item.section, item.url), []).append(item)
    ordered = sorted(enumerate(groups), key=lambda seen: _section_order(seen[1][1], seen[0]))
    return [(_heading(document, *key), groups[key]) for _, key in ordered]


def _section_order(section: str, seen: int) -> tuple[int, tuple[int, ...], int]:
    """Numbered sections ("1.2.1. PO Item Add", "4.2.2 Sample Request") in the document's numbering,
    then the others in the order the catalogue first cites them."""
    numbered = _NUMBERED.match(section)
    if numbered is None:
        return (1, (), seen)
    return (0, tuple(int(n) for n in (numbered.group(1) or numbered.group(2)).split(".")), seen)


def _heading(api_document: str, document: str, section: str, url: str | None) -> str:
    title = f"§ {_prose(section)}"
    return title if document == api_document else f"{title} (document {_document(document, url)})"


def _document(document: str, url: str | None) -> str:
    """A vendor-docs file by its name; a public document (not in vendor-docs) by its URL."""
    return f"<{url}>" if url else f"`{document}`"


def _discrepancy(number: int, item: Discrepancy) -> Iterator[str]:
    judged, *paired = item.where
    detail = f", under “{_prose(judged.detail)}”" if judged.detail else ""
    yield f"**{number}. `{item.example}`** ({_KIND[item.kind]})"
    yield ""
    where = f"{_document(judged.document, judged.url)}, section “{_prose(judged.section)}”{detail}"
    where += f", example `{judged.example}`"
    for other in paired:
        where += f"; paired with `{other.example}` (section “{_prose(other.section)}”)"
    yield f"- **Where:** {where}"
    yield f"- **What the document says:** {_prose(item.says)}"
    if item.findings:
        yield "- **What the harness finds:**"
        by_rule: dict[str, list[FindingText]] = {}
        for finding in item.findings:
            by_rule.setdefault(finding.rule, []).append(finding)
        for rule, findings in by_rule.items():
            yield f"  - `{rule}`: {_prose(findings[0].statement)}"
            for finding in findings:
                at = f"at `{_code(finding.path)}`: " if finding.path else ""
                received, documented = _code_span(finding.received), _code_span(finding.documented)
                yield f"    - {at}Received {received}; Documented {documented}"
    yield "- **Reading the harness adopted:**"
    for reading in item.readings:
        label = f"`{reading.rule}`" if reading.rule else ""
        basis = _BASIS.get(reading.basis, "")
        yield "  - " + " ".join(part for part in (label, basis, _prose(reading.reading)) if part)
        for alternative in reading.others:
            yield f"    - Another reading the document supports (traffic following it is a discrepancy, not a failure): {_prose(alternative)}"
    if item.rules:
        yield f"- **Rules:** {', '.join(f'`{rule}`' for rule in item.rules)}"


def _decision(item: UndemonstratedDecision) -> Iterator[str]:
    yield f"- **`{item.id}`** {_prose(item.statement)}"
    yield f"  - Reading the harness adopted: {_prose(item.decision)}"


def _drift_line(drift: Drift) -> str:
    parts = []
    if drift.unexpected:
        parts.append("now also breaks " + ", ".join(f"`{r}`" for r in drift.unexpected))
    if drift.missing:
        parts.append("no longer breaks " + ", ".join(f"`{r}`" for r in drift.missing))
    if drift.detail:
        parts.append(_prose(drift.detail))
    return f"- `{drift.example}` ({_prose(drift.location)}): " + "; ".join(parts)


def _prose(text: str) -> str:
    return _MARKUP.sub(lambda m: "\\" + m.group(0), " ".join(text.split()))


def _code(text: str) -> str:
    return " ".join(text.split()).replace("`", "'")


def _code_span(text: str) -> str:
    """Evidence as an inline code span long enough for the backticks it holds; empty shown as such."""
    flat = " ".join(text.split())
    if not flat:
        return "(empty)"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    padded = f" {flat} " if flat.startswith("`") or flat.endswith("`") else flat
    return f"{fence}{padded}{fence}"

"""Judge the examples with the audit engine and turn the verdicts into the vendor's list.

Each case is written to a cassette of its own and judged exactly as recorded traffic is
(``audit.judge_traffic``: redaction by name first, then the contract), so the review says what an
audit of the document's own examples says. A cassette per case keeps one example's exchanges from
being the history of another's (duplicates and read-backs are judged within a file).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from types import ModuleType

from b2bconform.audit import Side, judge_traffic
from b2bconform.discovery import Discovered
from b2bconform.engine.contract import Contract, Judgement, known_apis, wsdl_service
from b2bconform.engine.rules import RuleCatalogue
from b2bconform.errors import UsageError
from b2bconform.locations import contract_dir
from b2bconform.review.examples import ExampleSet
from b2bconform.review.model import (
    AdoptedReading,
    ApiReview,
    Discrepancy,
    Drift,
    ExampleCase,
    FindingText,
    JudgedExample,
    Review,
    UndemonstratedDecision,
)
from b2bconform.review.rest import load_rest_examples, spec_cases
from b2bconform.review.soap import load_soap_examples, wsdl_cases
from b2bconform.traffic.cassettes import write_cassette
from b2bconform.traffic.redaction import Redactor

__all__ = [
    "BUILDERS",
    "Builder",
    "builder_of",
    "judge_case",
    "judge_cases",
    "review",
    "review_api",
    "reviewed_apis",
]

Builder = tuple[Callable[[Path | None], ExampleSet], Callable[[ExampleSet], list[ExampleCase]]]


def _builder(module: ModuleType) -> Iterator[tuple[str, Builder]]:
    """A module that names its ``API`` and builds its examples' ``cases``."""
    if isinstance(getattr(module, "API", None), str) and callable(getattr(module, "cases", None)):
        yield module.API, (module.load, module.cases)


# How each API's examples become exchanges: (load its examples folder, build its cases).
BUILDERS: Mapping[str, Builder] = Discovered("review", _builder)


def builder_of(api: str, contracts_dir: Path | None = None) -> Builder | None:
    """How ``api``'s examples become exchanges: its API folder's ``review`` module, or, without one,
    its WSDL's (``review.soap.wsdl_cases``) or its OpenAPI spec's (``review.rest.spec_cases``); None
    for a contract with neither."""
    if api in BUILDERS:
        return BUILDERS[api]
    root = contracts_dir / api if contracts_dir is not None else contract_dir(api)
    if wsdl_service(root) is not None:
        return partial(load_soap_examples, api), wsdl_cases
    if (root / "openapi.yaml").is_file():
        return partial(load_rest_examples, api), spec_cases
    return None


# Rule ids a discrepancy text names: "MANEX_SO-DUE-007", "RES-013" (this API's), "and -014" (the
# previous id's group).
_RULE_REFERENCE = re.compile(r"\b(?:([A-Z][A-Z0-9_]*)-)?([A-Z]{2,})-(\d{3})\b|(?<=and )-(\d{3})\b")


def judge_case(case: ExampleCase, contracts_dir: Path | None = None) -> Judgement | None:
    """The audit's judgement of the case's last exchange (the others are its history); None when the
    case has no exchange or the audit judged none."""
    return judge_cases([case], contracts_dir)[0].judgement


def judge_cases(cases: Iterable[ExampleCase], contracts_dir: Path | None = None) -> list[JudgedExample]:
    """Each case judged as the last exchange of a cassette of its own; one audit per API and side
    reads them all (history is per file, so no case is another's history)."""
    cases = list(cases)
    judged: dict[int, Judgement] = {}
    with tempfile.TemporaryDirectory(prefix="b2bconform-review-") as folder:
        batches: dict[tuple[str, Side], dict[str, int]] = {}
        for position, case in enumerate(cases):
            if case.exchanges:
                cassette = Path(folder) / f"{position:04d}.yaml"
                write_cassette(cassette, case.exchanges, Redactor())
                batches.setdefault((case.api, case.side), {})[str(cassette)] = position
        for (api, side), owners in batches.items():
            paths = [Path(name) for name in owners]
            for judgement in judge_traffic(paths, api, side=side, contracts_dir=contracts_dir):
                position = owners[str(judgement.exchange.source)]
                if judgement.exchange.index == len(cases[position].exchanges) - 1:
                    judged[position] = judgement
    return [JudgedExample(case, judged.get(position)) for position, case in enumerate(cases)]


def reviewed_apis(contracts_dir: Path | None = None) -> list[str]:
    """Every API whose contract has examples; each must have a builder, or the list would be partial."""

    def folder(api: str) -> Path:
        return contracts_dir / api if contracts_dir is not None else contract_dir(api)

    apis = [api for api in known_apis(contracts_dir) if (folder(api) / "examples" / "judging.yaml").is_file()]
    unbuilt = [api for api in apis if builder_of(api, contracts_dir) is None]
    if unbuilt:
        raise UsageError(
            f"no example builder for api(s) {unbuilt}: a contract with neither a WSDL nor openapi.yaml "
            f"needs the API folder's review.py (the review knows {sorted(BUILDERS)})"
        )
    return apis


def review(apis: Sequence[str] = (), contracts_dir: Path | None = None) -> Review:
    """The review of ``apis`` (default: every API with examples) under ``contracts_dir``."""
    return Review(tuple(review_api(api, contracts_dir) for api in (apis or reviewed_apis(contracts_dir))))


def review_api(api: str, contracts_dir: Path | None = None) -> ApiReview:
    builder = builder_of(api, contracts_dir)
    if builder is None:
        raise UsageError(
            f"no example builder for api {api!r}: a contract with neither a WSDL nor openapi.yaml "
            f"needs the API folder's review.py (the review knows {sorted(BUILDERS)})"
        )
    load, build = builder
    examples = load(contracts_dir)
    contract = Contract.load(api, contracts_dir)
    judged = judge_cases(build(examples), contracts_dir)
    # the audit has masked the findings already; the notes quoting URLs are masked the same way
    redactor = Redactor(url_patterns=contract.secret_url_patterns)
    # in the order the document prints the examples (index.yaml), whatever order judging.yaml has
    printed = {entry["file"]: position for position, entry in enumerate(examples.index)}
    discrepancies = [
        _discrepancy(item, examples, contract.rules, redactor)
        for item in sorted(judged, key=lambda item: printed[item.case.example])
        if item.case.discrepancy or item.case.expected or item.case.expected_discrepancies
    ]
    shown = {rule for d in discrepancies for rule in d.rules}
    return ApiReview(
        api=api,
        title=contract.rules.title,
        vendor=contract.rules.vendor,
        document=contract.rules.document,
        examples=len(judged),
        judged=sum(1 for item in judged if item.judgement is not None),
        discrepancies=tuple(discrepancies),
        undemonstrated=tuple(_undemonstrated(contract.rules, shown)),
        drift=tuple(d for item in judged if (d := _drift(item, examples)) is not None),
        judged_examples=tuple(judged),
        document_url=contract.rules.document_url,
    )


def _discrepancy(
    item: JudgedExample, examples: ExampleSet, rules: RuleCatalogue, redactor: Redactor
) -> Discrepancy:
    case = item.case
    says = case.discrepancy or "(judging.yaml records findings but no text)"
    named = [
        *case.expected,
        *case.expected_discrepancies,
        *item.found,
        *item.discrepant,
        *_rules_named(says, rules),
    ]
    ids = tuple(dict.fromkeys(named))
    findings = tuple(
        FindingText(
            f.rule,
            _statement(rules, f.rule),
            redactor.text(f.path),
            redactor.text(f.received),
            redactor.text(f.expected),
        )
        for f in (*item.findings, *item.discrepancies)
    )
    readings = tuple(_reading(rules, rule) for rule in ids) or (_unruled_reading(case),)
    return Discrepancy(
        api=case.api,
        example=case.example,
        kind=case.kind,
        where=tuple(
            replace(source, url=_url(rules, source.document)) for source in map(examples.source, case.files)
        ),
        says=redactor.text(" ".join(says.split())),
        findings=findings,
        readings=readings,
        rules=ids,
    )


def _url(rules: RuleCatalogue, document: str) -> str | None:
    """Where a public document (the catalogue's, with a ``document_url``) is read; None for a file of
    the vendor-docs folder."""
    return rules.document_url if document == rules.document else None


def _rules_named(text: str, rules: RuleCatalogue) -> list[str]:
    known = set(rules.ids)
    prefix = rules.api.upper()
    named: list[str] = []
    group = None
    for match in _RULE_REFERENCE.finditer(text):
        api, kind, number, continued = match.groups()
        if continued is not None:
            if group is None:
                continue
            candidate = f"{group}-{continued}"
        else:
            group = f"{api or prefix}-{kind}"
            candidate = f"{group}-{number}"
        if candidate in known:
            named.append(candidate)
    return named


def _statement(rules: RuleCatalogue, rule_id: str) -> str:
    try:
        return rules.get(rule_id).statement
    except KeyError:
        return "(no such rule in rules.yaml)"


def _reading(rules: RuleCatalogue, rule_id: str) -> AdoptedReading:
    try:
        rule = rules.get(rule_id)
    except KeyError:
        return AdoptedReading(rule_id, "", "(no such rule in rules.yaml)", "unknown rule")
    others = tuple(
        f"{r.reading} ({r.source.section}{': “' + r.quote + '”' if r.quote else ''})" for r in rule.readings
    )
    if rule.decision:
        return AdoptedReading(rule.id, rule.statement, rule.decision, "decision", others)
    return AdoptedReading(rule.id, rule.statement, rule.statement, "statement", others)


def _unruled_reading(case: ExampleCase) -> AdoptedReading:
    if case.reading:
        reading = case.reading
    elif case.kind == "unjudged":
        reading = "Not judged: the harness cannot read the example as printed, and judges no guess at it."
    else:
        reading = (
            "Judged as printed; no rule of the contract is broken by it, so the note is for the vendor only."
        )
    return AdoptedReading("", "", reading, "not judged")


def _undemonstrated(rules: RuleCatalogue, shown: set[str]) -> list[UndemonstratedDecision]:
    found = [
        UndemonstratedDecision(
            rule.id,
            rule.statement,
            rule.source.file,
            rule.source.section,
            rule.decision,
            _url(rules, rule.source.file),
        )
        for rule in rules
        if rule.decision and rule.id not in shown
    ]
    found.extend(
        UndemonstratedDecision(
            f"setting:{setting.name}",
            f"The harness assumes {setting.name} = {setting.default!r}; a target profile may override it.",
            rules.document,
            "(assumption where the document is silent)",
            setting.decision,
            rules.document_url,
        )
        for setting in rules.settings.values()
    )
    return found


def _drift(item: JudgedExample, examples: ExampleSet) -> Drift | None:
    case = item.case
    where = f"{examples.judging_path.name}, {_dotted(case.location)}"
    details = []
    if case.reading_drift:
        details.append(case.reading_drift)
    if case.exchanges and item.judgement is None:
        details.append("the audit judged nothing of it")
    elif item.judgement is not None:
        operation = item.judgement.exchange.operation
        if operation != case.operation:
            details.append(f"judged as operation {operation!r}, index.yaml says {case.operation!r}")
    if not (item.unexpected or item.missing or details):
        return None
    return Drift(
        api=case.api,
        example=case.example,
        location=where,
        unexpected=tuple(item.unexpected),
        missing=tuple(item.missing),
        detail="; ".join(details) or None,
    )


def _dotted(location: Sequence[str | int]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text

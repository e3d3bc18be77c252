"""Values of the vendor-document review: the examples as cases, their judgements, the report's entries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from b2bconform.engine.contract import Judgement
from b2bconform.engine.model import Exchange, Finding

__all__ = [
    "AdoptedReading",
    "ApiReview",
    "CaseKind",
    "Discrepancy",
    "Drift",
    "ExampleCase",
    "ExampleSource",
    "FindingText",
    "JudgedExample",
    "Review",
    "UndemonstratedDecision",
]

# pairing: an answer judged on the vendor's side; request: a request judged as a caller's;
# unjudged: an example no exchange can be built from (unreadable, a configuration), kept for its note.
CaseKind = Literal["pairing", "request", "unjudged"]


@dataclass(frozen=True)
class ExampleSource:
    """Where the vendor document prints an example (index.yaml)."""

    example: str  # the example's file under contracts/<api>/examples/
    document: str  # the vendor document's file
    section: str
    detail: str | None = None  # the sub-heading or caption it is printed under
    url: str | None = None  # a public document (not in vendor-docs): where it is read

    def as_dict(self) -> dict[str, Any]:
        return {
            "example": self.example,
            "document": self.document,
            "url": self.url,
            "section": self.section,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class ExampleCase:
    """One judging.yaml entry made ready to judge: the exchanges built from the document's examples."""

    api: str
    example: str  # the example the entry judges (a pairing's answer)
    kind: CaseKind
    files: tuple[str, ...]  # every example file the case reads, ``example`` first
    location: tuple[str | int, ...]  # the entry's place in judging.yaml (``("pairings", 2)``)
    entry: Mapping[str, Any]  # the judging.yaml entry, for what only the tests read
    exchanges: tuple[Exchange, ...] = ()  # the last is judged; those before it are its history
    expected: tuple[str, ...] = ()  # the rules the entry expects to be broken (failed findings)
    # the rules the entry expects the example to read otherwise than the adopted reading (discrepancies)
    expected_discrepancies: tuple[str, ...] = ()
    discrepancy: str | None = None  # what the document does, in judging.yaml's words
    operation: str | None = None  # the operation the judged exchange must be classified as
    # The example no longer reads as judging.yaml records (a changed document copy): drift.
    reading_drift: str | None = None
    # How the harness read an example that is not well-formed as printed, where it had to choose.
    reading: str | None = None

    @classmethod
    def of(
        cls,
        api: str,
        kind: CaseKind,
        location: tuple[str | int, ...],
        entry: Mapping[str, Any],
        *,
        example: str,
        paired: Iterable[str] = (),
        exchanges: Iterable[Exchange] = (),
        operation: str | None = None,
        reading_drift: str | None = None,
        reading: str | None = None,
        discrepancy: str | None = None,
    ) -> ExampleCase:
        """The case of a judging.yaml entry: its expected findings and discrepancy text as written
        (``discrepancy`` for an entry that words it otherwise)."""
        return cls(
            api=api,
            example=example,
            kind=kind,
            files=tuple(dict.fromkeys((example, *paired))),
            location=location,
            entry=entry,
            exchanges=tuple(exchanges),
            expected=tuple(entry.get("expected_findings") or ()),
            expected_discrepancies=tuple(entry.get("expected_discrepancies") or ()),
            discrepancy=discrepancy or entry.get("discrepancy"),
            operation=operation,
            reading_drift=reading_drift,
            reading=reading,
        )

    @property
    def side(self) -> Literal["vendor", "client"]:
        return "client" if self.kind == "request" else "vendor"


@dataclass(frozen=True)
class JudgedExample:
    case: ExampleCase
    judgement: Judgement | None  # None: nothing was judged (an unjudged case, or unreadable now)

    @property
    def findings(self) -> list[Finding]:
        return list(self.judgement.findings) if self.judgement is not None else []

    @property
    def discrepancies(self) -> list[Finding]:
        return list(self.judgement.discrepancies) if self.judgement is not None else []

    @property
    def found(self) -> list[str]:
        """The ids of the rules the example breaks (failed findings), sorted."""
        return sorted({f.rule for f in self.findings})

    @property
    def discrepant(self) -> list[str]:
        """The ids of the rules the example reads otherwise than the adopted reading, sorted."""
        return sorted({f.rule for f in self.discrepancies})

    @property
    def unexpected(self) -> list[str]:
        """Found and not expected, as a finding or as a discrepancy."""
        if self.judgement is None:
            return []
        return sorted(
            (set(self.found) - set(self.case.expected))
            | (set(self.discrepant) - set(self.case.expected_discrepancies))
        )

    @property
    def missing(self) -> list[str]:
        """Expected, as a finding or as a discrepancy, and not found as that."""
        if self.judgement is None:
            return []
        return sorted(
            (set(self.case.expected) - set(self.found))
            | (set(self.case.expected_discrepancies) - set(self.discrepant))
        )


@dataclass(frozen=True)
class AdoptedReading:
    """The reading of a rule the harness adopted: its ``decision``, or else its statement as written."""

    rule: str
    statement: str
    reading: str
    basis: Literal["decision", "statement", "not judged", "unknown rule"]
    # the other readings the document supports (rules.yaml ``readings``), as the vendor reads them
    others: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "statement": self.statement,
            "reading": self.reading,
            "basis": self.basis,
            "other_readings": list(self.others),
        }


@dataclass(frozen=True)
class FindingText:
    """One finding as the vendor reads it (already redacted by the audit)."""

    rule: str
    statement: str
    path: str
    received: str
    documented: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "statement": self.statement,
            "path": self.path,
            "received": self.received,
            "documented": self.documented,
        }


@dataclass(frozen=True)
class Discrepancy:
    """Where the document's own example breaks (or sidesteps) its own rule, and what the harness did."""

    api: str
    example: str
    kind: CaseKind
    where: tuple[ExampleSource, ...]  # the judged example first, then the one it is paired with
    says: str  # what the document does (judging.yaml's discrepancy text)
    findings: tuple[FindingText, ...]
    readings: tuple[AdoptedReading, ...]
    rules: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "example": self.example,
            "judged_as": {"pairing": "vendor answer", "request": "caller request", "unjudged": "not judged"}[
                self.kind
            ],
            "where": [w.as_dict() for w in self.where],
            "document_says": self.says,
            "findings": [f.as_dict() for f in self.findings],
            "adopted_readings": [r.as_dict() for r in self.readings],
            "rules": list(self.rules),
        }


@dataclass(frozen=True)
class UndemonstratedDecision:
    """A contradiction or silence of the document, recorded as a decision, that no example shows."""

    id: str  # a rule id, or ``setting:<name>`` for a contract setting
    statement: str
    document: str
    section: str
    decision: str
    url: str | None = None  # a public document (not in vendor-docs): where it is read

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "statement": self.statement,
            "source": {"file": self.document, "url": self.url, "section": self.section},
            "decision": self.decision,
        }


@dataclass(frozen=True)
class Drift:
    """The examples no longer judge as judging.yaml records: the document copy or the rules changed."""

    api: str
    example: str
    location: str  # "judging.yaml, pairings[2]"
    unexpected: tuple[str, ...] = ()  # found, not expected
    missing: tuple[str, ...] = ()  # expected, not found
    detail: str | None = None  # another change: how the example reads, what it is classified as

    def as_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "example": self.example,
            "location": self.location,
            "unexpected_findings": list(self.unexpected),
            "missing_findings": list(self.missing),
            "detail": self.detail,
        }

    def __str__(self) -> str:
        parts = []
        if self.unexpected:
            parts.append("now also breaks " + ", ".join(self.unexpected))
        if self.missing:
            parts.append("no longer breaks " + ", ".join(self.missing))
        if self.detail:
            parts.append(self.detail)
        return f"{self.api}: {self.example} ({self.location}): " + "; ".join(parts)


@dataclass(frozen=True)
class ApiReview:
    api: str
    title: str
    vendor: str
    document: str
    examples: int  # judging.yaml entries
    judged: int  # of them, judged by the engine
    discrepancies: tuple[Discrepancy, ...]
    undemonstrated: tuple[UndemonstratedDecision, ...]
    drift: tuple[Drift, ...]
    judged_examples: tuple[JudgedExample, ...] = field(default=(), repr=False, compare=False)
    document_url: str | None = None  # a public document (not in vendor-docs): where it is read

    def as_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "title": self.title,
            "vendor": self.vendor,
            "document": self.document,
            "document_url": self.document_url,
            "examples": self.examples,
            "judged": self.judged,
            "discrepancies": [d.as_dict() for d in self.discrepancies],
            "undemonstrated_decisions": [u.as_dict() for u in self.undemonstrated],
            "drift": [d.as_dict() for d in self.drift],
        }


@dataclass(frozen=True)
class Review:
    apis: tuple[ApiReview, ...]

    @property
    def drift(self) -> list[Drift]:
        return [d for api in self.apis for d in api.drift]

    def as_dict(self) -> dict[str, Any]:
        return {
            "apis": [a.as_dict() for a in self.apis],
            "discrepancies": sum(len(a.discrepancies) for a in self.apis),
            "undemonstrated_decisions": sum(len(a.undemonstrated) for a in self.apis),
            "drift": len(self.drift),
        }

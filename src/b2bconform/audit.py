"""Judge recorded traffic against the contracts: the engine behind ``b2bconform audit``.

Files are streamed: each interaction is read, classified (``api`` given, or detected from the
contract whose operations match it), judged and forgotten; only findings and counts are kept, so
memory does not grow with a file's size. A malformed entry anywhere raises ``InputFileError``
before any verdict is given: a partial verdict would read as "conforming".
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from b2bconform.engine.contract import Contract, Judgement, known_apis
from b2bconform.engine.model import Exchange, Finding, Request
from b2bconform.traffic import iter_exchanges
from b2bconform.traffic.detect import ApiDetector
from b2bconform.traffic.redaction import MASK, Redactor, secret_headers

__all__ = [
    "HISTORY_WINDOW",
    "LISTED_UNJUDGED",
    "ApiCounts",
    "AuditReport",
    "Progress",
    "RuleCounts",
    "Side",
    "Unjudged",
    "audit",
    "judge_traffic",
]

Side = Literal["vendor", "client"]
Progress = Callable[[Path, int], None]  # (file, bytes read so far)

# Duplicates and read-backs are judged against this many earlier interactions of the same file
# and API: enough for any test's conversation, and memory stays flat on a day of recorded traffic.
HISTORY_WINDOW = 200
# Interactions that could not be judged are all counted; this many are listed by name.
LISTED_UNJUDGED = 1000


@dataclass(frozen=True)
class Unjudged:
    """An interaction that was read but not judged, and why (no API matched, no response...)."""

    source: str
    interaction: int | None
    method: str
    url: str  # redacted
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "interaction": self.interaction,
            "method": self.method,
            "url": self.url,
            "reason": self.reason,
        }


@dataclass
class RuleCounts:
    passed: int = 0
    failed: int = 0
    discrepancy: int = 0  # interactions that follow another reading the document supports
    not_judged: int = 0  # interactions whose recording did not show what the rule reads


@dataclass
class ApiCounts:
    """What was judged against one API: interactions per operation, outcomes per rule."""

    interactions: int = 0
    operations: Counter[str] = field(default_factory=Counter)
    rules: dict[str, RuleCounts] = field(default_factory=dict)
    not_judged: dict[str, str] = field(default_factory=dict)  # rule -> why (the first reason seen)

    def count(self, judgement: Judgement) -> None:
        self.interactions += 1
        self.operations[judgement.exchange.operation or "unknown"] += 1
        for rule, outcome in judgement.outcomes.items():
            counts = self.rules.setdefault(rule, RuleCounts())
            if outcome == "failed":
                counts.failed += 1
            elif outcome == "discrepancy":
                counts.discrepancy += 1
            else:
                counts.passed += 1
        for rule, reason in judgement.not_judged.items():
            self.rules.setdefault(rule, RuleCounts()).not_judged += 1
            self.not_judged.setdefault(rule, reason)

    def as_dict(self) -> dict[str, Any]:
        return {
            "interactions": self.interactions,
            "operations": dict(sorted(self.operations.items())),
            "rules": {rule: vars(self.rules[rule]).copy() for rule in sorted(self.rules)},
            "not_judged": {
                rule: {"interactions": self.rules[rule].not_judged, "reason": self.not_judged[rule]}
                for rule in sorted(self.not_judged)
            },
        }


@dataclass
class AuditReport:
    """``interactions``: every interaction read; ``apis``: those judged, per API. The rest were not
    judged: ``unclassified`` (no single API matched) or ``unanswered`` (no usable response recorded,
    when judging the vendor); ``unjudged`` lists the first ``LISTED_UNJUDGED`` of them."""

    interactions: int = 0
    findings: list[Finding] = field(default_factory=list)
    # Traffic that follows another reading of a self-contradicting or silent document: for the vendor
    # to settle, never a finding (exit 1 is for findings only).
    discrepancies: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    apis: dict[str, ApiCounts] = field(default_factory=dict)
    unclassified: int = 0
    unanswered: int = 0
    unjudged: list[Unjudged] = field(default_factory=list)
    _replay: Callable[[], Iterator[Judgement]] | None = field(default=None, repr=False, compare=False)

    @property
    def judged(self) -> int:
        return sum(counts.interactions for counts in self.apis.values())

    @property
    def rules(self) -> list[str]:
        """The ids of the rules with at least one finding, sorted."""
        return sorted({f.rule for f in self.findings})

    @property
    def judgements(self) -> list[Judgement]:
        """Every judgement, in order. Not kept by the audit (it streams): the files are judged again,
        so use this on small recordings only (tests, a single cassette)."""
        return list(self._replay()) if self._replay is not None else []

    def count(self, judgement: Judgement) -> None:
        self.apis.setdefault(judgement.exchange.api, ApiCounts()).count(judgement)
        self.findings.extend(judgement.findings)
        self.discrepancies.extend(judgement.discrepancies)

    def skip(self, unjudged: Unjudged, *, unclassified: bool) -> None:
        if unclassified:
            self.unclassified += 1
        else:
            self.unanswered += 1
        if len(self.unjudged) < LISTED_UNJUDGED:
            self.unjudged.append(unjudged)

    def as_dict(self) -> dict[str, Any]:
        return {
            "interactions": self.interactions,
            "judged": self.judged,
            "findings": [f.as_dict() for f in self.findings],
            "discrepancies": [f.as_dict() for f in self.discrepancies],
            "files": list(self.files),
            "apis": {api: self.apis[api].as_dict() for api in sorted(self.apis)},
            "unclassified": self.unclassified,
            "unanswered": self.unanswered,
            "unjudged": [u.as_dict() for u in self.unjudged],
        }


def audit(
    paths: Sequence[Path],
    api: str | None = None,
    *,
    side: Side = "vendor",
    contracts_dir: Path | None = None,
    progress: Progress | None = None,
) -> AuditReport:
    """Judge every interaction of the files at ``paths`` (VCR.py, schemathesis VCR or HAR, mixed).

    ``api``: judge everything against that contract; None: detect each interaction's API.
    """
    report = AuditReport()
    auditor = _Auditor(api, side, contracts_dir)
    for _ in auditor.run(paths, report, progress):
        pass
    auditor.scrub(report)  # with every secret value the files held, also those seen last
    report._replay = lambda: judge_traffic(paths, api, side=side, contracts_dir=contracts_dir)
    return report


def judge_traffic(
    paths: Sequence[Path],
    api: str | None = None,
    *,
    side: Side = "vendor",
    contracts_dir: Path | None = None,
) -> Iterator[Judgement]:
    """The judgement of each interaction as it is read (unjudged interactions are left out)."""
    yield from _Auditor(api, side, contracts_dir).run(paths, AuditReport(), None)


class _Auditor:
    def __init__(self, api: str | None, side: Side, contracts_dir: Path | None) -> None:
        apis = [api] if api is not None else known_apis(contracts_dir)
        self.contracts = [Contract.load(name, contracts_dir) for name in apis]
        self.detector = ApiDetector(self.contracts) if api is None else None
        # with --api: a request that is plainly another API's is not judged as an unknown operation
        self.others = (
            ApiDetector([Contract.load(name, contracts_dir) for name in known_apis(contracts_dir)])
            if api is not None
            else None
        )
        self.side = side
        # Header names and the contracts' secret URL segments mask what is judged; header values
        # seen so far are also scrubbed from findings, in case the vendor echoed a key elsewhere.
        self.redactors = {c.api: Redactor(url_patterns=c.secret_url_patterns) for c in self.contracts}
        self.url_patterns = [p for c in self.contracts for p in c.secret_url_patterns]
        self.secrets: set[str] = set()
        self.scrubber = Redactor(url_patterns=self.url_patterns)

    def run(
        self, paths: Sequence[Path], report: AuditReport, progress: Progress | None
    ) -> Iterator[Judgement]:
        for path in paths:
            report.files.append(str(path))
            told = None if progress is None else _told(progress, path)
            # History is per file and API: one recording is one conversation, the next starts afresh.
            histories: dict[str, deque[Exchange]] = {}
            for exchange in iter_exchanges(path, progress=told):
                report.interactions += 1
                self._learn_secrets(exchange)
                judgement = self._judge(exchange, histories, report)
                if judgement is not None:
                    report.count(judgement)
                    yield judgement

    def _judge(
        self, exchange: Exchange, histories: dict[str, deque[Exchange]], report: AuditReport
    ) -> Judgement | None:
        if self.detector is None:
            contract, operation = self.contracts[0], None
            foreign = self._foreign(contract, exchange.request)
            if foreign is not None:
                report.skip(self._unjudged(exchange, foreign), unclassified=True)
                return None
        else:
            detection = self.detector.detect(exchange.request)
            if detection.contract is None:
                report.skip(self._unjudged(exchange, detection.reason, known=False), unclassified=True)
                return None
            contract, operation = detection.contract, detection.operation
        if exchange.response is None and self.side == "vendor":
            # nothing the vendor did can be judged; a caller's request can (--side client)
            report.skip(
                self._unjudged(exchange, exchange.error or "no response recorded"), unclassified=False
            )
            return None
        # judged as redacted by name: masking a header never changes a verdict, and what a
        # finding quotes is already masked
        undocumented = contract.undocumented_method(exchange.request) if operation is None else None
        if undocumented is not None:
            report.skip(self._unjudged(exchange, undocumented), unclassified=True)
            return None
        foreign = contract.foreign_answer(exchange) if self.side == "vendor" else None
        if foreign is not None:
            report.skip(self._unjudged(exchange, foreign), unclassified=False)
            return None
        judged = self.redactors[contract.api].exchange(exchange)
        judged = contract.classify(judged if operation is None else _with(judged, contract.api, operation))
        history = histories.setdefault(contract.api, deque(maxlen=HISTORY_WINDOW))
        # what the recording itself does not show, read before our own masking adds placeholders
        unknown = contract.unknown_parts(exchange)
        judgement = contract.check(judged, history=history, side=self.side, unknown=unknown)
        judgement.findings = [self.scrubber.finding(f) for f in judgement.findings]
        judgement.discrepancies = [self.scrubber.finding(f) for f in judgement.discrepancies]
        history.append(judged)
        return judgement

    def _foreign(self, contract: Contract, request: Request) -> str | None:
        """Why a request judged against ``contract`` (--api) is not its: it is another API's operation."""
        if self.others is None or contract.operation_for(request) is not None:
            return None
        found = self.others.detect(request)
        if found.contract is None or found.contract.api == contract.api:
            return None
        return f"a {found.contract.api} request ({found.operation}), not an operation of {contract.api}"

    def _unjudged(self, exchange: Exchange, reason: str, *, known: bool = True) -> Unjudged:
        url = self.scrubber.text(exchange.request.url)
        if not known:
            url = _guarded_url(url)
        return Unjudged(exchange.source or "", exchange.index, exchange.request.method, url, reason)

    def _learn_secrets(self, exchange: Exchange) -> None:
        new = set(_secret_values(exchange)) - self.secrets
        if new:
            self.secrets |= new
            self.scrubber = Redactor(secrets=self.secrets, url_patterns=self.url_patterns)

    def scrub(self, report: AuditReport) -> None:
        report.findings = [self.scrubber.finding(f) for f in report.findings]
        report.discrepancies = [self.scrubber.finding(f) for f in report.discrepancies]
        report.unjudged = [
            Unjudged(
                u.source, u.interaction, u.method, self.scrubber.text(u.url), self.scrubber.text(u.reason)
            )
            for u in report.unjudged
        ]


def _guarded_url(url: str) -> str:
    """A URL no contract knows, shown without what may be a secret there: nobody can say which of
    its parts is one (a key as the last path segment, ``?apiKey=``), so the last segment of a path
    two segments deep or more and every query value are masked."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    if sum(1 for segment in segments if segment) >= 2 and segments[-1]:
        segments[-1] = MASK
    query = "&".join(
        f"{name}={MASK}" if value else name
        for name, _, value in (pair.partition("=") for pair in parts.query.split("&") if pair)
    )
    return urlunsplit((parts.scheme, parts.netloc, "/".join(segments), query, ""))


def _with(exchange: Exchange, api: str, operation: str) -> Exchange:
    return replace(exchange, api=api, operation=operation)


def _told(progress: Progress, path: Path) -> Callable[[int], None]:
    def tell(position: int) -> None:
        progress(path, position)

    return tell


def _secret_values(exchange: Exchange) -> Iterable[str]:
    response = exchange.response
    for headers in (exchange.request.headers, response.headers if response is not None else None):
        if headers is not None:
            yield from (value for name, value in headers.pairs() if name.lower() in secret_headers())

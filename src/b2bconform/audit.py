"""Judge recorded traffic against a contract: the engine behind ``b2bconform audit``.

Every file is read and validated before anything is judged, so a malformed file fails the whole
audit instead of leaving a partial verdict that reads as "conforming".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from b2bconform.cassettes import read_cassette
from b2bconform.contract import Contract, Judgement
from b2bconform.model import Exchange, Finding
from b2bconform.redaction import SECRET_HEADERS, Redactor

__all__ = ["AuditReport", "Side", "audit"]

Side = Literal["vendor", "client"]


@dataclass
class AuditReport:
    interactions: int
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)

    @property
    def rules(self) -> list[str]:
        """The ids of the rules with at least one finding, sorted."""
        return sorted({f.rule for f in self.findings})

    def as_dict(self) -> dict[str, Any]:
        return {
            "interactions": self.interactions,
            "findings": [f.as_dict() for f in self.findings],
            "files": list(self.files),
        }


def audit(paths: Sequence[Path], api: str, *, side: Side = "vendor") -> AuditReport:
    """Judge every interaction of the cassettes at ``paths`` against ``api``'s contract."""
    contract = Contract.load(api)
    recorded = [(str(path), read_cassette(path)) for path in paths]  # all validated before judging
    # Header names mask the known credentials in what is judged; their values are also scrubbed
    # from the findings, in case the vendor echoed a key into a body or a message.
    redactor = Redactor(url_patterns=contract.secret_url_patterns)
    scrubber = Redactor(
        secrets=_secret_values(e for _, exchanges in recorded for e in exchanges),
        url_patterns=contract.secret_url_patterns,
    )
    report = AuditReport(interactions=sum(len(exchanges) for _, exchanges in recorded))
    for name, exchanges in recorded:
        report.files.append(name)
        for judgement in _judge_file(contract, exchanges, redactor, side):
            judgement.findings = [scrubber.finding(f) for f in judgement.findings]
            report.judgements.append(judgement)
            report.findings.extend(judgement.findings)
    return report


def _judge_file(
    contract: Contract, exchanges: Sequence[Exchange], redactor: Redactor, side: Side
) -> list[Judgement]:
    # History is per file: one cassette is one conversation (a test), the next starts afresh.
    history: list[Exchange] = []
    judgements = []
    for exchange in exchanges:
        judged = contract.classify(redactor.exchange(exchange))
        judgements.append(contract.check(judged, history=history, side=side))
        history.append(judged)
    return judgements


def _secret_values(exchanges: Iterable[Exchange]) -> list[str]:
    return [
        value
        for exchange in exchanges
        for headers in (exchange.request.headers, exchange.response.headers if exchange.response else None)
        if headers is not None
        for name, value in headers.pairs()
        if name.lower() in SECRET_HEADERS
    ]

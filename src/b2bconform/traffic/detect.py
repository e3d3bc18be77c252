"""Which API a recorded request was made to: the one contract whose operations match it.

Each contract classifies the request as it would when judging it (method and path, the path alone
where the vendor never states methods, a SOAP body's first element), so detection and judging can
never disagree. None or several matching contracts leave the request unclassified: a guess could
judge traffic against the wrong document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Request

__all__ = ["ApiDetector", "Detection"]


@dataclass(frozen=True)
class Detection:
    """The matching contract (and operation), or why there is none."""

    contract: Contract | None
    operation: str | None
    candidates: tuple[str, ...]

    @property
    def reason(self) -> str:
        if self.contract is not None:
            return f"{self.contract.api} {self.operation}"
        if not self.candidates:
            return "matches no operation of any known API"
        return f"matches operations of several APIs: {', '.join(self.candidates)}"


class ApiDetector:
    def __init__(self, contracts: Sequence[Contract]) -> None:
        self.contracts = tuple(contracts)

    def detect(self, request: Request) -> Detection:
        found = [
            (contract, operation)
            for contract in self.contracts
            if (operation := contract.operation_for(request)) is not None
        ]
        if len(found) == 1:
            ((contract, operation),) = found
            return Detection(contract, operation, (contract.api,))
        return Detection(None, None, tuple(contract.api for contract, _ in found))

"""Value objects of the engine: Exchange in, Finding out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "Direction",
    "Exchange",
    "Finding",
    "Headers",
    "Request",
    "Response",
    "Severity",
    "Violation",
    "load_json",
]


class Direction(StrEnum):
    REQUEST = "request"
    RESPONSE = "response"
    AUTH = "auth"
    TRANSPORT = "transport"


class Severity(StrEnum):
    """Allure's severity scale, so a rule's severity shows unchanged in the report."""

    BLOCKER = "blocker"
    CRITICAL = "critical"
    NORMAL = "normal"
    MINOR = "minor"
    TRIVIAL = "trivial"


class Headers(Mapping[str, str]):
    """Case-insensitive, order-keeping header map (HTTP header names are case-insensitive)."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[str, str]] | Mapping[str, str] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: tuple[tuple[str, str], ...] = tuple((str(k), str(v)) for k, v in pairs)

    def __getitem__(self, name: str) -> str:
        lowered = name.lower()
        for key, value in self._items:
            if key.lower() == lowered:
                return value
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        # names only: a repr lands in tracebacks (--showlocals, assertion rewriting), cut anywhere
        return f"Headers({[key for key, _ in self._items]!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Headers) and self._items == other._items

    def __hash__(self) -> int:
        return hash(self._items)

    def pairs(self) -> tuple[tuple[str, str], ...]:
        return self._items


class _NoJSON:
    """Sentinel for a body that is absent or not JSON (distinct from JSON ``null``)."""

    def __repr__(self) -> str:
        return "NO_JSON"


NO_JSON: Any = _NoJSON()


def load_json(data: bytes | str) -> Any:
    """``json.loads`` for text from outside: nesting deeper than Python's stack is a ValueError
    (a body nested 100,000 deep is no document anyone can judge), never a RecursionError."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("nested too deeply to read") from None


def _parse_json(body: bytes | None) -> Any:
    if not body:
        return NO_JSON
    try:
        return load_json(body)
    except (ValueError, UnicodeDecodeError):
        return NO_JSON


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: Headers = field(default_factory=Headers)
    body: bytes | None = None

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    def __repr__(self) -> str:
        # no values: a URL path, a header or a body may carry a credential, and a traceback prints reprs
        parts = urlsplit(self.url)
        return f"Request({self.method} {parts.scheme}://{parts.hostname or ''}/…, {self.headers!r}, {_size(self.body)})"

    def json(self) -> Any:
        """The parsed body, or ``NO_JSON`` when there is none or it does not parse."""
        return _parse_json(self.body)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    elapsed: float | None = None

    def json(self) -> Any:
        return _parse_json(self.body)

    def __repr__(self) -> str:
        return f"Response({self.status}, {self.headers!r}, {_size(self.body)})"


def _size(body: bytes | None) -> str:
    return "no body" if not body else f"{len(body)}-byte body"


@dataclass(frozen=True)
class Exchange:
    """One request and its response, or the transport error that prevented one."""

    api: str
    request: Request
    response: Response | None = None
    error: str | None = None
    operation: str | None = None
    index: int | None = None
    source: str | None = None
    # Read from a recording: what the recorder removed or replaced is unknown, not absent.
    recorded: bool = False


@dataclass(frozen=True)
class Violation:
    """What a check saw: the raw material of a Finding, before the engine knows who is to blame."""

    path: str
    expected: str
    received: str


@dataclass(frozen=True)
class Finding:
    rule: str
    api: str
    operation: str
    direction: Direction
    path: str
    expected: str
    received: str
    message: str
    severity: Severity
    interaction: int | None = None
    source: str | None = None
    # A discrepancy: the traffic breaks the adopted reading of a rule the document contradicts or is
    # silent on, and follows another. ``readings``: the adopted one first, then those it follows.
    readings: tuple[Mapping[str, Any], ...] = ()
    decision: str | None = None

    @property
    def is_discrepancy(self) -> bool:
        return bool(self.readings)

    def as_dict(self) -> dict[str, Any]:
        extra: dict[str, Any] = (
            {"decision": self.decision, "readings": [dict(r) for r in self.readings]} if self.readings else {}
        )
        return {
            "rule": self.rule,
            "api": self.api,
            "operation": self.operation,
            "interaction": self.interaction,
            "direction": self.direction.value,
            "path": self.path,
            "expected": self.expected,
            "received": self.received,
            "message": self.message,
            "severity": self.severity.value,
            **extra,
        }

    def __str__(self) -> str:
        return (
            f"{self.rule} [{self.severity.value}] {self.operation} {self.path or '(message)'}: {self.message}\n"
            f"    Received: {self.received}\n    Documented: {self.expected}"
        )

"""What every embedded vendor double shares: the fault catalogue and the sandbox interface."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

from starlette.requests import Request
from starlette.types import ASGIApp

from b2bconform.engine.contract import contract_of
from b2bconform.errors import UsageError
from b2bconform.sandboxes.rewrites import Rewrite, rewriting

__all__ = [
    "Credentials",
    "Fault",
    "Sandbox",
    "credential_header",
    "credential_sites",
    "fault_catalogue",
    "header_value",
]

#: Every site's credentials, by name as ``Sandbox.client_credentials(site)`` names them.
Credentials = Sequence[Mapping[str, str]]


@dataclass(frozen=True)
class Fault:
    """A named misbehaviour of a sandbox that breaks exactly one declared rule."""

    name: str  # kebab-case, e.g. "accepts-long-request-reference"
    rule: str  # the one rule id it breaks
    description: str  # one line, our wording
    # a change of the faithful answers on their way out; None: the sandbox's own code runs the fault
    rewrite: Rewrite | None = None


def fault_catalogue(faults: Iterable[Fault]) -> Mapping[str, Fault]:
    """A read-only name -> Fault map; refuses repeated names so a typo cannot shadow a fault."""
    catalogue: dict[str, Fault] = {}
    for fault in faults:
        if fault.name in catalogue:
            raise ValueError(f"fault {fault.name!r} is declared twice")
        catalogue[fault.name] = fault
    return MappingProxyType(catalogue)


def credential_header(api: str, name: str) -> str:
    """The header the contract says credential ``name`` travels in (``credentials:`` of rules.yaml):
    a sandbox reads it there instead of naming the header again."""
    found = [c.at for c in contract_of(api).rules.credentials if c.name == name and c.where == "header"]
    if not found:
        raise UsageError(f"the {api} contract declares no header credential {name!r}")
    return found[0]


def credential_sites(
    api: str, demo: Sequence[Mapping[str, str]], given: Credentials | None
) -> tuple[dict[str, str], ...]:
    """The sites a sandbox accepts: its demo values, or ``given`` in their place.

    ``given`` names one or more sites (up to as many as the demo has); each names exactly the demo
    site's credentials (names compare case-insensitively and take the demo's spelling), none blank.
    The sites given are the only ones: a demo value is refused once credentials are given. Errors
    name the site and the credentials, never a value (a value may be a real secret).
    """
    if given is None:
        return tuple(dict(site) for site in demo)
    if isinstance(given, Mapping) or not 1 <= len(given) <= len(demo):
        count = "a mapping" if isinstance(given, Mapping) else f"{len(given)} sites"
        raise UsageError(
            f"the {api} sandbox takes credentials for 1 to {len(demo)} sites "
            f"(a sequence of mappings, one per site), got {count}"
        )
    sites: list[dict[str, str]] = []
    for index, values in enumerate(given):
        spelling = {name.lower(): name for name in demo[index]}
        site = {spelling[name.lower()]: value for name, value in values.items() if name.lower() in spelling}
        unknown = sorted(name for name in values if name.lower() not in spelling)
        missing = [name for name in demo[index] if name not in site]
        blank = [
            name
            for name, value in site.items()
            if not isinstance(value, str) or value.strip() != value or not value
        ]
        if unknown or missing or blank:
            problems = [
                f"{label} {', '.join(names)}"
                for label, names in (("missing", missing), ("unknown", unknown), ("blank or padded", blank))
                if names
            ]
            raise UsageError(
                f"the {api} sandbox's site {index} credentials: {'; '.join(problems)} "
                f"(expected exactly: {', '.join(demo[index])})"
            )
        sites.append(site)
    return tuple(sites)


def header_value(request: Request, name: str) -> str | None:
    """A request header's value, or None when it is missing or blank (a blank key is no key)."""
    value = request.headers.get(name, "").strip()
    return value or None


class Sandbox(ABC):
    """A faithful, stateful, in-memory double of one vendor API, optionally running one fault."""

    api: ClassVar[str]
    faults: ClassVar[Mapping[str, Fault]]

    def __init__(self, fault: str | None = None, *, credentials: Credentials | None = None) -> None:
        if fault is not None and fault not in self.faults:
            known = ", ".join(sorted(self.faults)) or "none"
            raise UsageError(f"unknown fault {fault!r} for the {self.api} sandbox; known faults: {known}")
        self.fault: str | None = fault
        #: The credentials each site presents: the demo values, or the caller's (``credentials``).
        self.credential_sites = credential_sites(self.api, self.demo_credentials(), credentials)
        # uvicorn serves in one thread while tests reset() from another: state changes take this lock
        self._lock = threading.Lock()

    @classmethod
    @abstractmethod
    def demo_credentials(cls) -> tuple[dict[str, str], ...]:
        """Every site's sandbox-only demo credentials by name: what a sandbox accepts unless the
        caller gives its own (``credentials=``), e.g. canary values that prove redaction."""

    @abstractmethod
    def asgi(self) -> ASGIApp:
        """A Starlette app over this instance's state."""

    def app(self) -> ASGIApp:
        """The app to serve: ``asgi()``, its answers changed by the active fault where it is a rewrite."""
        fault = self.faults[self.fault] if self.fault is not None else None
        app = self.asgi()
        return app if fault is None or fault.rewrite is None else rewriting(app, fault.rewrite)

    @abstractmethod
    def reset(self) -> None:
        """Forget all state (orders, counters)."""

    @abstractmethod
    def client_headers(self, site: int = 0) -> dict[str, str]:
        """The credential headers a conforming client sends (the demo values unless others were given)."""

    def client_credentials(self, site: int = 0) -> dict[str, str]:
        """Every credential a conforming client presents, by name: the headers, unless overridden
        (message-level auth such as WS-Security presents a Username and a Password instead)."""
        return self.client_headers(site)

    def has(self, fault_name: str) -> bool:
        """Whether this instance runs `fault_name`; an undeclared name is a bug in the sandbox."""
        if fault_name not in self.faults:
            raise KeyError(f"{self.api} sandbox declares no fault {fault_name!r}")
        return self.fault == fault_name

    @property
    def broken_rule(self) -> str | None:
        """The rule this instance breaks on purpose, or None when it is faithful."""
        return self.faults[self.fault].rule if self.fault is not None else None

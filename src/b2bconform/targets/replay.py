"""Replaying recorded cassettes: the suites run offline and reach the recorded run's verdicts.

Each test plays its own cassette. The harness builds its requests exactly as when recording (same
run id, day and Hypothesis settings, the recorded non-secret credentials and stand-ins for the
secret ones) and the transport answers each with the first unplayed recorded interaction whose
redacted request is the same. A request the cassette does not hold is a ``CassetteMiss``: the
test is broken with "cassette miss, re-record", never passed.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml

from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Headers, Request, load_json
from b2bconform.errors import InputFileError, MissingCredentialsError, TargetError, UsageError
from b2bconform.targets import KnownData, Target, secret_url_patterns
from b2bconform.traffic.cassettes import META_KEY, read_cassette
from b2bconform.traffic.recording import cassette_path, cassette_root
from b2bconform.traffic.redaction import Redactor

__all__ = ["CassetteMiss", "ReplayTarget", "StaleCassetteWarning", "read_meta", "run_facts"]

# Headers httpx derives from the body or the connection: never the difference between two requests.
_DERIVED_HEADERS = frozenset({"content-length", "host", "connection", "accept-encoding", "user-agent"})
# A recorded body is already decoded; a replayed answer must not claim to be compressed.
_TRANSPORT_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


class CassetteMiss(TargetError):
    """The test sent a request its cassette does not hold: the suite or the target changed."""


class StaleCassetteWarning(UserWarning):
    """A cassette recorded under another contract version: its verdicts may differ now."""


try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def read_meta(path: Path) -> dict[str, Any]:
    """The run facts a cassette carries (``b2bconform:``); ``{}`` for a cassette recorded elsewhere."""
    try:
        with path.open("rb") as stream:
            data = yaml.load(stream, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        raise InputFileError(str(path), f"not a readable YAML cassette: {exc}", location=where) from None
    meta = data.get(META_KEY) if isinstance(data, dict) else None
    return dict(meta) if isinstance(meta, dict) else {}


def run_facts(cassette_dirs: list[Path]) -> dict[str, Any]:
    """The facts of the first recorded cassette under ``cassette_dirs``: a replay run takes its
    Hypothesis profile and seed from them (every cassette of one recording shares them)."""
    for directory in cassette_dirs:
        for path in sorted(directory.rglob("*.yaml")) if directory.is_dir() else ():
            meta = read_meta(path)
            if meta:
                return meta
    return {}


def _request_key(request: Request, redactor: Redactor) -> tuple[Any, ...]:
    """What makes two requests the same once redacted: method, URL, headers (but those httpx
    derives), and the body (JSON compared as data, so key order and spacing do not matter)."""
    redacted = redactor.request(request)
    body: Any = redacted.body or b""
    with contextlib.suppress(ValueError):
        body = json.dumps(load_json(body), sort_keys=True)
    headers = tuple(
        sorted((k.lower(), v) for k, v in redacted.headers.pairs() if k.lower() not in _DERIVED_HEADERS)
    )
    return (redacted.method.upper(), redacted.url, headers, body)


def _difference(wanted: tuple[Any, ...], recorded: tuple[Any, ...]) -> str:
    """Which parts differ, and where: enough to tell a changed suite from a changed generator."""
    parts = ("method", "URL", "headers", "body")
    differing = []
    for name, sent, kept in zip(parts, wanted, recorded, strict=True):
        if sent != kept:
            differing.append(f"{name} ({_where_different(sent, kept)})")
    return ", ".join(differing)


def _where_different(sent: Any, recorded: Any, width: int = 40) -> str:
    """The first place two redacted values part: sent and recorded text around it."""
    sent_text = (
        sent
        if isinstance(sent, str)
        else sent.decode("utf-8", "replace")
        if isinstance(sent, bytes)
        else repr(sent)
    )
    kept_text = (
        recorded
        if isinstance(recorded, str)
        else recorded.decode("utf-8", "replace")
        if isinstance(recorded, bytes)
        else repr(recorded)
    )
    at = next(
        (i for i, (a, b) in enumerate(zip(sent_text, kept_text, strict=False)) if a != b),
        min(len(sent_text), len(kept_text)),
    )
    start = max(0, at - width // 4)
    return f"sent {sent_text[start : at + width]!r}, recorded {kept_text[start : at + width]!r}"


@dataclass
class _Cassette:
    path: Path
    meta: dict[str, Any]
    exchanges: list[Exchange]
    keys: list[tuple[Any, ...]] = field(default_factory=list)
    played: list[bool] = field(default_factory=list)
    missed: str | None = None  # the first miss: every later request of the test repeats it

    @property
    def unplayed(self) -> int:
        return self.played.count(False)


@cache
def _demo_credentials(api: str, site: int) -> dict[str, str]:
    """The sandbox's demo credentials (one sandbox built per API and site, not per test)."""
    from b2bconform.sandboxes import get_sandbox

    try:
        return dict(get_sandbox(api)().client_credentials(site))
    except (IndexError, KeyError, UsageError):  # no demo values for that site: any stand-in will do
        return {}


class _CassetteTransport(httpx.BaseTransport):
    def __init__(self, target: ReplayTarget) -> None:
        self.target = target

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = Request(
            request.method, str(request.url), Headers(request.headers.multi_items()), request.read() or None
        )
        recorded = self.target.play(sent)
        assert recorded.response is not None
        headers = [
            (k, v) for k, v in recorded.response.headers.pairs() if k.lower() not in _TRANSPORT_HEADERS
        ]
        return httpx.Response(recorded.response.status, headers=headers, content=recorded.response.body)


class ReplayTarget(Target):
    """Answers from the current test's cassette; nothing leaves the machine."""

    kind = "replay"

    def __init__(self, api: str, cassette_dir: Path | None = None) -> None:
        super().__init__()
        self.api = api
        self.cassette_dir = cassette_dir
        self.client = httpx.Client(transport=_CassetteTransport(self), follow_redirects=False)
        self.cassette: _Cassette | None = None
        self._expected: Path | None = None
        self.writes = False
        self._sites: list[dict[str, str]] = []
        self.redactor = Redactor(url_patterns=secret_url_patterns(api))
        facts = run_facts([cassette_root(api, cassette_dir)])
        self.settings: dict[str, Any] = dict((facts.get("target") or {}).get("settings") or {})
        self.test_data: KnownData = (facts.get("target") or {}).get("test_data")

    # ── one test ──────────────────────────────────────────────────────────────────────────────

    def use_cassette(self, test_id: str) -> _Cassette | None:
        """Load ``test_id``'s cassette and present what it was recorded with; None if it has none."""
        path = self._expected = cassette_path(self.api, test_id, self.cassette_dir)
        if not path.is_file():
            self.cassette = None
            return None
        meta = read_meta(path)
        exchanges = read_cassette(path)
        recorded = meta.get("target") or {}
        self._sites = [
            self._stand_ins(site, values or {})
            for site, values in enumerate(recorded.get("credentials") or [])
        ]
        self.writes = bool(recorded.get("writes"))
        self.client.base_url = httpx.URL(recorded.get("base_url") or "http://replay.invalid")
        recorded_sites = recorded.get("credentials") or []
        stand_ins = [
            value
            for site, values in zip(self._sites, recorded_sites, strict=True)
            for name, value in site.items()
            if (values or {}).get(name) is None
        ]
        self.redactor = Redactor(secrets=stand_ins, url_patterns=secret_url_patterns(self.api))
        self._known_auth_secrets = ()
        self.cassette = _Cassette(path, meta, exchanges)
        self.cassette.keys = [_request_key(e.request, self.redactor) for e in exchanges]
        self.cassette.played = [False] * len(exchanges)
        contract = Contract.load(self.api, settings=self.settings)
        self._with_token_flow(contract.rules.auth_flow, recorded.get("token_url"), f"cassette {path}")
        current = contract.version
        if meta.get("contract_version") not in (None, current):
            warnings.warn(
                StaleCassetteWarning(
                    f"{path}: recorded against contract version {meta['contract_version']}, now {current}; "
                    "verdicts may differ - re-record it"
                ),
                stacklevel=2,
            )
        return self.cassette

    def _stand_ins(self, site: int, recorded: dict[str, Any]) -> dict[str, str]:
        """The recorded non-secret values, and for each secret (recorded as null) the sandbox's demo
        value of that credential: well-formed, and masked in the replayed request like the real one."""
        demo = _demo_credentials(self.api, site)
        return {
            name: value if value is not None else demo.get(name, f"replayed-{name}")
            for name, value in recorded.items()
        }

    def credentials(self, site: int = 0) -> dict[str, str]:
        if self.cassette is None:
            raise CassetteMiss(self._no_cassette("the target's credentials"))
        if site >= len(self._sites) or not self._sites[site]:
            raise MissingCredentialsError(
                f"cassette of {self.api}", [f"credentials of site {site} (not recorded)"]
            )
        return dict(self._sites[site])

    def play(self, request: Request) -> Exchange:
        cassette = self.cassette
        if cassette is None:
            raise CassetteMiss(self._no_cassette(f"{request.method} {self.redactor.text(request.url)}"))
        if cassette.missed is not None:
            raise CassetteMiss(cassette.missed)  # once diverged, the rest of the test cannot match
        key = _request_key(request, self.redactor)
        for index, recorded in enumerate(cassette.keys):
            if not cassette.played[index] and recorded == key:
                cassette.played[index] = True
                return cassette.exchanges[index]
        upcoming = next((k for k, p in zip(cassette.keys, cassette.played, strict=True) if not p), None)
        why = (
            f"the next unplayed one differs in {_difference(key, upcoming)}"
            if upcoming is not None
            else "every recorded interaction was already played"
        )
        profile = (cassette.meta.get("target") or {}).get("profile", "PROFILE")
        cassette.missed = (
            f"cassette miss, re-record: {request.method} {self.redactor.text(request.url)} is not in "
            f"{cassette.path} ({len(cassette.keys)} interactions; {why}). The suite or the contract "
            f"changed since it was recorded: run it again with --target live --profile {profile} --record"
        )
        raise CassetteMiss(cassette.missed)

    def _no_cassette(self, wanted: str) -> str:
        return (
            f"cassette miss, re-record: this test asked for {wanted} but has no cassette "
            f"({self._expected} not found); record it with --target live --profile NAME --record"
        )

    def recorded_day(self) -> date | None:
        day = self.cassette.meta.get("day") if self.cassette is not None else None
        return date.fromisoformat(day) if isinstance(day, str) else None

"""Recording a live run as VCR.py cassettes: one file per test, redacted, with what replay needs.

A cassette holds every exchange a test made, in wire order (token requests included), and the
run's facts that decide which requests a replay will send: the run id (generated references), the
day (generated dates), the Hypothesis profile and seed, the profile's non-secret credentials and
contract settings, and the contract version the verdicts were reached under.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from b2bconform import clock
from b2bconform.engine.model import Exchange
from b2bconform.errors import MissingCredentialsError
from b2bconform.locations import suite_dir
from b2bconform.traffic.cassettes import write_cassette
from b2bconform.traffic.redaction import NOT_SECRET_CREDENTIALS

__all__ = ["CassetteRecorder", "cassette_path", "cassette_root", "harness_version"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_MAX_NAME = 100


def harness_version() -> str:
    try:
        return package_version("b2bconform")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without install
        return "unknown"


def cassette_path(api: str, test_id: str, cassette_dir: Path | None = None) -> Path:
    """``<api>/suite/cassettes/<module>/<test>.yaml`` (or ``<cassette_dir>/<api>/...``).

    The test part is the node id after the module; characters a file name cannot hold become
    ``_``, and a short digest of the node id keeps two such names apart."""
    module, _, name = test_id.partition("::")
    stem = Path(module).stem or "tests"
    safe = _UNSAFE.sub("_", name.replace("::", ".")).strip("_.") or "test"
    if safe != name or len(safe) > _MAX_NAME:
        safe = f"{safe[:_MAX_NAME]}-{hashlib.sha256(test_id.encode('utf-8')).hexdigest()[:8]}"
    return cassette_root(api, cassette_dir) / stem / f"{safe}.yaml"


def cassette_root(api: str, cassette_dir: Path | None = None) -> Path:
    """Where ``api``'s cassettes live: ``<api>/suite/cassettes``, or ``<cassette_dir>/<api>``."""
    return cassette_dir / api if cassette_dir is not None else suite_dir(api) / "cassettes"


@dataclass
class _Take:
    """One test's recording in progress."""

    api: str
    test_id: str
    run_id: str
    target: Any  # the live target the test sent through (the session may close it before the end)
    exchanges: list[Exchange] = field(default_factory=list)


class CassetteRecorder:
    """Collects what each test sends through a live target and writes its cassette when it ends."""

    def __init__(self, cassette_dir: Path | None, run_facts: Mapping[str, Any]) -> None:
        self.cassette_dir = cassette_dir
        self.run_facts = dict(run_facts)  # hypothesis profile and seed: the same for every test
        self._take: _Take | None = None
        self.written: list[Path] = []

    def begin(self, target: Any, test_id: str, run_id: str) -> None:
        self._take = _Take(target.api, test_id, run_id, target)

    def add(self, exchange: Exchange) -> None:
        """Called by the target for every exchange it made, oldest first (raw: redacted on writing)."""
        if self._take is not None:
            self._take.exchanges.append(exchange)

    def end(self, contract_version: str, outcome: str, reason: str | None = None) -> Path | None:
        """Write the test's cassette (a skipped test too, so that its replay skips alike)."""
        take, self._take = self._take, None
        if take is None:
            return None
        target = take.target
        path = cassette_path(take.api, take.test_id, self.cassette_dir)
        meta: dict[str, Any] = {
            "test": take.test_id,
            "api": take.api,
            "outcome": outcome,
            **({"reason": reason} if reason else {}),
            "recorded_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "day": clock.today().isoformat(),
            "run_id": take.run_id,
            "harness_version": harness_version(),
            "contract_version": contract_version,
            **self.run_facts,
            "target": target_facts(target),
        }
        write_cassette(path, take.exchanges, target.redactor, meta=meta)
        self.written.append(path)
        return path


def target_facts(target: Any) -> dict[str, Any]:
    """Where the traffic went and with which non-secret credentials (a secret is recorded as null:
    the replay presents a stand-in, masked the same way)."""
    profile = target.profile
    sites: list[dict[str, str | None]] = []
    for site in (0, 1):
        try:
            values = target.credentials(site)
        except MissingCredentialsError:
            break
        sites.append(
            {
                name: value if name.lower() in NOT_SECRET_CREDENTIALS else None
                for name, value in values.items()
            }
        )
    return {
        "profile": profile.name,
        "environment": profile.environment,
        "base_url": profile.base_url,
        "token_url": profile.token_url,
        "writes": bool(target.writes),
        "settings": dict(profile.settings),
        "test_data": profile.test_data,
        "credentials": sites,
    }

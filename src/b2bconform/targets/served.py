"""A served sandbox as a live target: its profile and credentials, and recording cassettes from it.

Pointing the live target at a sandbox served on 127.0.0.1 exercises everything a vendor run does
(HTTP, credentials from the environment, rate limit, redaction, recording) with nobody's system at
risk. ``record_from_sandbox`` is how the cassettes shipped under ``<api>/suite/cassettes`` are made.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from b2bconform.errors import UsageError
from b2bconform.locations import suite_dir
from b2bconform.sandboxes import get_sandbox
from b2bconform.sandboxes.base import Sandbox
from b2bconform.sandboxes.serve import credential_variable
from b2bconform.traffic.recording import cassette_root

__all__ = ["RECORDED_REPORT", "record_from_sandbox", "sandbox_profile"]

# The recording run's own conformance report, kept beside its cassettes: a replay must reach it.
RECORDED_REPORT = "recorded-conformance.json"
_PREFIX = "B2BCONFORM_SANDBOX"


def sandbox_profile(
    api: str,
    base_url: str,
    directory: Path,
    *,
    sandbox: Sandbox | None = None,
    prefix: str = _PREFIX,
    name: str | None = None,
    **overrides: Any,
) -> tuple[Path, dict[str, str]]:
    """A profile ``<api>-sandbox`` (or ``name``) for the sandbox served at ``base_url`` (writes
    allowed, test data: the sandbox's, a high rate limit and budget unless ``overrides`` say
    otherwise), and the environment variables holding its credentials (sandbox values, not
    secrets), named ``<prefix>_<NAME>``."""
    sandbox = sandbox or get_sandbox(api)()
    environment: dict[str, str] = {}
    sections: dict[str, dict[str, str]] = {}
    for site, section in enumerate(("credentials", "alternate_credentials")):
        try:
            values = sandbox.client_credentials(site)
        except (IndexError, KeyError, UsageError):
            continue
        variables = {name: credential_variable(prefix, name, site) for name in values}
        sections[section] = variables
        environment.update({variables[name]: value for name, value in values.items()})
    token_path = getattr(sandbox, "token_path", None)
    profile = {
        "api": api,
        "base_url": base_url,
        "environment": "qa",
        **({"token_url": base_url + token_path} if token_path else {}),
        **sections,
        "writes_allowed": True,
        "rate_limit": 1000,
        "budget": 1_000_000,
        "timeout": 30,
        "test_data": "sandbox",
        **overrides,
    }
    path = directory / f"{name or api + '-sandbox'}.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")
    return path, environment


def record_from_sandbox(
    api: str,
    *,
    cassette_dir: Path | None = None,
    fault: str | None = None,
    pytest_args: Sequence[str] = (),
) -> int:
    """Serve ``api``'s sandbox on 127.0.0.1, run its suites against it as a live target with
    ``--record``, and keep the run's conformance report beside the cassettes; pytest's exit code."""
    from b2bconform.sandboxes.serve import start_in_thread

    root = cassette_root(api, cassette_dir)
    base_url, stop = start_in_thread(api, fault)
    try:
        with tempfile.TemporaryDirectory(prefix="b2bconform-record-") as scratch:
            profile, credentials = sandbox_profile(api, base_url, Path(scratch))
            env = {k: v for k, v in os.environ.items() if not k.startswith(_PREFIX)}
            env.update(credentials)
            root.mkdir(parents=True, exist_ok=True)
            for old in root.rglob("*.yaml"):
                old.unlink()  # a re-recording replaces the set: no cassette of a removed test lingers
            command = [
                sys.executable, "-m", "pytest", str(suite_dir(api)), "-p", "no:cacheprovider", "-q",
                "--target", "live", "--profile", str(profile), "--allow-writes", "--record",
                # the served sandbox goes away with its data: a clean-up would only add deletes
                # that no cassette holds to the recorded report
                "--keep-created",
                "--conformance-report", str(root / RECORDED_REPORT),
                *(["--cassette-dir", str(cassette_dir)] if cassette_dir is not None else []),
                *pytest_args,
            ]  # fmt: skip
            code = subprocess.run(command, env=env, check=False).returncode
            (root / "cleanup.json").unlink(missing_ok=True)  # the list of a sandbox that is gone
            return code
    finally:
        stop()

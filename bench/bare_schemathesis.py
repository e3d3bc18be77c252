"""Bare schemathesis against a served sandbox: the OpenAPI file, default phases and checks, the
harness's example budget, and the sandbox's demo credentials set the way a user would set them.

Credentials: headers (``headers`` in a ``schemathesis.toml``), the ManEx API key as a fixed value of
its path parameter (``[parameters] "path.apiKey"``), and for Westcon REST a Bearer token fetched
once from the sandbox's token endpoint, as a user would paste one in.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from b2bconform.locations import contract_dir
from bench.common import ROOT, Served, run

__all__ = ["SchemathesisRun", "config_for", "run_schemathesis"]

SEED = 1  # the same generated cases for the faithful sandbox and every fault


@dataclass
class SchemathesisRun:
    api: str
    fault: str | None
    exit_code: int
    seconds: float
    requests: int
    active_seconds: float | None
    generated: int | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    command: str = ""
    output_tail: str = ""

    @property
    def detected(self) -> bool:
        """Exit non-zero with at least one failure reported (an error alone is not a detection)."""
        return self.exit_code != 0 and bool(self.failures)

    def as_dict(self) -> dict[str, Any]:
        return {
            "fault": self.fault,
            "exit_code": self.exit_code,
            "detected": self.detected,
            "failures": self.failures,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "active_seconds": None if self.active_seconds is None else round(self.active_seconds, 2),
            "generated": self.generated,
        }


def _toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a TOML basic string


def config_for(target: Served) -> str:
    """The ``schemathesis.toml`` that presents ``target``'s demo credentials."""
    headers: dict[str, str] = {}
    parameters: dict[str, str] = {}
    credentials = target.sandbox.client_credentials()
    if target.api.startswith("manex"):
        parameters["path.apiKey"] = credentials["{apiKey}"]
    elif target.api == "westcon_rest":
        headers["Authorization"] = "Bearer " + _token(target, credentials)
        headers["Ocp-Apim-Subscription-Key"] = credentials["Ocp-Apim-Subscription-Key"]
    else:
        headers.update(credentials)
    lines = []
    if headers:
        pairs = ", ".join(f"{_toml_string(k)} = {_toml_string(v)}" for k, v in headers.items())
        lines.append(f"headers = {{ {pairs} }}")
    if parameters:
        lines.append("[parameters]")
        lines += [f"{_toml_string(k)} = {_toml_string(v)}" for k, v in parameters.items()]
    return "\n".join(lines) + "\n"


def _token(target: Served, credentials: dict[str, str]) -> str:
    form = {
        "grant_type": "client_credentials",
        **{k: credentials[k] for k in ("client_id", "client_secret", "resource")},
    }
    token_path = getattr(target.sandbox, "token_path", "")
    answer = httpx.post(target.url + token_path, data=form, timeout=30)
    token = answer.json().get("access_token") if answer.status_code == 200 else None
    # a faulty token endpoint may answer oddly; the run then goes on without a valid token
    return str(token or "no-token-issued")


def run_schemathesis(target: Served, max_examples: int) -> SchemathesisRun:
    spec = contract_dir(target.api) / "openapi.yaml"
    before = target.counter.requests
    with tempfile.TemporaryDirectory(prefix="bench-st-") as tmp:
        folder = Path(tmp)
        config = folder / "schemathesis.toml"
        config.write_text(config_for(target), encoding="utf-8")
        report = folder / "report.json"
        command = [
            str(Path(ROOT / ".venv" / "bin" / "schemathesis"))
            if (ROOT / ".venv" / "bin" / "schemathesis").exists()
            else "schemathesis",
            "--config-file", str(config), "--no-color",
            "run", str(spec), "--url", target.url,
            "--max-examples", str(max_examples), "--seed", str(SEED),
            "--report", "json", "--report-json-path", str(report),
        ]  # fmt: skip
        target.counter.first = target.counter.last = None
        finished = run(command, cwd=folder, timeout=3600)
        data = _load(report)
    failures = [
        {
            "code": f.get("code"),
            "title": f.get("title"),
            "count": f.get("count"),
            "operations": f.get("operations"),
        }
        for f in data.get("failures") or []
    ]
    errors = [json.dumps(e)[:300] for e in data.get("errors") or []]
    generated = (data.get("test_cases") or {}).get("generated")
    return SchemathesisRun(
        api=target.api,
        fault=target.fault,
        exit_code=finished.exit_code,
        seconds=finished.seconds,
        requests=target.counter.requests - before,
        active_seconds=target.counter.active_seconds,
        generated=generated,
        failures=failures,
        errors=errors,
        command=" ".join(finished.command),
        output_tail=finished.output[-1500:],
    )


def _load(report: Path) -> dict[str, Any]:
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}

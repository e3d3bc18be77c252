"""Live economy: what a nightly run costs the vendor in requests, for what coverage.

For each API: the smoke subset (``pytest -m smoke``) as a live run against the sandbox served on
127.0.0.1 (its ``<api>-sandbox`` profile), the requests it needed (counted at the sandbox) and how
many of the API's response-side rules (direction response, judged on the vendor) it verified
(status passed or failed in its conformance report) out of all of them; then the same for the full
suites (every test, as the default run; live here so that requests can be counted).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bench.common import served
from bench.harness import SuiteResult, response_rules, run_live

__all__ = ["measure"]

Log = Callable[[str], None]


def _coverage(result: SuiteResult, rules: list[str]) -> dict[str, Any]:
    verified = [r for r in rules if (result.rules.get(r) or {}).get("status") in ("passed", "failed")]
    return {
        "requests": result.requests,
        "response_rules_verified": len(verified),
        "response_rules": len(rules),
        "share": round(len(verified) / len(rules), 4) if rules else None,
        "requests_per_verified_rule": round(result.requests / len(verified), 1)
        if result.requests and verified
        else None,
        "exit_code": result.exit_code,
        "tests": len(result.tests),
        "wall_seconds": round(result.seconds, 1),
    }


def measure(
    apis: Sequence[str], *, log: Log = print, full_runs: Mapping[str, SuiteResult] | None = None
) -> dict[str, Any]:
    """``full_runs``: live full-suite runs already made (speed), reused rather than repeated."""
    out: dict[str, Any] = {"apis": {}}
    for api in apis:
        rules = response_rules(api)
        with served(api) as target:
            smoke = run_live(target, marker="smoke")
        full = (full_runs or {}).get(api)
        if full is None:
            with served(api) as target:
                full = run_live(target)
        entry = {"smoke": _coverage(smoke, rules), "full": _coverage(full, rules)}
        never = sorted(
            set(rules) - {r for r in rules if (full.rules.get(r) or {}).get("status") in ("passed", "failed")}
        )
        entry["full"]["not_verified"] = never
        out["apis"][api] = entry
        log(
            f"economy {api}: smoke {entry['smoke']['requests']} requests, {entry['smoke']['response_rules_verified']}/{len(rules)}; full {entry['full']['requests']}, {entry['full']['response_rules_verified']}/{len(rules)}"
        )
    return out

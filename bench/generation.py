"""Request generation: for every REST operation the rule-driven suite draws requests for
(``rulesuite.generated_operations``), ``draws`` bodies from ``strategies.request_bodies`` (the
spec's schema narrowed by the request rules, complete, kept only when every request rule accepts
it) and as many from schemathesis on the spec as written (``as_strategy``): milliseconds per body,
and the share of the plain bodies that the contract's request rules accept. Nothing is sent."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

__all__ = ["markdown", "measure"]


def _drawn(strategy: st.SearchStrategy[Any], draws: int) -> tuple[list[Any], float]:
    bodies: list[Any] = []

    @settings(max_examples=draws, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(body: Any) -> None:
        bodies.append(body)

    started = time.perf_counter()
    draw()
    return bodies, time.perf_counter() - started


def measure(apis: list[str], *, draws: int = 50, log: Callable[[str], None] = print) -> dict[str, Any]:
    import schemathesis

    from b2bconform.engine.contract import contract_of
    from b2bconform.engine.formats.openapi import register_with_schemathesis
    from b2bconform.references import RunTag
    from b2bconform.rulesuite import generated_operations
    from b2bconform.strategies import accepted_by_rules, request_bodies

    register_with_schemathesis()
    results: dict[str, Any] = {}
    for api in apis:
        contract = contract_of(api)
        operations = sorted(generated_operations(api))
        plain_schema = schemathesis.openapi.from_dict(contract.spec) if operations else None
        for operation in operations:
            log(f"generation {api} {operation}")
            tag = RunTag("bench").for_test(f"{api}::{operation}")
            ours, ours_seconds = _drawn(request_bodies(api, operation, tag), draws)
            found = contract.operation(operation)
            assert plain_schema is not None
            plain_strategy = plain_schema[found.template][found.method].as_strategy().map(lambda c: c.body)
            plain, plain_seconds = _drawn(plain_strategy, draws)
            objects = [b for b in plain if isinstance(b, dict)]
            accepted = sum(accepted_by_rules(api, operation, b) for b in objects)
            results[f"{api} {operation}"] = {
                "drawn": len(ours),
                "ms_per_body": round(1000 * ours_seconds / max(len(ours), 1), 2),
                "all_accepted": all(accepted_by_rules(api, operation, b) for b in ours),
                "mean_chars": round(sum(len(json.dumps(b)) for b in ours) / max(len(ours), 1)),
                "plain_drawn": len(plain),
                "plain_ms_per_body": round(1000 * plain_seconds / max(len(plain), 1), 2),
                "plain_accepted_share": round(accepted / len(plain), 3) if plain else None,
            }
    return results


def markdown(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Request generation",
        "",
        "| operation | bodies | ms per body | all accepted by the rules | mean size (chars) | plain schemathesis: ms per body | plain: accepted by the rules |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for name, row in results.items():
        share = "n/a" if row["plain_accepted_share"] is None else f"{100 * row['plain_accepted_share']:.0f} %"
        lines.append(
            f"| {name} | {row['drawn']} | {row['ms_per_body']} | {row['all_accepted']} | {row['mean_chars']} "
            f"| {row['plain_ms_per_body']} | {share} |"
        )
    return [*lines, ""]

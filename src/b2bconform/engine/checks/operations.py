"""A demand that depends on the action: a document whose tables state a rule differently per action."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b2bconform.engine.checks.registry import CheckContext, Outcome, check, get_check

__all__: list[str] = []


@check("by_operation")
def by_operation(ctx: CheckContext, *, checks: Mapping[str, Mapping[str, Any]]) -> Outcome:
    """The check ``checks`` names for the exchange's operation ({operation: {check, params}}; "*" for
    every other operation), run as if it were the rule's; None (not evaluated) where none is named."""
    chosen = checks.get(ctx.exchange.operation or "") or checks.get("*")
    if chosen is None:
        return None
    return get_check(chosen["check"])(ctx, **dict(chosen.get("params") or {}))

"""The check registry; importing this package registers every built-in check."""

from __future__ import annotations

import b2bconform.engine.checks.arithmetic  # registers difference
import b2bconform.engine.checks.filters  # registers matches_filter
import b2bconform.engine.checks.gateway  # registers gateway_refusal
import b2bconform.engine.checks.groups  # registers any_group_present
import b2bconform.engine.checks.members  # registers undocumented_member_sent, required_enum
import b2bconform.engine.checks.operations  # registers by_operation
import b2bconform.engine.checks.refusals  # registers refused_only_when
import b2bconform.engine.checks.spellings  # noqa: F401  (registers same_per_group_spelled, matches_request_spelled)
from b2bconform.engine.checks import documents, http, relations, state, xml
from b2bconform.engine.checks.registry import (
    CHECKS,
    CheckContext,
    CheckFunction,
    Outcome,
    check,
    get_check,
    validate_params,
)

__all__ = [
    "CHECKS",
    "CheckContext",
    "CheckFunction",
    "Outcome",
    "check",
    "documents",
    "get_check",
    "http",
    "relations",
    "state",
    "validate_params",
    "xml",
]

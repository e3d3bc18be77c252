"""The check registry; importing this package registers every built-in check."""

from __future__ import annotations

from b2bconform.checks import documents, http, relations, state, xml
from b2bconform.checks.registry import (
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

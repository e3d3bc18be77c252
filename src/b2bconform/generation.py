"""What a run generates depends on its seed and its contracts, not on the harness's source text.

Hypothesis mixes constants found in *local* source files (every string and number literal of every
imported module outside site-packages and the standard library) into about one draw in twenty. That
pool changes whenever any local file changes, or is imported in another order: a docstring edited in
a suite would change the requests a seed produces, so shipped cassettes would stop replaying and a
nightly run could not re-send "the same data". We empty that pool; Hypothesis's own edge-case
constants (empty strings, NUL, 0.0, ...) are kept.
"""

from __future__ import annotations

from typing import Any

__all__ = ["draw_without_local_constants", "draws_use_local_constants"]

_original: Any = None


def draw_without_local_constants() -> None:
    """Stop Hypothesis drawing literals of local source files (idempotent)."""
    global _original
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a Hypothesis without the mechanism needs nothing
        return
    if not hasattr(providers, "_get_local_constants") or _original is not None:
        return
    _original = providers._get_local_constants
    empty = getattr(providers, "Constants")()  # noqa: B009 - not re-exported for type checkers
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE.cache.clear()  # pools already computed with local constants


def draws_use_local_constants(enabled: bool) -> None:
    """Restore (True) or remove (False) Hypothesis's local-constant pool: for the tests of this module."""
    global _original
    if not enabled:
        draw_without_local_constants()
        return
    if _original is None:
        return
    from hypothesis.internal.conjecture import providers

    providers._get_local_constants = _original
    providers.CONSTANTS_CACHE.cache.clear()
    _original = None

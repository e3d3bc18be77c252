"""Today's date as the suites see it: the real one, or the recorded run's during a replay.

Generated dates (order dates, due dates) go into request bodies; a replay on another day must send
the bodies the cassette holds, so every suite and generator asks this module, never ``date.today``.
"""

from __future__ import annotations

from datetime import date

__all__ = ["pin", "pinned", "today", "unpin"]

_pinned: date | None = None


def today() -> date:
    return _pinned or date.today()


def pin(day: date) -> None:
    """Make ``today()`` answer ``day`` until ``unpin`` (a replay pins each test to its recording)."""
    global _pinned
    _pinned = day


def unpin() -> None:
    global _pinned
    _pinned = None


def pinned() -> date | None:
    return _pinned

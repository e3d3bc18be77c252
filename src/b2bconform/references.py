"""References the harness generates, tagged with a run id so vendor-side test data can be traced."""

from __future__ import annotations

import itertools
import os
import string
import threading
import time

__all__ = ["RunTag"]

_ALPHABET = string.digits + string.ascii_uppercase


def _base36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _ALPHABET[digit] + out
        if not number:
            return out


class RunTag:
    """``B2B<run id>-<n>``: unique within a run, and the run id says which run made it."""

    def __init__(self, run_id: str | None = None) -> None:
        # seconds since 2020 in base 36 plus the pid: short, and distinct for parallel runs
        self.run_id = run_id or (_base36(int(time.time()) - 1_577_836_800) + _base36(os.getpid() % 1296))
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def next(self, max_length: int = 25) -> str:
        with self._lock:
            serial = next(self._counter)
        reference = f"B2B{self.run_id}-{_base36(serial)}"
        if len(reference) > max_length:
            raise ValueError(f"reference {reference!r} exceeds {max_length} characters")
        return reference

"""References the harness generates, tagged with a run id so vendor-side test data can be traced.

A run has one id (shared by every xdist worker through ``B2BCONFORM_RUN_ID``); each test draws from
its own ``TestTag``, whose references depend only on the run id, the test and how many the test
drew before. That makes them reproducible: a replay of one test, alone or in another order, sends
the references its cassette holds.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import string
import threading
import time

__all__ = ["RUN_ID_VARIABLE", "RunTag", "TestTag"]

RUN_ID_VARIABLE = "B2BCONFORM_RUN_ID"
_ALPHABET = string.digits + string.ascii_uppercase
_SCOPE_LENGTH = 5  # 36**5 = 60M test scopes: two tests of one run sharing one is negligible


def _base36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _ALPHABET[digit] + out
        if not number:
            return out


def new_run_id() -> str:
    # seconds since 2020 in base 36 plus the pid: short, and distinct for parallel runs
    return _base36(int(time.time()) - 1_577_836_800) + _base36(os.getpid() % 1296)


def _digest(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()[:8], "big")


class RunTag:
    """The run's id, and the per-test tags drawn from it."""

    def __init__(self, run_id: str | None = None) -> None:
        self.run_id = run_id or os.environ.get(RUN_ID_VARIABLE) or new_run_id()
        self._issued_numbers: set[str] = set()  # numbers must not repeat within the run
        self._lock = threading.Lock()

    def for_test(self, test_id: str, run_id: str | None = None) -> TestTag:
        """The tag one test draws from; ``run_id`` replaces the run's (a replay uses the recording's)."""
        return TestTag(run_id or self.run_id, test_id, self)

    def _claim(self, number: str) -> bool:
        with self._lock:
            if number in self._issued_numbers:
                return False
            self._issued_numbers.add(number)
            return True


class TestTag:
    """``B2B<run id>-<test scope><n>``: unique within a run, and the run id says which run made it."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, run_id: str, test_id: str, run: RunTag) -> None:
        self.run_id = run_id
        self.test_id = test_id
        self.scope = _base36(_digest(test_id) % 36**_SCOPE_LENGTH).rjust(_SCOPE_LENGTH, "0")
        self._run = run
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def _serial(self) -> int:
        with self._lock:
            return next(self._counter)

    def next(self, max_length: int = 25) -> str:
        reference = f"B2B{self.run_id}-{self.scope}{_base36(self._serial())}"
        if len(reference) > max_length:
            raise ValueError(f"reference {reference!r} exceeds {max_length} characters")
        return reference

    def number(self, digits: int, *, run_digits: int = 4) -> str:
        """A ``digits``-long number: ``run_digits`` from the run id, the rest from this test and serial;
        a number already issued in this run is skipped, so two tests never share one."""
        run_part = f"{int(self.run_id, 36) % 10**run_digits:0{run_digits}d}"
        rest = digits - run_digits
        while True:
            serial = self._serial()
            number = run_part + f"{_digest(self.run_id, self.test_id, str(serial)) % 10**rest:0{rest}d}"
            if self._run._claim(number):
                return number

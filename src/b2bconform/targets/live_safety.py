"""The rate limit and the request budget of a live target, held across every process of one run.

pytest-xdist runs tests in several processes: a limit kept in each process would be multiplied by
the number of workers. When ``B2BCONFORM_RUN_DIR`` names a directory (the pytest plugin creates
one per live run and exports it before the workers start), a gate's state lives in a small JSON
file there, one per profile, guarded by a file lock. Without it the gate is in-process.

A request is granted a *slot*: a time before which it must not leave. Slots are handed out one
interval (1 / rate) apart and the budget is spent when a slot is granted, so a request that then
fails still counts: it may have reached the vendor.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from b2bconform.errors import TargetError

__all__ = ["RUN_DIR_VARIABLE", "BudgetSpent", "Grant", "RateGate", "shared_run_directory"]

RUN_DIR_VARIABLE = "B2BCONFORM_RUN_DIR"
# Waiting this long for another process's state update means something is stuck, not busy.
_LOCK_TIMEOUT = 60.0


class BudgetSpent(TargetError):
    """The run's request budget for a profile is spent: the run is broken from here on, not failed."""


@dataclass(frozen=True)
class Grant:
    """Permission for one request: its place in the budget (1-based) and the time it may leave."""

    number: int
    slot: float  # on the clock the gate was given (time.monotonic by default)


def shared_run_directory() -> Path | None:
    """The run directory every process of this run shares, or None outside such a run."""
    value = os.environ.get(RUN_DIR_VARIABLE)
    return Path(value) if value else None


@dataclass
class _State:
    sent: int = 0
    next_slot: float = 0.0


class RateGate:
    """Requests per second and requests per run for one target profile.

    ``acquire`` grants the next slot (or raises ``BudgetSpent``) and sleeps until it. The state is
    shared through ``run_dir`` when one is given (default: ``B2BCONFORM_RUN_DIR``); the clock must
    then be one every process reads alike: ``time.monotonic`` is system-wide on Linux, macOS and
    Windows, and the run directory is always local to the machine.
    """

    def __init__(
        self,
        key: str,
        rate: float,
        budget: int,
        *,
        label: str | None = None,
        run_dir: Path | Callable[[], Path | None] | None = shared_run_directory,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate!r}")
        if budget < 0:
            raise ValueError(f"budget must not be negative, got {budget!r}")
        self.key = key
        self.label = label or repr(key)
        self.interval = 1.0 / rate
        self.budget = budget
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        directory = run_dir() if callable(run_dir) else run_dir
        self.state_file: Path | None = None
        self._file_lock: FileLock | None = None
        self._memory = _State()
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            stem = _file_stem(key)
            self.state_file = directory / f"{stem}.json"
            self._file_lock = FileLock(str(directory / f"{stem}.lock"), timeout=_LOCK_TIMEOUT)

    @property
    def shared(self) -> bool:
        """Whether other processes of the run share this gate's state."""
        return self.state_file is not None

    @property
    def sent(self) -> int:
        """Requests granted so far in the run (by every process that shares the gate)."""
        with self._lock:
            if self._file_lock is None:
                return self._memory.sent
            with self._locked_file():
                return self._read().sent

    def acquire(self) -> Grant:
        """Grant the next request its slot and wait for it; ``BudgetSpent`` once the budget is used."""
        with self._lock:
            if self._file_lock is None:
                grant = self._grant(self._memory)
            else:
                with self._locked_file():
                    state = self._read()
                    grant = self._grant(state)
                    self._write(state)
        wait = grant.slot - self._clock()
        if wait > 0:
            self._sleep(wait)
        return grant

    def _grant(self, state: _State) -> Grant:
        if state.sent >= self.budget:
            shared = " (shared by every process of this run)" if self.shared else ""
            raise BudgetSpent(f"request budget of {self.budget} for {self.label} is spent{shared}")
        slot = max(self._clock(), state.next_slot)
        state.sent += 1
        state.next_slot = slot + self.interval
        return Grant(number=state.sent, slot=slot)

    def _locked_file(self) -> Any:
        assert self._file_lock is not None
        try:
            return self._file_lock.acquire()
        except Timeout:
            raise TargetError(
                f"rate limit of {self.label}: the shared state {self.state_file} stayed locked for "
                f"{_LOCK_TIMEOUT:.0f}s"
            ) from None

    def _read(self) -> _State:
        assert self.state_file is not None
        try:
            text = self.state_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return _State()
        try:
            data = json.loads(text)
            return _State(sent=int(data["sent"]), next_slot=float(data["next_slot"]))
        except (ValueError, KeyError, TypeError):
            # starting afresh would hand out the budget a second time
            raise TargetError(
                f"rate limit of {self.label}: {self.state_file} is not a gate state "
                '(expected {"sent": <int>, "next_slot": <number>})'
            ) from None

    def _write(self, state: _State) -> None:
        assert self.state_file is not None
        partial = self.state_file.with_suffix(".tmp")
        partial.write_text(json.dumps({"sent": state.sent, "next_slot": state.next_slot}), encoding="utf-8")
        os.replace(partial, self.state_file)  # a reader never sees half a file


def _file_stem(key: str) -> str:
    """A file name for ``key`` (a profile name may be any text): readable part plus a digest."""
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", key)[:40]
    return f"gate-{readable}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:10]}"

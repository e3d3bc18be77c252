"""The earlier accepted exchanges of one operation, looked up by the value at one path.

The duplicate and read-back checks ask "which earlier accepted request (or answer) of this
operation held this value here?" for every exchange. Walking the history answers it in time
proportional to the history (200 exchanges in an audit); this index answers it in one lookup. It
follows a history that only grows at its end and loses entries at its start (a bounded deque, a
list), checked by identity on every call, and is rebuilt whenever the history changed otherwise.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from b2bconform.engine.model import NO_JSON, Exchange

__all__ = ["AcceptedIndex"]

# Values of these types compare equal exactly when they are equal as dictionary keys; the rest
# (objects, arrays, floats with their NaN) are compared one by one, as the walk would.
_KEYED = (str, int, bool, type(None))


@dataclass
class _Entry:
    serial: int
    exchange: Exchange
    value: Any  # NO_JSON when the exchange is not an accepted one of the operation


@dataclass
class AcceptedIndex:
    """``value_of(exchange)``: the value the checks compare, or ``NO_JSON`` for an exchange that
    does not count (another operation, not accepted, no value there)."""

    value_of: Callable[[Exchange], Any]
    _entries: deque[_Entry] = field(default_factory=deque)
    _keyed: dict[Hashable, deque[_Entry]] = field(default_factory=dict)
    _other: deque[_Entry] = field(default_factory=deque)
    _serial: int = 0

    def first(self, history: Sequence[Exchange], value: Any) -> tuple[int, Exchange] | None:
        """The earliest exchange of ``history`` that counts and holds ``value``, with its position."""
        self._follow(history)
        try:
            same = self._keyed.get(value)
        except TypeError:  # an object or an array: only the unkeyed values can equal it
            same = None
        found = same[0] if same else None
        for entry in self._other:
            if found is not None and entry.serial > found.serial:
                break
            if entry.value == value:
                found = entry
                break
        if found is None:
            return None
        return found.serial - self._entries[0].serial, found.exchange

    def _follow(self, history: Sequence[Exchange]) -> None:
        entries = self._entries
        if not history:
            self._reset()
            return
        oldest = history[0]
        while entries and entries[0].exchange is not oldest:
            self._drop()
        known = len(entries)
        if not entries or known > len(history) or history[known - 1] is not entries[-1].exchange:
            self._reset()
            known = 0
        for exchange in islice(history, known, None):
            self._add(exchange)

    def _add(self, exchange: Exchange) -> None:
        entry = _Entry(self._serial, exchange, self.value_of(exchange))
        self._serial += 1
        self._entries.append(entry)
        if entry.value is NO_JSON:
            return
        if _is_keyed(entry.value):
            self._keyed.setdefault(entry.value, deque()).append(entry)
        else:
            self._other.append(entry)

    def _drop(self) -> None:
        entry = self._entries.popleft()
        if entry.value is NO_JSON:
            return
        if _is_keyed(entry.value):
            same = self._keyed[entry.value]
            same.popleft()
            if not same:
                del self._keyed[entry.value]
        else:
            self._other.popleft()

    def _reset(self) -> None:
        self._entries.clear()
        self._keyed.clear()
        self._other.clear()


def _is_keyed(value: Any) -> bool:
    return type(value) in _KEYED

"""What a run created on a live target, deleted at the end where the API can, listed where not.

Suites register each record they make vendor-side (``Judge.created``) with the delete the API
documents for it, or none. At the end of the session every pending delete is attempted, newest
first (a line before its order); what stays behind - no delete documented, or the delete failed -
is listed with the test that made it and why, so that someone can remove it by hand.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from b2bconform.errors import TargetError

__all__ = ["CleanupOutcome", "CleanupRegistry", "Created", "DeleteFailed", "Leftover"]

Status = Literal["pending", "deleted", "done", "left"]


class DeleteFailed(Exception):
    """Raised by a delete to say why it did not work (the reason is listed as given)."""


@dataclass
class Created:
    """One record a test created on the target, and how to delete it (None: the API cannot)."""

    api: str
    kind: str  # what the record is, in the vendor's words: "sales order", "purchase order item"
    key: str  # how the vendor finds it: an order number, a requestReference
    test_id: str
    delete: Callable[[], bool] | None = None
    # why it cannot be deleted, when ``delete`` is None (default: the API documents no delete)
    reason: str = ""
    status: Status = "pending"

    def mark_done(self) -> None:
        """The test deleted it itself: nothing is left to delete, and it must not be deleted twice."""
        self.status = "done"


@dataclass(frozen=True)
class Leftover:
    api: str
    kind: str
    key: str
    test_id: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {
            "api": self.api,
            "kind": self.kind,
            "key": self.key,
            "test": self.test_id,
            "reason": self.reason,
        }

    def __str__(self) -> str:
        return f"{self.api} {self.kind} {self.key} (created by {self.test_id}): {self.reason}"


@dataclass
class CleanupOutcome:
    """What the clean-up did: how many records it deleted, and what it left behind."""

    deleted: int = 0
    left: list[Leftover] = field(default_factory=list)

    def merge(self, other: CleanupOutcome) -> CleanupOutcome:
        return CleanupOutcome(self.deleted + other.deleted, [*self.left, *other.left])

    def as_dict(self) -> dict[str, Any]:
        return {"deleted": self.deleted, "left": [item.as_dict() for item in self.left]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CleanupOutcome:
        left = [
            Leftover(item["api"], item["kind"], item["key"], item["test"], item["reason"])
            for item in data.get("left", [])
        ]
        return cls(int(data.get("deleted", 0)), left)

    def summary_lines(self) -> list[str]:
        """What was left, for a terminal: grouped by API, kind and reason, one line per record."""
        groups: dict[tuple[str, str, str], list[Leftover]] = {}
        for item in self.left:
            groups.setdefault((item.api, item.kind, item.reason), []).append(item)
        lines = []
        for (api, kind, reason), items in groups.items():
            lines.append(f"{api} {kind}: {len(items)} left - {reason}")
            lines += [f"    {item.key}  (created by {item.test_id})" for item in items]
        return lines

    def write(self, path: Path, **meta: Any) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {**meta, **self.as_dict()}
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, path: Path) -> CleanupOutcome:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


class CleanupRegistry:
    """The run's created records, one entry per (api, kind, key): the first registration wins."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, str], Created] = {}
        self._lock = threading.Lock()

    def add(self, created: Created) -> Created:
        with self._lock:
            return self._entries.setdefault((created.api, created.kind, created.key), created)

    def find(self, api: str, kind: str, key: str) -> Created | None:
        return self._entries.get((api, kind, key))

    def done(self, api: str, kind: str, key: str) -> None:
        """Mark a record the test deleted itself (no-op for a record never registered)."""
        entry = self.find(api, kind, key)
        if entry is not None:
            entry.mark_done()

    def __iter__(self) -> Iterator[Created]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)

    def pending(self) -> list[Created]:
        return [entry for entry in self._entries.values() if entry.status == "pending"]

    def clean_up(
        self, *, writes_allowed: bool = True, redact: Callable[[str, str], str] = lambda api, text: text
    ) -> CleanupOutcome:
        """Attempt every pending delete, newest first; list what could not be deleted and why.

        ``redact(api, text)`` scrubs a reason before it is kept (an answer may echo a credential).
        After an infrastructure error the remaining deletes are not attempted: the target is gone
        (or the budget spent) and each attempt would only wait for the same error again.
        """
        outcome = CleanupOutcome()
        stopped: str | None = None
        for entry in reversed(self.pending()):
            reason: str | None
            if entry.delete is None:
                reason = entry.reason or f"the API documents no delete for a {entry.kind}"
            elif not writes_allowed:
                reason = "not deleted: this run does not allow writes"
            elif stopped is not None:
                reason = f"not attempted after an earlier delete broke: {stopped}"
            else:
                reason, broken = _attempt(entry.delete)
                stopped = reason if broken else None
            if reason is None:
                entry.status = "deleted"
                outcome.deleted += 1
            else:
                entry.status = "left"
                outcome.left.append(
                    Leftover(entry.api, entry.kind, entry.key, entry.test_id, redact(entry.api, reason))
                )
        outcome.left.reverse()  # listed in the order they were created
        return outcome


def _attempt(delete: Callable[[], bool]) -> tuple[str | None, bool]:
    """(None when the delete worked, else why not; whether the target itself broke)."""
    try:
        return (None if delete() else "the delete was not accepted"), False
    except DeleteFailed as exc:
        return f"the delete failed: {exc}", False
    except TargetError as exc:
        return f"the delete could not be sent: {exc}", True
    except Exception as exc:  # a clean-up must go on: one bad delete cannot keep the others from running
        return f"the delete failed: {type(exc).__name__}: {exc}", False

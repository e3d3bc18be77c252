"""What the checks derive from a message or an exchange, computed once per object.

A duplicate or read-back check compares each exchange with every earlier one of its history (200
in an audit, a whole session in a suite run), so the same earlier request would be parsed and
walked once per later exchange. Derived values are kept here, keyed by the object's identity and
dropped when the object is, so each is computed once however often it is compared.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["derived"]

T = TypeVar("T")

_DERIVED: dict[int, dict[Hashable, Any]] = {}


def derived(owner: object, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` for ``owner`` under ``key``, computed on the first call only.

    ``compute`` must depend on nothing but the (immutable) owner and what ``key`` names.
    """
    entries = _DERIVED.get(id(owner))
    if entries is None:
        try:
            # the entry goes with its owner, so an identity is never reused while it is kept
            weakref.finalize(owner, _DERIVED.pop, id(owner), None)
        except TypeError:  # cannot be referenced weakly: nothing is kept for it
            return compute()
        entries = _DERIVED[id(owner)] = {}
    try:
        return entries[key]  # type: ignore[no-any-return]
    except KeyError:
        value = entries[key] = compute()
        return value

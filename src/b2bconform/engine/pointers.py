"""JSON pointers with a ``*`` wildcard, the path syntax of every rule.

``/clientRequest/item/*/sku`` selects the sku of every item. Results carry the concrete pointer
(``/clientRequest/item/2/sku``) so a finding names the exact offending element.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

__all__ = ["MISSING", "holder_of", "parent_and_key", "resolve", "select", "split"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def split(pointer: str) -> list[str]:
    return list(_tokens(pointer))


@lru_cache(maxsize=4096)
def _tokens(pointer: str) -> tuple[str, ...]:
    # rules name a few hundred pointers, each resolved for every exchange: parse each once
    if pointer in ("", "/"):
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    return tuple(_unescape(t) for t in pointer[1:].split("/"))


@lru_cache(maxsize=4096)
def parent_and_key(pointer: str) -> tuple[str, str]:
    tokens = split(pointer)
    if not tokens:
        raise ValueError("the document root has no parent")
    parent = "".join("/" + _escape(t) for t in tokens[:-1])
    return parent, tokens[-1]


def holder_of(document: Any, pointer: str) -> tuple[dict[str, Any] | None, str]:
    """The object that holds the member ``pointer`` names (None: no such object) and the member's
    name, for writing it; no wildcards."""
    *parents, member = split(pointer)
    holder = document
    for part in parents:
        holder = holder.get(part) if isinstance(holder, dict) else None
    return (holder if isinstance(holder, dict) else None), member


def resolve(document: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    """Yield ``(concrete_pointer, value)`` for every element the pointer selects; absent ones are skipped."""
    yield from select(document, pointer)


def select(document: Any, pointer: str) -> list[tuple[str, Any]]:
    """``resolve``'s elements as a list (the checks, which want them all, call this once per rule
    and exchange)."""
    steps = _steps(pointer)
    if "*" not in _tokens(pointer):
        # no wildcard (most rule paths): one lookup per token
        node, here = document, ""
        for token, escaped, index in steps:
            if isinstance(node, dict) and token in node:
                node, here = node[token], here + escaped
            elif index is not None and isinstance(node, list) and index < len(node):
                node, here = node[index], here + escaped
            else:
                return []
        return [(here, node)]
    return _expand(document, steps)


@lru_cache(maxsize=4096)
def _steps(pointer: str) -> tuple[tuple[str, str, int | None], ...]:
    """Each token, its concrete pointer segment (``/`` + escaped) and its list index (digits only)."""
    return tuple(
        (t, "/" + _escape(t), int(t) if t.isascii() and t.isdigit() else None) for t in _tokens(pointer)
    )


def _expand(document: Any, steps: tuple[tuple[str, str, int | None], ...]) -> list[tuple[str, Any]]:
    """Every selected element, level by level: the same elements in the same (document) order as
    a depth-first walk, without a generator per level and element."""
    frontier: list[tuple[str, Any]] = [("", document)]
    for head, escaped, index in steps:
        reached: list[tuple[str, Any]] = []
        for here, node in frontier:
            if head == "*":
                if isinstance(node, list):
                    reached.extend((f"{here}/{position}", child) for position, child in enumerate(node))
                elif isinstance(node, dict):
                    reached.extend((f"{here}/{_escape(str(key))}", child) for key, child in node.items())
            elif isinstance(node, dict) and head in node:
                reached.append((here + escaped, node[head]))
            elif index is not None and isinstance(node, list) and index < len(node):
                reached.append((here + escaped, node[index]))
        if not reached:
            return reached
        frontier = reached
    return frontier

"""JSON pointers with a ``*`` wildcard, the path syntax of every rule.

``/clientRequest/item/*/sku`` selects the sku of every item. Results carry the concrete pointer
(``/clientRequest/item/2/sku``) so a finding names the exact offending element.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

__all__ = ["MISSING", "parent_and_key", "resolve", "split"]


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


def parent_and_key(pointer: str) -> tuple[str, str]:
    tokens = split(pointer)
    if not tokens:
        raise ValueError("the document root has no parent")
    parent = "".join("/" + _escape(t) for t in tokens[:-1])
    return parent, tokens[-1]


def resolve(document: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    """Yield ``(concrete_pointer, value)`` for every element the pointer selects; absent ones are skipped."""
    yield from _walk(document, _tokens(pointer), "")


def _walk(node: Any, tokens: tuple[str, ...], here: str) -> Iterator[tuple[str, Any]]:
    if not tokens:
        yield here, node
        return
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        if isinstance(node, list):
            for index, child in enumerate(node):
                yield from _walk(child, rest, f"{here}/{index}")
        elif isinstance(node, dict):
            for key, child in node.items():
                yield from _walk(child, rest, f"{here}/{_escape(str(key))}")
        return
    if isinstance(node, dict) and head in node:
        yield from _walk(node[head], rest, f"{here}/{_escape(head)}")
    elif isinstance(node, list) and head.isdigit() and int(head) < len(node):
        yield from _walk(node[int(head)], rest, f"{here}/{head}")

"""Break exactly one rule of a valid request: the negative half of every request rule.

``breaking(rule, document)`` returns a strategy of ``Mutation`` values derived from the rule's
check and parameters, so that adding a rule to rules.yaml adds its negative test.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from b2bconform.formats import bounded_string, enum_format, get_format
from b2bconform.pointers import parent_and_key, resolve, split
from b2bconform.rules import Rule

__all__ = ["Mutation", "breaking", "can_break"]


@dataclass(frozen=True)
class Mutation:
    body: bytes | None  # the raw body to send (None: send ``document`` as JSON)
    document: Any
    where: str
    what: str


def _set(document: Any, pointer: str, value: Any) -> Any:
    copied = copy.deepcopy(document)
    *parents, last = split(pointer)
    node = copied
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return copied


def _delete(document: Any, pointer: str) -> Any:
    copied = copy.deepcopy(document)
    parent, key = parent_and_key(pointer)
    node = next(value for _, value in resolve(copied, parent))
    del node[key]
    return copied


def _locations(document: Any, path: str | list[str]) -> list[str]:
    paths = [path] if isinstance(path, str) else path
    return [where for one in paths for where, _ in resolve(document, one)]


def _replace_each(
    document: Any, path: str | list[str], values: st.SearchStrategy[Any], what: str
) -> st.SearchStrategy[Mutation] | None:
    locations = _locations(document, path)
    if not locations:
        return None
    return st.tuples(st.sampled_from(locations), values).map(
        lambda pair: Mutation(None, _set(document, pair[0], pair[1]), pair[0], f"{what}: {pair[1]!r}"[:160])
    )


def _required(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    parent, key = parent_and_key(params["path"])
    holders = [w for w, node in resolve(document, parent) if isinstance(node, dict) and key in node]
    if not holders:
        return None
    return st.sampled_from(holders).map(
        lambda w: Mutation(None, _delete(document, f"{w}/{key}"), f"{w}/{key}", f"member {key!r} removed")
    )


def _max_length(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    return _replace_each(
        document, params["path"], bounded_string(params["max"]).near_miss(), f"longer than {params['max']}"
    )


def _format(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    fmt = get_format(params["format"], **dict(params.get("options") or {}))
    return _replace_each(document, params["path"], fmt.near_miss(), f"not {fmt.pattern_text}")


def _enum(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    fmt = enum_format(params["values"], case_sensitive=params.get("case_sensitive", True))
    return _replace_each(document, params["path"], fmt.near_miss(), "not in the enumeration")


_NOT_OF_TYPE: dict[str, list[Any]] = {
    "string": [123, 1.5, True, ["x"], {"x": "y"}],
    "array": ["x", 1, {"x": "y"}],
    "object": ["x", 1, ["x"]],
}


def _type(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    return _replace_each(
        document, params["path"], st.sampled_from(_NOT_OF_TYPE[params["type"]]), f"not a {params['type']}"
    )


def _min_items(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    return _replace_each(document, params["path"], st.just([]), f"fewer than {params['min']} entries")


def _each_has(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    entries = [
        f"{w}/{i}"
        for w in _locations(document, params["path"])
        for i, _ in enumerate(next(v for _, v in resolve(document, w)))
    ]
    if not entries:
        return None
    return st.tuples(st.sampled_from(entries), st.sampled_from(list(params["members"]))).map(
        lambda pair: Mutation(
            None,
            _delete(document, f"{pair[0]}/{pair[1]}"),
            f"{pair[0]}/{pair[1]}",
            f"member {pair[1]!r} removed",
        )
    )


_MALFORMED = [
    b'{"clientRequest": ',
    b"not json at all",
    b'{"clientRequest": {},}',
    b"{'clientRequest': {}}",
    b"[]",
    b'"text"',
]


def _json_body(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    return st.sampled_from(_MALFORMED).map(lambda raw: Mutation(raw, None, "", f"body {raw!r}"))


_MUTATORS: dict[str, Callable[[Any, dict[str, Any]], st.SearchStrategy[Mutation] | None]] = {
    "required": _required,
    "max_length": _max_length,
    "format": _format,
    "enum": _enum,
    "type": _type,
    "min_items": _min_items,
    "each_has": _each_has,
    "json_body": _json_body,
}


def can_break(rule: Rule) -> bool:
    """Whether a negative request can be derived from the rule alone (stateful and auth rules have their own tests)."""
    return rule.check in _MUTATORS and rule.is_request_side and "vendor" in rule.judged


def breaking(rule: Rule, document: Any) -> st.SearchStrategy[Mutation] | None:
    """Mutations of ``document`` that break ``rule``; None when the document has nothing to break."""
    if not can_break(rule):
        return None
    assert rule.check is not None
    return _MUTATORS[rule.check](document, dict(rule.params))

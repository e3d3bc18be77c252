"""Checks on one JSON document: presence, lengths, formats, enums, types, constants, echoes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from b2bconform.engine.checks.registry import CheckContext, Outcome, check
from b2bconform.engine.formats import get_format
from b2bconform.engine.model import NO_JSON, Violation
from b2bconform.engine.pointers import parent_and_key, resolve, select

__all__ = ["show"]

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "array": (list,),
    "object": (dict,),
    "boolean": (bool,),
    "null": (type(None),),
    "number": (int, float),
    "integer": (int,),
}


def show(value: Any, limit: int = 60) -> str:
    """A short, unambiguous rendering of a received value for a finding."""
    if value is NO_JSON:
        return "no JSON body"
    if isinstance(value, str):
        text = value if len(value) <= limit else value[:limit] + "…"
        return f'"{text}" ({len(value)} characters)' if len(value) > 12 else f'"{text}"'
    if isinstance(value, bool) or value is None:
        return {True: "true (boolean)", False: "false (boolean)", None: "null"}[value]
    if isinstance(value, int | float):
        return f"{value} (number)"
    if isinstance(value, list):
        return f"array of {len(value)}"
    if isinstance(value, dict):
        return "object with keys " + ", ".join(sorted(map(str, value))[:8]) if value else "empty object"
    return repr(value)


Paths = str | Sequence[str]


def _same_json_type(a: Any, b: Any) -> bool:
    def kind(v: Any) -> str:
        return "bool" if isinstance(v, bool) else "number" if isinstance(v, int | float) else type(v).__name__

    return kind(a) == kind(b)


def _values(ctx: CheckContext, path: Paths) -> list[tuple[str, Any]] | None:
    """Every element the path (or list of paths: one rule may name a member under several parents) selects."""
    document = ctx.subject
    if document is NO_JSON:
        return None
    if isinstance(path, str):
        return select(document, path)
    return [found for one in path for found in select(document, one)]


@check("required")
def required(ctx: CheckContext, *, path: str) -> Outcome:
    """The member at ``path`` is present in every object that should hold it."""
    document = ctx.subject
    parent, key = parent_and_key(path)
    if document is NO_JSON:
        # an empty message lacks every top-level member its rules require (a 202 with no body too)
        empty = ctx.empty_body and parent in ("", "/")
        return [Violation(path, f"member {key!r} present", "absent: the body is empty")] if empty else None
    parents = [(where, node) for where, node in select(document, parent) if isinstance(node, dict)]
    if not parents:
        return None
    return [
        Violation(f"{where}/{key}", f"member {key!r} present", "absent")
        for where, node in parents
        if key not in node
    ]


@check("absent")
def absent(ctx: CheckContext, *, path: Paths) -> Outcome:
    """The member at ``path`` is not sent (response-only fields, renamed members)."""
    values = _values(ctx, path)
    if values is None:
        return None
    return [Violation(where, "absent", show(value)) for where, value in values]


@check("max_length")
def max_length(ctx: CheckContext, *, path: Paths, max: int) -> Outcome:
    values = [(w, v) for w, v in _values(ctx, path) or [] if isinstance(v, str)]
    if not values:
        return None
    return [Violation(w, f"at most {max} characters", show(v)) for w, v in values if len(v) > max]


@check("format")
def format_(
    ctx: CheckContext,
    *,
    path: Paths,
    format: str | None = None,
    formats: Sequence[str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Outcome:
    """The string at ``path`` is in ``format`` (or in any one of ``formats``, where a document allows several)."""
    names = [format] if format else list(formats or [])
    if not names:
        raise ValueError("the format check needs 'format' or 'formats'")
    known = [get_format(name, **dict(options or {})) for name in names]
    values = [(w, v) for w, v in _values(ctx, path) or [] if isinstance(v, str)]
    if not values:
        return None  # a value of another type is the type rule's to judge
    found = []
    for where, value in values:
        reasons = [fmt.validate(value) for fmt in known]
        if all(reason is not None for reason in reasons):
            expected = " or ".join(fmt.pattern_text for fmt in known)
            found.append(Violation(where, expected, f"{show(value)}: {reasons[0]}"))
    return found


@check("enum")
def enum(
    ctx: CheckContext,
    *,
    path: Paths,
    values: Sequence[str],
    case_sensitive: bool = True,
    collapse_whitespace: bool = False,
) -> Outcome:
    found = _values(ctx, path)
    if not found:
        return None
    # Values of another JSON type are left to the rule about the member's type: one aspect, one rule.
    found = [(w, v) for w, v in found if isinstance(v, str)]
    if not found:
        return None
    allowed = set(values) if case_sensitive else {v.lower() for v in values}
    expected = "one of " + ", ".join(values)

    def key(value: str) -> str:
        # XSD simple types such as xs:boolean collapse surrounding white space before comparing
        value = " ".join(value.split()) if collapse_whitespace else value
        return value if case_sensitive else value.lower()

    return [Violation(w, expected, show(v)) for w, v in found if key(v) not in allowed]


@check("type")
def type_(ctx: CheckContext, *, path: Paths, type: str) -> Outcome:
    found = _values(ctx, path)
    if not found:
        return None
    python_types = _JSON_TYPES[type]
    return [
        Violation(where, f"a JSON {type}", show(value))
        for where, value in found
        if not isinstance(value, python_types) or (type != "boolean" and isinstance(value, bool))
    ]


@check("type_in")
def type_in(ctx: CheckContext, *, path: str, types: Sequence[str]) -> Outcome:
    """The member at ``path``, where present, is of one of the JSON ``types`` (a string or null)."""
    document = ctx.subject
    if document is NO_JSON:
        return None
    found = select(document, path)
    if not found:
        return None
    allowed = tuple(t for name in types for t in _JSON_TYPES[name])
    return [
        Violation(where, " or ".join(types), show(value))
        for where, value in found
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed)
    ]


@check("equals")
def equals(ctx: CheckContext, *, path: Paths, value: Any) -> Outcome:
    found = [(w, v) for w, v in _values(ctx, path) or [] if _same_json_type(v, value)]
    if not found:
        return None  # a value of another type is the type rule's to judge
    return [Violation(w, f"exactly {show(value)}", show(v)) for w, v in found if v != value]


@check("whole_number")
def whole_number(ctx: CheckContext, *, path: Paths, min: int = 0, text: bool = False) -> Outcome:
    """A whole number of at least ``min``: a JSON integer, or (``text: true``) a digit string too,
    as Azure AD v1 writes ``expires_in``."""
    found = _values(ctx, path)
    if not found:
        return None
    kind = "a whole number" + (" (JSON number or digit string)" if text else "")
    out = []
    for where, value in found:
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if number is None and text and isinstance(value, str) and value.isascii() and value.isdigit():
            number = int(value)
        if number is None:
            out.append(Violation(where, kind, show(value)))
        elif number < min:
            out.append(Violation(where, f"{kind} of at least {min}", show(value)))
    return out


@check("pattern")
def pattern(ctx: CheckContext, *, path: Paths, regex: str, meaning: str | None = None) -> Outcome:
    found = [(w, v) for w, v in _values(ctx, path) or [] if isinstance(v, str)]
    if not found:
        return None
    compiled = re.compile(regex)
    return [
        Violation(w, meaning or f"matching {regex}", show(v)) for w, v in found if not compiled.fullmatch(v)
    ]


@check("not_empty")
def not_empty(ctx: CheckContext, *, path: Paths) -> Outcome:
    found = _values(ctx, path)
    if not found:
        return None
    return [Violation(w, "not empty", show(v)) for w, v in found if v in ("", [], {})]


@check("min_items")
def min_items(ctx: CheckContext, *, path: Paths, min: int) -> Outcome:
    found = [(w, v) for w, v in _values(ctx, path) or [] if isinstance(v, list)]
    if not found:
        return None
    return [Violation(w, f"at least {min} entries", show(v)) for w, v in found if len(v) < min]


@check("each_has")
def each_has(ctx: CheckContext, *, path: Paths, members: Sequence[str]) -> Outcome:
    """Every object in the array at ``path`` carries all of ``members``."""
    found = [(w, v) for w, v in _values(ctx, path) or [] if isinstance(v, list)]
    if not found:
        return None
    out = []
    for where, items in found:
        for index, item in enumerate(items):
            missing = [m for m in members if not isinstance(item, dict) or m not in item]
            if missing:
                out.append(
                    Violation(
                        f"{where}/{index}", "members " + ", ".join(members), "without " + ", ".join(missing)
                    )
                )
    return out


@check("echo")
def echo(ctx: CheckContext, *, path: str, request_path: str) -> Outcome:
    """The response repeats what the request sent at ``request_path``."""
    sent = (
        [v for _, v in resolve(ctx.request_document, request_path)]
        if ctx.request_document is not NO_JSON
        else []
    )
    if not sent or not isinstance(sent[0], str):
        return None  # nothing (or no string) to echo: the type rules judge what was sent
    found = _values(ctx, path)
    if found is None:
        return None
    if not found:
        return [Violation(path, f"{show(sent[0])}, as sent", "absent")]
    return [Violation(w, f"{show(sent[0])}, as sent", show(v)) for w, v in found if v != sent[0]]


@check("distinct")
def distinct(ctx: CheckContext, *, path: Paths) -> Outcome:
    """No two elements selected by ``path`` hold the same value (item ids within one order)."""
    found = _values(ctx, path)
    if not found or len(found) < 2:
        return None
    seen: dict[str, str] = {}
    out = []
    for where, value in found:
        key = repr(value)
        if key in seen:
            out.append(
                Violation(where, "a value not used by another element", f"{show(value)}, also at {seen[key]}")
            )
        else:
            seen[key] = where
    return out


@check("excludes")
def excludes(ctx: CheckContext, *, path: Paths, values: Sequence[Any]) -> Outcome:
    """``path`` never holds one of ``values`` (reserved or withdrawn values)."""
    found = _values(ctx, path)
    if not found:
        return None
    return [Violation(w, "none of " + ", ".join(map(str, values)), show(v)) for w, v in found if v in values]


@check("equals_status")
def equals_status(ctx: CheckContext, *, path: Paths) -> Outcome:
    """``path`` holds the HTTP status code as a string (errorCode "412" on a 412)."""
    found = [(w, v) for w, v in _values(ctx, path) or [] if isinstance(v, str)]
    if not found or ctx.exchange.response is None:
        return None
    status = str(ctx.status)
    return [Violation(w, f'"{status}", the status as a string', show(v)) for w, v in found if v != status]


@check("implies")
def implies(
    ctx: CheckContext,
    *,
    when_path: str,
    then_path: str,
    when_in: Sequence[Any] | None = None,
    when_not_in: Sequence[Any] | None = None,
    then_in: Sequence[Any] | None = None,
    within: str | None = None,
) -> Outcome:
    """Where ``when_path`` holds one of ``when_in`` (default: any non-empty value, bar ``when_not_in``),
    ``then_path`` holds one of ``then_in`` (default: is present and not empty). With ``within``, the
    two paths are relative to each item there and judged item by item (each line on its own)."""
    document = ctx.subject
    if document is NO_JSON:
        return None
    scopes = [("", document)] if within is None else list(resolve(document, within))
    outcomes = [
        _implies_in(node, prefix, when_path, then_path, when_in, when_not_in, then_in)
        for prefix, node in scopes
        if isinstance(node, dict | list)
    ]
    judged = [o for o in outcomes if o is not None]
    return [v for o in judged for v in o] if judged else None


def _implies_in(
    node: Any,
    prefix: str,
    when_path: str,
    then_path: str,
    when_in: Sequence[Any] | None,
    when_not_in: Sequence[Any] | None,
    then_in: Sequence[Any] | None,
) -> list[Violation] | None:
    def triggers(value: Any) -> bool:
        if when_in is not None:
            return value in when_in
        return not _empty(value) and (when_not_in is None or value not in when_not_in)

    triggered = [(w, v) for w, v in resolve(node, when_path) if triggers(v)]
    if not triggered:
        return None
    found = [v for _, v in resolve(node, then_path)]
    if then_in is not None:
        holds = bool(found) and all(v in then_in for v in found)
        expected = "one of " + ", ".join(map(repr if "" in then_in else str, then_in))
    else:
        holds = bool(found) and all(not _empty(v) for v in found)
        expected = "present"
    if holds:
        return []
    trigger_at, trigger = triggered[0]
    return [
        Violation(
            prefix + then_path,
            f"{expected} when {prefix}{trigger_at} is {show(trigger)}",
            show(found[0]) if found else "absent",
        )
    ]


def _empty(value: Any) -> bool:
    return value in ("", None, [], {}) or (isinstance(value, str) and not value.strip())


@check("json_body")
def json_body(ctx: CheckContext, *, root: str = "object") -> Outcome:
    """The body is well-formed JSON whose root is an object (or array)."""
    message = ctx.exchange.request if ctx.rule.is_request_side else ctx.exchange.response
    if ctx.empty_request:
        return [Violation("", f"well-formed JSON {root}", "an empty body")]
    if message is None or not message.body:
        return None
    value = message.json()
    if value is NO_JSON:
        return [
            Violation("", f"well-formed JSON {root}", f"{len(message.body)} bytes that do not parse as JSON")
        ]
    if not isinstance(value, _JSON_TYPES[root]):
        return [Violation("", f"a JSON {root} at the root", show(value))]
    return []


@check("link")
def link(ctx: CheckContext, *, path: str, rel: str, method: str, href_template: str, id_path: str) -> Outcome:
    """``path`` lists a link with ``rel`` and ``method`` whose href is ``href_template`` for the id at ``id_path``.

    Paths compare case-insensitively: the vendor's own example links to ``/V1/`` for a ``/v1/`` route.
    """
    found = [(w, v) for w, v in _values(ctx, path) or [] if isinstance(v, list)]
    ids = [v for _, v in resolve(ctx.subject, id_path)] if ctx.subject is not NO_JSON else []
    if not found or not ids:
        return None
    expected_href = href_template.replace("{id}", str(ids[0]))
    where, links = found[0]
    for index, entry in enumerate(links):
        if isinstance(entry, dict) and entry.get("rel") == rel and entry.get("method") == method:
            href = entry.get("href")
            if isinstance(href, str) and href.lower() == expected_href.lower():
                return []
            return [Violation(f"{where}/{index}/href", expected_href, show(href))]
    return [Violation(where, f"a link rel={rel!r} method={method!r} to {expected_href}", show(links))]

"""Break exactly one rule of a valid request: the negative half of every request rule.

``breaking(rule, document)`` returns a strategy of ``Mutation`` values derived from the rule's
check and parameters, so that adding a rule to rules.yaml adds its negative test.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from b2bconform.engine.formats import bounded_string, enum_format, get_format
from b2bconform.engine.pointers import parent_and_key, resolve, split
from b2bconform.engine.rules import Rule

__all__ = [
    "Mutation",
    "breaking",
    "breaking_answer",
    "breaking_request",
    "can_break",
    "can_break_answer",
    "can_break_request",
    "draw_breaking",
    "require_evaluated",
    "wrong_credential",
]

_WRONG = "b2bconform-wrong-credential"


def wrong_credential(real: str) -> str:
    """A credential that is surely wrong and owes nothing to the real one: a value derived from the
    key (its reverse, a slice) would show part of it wherever the test's locals are printed."""
    return _WRONG if real != _WRONG else _WRONG + "-2"


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
    names = [params["format"]] if params.get("format") else list(params["formats"])
    formats = [get_format(name, **dict(params.get("options") or {})) for name in names]
    # where several formats are allowed, a near miss of one may be valid in another: keep those none accepts
    near_misses = st.one_of(*(fmt.near_miss() for fmt in formats)).filter(
        lambda value: all(fmt.validate(value) is not None for fmt in formats)
    )
    expected = " or ".join(fmt.pattern_text for fmt in formats)
    return _replace_each(document, params["path"], near_misses, f"not {expected}")


def _enum(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    fmt = enum_format(params["values"], case_sensitive=params.get("case_sensitive", True))
    return _replace_each(document, params["path"], fmt.near_miss(), "not in the enumeration")


def _not_empty(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    return _replace_each(document, params["path"], st.just(""), "empty")


def _equals(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    wanted = params["value"]
    return _replace_each(document, params["path"], st.sampled_from(_near(wanted)), f"not {wanted!r}")


def _near(wanted: Any) -> list[Any]:
    """Values close to ``wanted`` that are not it: another case or length of a text, the other
    boolean or the text of this one, the next number, a non-empty list, a value where null was due."""
    near: list[Any]
    if isinstance(wanted, str):
        near = [wanted.upper(), wanted.title(), wanted[:-1], wanted + "s", "x" + wanted]
    elif isinstance(wanted, bool):
        near = [not wanted, str(wanted).lower()]
    elif isinstance(wanted, (int, float)):
        near = [wanted + 1, wanted - 1, str(wanted)]
    elif isinstance(wanted, list):
        near = [["b2bconform"], {}] if not wanted else [[], wanted[:-1]]
    elif wanted is None:
        near = ["", 0, False]
    else:
        near = [None]
    return [value for value in near if value != wanted or type(value) is not type(wanted)]


def _pattern(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    regex = re.compile(params["regex"])
    paths = [params["path"]] if isinstance(params["path"], str) else list(params["path"])
    found = [(w, v) for path in paths for w, v in resolve(document, path) if isinstance(v, str)]
    if not found:
        return None
    valid = found[0][1]
    # near misses of a value that matches: one character short, one too many, a stray character,
    # its padding dropped (a zero-padded key written as a number)
    near = [valid[:-1], valid + valid[-1:], valid + "!", "!" + valid[1:], valid.replace("-", "", 1), "x",
            valid.lstrip("0")]  # fmt: skip
    misses = sorted({v for v in near if v and regex.fullmatch(v) is None})
    if not misses:
        return None
    return _replace_each(
        document, params["path"], st.sampled_from(misses), f"not {params.get('meaning') or regex.pattern}"
    )


_NOT_OF_TYPE: dict[str, list[Any]] = {
    "string": [123, 1.5, True, ["x"], {"x": "y"}],
    "array": ["x", 1, {"x": "y"}],
    "object": ["x", 1, ["x"]],
    "boolean": ["true", 1, None],
    "null": ["x", 0, False],
    "number": ["1", True, None],
    "integer": ["1", 1.5, True],
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


def _present(document: Any, path: str) -> list[tuple[str, Any]]:
    return [(w, v) for w, v in resolve(document, path) if v not in ("", None, [], {})]


def _implies(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    """Trigger the condition (keep or set the `when` value) and leave the consequence unmet."""
    when_path, then_path = params["when_path"], params["then_path"]
    if "*" in when_path:
        return None
    triggers = list(params["when_in"]) if params.get("when_in") is not None else None
    current = _present(document, when_path)
    excepted = params.get("when_not_in")
    met = [
        v
        for _, v in current
        if (triggers is None or v in triggers) and (excepted is None or v not in excepted)
    ]
    if split(when_path)[:-1] != split(then_path)[:-1]:
        # members of different objects: setting the condition could contradict the other object,
        # so only an answer that already meets it has its consequence left unmet
        if not met or "*" in then_path:
            return None
        triggers = met[:1]
    elif excepted is not None:
        # any value outside the exceptions triggers it: the one written, if it is one, else a new one
        triggers = met or [v for v in ("b2bconform", 1) if v not in excepted]
    elif triggers and met:
        # the condition as written first: a mutation that changes one member, where it can
        triggers = [met[0], *(t for t in triggers if t != met[0])]
    if triggers is None and not current:
        return None
    trigger_values = st.sampled_from(triggers) if triggers else st.just(current[0][1])
    then_allowed = params.get("then_in")

    def build(trigger: Any, replacement: Any) -> Mutation:
        changed = _set(document, when_path, trigger)
        if replacement is None:
            if any(True for _ in resolve(changed, then_path)):
                changed = _delete(changed, then_path)
            return Mutation(None, changed, then_path, f"{when_path}={trigger!r} without {then_path}")
        changed = _set(changed, then_path, replacement)
        return Mutation(None, changed, then_path, f"{when_path}={trigger!r} with {then_path}={replacement!r}")

    if then_allowed is None:
        # removed, or written empty: a document that writes every member, empty ones as "", is
        # broken by the blank alone
        return st.tuples(trigger_values, st.sampled_from([None, ""])).map(lambda p: build(*p))
    others = st.sampled_from(["0", "2", "false", "x", False, 0]).filter(
        lambda v: all(v != a or type(v) is not type(a) for a in then_allowed)
    )
    return st.tuples(trigger_values, st.one_of(st.none(), others)).map(lambda p: build(*p))


def _any_present(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    changed = document
    for path in params["paths"]:
        for where, _ in list(resolve(changed, path)):
            changed = _delete(changed, where)
    return st.just(Mutation(None, changed, params["paths"][0], "none of the alternatives sent"))


def _any_group_present(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    """No group complete: every member of every group left out."""
    return _any_present(document, {"paths": [path for group in params["groups"] for path in group]})


def _compare(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    """Move the value at `path` just across its bound (numbers only; dates are built by hand)."""
    from b2bconform.engine.checks.relations import as_date, as_number

    if params.get("within") or params.get("aggregate") == "sum":
        return None
    if params.get("as") == "date":
        return _compare_dates(document, params, as_date)
    if params.get("than") is not None:
        bounds = [as_number(v) for _, v in resolve(document, params["than"])]
    else:
        bounds = [as_number(params["value"])]
    if not bounds or bounds[0] is None or not list(resolve(document, params["path"])):
        return None
    bound = bounds[0]
    op = params["op"]
    offsets = {"lt": [0, 1, 7], "le": [1, 3], "gt": [0, -1, -5], "ge": [-1, -3]}[op]
    return st.sampled_from(offsets).map(
        lambda offset: Mutation(
            None,
            _set(document, params["path"], str(bound + offset)),
            params["path"],
            f"{params['path']} = {bound + offset} against a bound of {bound} ({op})",
        )
    )


def _compare_dates(
    document: Any, params: dict[str, Any], as_date: Callable[[Any], Any]
) -> st.SearchStrategy[Mutation] | None:
    """Move the date at `path` across the date at `than`, written the way it was written."""
    from datetime import timedelta

    bounds = [as_date(v) for _, v in resolve(document, params["than"])]
    current = [v for _, v in resolve(document, params["path"])]
    if not bounds or bounds[0] is None or not current or not isinstance(current[0], str):
        return None
    bound, written = bounds[0], current[0]
    form = "%m-%d-%Y" if written[2:3] == "-" else "%Y-%m-%d"
    offsets = {"lt": [0, 1, 5], "le": [1, 5], "gt": [0, -1, -5], "ge": [-1, -5]}[params["op"]]
    return st.sampled_from(offsets).map(
        lambda days: Mutation(
            None,
            _set(document, params["path"], (bound + timedelta(days=days)).strftime(form)),
            params["path"],
            f"{params['path']} {days:+d} days from {params['than']}",
        )
    )


def _echo(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    # another value, or none: where a reading accepts any value, only the empty one fails
    others = st.sampled_from(["b2bconform-not-the-echo", ""])
    return _replace_each(document, params["path"], others, "not what was sent")


def _absent(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    paths = [params["path"]] if isinstance(params["path"], str) else list(params["path"])
    holders = [
        (f"{where}/{key}", key)
        for path in paths
        for parent, key in [parent_and_key(path)]
        for where, node in resolve(document, parent)
        if isinstance(node, dict) and key not in node and "*" not in key
    ]
    if not holders:
        return None
    return st.sampled_from(holders).map(
        lambda pair: Mutation(
            None, _set(document, pair[0], "b2bconform"), pair[0], f"member {pair[1]!r} sent"
        )
    )


_MUTATORS: dict[str, Callable[[Any, dict[str, Any]], st.SearchStrategy[Mutation] | None]] = {
    "required": _required,
    "max_length": _max_length,
    "format": _format,
    "enum": _enum,
    "type": _type,
    "min_items": _min_items,
    "each_has": _each_has,
    "not_empty": _not_empty,
    "equals": _equals,
    "pattern": _pattern,
    "json_body": _json_body,
    "implies": _implies,
    "any_present": _any_present,
    "any_group_present": _any_group_present,
    "compare": _compare,
}


def _whole_number(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    below = int(params.get("min", 0)) - 1
    return _replace_each(
        document, params["path"], st.sampled_from([1.5, below, "x"]), "not a whole number in range"
    )


def _excludes(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    values = list(params["values"])
    return (
        _replace_each(document, params["path"], st.sampled_from(values), "an excluded value")
        if values
        else None
    )


def _matches_request(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    # first a value of the same shape (digits for digits, letters for letters), which the rules on
    # the member's format still accept; then one of no shape at all
    locations = _locations(document, params["path"])
    if not locations:
        return None
    return st.tuples(st.sampled_from(locations), st.booleans()).map(
        lambda pair: _not_asked_for(document, pair[0], shaped=not pair[1])
    )


def _not_asked_for(document: Any, where: str, *, shaped: bool) -> Mutation:
    value = _at(document, where)
    other = _same_shape_other(value) if shaped and isinstance(value, str) else "b2bconform-not-asked-for"
    return Mutation(None, _set(document, where, other), where, f"not what was asked for: {other!r}"[:160])


def _same_shape_other(text: str) -> str:
    """``text`` with each digit and letter moved on by one (9 to 0, z to a): another value of its shape."""

    def moved(char: str) -> str:
        for first, count in (("0", 10), ("a", 26), ("A", 26)):
            if 0 <= ord(char) - ord(first) < count:
                return chr(ord(first) + (ord(char) - ord(first) + 1) % count)
        return char

    return "".join(moved(char) for char in text) if text else "b2bconform-not-asked-for"


def _distinct(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    found = [
        (where, value) for where in _locations(document, params["path"]) for value in [_at(document, where)]
    ]
    if len(found) < 2:
        return None
    first, (second, _) = found[0][1], found[1]
    return st.just(Mutation(None, _set(document, second, copy.deepcopy(first)), second, "a value repeated"))


def _at(document: Any, pointer: str) -> Any:
    return next((value for _, value in resolve(document, pointer)), None)


def _within(
    mutator: Callable[[Any, dict[str, Any]], st.SearchStrategy[Mutation] | None],
) -> Callable[[Any, dict[str, Any]], st.SearchStrategy[Mutation] | None]:
    """A mutator for a rule that reads each object under ``within`` (a wildcard path): the rule's own
    mutation of one such object, put back where the object was."""

    def mutate(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
        if not params.get("within"):
            return mutator(document, params)
        inner = {key: value for key, value in params.items() if key != "within"}
        scoped = [
            (where, strategy)
            for where, scope in resolve(document, params["within"])
            for strategy in [mutator(scope, inner)]
            if strategy is not None
        ]
        if not scoped:
            return None
        return st.one_of(*(strategy.map(_put_back(document, where)) for where, strategy in scoped))

    return mutate


def _text_matches(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    """The element's text (kept beside its attributes) one character short, one too long, other,
    with a blank before or after it, or far longer."""
    regex = re.compile(params["regex"])
    found = [
        (where, value)
        for where in _locations(document, params["path"])
        for value in [_at(document, where)]
        if isinstance(value, str) or (isinstance(value, dict) and isinstance(value.get("#text"), str))
    ]
    if not found:
        return None

    def with_text(value: Any, text: str) -> Any:
        return {**value, "#text": text} if isinstance(value, dict) else text

    candidates = [
        (where, with_text(value, text))
        for where, value in found
        for current in [value["#text"] if isinstance(value, dict) else value]
        # shorter, longer, other; blanks around it; far longer
        for text in (current[:-1], current + "x", "x", f" {current}", f"{current} ", current + "x" * 64)
        if regex.fullmatch(text) is None
    ]
    if not candidates:
        return None
    return st.sampled_from(candidates).map(
        lambda pair: Mutation(None, _set(document, pair[0], pair[1]), pair[0], "text that does not match")
    )


def _xsd_valid(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    """An element the schema does not declare, added inside each element the rule validates."""
    found = list(_named(document, params["element"], ""))
    if not found:
        return None
    return st.sampled_from(found).map(
        lambda where: Mutation(
            None, _set(document, where + "/b2bconformUndeclared", "x"), where, "an undeclared element added"
        )
    )


def _named(node: Any, name: str, here: str) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{here}/{key}"
            if key == name and isinstance(value, dict):
                yield where
            yield from _named(value, name, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _named(value, name, f"{here}/{index}")


def _removed(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    found = _locations(document, params["path"])
    if not found:
        return None
    return st.sampled_from(found).map(
        lambda where: Mutation(None, _delete(document, where), where, "removed")
    )


def _code_table(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    """A description of another code in the member beside the code."""
    code, description, table = params["code"], params["description"], dict(params["table"])
    holders = [
        (f"{where}/{description}", other)
        for where in _locations(document, params["path"])
        for holder in [_at(document, where)]
        if isinstance(holder, dict) and holder.get(code) in table
        for other in sorted(set(table.values()) - {table[holder[code]]})[:3]
    ]
    if not holders:
        return None
    return st.sampled_from(holders).map(
        lambda pair: Mutation(None, _set(document, pair[0], pair[1]), pair[0], "another code's description")
    )


def _put_back(document: Any, where: str) -> Callable[[Mutation], Mutation]:
    def put_back(mutation: Mutation) -> Mutation:
        return Mutation(None, _set(document, where, mutation.document), where + mutation.where, mutation.what)

    return put_back


_SAMPLES: list[tuple[str, Any]] = [
    ("integer", 123), ("array", ["x"]), ("object", {"x": "y"}), ("boolean", True), ("string", "x"), ("null", None)
]  # fmt: skip


def _type_in(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    allowed = set(params["types"]) | ({"integer"} if "number" in params["types"] else set())
    candidates = [value for kind, value in _SAMPLES if kind not in allowed]
    return _replace_each(document, params["path"], st.sampled_from(candidates), "none of the types")


def _difference(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    """The result member one more than the difference it must be, in each scope that holds it."""
    scopes = params.get("within") or [""]
    scopes = [scopes] if isinstance(scopes, str) else scopes
    found = [
        (f"{where}{params['path']}", value)
        for scope in scopes
        for where, _ in (resolve(document, scope) if scope else [("", document)])
        for value in [_at(document, f"{where}{params['path']}")]
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]
    if not found:
        return None
    return st.sampled_from(found).map(
        lambda pair: Mutation(
            None, _set(document, pair[0], pair[1] + 1), pair[0], "one more than the difference"
        )
    )


def _matches_filter(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    return _replace_each(
        document, params["path"], st.just("B2BCONFORM-NOT-ASKED"), "not what was filtered for"
    )


def _same_per_group(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    """One item of a group of two or more given another ``member`` than the group's first."""
    key, member = params["key"], params["member"]
    seen: dict[Any, int] = {}
    later = []
    for where, item in resolve(document, params["path"]):
        if isinstance(item, dict) and member in item and isinstance(item.get(key), str):
            seen[item[key]] = seen.get(item[key], 0) + 1
            if seen[item[key]] > 1:
                later.append(f"{where}/{member}")
    if not later:
        return None
    return st.sampled_from(later).map(
        lambda where: Mutation(
            None, _set(document, where, "B2BCONFORM-OTHER"), where, "another value in the group"
        )
    )


def _no_link(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    """The list of links without the one the rule wants: emptied, or that link's href elsewhere."""
    lists = [(w, v) for w, v in resolve(document, params["path"]) if isinstance(v, list)]
    if not lists:
        return None
    where, links = lists[0]
    moved = [
        [{**entry, "href": f"{entry['href']}/b2bconform"} if isinstance(entry, dict) and "href" in entry else entry
         for entry in links]
    ]  # fmt: skip
    return st.sampled_from([[], *moved]).map(
        lambda value: Mutation(None, _set(document, where, value), where, f"links: {value!r}"[:160])
    )


def _fault_without_reason(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    """A SOAP Fault whose reason (1.1 faultstring, 1.2 Reason) is empty."""
    return _replace_each(
        document,
        ["/Envelope/Body/Fault/faultstring", "/Envelope/Body/Fault/Reason"],
        st.just(""),
        "no reason",
    )


def _reads_back(document: Any, params: dict[str, Any]) -> st.SearchStrategy[Mutation] | None:
    """A member read back changed from what was sent (the answer pointers of ``fields``)."""
    return _replace_each(
        document, list(params["fields"]), st.just("b2bconform-not-read-back"), "not what was sent"
    )


# Answers break more ways than requests: an echo that is not one, a member the answer must not hold,
# a value the request did not ask for, an excluded or repeated value.
_ANSWER_MUTATORS = {
    **_MUTATORS,
    "echo": _echo,
    "absent": _absent,
    "whole_number": _whole_number,
    "excludes": _excludes,
    "matches_request": _matches_request,
    "distinct": _distinct,
    "implies": _within(_implies),
    "compare": _within(_compare),
    "text_matches": _text_matches,
    "xsd_valid": _xsd_valid,
    "type_in": _type_in,
    "difference": _difference,
    "matches_filter": _matches_filter,
    "same_per_group": _same_per_group,
    "reads_back": _reads_back,
    "link": _no_link,
    "soap_fault": _fault_without_reason,
    "present": _removed,
    "code_table": _code_table,
}

# A caller's request breaks the rules judged on it as answers break theirs: a member it must not send,
# a repeated value, a text that does not match, an element its schema does not declare.
_REQUEST_MUTATORS = {
    **_MUTATORS,
    "absent": _absent,
    "distinct": _distinct,
    "text_matches": _text_matches,
    "xsd_valid": _xsd_valid,
}


def can_break(rule: Rule) -> bool:
    """Whether a negative request can be derived from the rule alone (stateful and auth rules have their own tests)."""
    return rule.check in _MUTATORS and rule.is_request_side and "vendor" in rule.judged


def can_break_request(rule: Rule) -> bool:
    """Whether a breaking request can be derived from the rule alone, whoever it judges (the proof
    of a client's rule on the harness's own requests: ``b2bconform.engine.proofs``)."""
    return rule.check in _REQUEST_MUTATORS and rule.is_request_side


def breaking_request(rule: Rule, document: Any) -> st.SearchStrategy[Mutation] | None:
    """Mutations of a conforming request's ``document`` meant to break ``rule``; None when it has
    nothing to break."""
    if not can_break_request(rule):
        return None
    assert rule.check is not None
    return _REQUEST_MUTATORS[rule.check](document, dict(rule.params))


def can_break_answer(rule: Rule) -> bool:
    """Whether a breaking answer can be derived from the rule alone: a vendor-side response rule whose
    check reads one document."""
    return rule.check in _ANSWER_MUTATORS and not rule.is_request_side and "vendor" in rule.judged


def breaking_answer(rule: Rule, document: Any) -> st.SearchStrategy[Mutation] | None:
    """Mutations of a conforming answer's ``document`` meant to break ``rule`` (the negative evidence
    of response rules: ``b2bconform.engine.proofs``); None when the answer has nothing to break."""
    if not can_break_answer(rule):
        return None
    assert rule.check is not None
    return _ANSWER_MUTATORS[rule.check](document, dict(rule.params))


def breaking(rule: Rule, document: Any) -> st.SearchStrategy[Mutation] | None:
    """Mutations of ``document`` that break ``rule``; None when the document has nothing to break."""
    if not can_break(rule):
        return None
    assert rule.check is not None
    return _MUTATORS[rule.check](document, dict(rule.params))


def draw_breaking(
    rule: Rule,
    valid: Any,
    data: st.DataObject,
    *,
    what: str = "request",
    keep: Callable[[Mutation], bool] | None = None,
) -> Mutation:
    """Draw one mutation of the ``valid`` request that breaks ``rule`` (``keep``: only those it accepts).

    Nothing to break is a harness defect: a RuntimeError, reported broken, never a vendor finding.
    """
    mutations = breaking(rule, valid)
    if mutations is None:
        raise RuntimeError(f"{rule.id}: the valid {what} has nothing to break")
    return data.draw(mutations.filter(keep) if keep else mutations, label="mutation")


def require_evaluated(rule: Rule, mutation: Mutation, outcomes: Mapping[str, str]) -> None:
    """A sent mutation the engine did not judge on its rule proves nothing: a harness defect, not a pass."""
    if outcomes.get(rule.id) is None:
        raise RuntimeError(f"{rule.id} was not evaluated: the mutation ({mutation.what}) did not break it")

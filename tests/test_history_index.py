"""The duplicate and read-back checks' index of earlier accepted exchanges answers exactly what a
walk through the history answers: the earliest exchange holding the value, at its position, as the
history slides (a bounded deque), grows (a list) or is replaced; and the checks give the same
verdicts whichever kind of history they are handed."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence
from typing import Any

import pytest

from b2bconform.engine.checks.history_index import AcceptedIndex
from b2bconform.engine.contract import Contract
from b2bconform.engine.model import NO_JSON, Exchange, Headers, Request, Response
from b2bconform.engine.pointers import resolve

VALUES: list[Any] = ["A", "B", "1", 1, True, 1.0, 0, False, None, float("nan"), {"a": 1}, [1], NO_JSON]


def _exchange(number: int, value: Any) -> Exchange:
    return Exchange(api="x", request=Request("POST", f"https://h/{number}"), index=number, source=repr(value))


def _walk(history: Sequence[Exchange], values: dict[int, Any], wanted: Any) -> tuple[int, Exchange] | None:
    for position, exchange in enumerate(history):
        value = values[id(exchange)]
        if value is not NO_JSON and value == wanted:
            return position, exchange
    return None


@pytest.mark.parametrize("kind", ["deque", "list"])
def test_the_index_finds_what_a_walk_finds_as_the_history_moves(kind: str) -> None:
    rnd = random.Random(8)
    values: dict[int, Any] = {}
    index = AcceptedIndex(lambda exchange: values[id(exchange)])
    history: Any = deque(maxlen=7) if kind == "deque" else []
    kept: list[Exchange] = []  # every exchange stays alive, so no identity is reused
    for number in range(600):
        if rnd.random() < 0.02:
            history = deque(history, maxlen=7) if kind == "deque" else list(history)  # replaced
        wanted = rnd.choice(VALUES)
        found, walked = index.first(history, wanted), _walk(history, values, wanted)
        assert found == walked, (number, wanted)
        exchange = _exchange(number, wanted)
        values[id(exchange)] = rnd.choice(VALUES)
        kept.append(exchange)
        history.append(exchange)


def _order(reference: str, status: int) -> Exchange:
    body = b'{"clientRequest": {"requestHeader": {"requestReference": "%s"}}}' % reference.encode()
    request = Request("POST", "https://api-uat.moduslink.com/purchaseapi/v1/orders", Headers(), body)
    return Exchange(
        "moduslink_po", request, Response(status, Headers({"Content-Type": "application/json"}), b"{}")
    )


def test_the_duplicate_rule_judges_alike_with_a_list_or_a_deque_history() -> None:
    contract = Contract.load("moduslink_po")
    rnd = random.Random(3)
    as_list: list[Exchange] = []
    as_deque: deque[Exchange] = deque(maxlen=5)
    verdicts = []
    for number in range(60):
        exchange = contract.classify(_order(rnd.choice("ABCDEFGH"), rnd.choice([202, 202, 409, 412])))
        window = list(as_deque)
        by_list = contract.check(exchange, history=window)
        by_deque = contract.check(exchange, history=as_deque)
        assert by_list.outcomes == by_deque.outcomes, number
        assert [f.as_dict() for f in by_list.findings] == [f.as_dict() for f in by_deque.findings], number
        verdicts.append(by_deque.outcomes.get("MODUSLINK_PO-REQ-013"))
        as_list.append(exchange)
        as_deque.append(exchange)
    assert "failed" in verdicts and "passed" in verdicts  # both ways were exercised


def _reference_resolve(node: Any, pointer: str) -> list[tuple[str, Any]]:
    """The depth-first definition of a pointer with wildcards."""
    tokens = (
        [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]
        if pointer not in ("", "/")
        else []
    )

    def walk(node: Any, tokens: list[str], here: str) -> list[tuple[str, Any]]:
        if not tokens:
            return [(here, node)]
        head, rest = tokens[0], tokens[1:]
        if head == "*":
            children = (
                enumerate(node) if isinstance(node, list) else node.items() if isinstance(node, dict) else []
            )
            escape = lambda key: str(key).replace("~", "~0").replace("/", "~1")  # noqa: E731
            return [found for key, child in children for found in walk(child, rest, f"{here}/{escape(key)}")]
        if isinstance(node, dict) and head in node:
            return walk(node[head], rest, here + "/" + head.replace("~", "~0").replace("/", "~1"))
        if isinstance(node, list) and head.isdigit() and int(head) < len(node):
            return walk(node[int(head)], rest, f"{here}/{head}")
        return []

    return walk(node, tokens, "")


def test_pointers_select_what_the_depth_first_definition_selects() -> None:
    rnd = random.Random(5)

    def document(depth: int) -> Any:
        if depth == 0 or rnd.random() < 0.2:
            return rnd.choice([1, "s", None])
        if rnd.random() < 0.5:
            return [document(depth - 1) for _ in range(rnd.randint(0, 3))]
        return {
            rnd.choice(["a", "b", "0", "x/y", "t~"]): document(depth - 1) for _ in range(rnd.randint(0, 3))
        }

    parts = ["a", "b", "0", "1", "*", "x~1y", "t~0"]
    pointers = ["", "/"] + [
        "/" + "/".join(rnd.choice(parts) for _ in range(rnd.randint(1, 4))) for _ in range(60)
    ]
    for _ in range(300):
        doc = document(4)
        for pointer in pointers:
            assert list(resolve(doc, pointer)) == _reference_resolve(doc, pointer), pointer

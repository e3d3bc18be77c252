"""Valid ManEx parameters for every action, and the one way the suites send them.

Parameters are built as the contract's rules read them (lower-case names: ``/custno``) and spelled
as the document's tables spell them when sent (``custNo``), so that a mutation derived from a rule
finds what it breaks and the vendor sees the documented names. Values are text, as the document's
examples quote every value. Master data (customers, parts, suppliers) comes from a ``Seed``: the
sandbox's own, or one a target profile provides.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, Literal
from urllib.parse import urlencode

from hypothesis import strategies as st

from b2bconform import clock
from b2bconform.apis.manex_erp.sandbox.erp import Part, Seed
from b2bconform.engine.contract import Contract
from b2bconform.engine.formats import get_format
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.engine.pointers import resolve, split
from b2bconform.references import TestTag
from b2bconform.session import Judge

__all__ = [
    "Form",
    "action_path",
    "call",
    "documented_values",
    "response_object",
    "so_add",
    "so_due_date_add",
    "so_item_add",
    "so_price_add",
    "spelled",
]

Form = Literal["json", "query"]
_PREFIX = {"manex_so": "/API/SO", "manex_po": "/api/PO"}
KEY_PLACEHOLDER = "{apiKey}"


def action_path(api: str, operation: str, key: str = KEY_PLACEHOLDER) -> str:
    """``/API/SO/ItemAdd/{apiKey}`` for SOItemAdd: the route the contract's OpenAPI file declares."""
    for path, item in Contract.load(api).spec["paths"].items():
        for definition in item.values():
            if isinstance(definition, dict) and definition.get("operationId") == operation:
                return str(path).replace(KEY_PLACEHOLDER, key)
    raise KeyError(f"{api} declares no operation {operation!r}")


@cache
def _spellings(api: str, operation: str) -> dict[str, str]:
    """lower-case pointer -> the name as the document spells it, from the operation's request body."""
    spec = Contract.load(api).spec
    body: dict[str, Any] = {}
    for item in spec["paths"].values():
        for definition in item.values():
            if isinstance(definition, dict) and definition.get("operationId") == operation:
                content: dict[str, Any] = (definition.get("requestBody") or {}).get("content") or {}
                media: dict[str, Any] = next(iter(content.values()), {})
                body = dict(media.get("schema") or {})
    names: dict[str, str] = {}

    def walk(schema: dict[str, Any], here: str) -> None:
        schema = _deref(spec, schema)
        for part in (*schema.get("allOf", ()), *schema.get("anyOf", ()), *schema.get("oneOf", ())):
            walk(part, here)  # composed schemas: the names live in the parts
        for name, sub in (schema.get("properties") or {}).items():
            names.setdefault(f"{here}/{name.lower()}", name)
            sub = _deref(spec, sub)
            if sub.get("type") == "array" and isinstance(sub.get("items"), dict):
                walk(sub["items"], f"{here}/{name.lower()}/*")
            elif sub.get("type") == "object":
                walk(sub, f"{here}/{name.lower()}")

    walk(body, "")
    return names


def _deref(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for token in split(schema["$ref"].lstrip("#")):
            node = node[token]
        schema = node
    return schema


def spelled(api: str, operation: str, document: Any, here: str = "") -> Any:
    """``document`` with every name the operation documents spelled as documented (others kept)."""
    names = _spellings(api, operation)
    if isinstance(document, dict):
        return {
            names.get(f"{here}/{key}", key): spelled(api, operation, value, f"{here}/{key}")
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [spelled(api, operation, value, f"{here}/*") for value in document]
    return document


def call(
    judge: Judge,
    operation: str,
    params: Mapping[str, Any],
    *,
    form: Form = "json",
    key: str = KEY_PLACEHOLDER,
    raw_body: bytes | None = None,
) -> Any:
    """Send ``params`` to the action as a JSON body (POST) or a query string (GET); the judgement.

    ``key``: the API key path segment; the placeholder is filled with the target's credential.
    """
    request = request_for(judge.api, operation, params, form=form, key=key, raw_body=raw_body)
    return judge.send(
        request.method,
        request.url,
        body=request.body,
        headers=dict(request.headers),
        with_credentials=key == KEY_PLACEHOLDER,
    )


def request_for(
    api: str,
    operation: str,
    params: Mapping[str, Any],
    *,
    form: Form = "json",
    key: str = KEY_PLACEHOLDER,
    raw_body: bytes | None = None,
) -> Request:
    """The request ``call`` sends: POST with a JSON body, or GET with a query string."""
    path = action_path(api, operation, key)
    document = spelled(api, operation, dict(params))
    json_headers = Headers({"Content-Type": "application/json"})
    if raw_body is not None:
        return Request("POST", path, json_headers, raw_body)
    if form == "query":
        flat = {k: v for k, v in document.items() if not isinstance(v, list | dict)}
        if len(flat) != len(document):
            raise ValueError(f"{operation}: nested parameters cannot travel in a query string")
        return Request("GET", f"{path}?{urlencode(flat)}" if flat else path)
    return Request("POST", path, json_headers, json.dumps(document).encode("utf-8"))


def breaks(api: str, rule_id: str, request: Request) -> bool:
    """Whether ``request`` breaks the rule, as the contract reads it (before anything is sent)."""
    contract = Contract.load(api)
    # judged against a stand-in answer no rule documents: what it records as broken is the request's doing
    exchange = Exchange(
        api, request, Response(599, Headers(), b""), operation=contract.operation_for(request)
    )
    return rule_id in contract.check(exchange).broken_by_request


def response_object(judgement: Any) -> Any:
    """The envelope's ResponseObject (None when absent or the body is not JSON)."""
    response = judgement.exchange.response
    if response is None:
        return None
    try:
        body = json.loads(response.body)
    except ValueError:
        return None
    return body.get("ResponseObject") if isinstance(body, dict) else None


def documented_values(api: str, path: str) -> list[str]:
    """The values an enum rule of the contract allows at ``path`` (one source of truth for generators)."""
    for rule in Contract.load(api).rules:
        if rule.check == "enum" and rule.is_request_side:
            paths = rule.params["path"]
            if path in ([paths] if isinstance(paths, str) else paths):
                return list(rule.params["values"])
    raise KeyError(f"{api} has no request enum rule on {path}")


# ── building blocks ───────────────────────────────────────────────────────────────────────────

_MDY = "%m-%d-%Y"


def _working_day(start: date, offset: int) -> date:
    day = start + timedelta(days=offset)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _quantity(low: int = 1, high: int = 500) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def _money() -> st.SearchStrategy[str]:
    return st.decimals(Decimal("0.01"), Decimal("9999.99"), places=2).map(str)


def _free_text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=max_size).map(
        lambda text: text.strip() or "note"
    )


def _maybe(draw: st.DrawFn, document: dict[str, Any], name: str, values: st.SearchStrategy[Any]) -> None:
    """Add an optional parameter about half the time (``full`` documents carry all of them)."""
    if draw(st.booleans()):
        document[name] = draw(values)


def next_order_number(tag: TestTag) -> str:
    """A ten-digit order number unique within the run and unlikely to meet another run's: four
    digits of the run id and four of the test's tag behind two zeros (so that padding is visible in
    the answers: an unpadded SONO differs from the padded one; drawn values would repeat)."""
    return "00" + tag.number(8)


# ── Sales Order ───────────────────────────────────────────────────────────────────────────────


@st.composite
def so_add(draw: st.DrawFn, seed: Seed, tag: TestTag, *, full: bool = False) -> dict[str, Any]:
    """SO Add: a new order for a seeded customer, numbered by the caller so it can be found again."""
    customer = draw(st.sampled_from(seed.customers))
    today = clock.today()
    document: dict[str, Any] = {
        "sono": next_order_number(tag),
        "custno": customer.custno,
        "orderdate": draw(st.integers(0, 30).map(lambda d: (today - timedelta(days=d)).strftime(_MDY))),
        "pono": tag.next(20),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "poack": st.sampled_from(["0", "1"]),
        "sonote": _free_text(40),
        "fob": st.sampled_from(documented_values("manex_so", "/fob")),
        "shipvia": st.sampled_from(documented_values("manex_so", "/shipvia")),
        "shipcharge": st.sampled_from(documented_values("manex_so", "/shipcharge")),
        "sofoot": _free_text(40),
        "deliv_time": get_format("h-mm-24h").valid(),
        "attention": st.sampled_from([c.cid for c in customer.contacts]),
        "soamtdsct": st.integers(0, 20).map(str),
    }
    for name, values in optional.items():
        if full:
            document[name] = draw(values)
        else:
            _maybe(draw, document, name, values)
    if full or draw(st.booleans()):
        document["soapproval"] = "1"
        document["soapprvinit"] = draw(st.sampled_from(seed.approver_initials))
    return document


@st.composite
def so_item_add(
    draw: st.DrawFn, seed: Seed, sono: str, line_no: int, *, full: bool = False
) -> dict[str, Any]:
    """SO Item Add: a seeded part on line ``line_no`` (the caller numbers lines to find them again)."""
    part: Part = draw(st.sampled_from(seed.parts))
    ordered = draw(_quantity(2, 500))
    document: dict[str, Any] = {
        "sono": sono,
        "line_no": f"{line_no:07d}",
        "part_num": part.part_no,
        "revision": part.revision,
        "uofmeas": part.unit,
        "sodet_desc": draw(_free_text(30)),
        "deliv_time": draw(get_format("h-mm-24h").valid()),
        "status": draw(st.sampled_from(documented_values("manex_so", "/status"))),
        "ord_qty": str(ordered),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "eachqty": st.integers(1, ordered - 1).map(str),
        "trans_days": st.integers(0, 30).map(str),
        "fstduedt": st.integers(1, 60).map(lambda d: _working_day(clock.today(), d).strftime(_MDY)),
        "note": _free_text(40),
        "w_key": st.sampled_from([w.w_key for w in seed.warehouses]),
    }
    for name, values in optional.items():
        if full:
            document[name] = draw(values)
        else:
            _maybe(draw, document, name, values)
    return document


@st.composite
def so_price_add(draw: st.DrawFn, sono: str, uniqueln: str, *, full: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = {"sono": sono, "uniqueln": uniqueln, "price": draw(_money())}
    optional: dict[str, st.SearchStrategy[Any]] = {
        "taxable": st.sampled_from(["true", "false"]),
        "flat": st.sampled_from(["0", "1"]),
        "saletypeid": st.sampled_from(documented_values("manex_so", "/saletypeid")),
    }
    for name, values in optional.items():
        if full:
            document[name] = draw(values)
        else:
            _maybe(draw, document, name, values)
    return document


@st.composite
def so_due_date_add(
    draw: st.DrawFn, sono: str, uniqueln: str, ordered: int, *, full: bool = False
) -> dict[str, Any]:
    """A due date on a working day, shipped one to five days before, for at most the ordered quantity."""
    due = _working_day(clock.today(), draw(st.integers(10, 90)))
    ship = due - timedelta(days=draw(st.integers(1, 5)))
    form = draw(st.sampled_from([_MDY, "%Y-%m-%d"]))
    document: dict[str, Any] = {
        "sono": sono,
        "uniqueln": uniqueln,
        "due_dts1": due.strftime(form),
        "ship_dts": ship.strftime(form),
        "qty": str(draw(st.integers(1, max(1, ordered)))),
    }
    if full or draw(st.booleans()):
        document["commit_dts"] = due.strftime(form)
    return document


# ── answers ───────────────────────────────────────────────────────────────────────────────────

#: A key no vendor issues: the invalid-key tests send it in place of the credential.
INVALID_KEY = "b2bconform-not-a-key"


def envelope(judgement: Any) -> dict[str, Any]:
    """The answer's JSON object ({} when the body is not one): what the suites' assertions read."""
    response = judgement.exchange.response
    try:
        body = json.loads(response.body) if response is not None else None
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


def operations(api: str) -> list[str]:
    """Every action the contract declares, in document order."""
    return [operation.id for operation in Contract.load(api).operations]


def accepted(judgement: Any) -> bool:
    """Whether the answer is a success (Code 200): a step a test builds on must have worked."""
    return envelope(judgement).get("Code") == 200


def require(judgement: Any, step: str) -> dict[str, Any]:
    """The success answer of a step the test builds on; a refusal stops the test with its message.

    A refused setup step is itself judged (its findings fail their rules); the assertion only
    stops the test from building on nothing.
    """
    answer = envelope(judgement)
    assert answer.get("Code") == 200, f"{step} was refused: {answer.get('Message')!r}"
    return answer


def so_line(judge: Judge, sono: str, line_no: int) -> dict[str, Any]:
    """Line ``line_no`` of order ``sono`` as SO Get shows it (UNIQUELN, its due dates and prices)."""
    answer = require(call(judge, "SOGet", {"sono": sono}), "SO Get")
    lines = (answer.get("ResponseObject") or {}).get("SODETAILList") or []
    for line in lines:
        if str(line.get("LINE_NO", "")).strip().lstrip("0") == str(line_no):
            return dict(line)
    raise AssertionError(
        f"SO Get of {sono} shows no line {line_no}: {[entry.get('LINE_NO') for entry in lines]}"
    )


def flat(params: Mapping[str, Any]) -> bool:
    """Whether the parameters can travel in a query string (no lists or objects)."""
    return not any(isinstance(value, list | dict) for value in params.values())


def send_breaking(judge: Judge, rule: Any, operation: str, valid: dict[str, Any], data: Any) -> Any:
    """Break ``rule`` in ``valid`` parameters (derived from the rule), send it, and return the judgement.

    A near miss the parameter reading erases (an empty value is no value) breaks nothing and is not
    sent; parameters with nothing to break, or a mutation the contract does not see as breaking the
    rule, are harness defects (RuntimeError: reported broken, never as a vendor finding).
    """
    from hypothesis import strategies as st

    from b2bconform.engine.mutations import draw_breaking, require_evaluated

    path = rule.params.get("path")  # absolute unless the rule judges it `within` each item
    if isinstance(path, str) and "within" not in rule.params and not list(resolve(valid, path)):
        # a "when sent" rule the documents' copied tables name for an action whose parameters never
        # carry the member: nothing of this action's to judge (the rule is judged on the others)
        import pytest

        pytest.skip(f"{operation} sends no {path}: {rule.id} applies to it only when sent")
    mutation = draw_breaking(
        rule,
        valid,
        data,
        what=f"{operation} parameters",
        keep=lambda m: (
            m.body is not None or breaks(judge.api, rule.id, request_for(judge.api, operation, m.document))
        ),
    )
    if mutation.body is not None:
        judgement = call(judge, operation, {}, raw_body=mutation.body)
    else:
        forms: list[Form] = ["json", "query"] if flat(mutation.document) else ["json"]
        form: Form = data.draw(st.sampled_from(forms), label="form")
        judgement = call(judge, operation, mutation.document, form=form)
    require_evaluated(rule, mutation, judgement.outcomes)
    return judgement

"""Checks for XML/SOAP messages: XSD validity (facets zeep does not check), SOAP faults, code tables."""

from __future__ import annotations

import copy
import re
import tempfile
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import xmlschema
from lxml import etree

from b2bconform.engine.checks.documents import Paths, _values, show
from b2bconform.engine.checks.registry import CheckContext, Outcome, check
from b2bconform.engine.documents import xml_root
from b2bconform.engine.model import NO_JSON, Violation
from b2bconform.engine.pointers import resolve
from b2bconform.engine.recordings import is_placeholder

XS = "http://www.w3.org/2001/XMLSchema"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
WSA_NS = "http://www.w3.org/2005/08/addressing"


@lru_cache(maxsize=16)
def _schema(path: Path, any_order: bool = False) -> xmlschema.XMLSchema:
    # Compiled once per run: building an XSD is far slower than validating with it.
    if not any_order:
        return xmlschema.XMLSchema(str(path))
    # The same schemas with every sequence of single members turned into xs:all (any order): written
    # next to each other in a scratch folder so their relative imports still resolve.
    with tempfile.TemporaryDirectory(prefix="b2bconform-xsd-") as folder:
        for source in path.parent.glob("*.xsd"):
            tree = etree.parse(str(source))
            for sequence in list(tree.iter(f"{{{XS}}}sequence")):
                if _single_members(sequence):
                    sequence.tag = f"{{{XS}}}all"
            tree.write(str(Path(folder) / source.name))
        return xmlschema.XMLSchema(str(Path(folder) / path.name))


def _single_members(sequence: Any) -> bool:
    """Whether a sequence holds only elements that occur at most once (what xs:all may hold)."""
    members = [c for c in sequence if isinstance(c.tag, str)]
    return bool(members) and all(
        c.tag == f"{{{XS}}}element" and c.get("maxOccurs", "1") in ("0", "1") for c in members
    )


def _without(target: Any, paths: Sequence[str]) -> Any:
    """A copy of ``target`` without the elements at ``paths`` (local names below it, "/"-separated)."""
    if not paths:
        return target
    copied = copy.deepcopy(target)
    for path in paths:
        nodes = [copied]
        for name in path.strip("/").split("/"):
            nodes = [
                c for n in nodes for c in n if isinstance(c.tag, str) and etree.QName(c).localname == name
            ]
        for node in nodes:
            node.getparent().remove(node)
    return copied


def _local_path(element: Any) -> str:
    parts = []
    while element is not None:
        parts.append(etree.QName(element).localname)
        element = element.getparent()
    return "/" + "/".join(reversed(parts))


@check("xsd_valid")
def xsd_valid(
    ctx: CheckContext, *, schema: str, element: str, any_order: bool = False, without: Sequence[str] = ()
) -> Outcome:
    """Every element named ``element`` (local name) in the message validates against ``schema``.

    ``any_order``: members that occur once may come in any order; ``without``: elements at these
    paths below ``element`` (local names) are left out before validating (members one reading allows).
    """
    message = ctx.exchange.request if ctx.rule.is_request_side else ctx.exchange.response
    root = xml_root(message.body) if message is not None and message.body else None
    if root is None or ctx.contract_root is None:
        return None
    targets = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == element]
    if not targets:
        return None
    compiled = _schema(ctx.contract_root / schema, any_order)
    out = []
    for target in targets:
        for error in compiled.iter_errors(_without(target, without)):
            # xmlschema's path is in Clark notation ({namespace}local); findings use local names
            tail = re.sub(r"\{[^}]*\}", "", error.path or "").split(etree.QName(target).localname, 1)[-1]
            where = _local_path(target) + tail
            reason = (error.reason or error.message).split("\n")[0][:200]
            obj = error.obj
            received = obj if isinstance(obj, str) else (getattr(obj, "text", None) or "")
            out.append(Violation(where, f"valid per {schema}: {reason}", show(received)))
    return out


def _text(node: Any) -> str:
    """All text under a tree node (attributes such as xml:lang are not text)."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return " ".join(_text(v) for k, v in node.items() if not k.startswith("@"))
    if isinstance(node, list):
        return " ".join(_text(v) for v in node)
    return ""


@check("soap_fault")
def soap_fault(ctx: CheckContext) -> Outcome:
    """The response is a SOAP Fault with a code and a reason (SOAP 1.1 faultcode/faultstring or 1.2 Code/Reason)."""
    document = ctx.response_document
    if document is NO_JSON:
        return [Violation("/Envelope/Body/Fault", "a SOAP Fault", "no XML body")]
    faults = [value for _, value in resolve(document, "/Envelope/Body/Fault")]
    if not faults or not isinstance(faults[0], dict):
        return [Violation("/Envelope/Body/Fault", "a SOAP Fault", "absent")]
    fault = faults[0]
    code = _text(fault.get("faultcode") or fault.get("Code"))
    reason = _text(fault.get("faultstring") or fault.get("Reason"))
    missing = [name for name, value in (("code", code), ("reason", reason)) if not value.strip()]
    return (
        [Violation("/Envelope/Body/Fault", "a fault code and reason", "without " + ", ".join(missing))]
        if missing
        else []
    )


@check("code_table")
def code_table(
    ctx: CheckContext,
    *,
    path: str,
    code: str,
    description: str,
    table: Mapping[str, str],
    unknown_codes: str = "fail",
) -> Outcome:
    """In each element at ``path``, member ``description`` is the table's description of member ``code``."""
    holders = [
        (w, v) for w, v in _values(ctx, path) or [] if isinstance(v, dict) and isinstance(v.get(code), str)
    ]
    if not holders:
        return None
    out = []
    for where, holder in holders:
        value = holder[code]
        if value not in table:
            if unknown_codes == "fail":
                out.append(Violation(f"{where}/{code}", "a code of the status table", show(value)))
            continue
        said = holder.get(description)
        if said is None or " ".join(str(said).split()) != table[value]:
            out.append(Violation(f"{where}/{description}", f'"{table[value]}" for code {value}', show(said)))
    return out


@check("only_when_asked")
def only_when_asked(ctx: CheckContext, *, path: Paths, request_path: str, yes: list[str]) -> Outcome:
    """Elements at ``path`` appear only when the request's flag at ``request_path`` is one of ``yes``."""
    request = ctx.request_document
    flags = [v for _, v in resolve(request, request_path)] if request is not NO_JSON else []
    asked = bool(flags) and str(flags[0]).strip() in yes
    found = _values(ctx, path)
    if found is None:
        return None
    if asked:
        return []
    return [
        Violation(w, f"absent: the request did not ask ({request_path} not in {yes})", show(v))
        for w, v in found
    ]


@check("fields_equal")
def fields_equal(ctx: CheckContext, *, path: str, other_path: str, pad_to: int | None = None) -> Outcome:
    """``path`` holds the same value as ``other_path`` (zero-padded to ``pad_to`` when given)."""
    document = ctx.subject
    if document is NO_JSON:
        return None
    found = [(w, v) for w, v in resolve(document, path) if isinstance(v, str)]
    others = [v for _, v in resolve(document, other_path) if isinstance(v, str)]
    if not found or not others:
        return None
    expected = others[0].strip().zfill(pad_to) if pad_to else others[0]
    return [
        Violation(w, f"{show(expected)}, as at {other_path}", show(v))
        for w, v in found
        if (v.strip().zfill(pad_to) if pad_to else v) != expected
    ]


@check("matches_request")
def matches_request(
    ctx: CheckContext,
    *,
    path: Paths,
    request_path: str,
    if_request_path: str | None = None,
    if_request_in: Sequence[str | None] = (),
    none: bool = False,
) -> Outcome:
    """Each value at ``path`` (in the response) is one the request sent at ``request_path``; zero-padding ignored.

    With ``if_request_path``, applies only when the request's value there is in ``if_request_in``
    (``null`` in the list stands for "absent", for a member with a documented default). ``none``: the
    other way round, no value at ``path`` is one sent (an answer to another query altogether).
    """
    request = ctx.request_document
    if if_request_path is not None:
        flags = [v for _, v in resolve(request, if_request_path)] if request is not NO_JSON else []
        if (flags[0].strip() if flags and isinstance(flags[0], str) else None) not in if_request_in:
            return None
    sent = (
        [v for _, v in resolve(request, request_path) if isinstance(v, str)] if request is not NO_JSON else []
    )
    found = [(w, v) for w, v in _values(ctx, path) or [] if isinstance(v, str)]
    if not sent or not found:
        return None
    normal = {s.strip().lstrip("0") for s in sent}
    if none:
        return [
            Violation(w, "none of the numbers queried: " + ", ".join(sent), show(v))
            for w, v in found
            if v.strip().lstrip("0") in normal
        ]
    return [
        Violation(w, "one of the numbers queried: " + ", ".join(sent), show(v))
        for w, v in found
        if v.strip().lstrip("0") not in normal
    ]


@check("soap12_addressing")
def soap12_addressing(
    ctx: CheckContext, *, header: str, value: str | None = None, required: str = "always"
) -> Outcome:
    """A SOAP 1.2 response's WS-Addressing ``header`` (Action, RelatesTo) is present and holds ``value``;
    a RelatesTo names the request's wsa:MessageID where the request sent one. ``required``: "always",
    or "with_message_id" (only when the request sent a wsa:MessageID for it to answer).
    A SOAP 1.1 response (no WS-Addressing in its binding) is not judged."""
    response = ctx.exchange.response
    root = xml_root(response.body) if response is not None and response.body else None
    if root is None or etree.QName(root).namespace != SOAP12_NS:
        return None
    path = f"/Envelope/Header/{header}"
    found = root.findall(f"{{{SOAP12_NS}}}Header/{{{WSA_NS}}}{header}")
    if not found:
        needed = required == "always" or _message_id(ctx) is not None
        return [Violation(path, f"a wsa:{header} header", "absent")] if needed else []
    expected = value if value is not None else _message_id(ctx) if header == "RelatesTo" else None
    said = (found[0].text or "").strip()
    if expected is None or said == expected:
        return []
    return [Violation(path, show(expected), show(said))]


def _message_id(ctx: CheckContext) -> str | None:
    """The request's wsa:MessageID, which a RelatesTo answers; None when it sent none."""
    request = ctx.exchange.request
    root = xml_root(request.body) if request.body else None
    found = root.find(f"*/{{{WSA_NS}}}MessageID") if root is not None else None
    return (found.text or "").strip() if found is not None else None


@check("xml_envelope")
def xml_envelope(ctx: CheckContext) -> Outcome:
    """The body is well-formed XML whose root is a SOAP Envelope with a Body."""
    message = ctx.exchange.request if ctx.rule.is_request_side else ctx.exchange.response
    if message is None or not message.body:
        return None
    root = xml_root(message.body)
    if root is None:
        return [
            Violation(
                "", "a well-formed SOAP envelope", f"{len(message.body)} bytes that are not well-formed XML"
            )
        ]
    children = [etree.QName(c).localname for c in root if isinstance(c.tag, str)]
    if etree.QName(root).localname != "Envelope" or "Body" not in children:
        return [
            Violation(
                "/" + etree.QName(root).localname,
                "an Envelope with a Body",
                "root " + etree.QName(root).localname,
            )
        ]
    return []


@check("present")
def present(ctx: CheckContext, *, path: str) -> Outcome:
    """Something exists at ``path`` (unlike ``required``, also when its parents are missing)."""
    document = ctx.subject
    if document is NO_JSON:
        return None
    return [] if any(True for _ in resolve(document, path)) else [Violation(path, "present", "absent")]


@check("text_matches")
def text_matches(
    ctx: CheckContext, *, path: Paths, regex: str, meaning: str | None = None, secret: bool = False
) -> Outcome:
    """The text of each element at ``path`` matches ``regex`` in full, also where the element carries
    attributes (a WS-Security Password with its Type). ``secret``: findings give the text's length only,
    and a recorder's mask in its place is not judged (it says nothing of what was sent)."""
    found = [(w, v.get("#text", "") if isinstance(v, dict) else v) for w, v in _values(ctx, path) or []]
    texts = [(w, v) for w, v in found if isinstance(v, str) and not (secret and is_placeholder(v))]
    if not texts:
        return None
    compiled = re.compile(regex)
    return [
        Violation(w, meaning or f"matching {regex}", f"{len(v)} characters" if secret else show(v))
        for w, v in texts
        if not compiled.fullmatch(v)
    ]

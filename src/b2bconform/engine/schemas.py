"""The schemas of a contract's spec, as the rules' pointers name their members: an OpenAPI
operation's request body schema with its local ``$ref``s inlined, the schemas at a rule's pointer
(``*``: any element of an array), and, for a SOAP contract, the XSD facets of the element a
pointer names. Generation narrows by rules; a rule that leaves a bound unwritten takes it from
them, so a length is written once, in the spec."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["inlined", "request_body_schemas", "schemas_at", "xsd_facets"]

_MAX_CHAIN = 32  # references followed within one another: more than any contract nests


def request_body_schemas(spec: dict[str, Any], operation: str) -> list[dict[str, Any]]:
    """Every media type's request body schema of ``operation`` (the spec's own objects, not copies)."""
    for item in (spec.get("paths") or {}).values():
        for definition in (item or {}).values() if isinstance(item, dict) else ():
            if isinstance(definition, dict) and definition.get("operationId") == operation:
                body = inlined(spec, definition.get("requestBody") or {})
                content = body.get("content") if isinstance(body, dict) else None
                return [
                    media["schema"]
                    for media in (content or {}).values()
                    if isinstance(media, dict) and isinstance(media.get("schema"), dict)
                ]
    return []


def inlined(spec: dict[str, Any], node: Any, chain: tuple[str, ...] = ()) -> Any:
    """``node`` with every local ``$ref`` replaced by a copy of what it names; a reference back into
    its own chain (a recursive schema) becomes ``{}``, any value, so the copy is finite."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if ref in chain or len(chain) >= _MAX_CHAIN:
                return {}
            target: Any = spec
            for token in ref[2:].split("/"):
                name = token.replace("~1", "/").replace("~0", "~")
                target = target.get(name) if isinstance(target, dict) else None
            return inlined(spec, target, (*chain, ref))
        return {key: inlined(spec, value, chain) for key, value in node.items()}
    if isinstance(node, list):
        return [inlined(spec, value, chain) for value in node]
    return node


def schemas_at(schema: Any, pointer: str, *, case_sensitive: bool = True) -> list[dict[str, Any]]:
    """The schemas of the members ``pointer`` names in an inlined ``schema`` (``case_sensitive``
    False: a member named in another case is the same member, as some contracts' rules read them)."""
    found = [schema]
    for token in [part for part in pointer.split("/") if part]:
        step = []
        for node in (part for whole in found for part in _parts(whole)):
            if not isinstance(node, dict):
                continue
            properties = node.get("properties") or {}
            if token == "*" and isinstance(node.get("items"), dict):
                step.append(node["items"])
            elif isinstance(properties.get(token), dict):
                step.append(properties[token])
            elif not case_sensitive:  # a contract whose members compare case-insensitively
                step += [
                    v
                    for k, v in properties.items()
                    if k.casefold() == token.casefold() and isinstance(v, dict)
                ]
        found = step
    return [node for node in found if isinstance(node, dict)]


def _parts(node: Any) -> list[Any]:
    """``node`` and the schemas composed into it (allOf, anyOf, oneOf), where members are also named."""
    if not isinstance(node, dict):
        return []
    composed = [
        part for key in ("allOf", "anyOf", "oneOf") for part in node.get(key) or [] if isinstance(part, dict)
    ]
    return [node, *(deeper for part in composed for deeper in _parts(part))]


def xsd_facets(root: Path, pointer: str) -> list[dict[str, Any]]:
    """The ``maxLength`` and ``enum`` (as text) the XSDs of the contract at ``root`` give the element
    a SOAP rule's pointer names (``/Envelope/Body/<operation element>/...``), one entry per XSD that
    declares it; an entry holds only the facets its type has."""
    tokens = [token for token in pointer.split("/") if token and token != "*"]
    if tokens[:2] != ["Envelope", "Body"] or len(tokens) < 3:
        return []
    found = []
    for schema in _xsds(root):
        for element in schema.elements.values():
            node: Any = element if element.local_name == tokens[2] else None
            for token in tokens[3:]:
                if node is None:
                    break
                node = next((child for child in node.iterchildren() if child.local_name == token), None)
            if node is None:
                continue
            facets: dict[str, Any] = {}
            if getattr(node.type, "max_length", None) is not None:
                facets["maxLength"] = int(node.type.max_length)
            if getattr(node.type, "enumeration", None):
                facets["enum"] = [str(value) for value in node.type.enumeration]
            found.append(facets)
    return found


@cache
def _xsds(root: Path) -> tuple[Any, ...]:
    import xmlschema  # only where a rule leaves a bound to its XSD

    return tuple(xmlschema.XMLSchema(str(path)) for path in sorted(root.glob("*.xsd")))

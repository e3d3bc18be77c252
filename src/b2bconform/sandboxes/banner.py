"""What a client needs to call a served sandbox (the banner ``b2bconform sandbox serve`` prints):
the base URL (and the WSDL URL, or the token URL and tenant, where the API has one), the
operations, and every credential: what it is, where it is sent, the environment variable a
shipped live profile reads it from, and each site's demo value. The facts come from where they
live: the sandbox (its URLs and demo values), the contract (operations, where each credential
goes, what it is) and the shipped profiles (the variables). Values given in place of the demo ones
are never printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from b2bconform.errors import UsageError
from b2bconform.locations import profile_dirs
from b2bconform.sandboxes.base import Sandbox

if TYPE_CHECKING:
    from b2bconform.engine.contract import Contract, Operation

__all__ = ["CredentialGuide", "banner", "credential_guides"]


@dataclass(frozen=True)
class CredentialGuide:
    """One credential a conforming client presents, as the banner explains it."""

    name: str  # as ``Sandbox.client_credentials`` names it
    what: str  # what it is (the contract's description, else the sandbox's note)
    where: str  # where the client sends it (header, URL path, form field, body member, SOAP header)
    variables: str  # the environment variables shipped live profiles read it from, or why there are none
    values: tuple[str, ...] | None  # each site's value (the demo ones); None when not to be shown


def _contract(api: str) -> Contract:
    from b2bconform.engine.contract import Contract  # the contract layer sits above the sandboxes

    return Contract.load(api)


def _resolve(spec: Mapping[str, Any], node: Any) -> Any:
    """``node`` with its local ``$ref`` followed (a dict, or {} when it points nowhere)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node = target
    return node if isinstance(node, dict) else {}


@dataclass(frozen=True)
class _Op:
    """A contract operation with its OpenAPI path item and definition."""

    operation: Operation
    item: dict[str, Any]  # the path item
    definition: dict[str, Any]  # the operation

    @property
    def label(self) -> str:
        return f"{self.operation.method} {self.operation.template} ({self.operation.id})"

    @property
    def own_server(self) -> bool:
        """Served by a host of its own (Westcon REST's Azure AD token endpoint), not the API's."""
        return bool(self.item.get("servers") or self.definition.get("servers"))

    def parameters(self, spec: Mapping[str, Any]) -> list[dict[str, Any]]:
        listed = [*(self.item.get("parameters") or []), *(self.definition.get("parameters") or [])]
        return [_resolve(spec, parameter) for parameter in listed]


def _operations(contract: Contract) -> list[_Op]:
    """The contract's operations, its read-only ones first (the ones a client may try freely)."""
    paths = contract.spec.get("paths") or {}
    found = [
        _Op(operation, paths[operation.template], definition)
        for operation in contract.operations
        if isinstance(definition := paths[operation.template].get(operation.method.lower()), dict)
    ]
    read_only = set(contract.rules.read_only_operations)
    return sorted(found, key=lambda op: op.operation.id not in read_only)


def _summary(text: Any) -> str:
    """The first statement of a description, without the document-line references."""
    if not isinstance(text, str) or not text.strip():
        return ""
    text = re.sub(r"\s*\((?:lines?|§)[^)]*\)", "", " ".join(text.split()))
    text = re.split(r"(?<=\.)\s|;\s", text, maxsplit=1)[0].rstrip(".:; ")
    return text + "." if text else ""


def _members(spec: Mapping[str, Any], schema: Any, name: str, at: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, description) of every property called ``name`` in a request body schema."""
    schema = _resolve(spec, schema)
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key) or []:
            yield from _members(spec, part, name, at)
    if "items" in schema:
        yield from _members(spec, schema["items"], name, at + "[]")
    for member, definition in (schema.get("properties") or {}).items():
        path = f"{at}.{member}" if at else member
        if member == name:
            yield path, _summary(_resolve(spec, definition).get("description"))
        else:
            yield from _members(spec, definition, name, path)


def _locate(contract: Contract, name: str) -> tuple[str, str] | None:
    """(where the client sends credential ``name``, what the contract says it is), from the spec:
    a header (parameter or security scheme), a URL path segment ``{name}``, or a request body member."""
    spec = contract.spec
    operations = _operations(contract)
    for op in operations:
        for parameter in op.parameters(spec):
            where = parameter.get("in")
            if where in ("header", "query", "cookie") and str(parameter.get("name")).lower() == name.lower():
                return f"{where} {parameter['name']} of {op.label}", _summary(parameter.get("description"))
    schemes = (spec.get("components") or {}).get("securitySchemes") or {}
    for scheme in (_resolve(spec, scheme) for scheme in schemes.values()):
        if scheme.get("type") == "apiKey" and str(scheme.get("name")).lower() == name.lower():
            where = f"{scheme.get('in')} {scheme['name']} (every operation)"
            return where, _summary(scheme.get("description"))
    for op in operations:
        for parameter in op.parameters(spec):
            if parameter.get("in") == "path" and f"{{{parameter.get('name')}}}" == name:
                where = f"URL path segment {name}, e.g. {op.label}"
                return where, _summary(parameter.get("description"))
    for op in operations:
        for media_type, schema in _request_bodies(spec, op):
            for path, description in _members(spec, schema, name):
                kind = "form field" if "form" in media_type else "JSON body member"
                return f"{kind} {path} of {op.label}", description
    return None


def _request_bodies(spec: Mapping[str, Any], op: _Op) -> list[tuple[str, dict[str, Any]]]:
    """(media type, schema) of each request body ``op`` documents."""
    content = _resolve(spec, op.definition.get("requestBody")).get("content") or {}
    return [
        (media_type, _resolve(spec, body.get("schema")))
        for media_type, body in content.items()
        if isinstance(body, dict)
    ]


def _profile_variables(api: str) -> dict[str, str]:
    """Credential name (lower-cased) -> the variables the shipped live profiles of ``api`` read it
    from (``MODUSLINK_CLIENT_AUTH_KEY, site 1: MODUSLINK_SITE2_CLIENT_AUTH_KEY (profile ...)``)."""
    from b2bconform.targets import load_profile  # the targets layer sits above

    folders = [folder for folder in profile_dirs() if folder.parent.name == api]
    paths = [
        *(path for folder in folders for path in sorted(folder.glob("*.yaml"))),
        *(path for folder in folders for path in sorted((folder / "examples").glob("*.yaml"))),
    ]
    by_name: dict[str, dict[str, list[str]]] = {}
    for path in paths:
        try:
            profile = load_profile(str(path))
        except UsageError:
            continue  # a broken profile is `b2bconform run`'s to report, not the banner's
        if profile.api != api:
            continue
        label = path.stem if path.parent.name != "examples" else f"examples/{path.stem}"
        sites: dict[str, list[str]] = {}
        for site, section in enumerate((profile.credentials, profile.alternate_credentials)):
            for name, variable in section.items():
                known = sites.setdefault(name.lower(), [])
                if variable not in known:
                    known.append(variable if not site else f"site 1: {variable}")
        for name, variables in sites.items():
            by_name.setdefault(name, {}).setdefault(", ".join(variables), []).append(label)
    return {
        name: "; ".join(
            f"{variables} (profile{'s' if len(labels) > 1 else ''} {', '.join(labels)})"
            for variables, labels in found.items()
        )
        for name, found in by_name.items()
    }


def credential_guides(sandbox: Sandbox, *, given: bool = False) -> list[CredentialGuide]:
    """Every credential ``sandbox`` accepts, explained; ``given``: its values are the caller's, not shown."""
    contract = _contract(sandbox.api)
    notes: Mapping[str, str] = getattr(sandbox, "credential_notes", {})
    locations: Mapping[str, str] = getattr(sandbox, "credential_locations", {})
    variables = _profile_variables(sandbox.api)
    sites = [sandbox.client_credentials(site) for site in range(len(sandbox.credential_sites))]
    guides = []
    for name in sites[0]:
        # the contract says where a credential goes; the sandbox only where the contract cannot (SOAP)
        where, what = _locate(contract, name) or (locations.get(name, "(the contract does not say)"), "")
        guides.append(
            CredentialGuide(
                name=name,
                what=what or notes.get(name, ""),
                where=where,
                variables=variables.get(name.lower(), "none: no shipped profile names one"),
                values=None if given else tuple(site[name] for site in sites),
            )
        )
    return guides


def _token_lines(sandbox: Sandbox, contract: Contract, url: str) -> list[str]:
    """The token URL, the tenant and how the token is presented, for an API behind an OAuth2 token
    endpoint the sandbox serves (``token_path``; Westcon REST's Azure AD)."""
    token_path: str | None = getattr(sandbox, "token_path", None)
    if not token_path:
        return []
    how = ""
    for operation in (op for op in _operations(contract) if op.operation.regex.fullmatch(token_path)):
        for media_type, schema in _request_bodies(contract.spec, operation)[:1]:
            fields = []
            for field, definition in (schema.get("properties") or {}).items():
                const = _resolve(contract.spec, definition).get("const")
                fields.append(field if const is None else f"{field}={const}")  # grant_type=client_credentials
            how = (
                f" ({operation.operation.id}: {operation.operation.method} {media_type}: {', '.join(fields)})"
            )
    lines = [f"  token URL:   {url}{token_path}{how}"]
    tenant: str | None = getattr(sandbox, "tenant", None)
    if tenant:
        accepted = getattr(sandbox, "accepted_tenants", lambda: (tenant,))()
        others = [other for other in accepted if other != tenant]
        also = ""
        if others:
            example = url + token_path.replace(tenant, others[0])
            also = f" (the contract's example tenant {', '.join(others)} is served too: {example})"
        lines.append(f"  tenant:      {tenant}{also}")
    schemes = (contract.spec.get("components") or {}).get("securitySchemes") or {}
    if any(
        str(_resolve(contract.spec, scheme).get("scheme")).lower() == "bearer" for scheme in schemes.values()
    ):
        lines.append(
            "  then:        header Authorization: Bearer <access_token from the token URL> on every API operation"
        )
    return lines


def banner(sandbox: Sandbox, url: str, *, given: bool = False) -> str:
    """What ``sandbox serve`` prints for ``sandbox`` served at ``url``: the URLs, the operations and
    every credential; ``given``: the credentials are the caller's, so no value is printed."""
    contract = _contract(sandbox.api)
    running = f" with fault {sandbox.fault}" if sandbox.fault else ""
    sites = len(sandbox.credential_sites)
    shown = f"the {sites} site(s) given, not shown" if given else "the sandbox's demo values, below"
    lines = [
        f"{sandbox.api} sandbox{running} serving on {url} (credentials: {shown})",
        f"  base URL:    {url}",
    ]
    service_path: str | None = getattr(sandbox, "service_path", None)
    if service_path:
        names = ", ".join(sorted(contract.soap_operations)) or "(none)"
        lines.append(f"  service URL: {url}{service_path} (SOAP operations: {names}, by POST)")
        lines.append(f"  WSDL URL:    {url}{service_path}?wsdl")
    operations = [op for op in _operations(contract) if not op.own_server]
    if operations:
        listed = "; ".join(op.label for op in operations[:4])
        more = (
            f"; and {len(operations) - 4} more (the contract's openapi.yaml)" if len(operations) > 4 else ""
        )
        lines.append(f"  operations:  {listed}{more}")
    lines.extend(_token_lines(sandbox, contract, url))
    if given:
        lines.append("  credentials: the values given in place of the demo ones (never printed)")
    else:
        second = "; site 1 is a second site (another partner or account)" if sites > 1 else ""
        lines.append(
            f"  credentials: sandbox-only demo values, not the vendor's sample keys; site 0 is enough{second}"
        )
    for guide in credential_guides(sandbox, given=given):
        lines.append(f"    {guide.name}" + (f" - {guide.what}" if guide.what else ""))
        lines.append(f"      sent as:    {guide.where}")
        lines.append(f"      live env:   {guide.variables}")
        if guide.values is None:
            lines.append("      value:      not shown (given in place of the demo value)")
        else:
            values = "; ".join(f"{value} (site {site})" for site, value in enumerate(guide.values))
            lines.append(f"      demo value: {values}")
    return "\n".join(lines)

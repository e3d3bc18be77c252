"""A recording says only what it kept.

Recorders remove and replace secrets: VCR.py's ``filter_headers`` and
``filter_post_data_parameters`` drop them or put a placeholder in their place (``REDACTED``), and
schemathesis's reports write ``[Filtered]``. What a recording does not show is unknown, never
absent: the rules that read it are *not judged* on that exchange, with the reason. Only recorded
exchanges (``Exchange.recorded``, set by the traffic readers) are read this way; traffic the
harness sends itself shows everything it sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from b2bconform.engine.model import Exchange
from b2bconform.engine.secrets import GENERIC_FIELDS, GENERIC_HEADERS, declared_secrets

__all__ = [
    "PRESENCE_CHECKS",
    "WHOLE_REQUEST_CHECKS",
    "Unknown",
    "hidden_from",
    "is_placeholder",
    "names_read",
    "recorder_filtered",
    "unknown_parts",
]


def recorder_filtered() -> frozenset[str]:
    """The credentials recorders remove (lower case): the secret headers and fields, generic and
    declared by the contracts, and the OAuth2 client id that VCR.py users filter with the client
    secret. A rule reading one of them cannot tell from a recording that it was not sent."""
    headers, fields = declared_secrets()
    return frozenset(
        name.lower() for name in (*GENERIC_HEADERS, *GENERIC_FIELDS, *headers, *fields, "client_id")
    )


# What recorders and people put where a secret was: masks, [Filtered], REDACTED, <SECRET>, ...,
# alone or after an auth scheme ("Bearer [Filtered]").
_PLACEHOLDER = re.compile(
    r"(?i)^\s*(?:(?:bearer|basic|digest|token)\s+)?"
    r"[\[<({]?\s*(?:\*{3,}|filtered|redacted|removed|masked|hidden|secret|sanitized|scrubbed|"
    r"obfuscated|x{3,}|\.\.\.|…)\s*[\]>)}]?\s*$"
)
_DEPTH = 6  # how deep request documents are searched for placeholders


def is_placeholder(value: Any) -> bool:
    """A recorder's stand-in for a value it did not keep (a JSON null counts only for credentials)."""
    return isinstance(value, str) and _PLACEHOLDER.match(value) is not None


@dataclass(frozen=True)
class Unknown:
    """A part of a recorded request the recording does not show: ``removed`` (not there at all: it
    may have been sent) or replaced by a placeholder (it was sent; its value is unknown)."""

    removed: bool
    reason: str


# Checks that judge a request by everything it holds ("breaks no documented rule"): a recording that
# hides part of the request cannot be judged by them.
WHOLE_REQUEST_CHECKS = frozenset({"accepts_conforming"})
BODY = "<request body>"  # the key of a request body the recording did not keep
# Checks that read the request's headers, not its body: judged whatever became of the body.
HEADER_CHECKS = frozenset({"header_present", "content_type", "https"})
# Checks that only ask whether a part is there: a placeholder answers them (the recorder replaced
# a value that was sent), a removed part does not.
PRESENCE_CHECKS = frozenset({"header_present", "required", "any_present", "present", "not_empty"})


def unknown_parts(
    exchange: Exchange, request_document: Any, credentials: Iterable[str]
) -> dict[str, Unknown]:
    """Lower-cased names of the request's headers and fields that the recording does not show: a
    value a recorder replaced, or a credential that is not there (recorders remove credentials, so
    its absence says nothing). Empty for traffic that was not recorded."""
    if not exchange.recorded:
        return {}
    unknown: dict[str, Unknown] = {}
    headers = exchange.request.headers
    if _body_not_kept(exchange):
        unknown[BODY] = Unknown(
            True, "the recording did not keep the request body (Content-Length says it had one)"
        )
    for name, value in headers.items():
        if is_placeholder(value):
            unknown[name.lower()] = Unknown(
                False, f"the recording replaced header {name}'s value with a placeholder"
            )
    fields = dict(_fields(request_document, _DEPTH))
    for name, value in fields.items():
        if is_placeholder(value):
            unknown.setdefault(
                name.lower(),
                Unknown(False, f"the recording replaced field {name}'s value with a placeholder"),
            )
    lowered = {name.lower(): value for name, value in fields.items()}
    present = {name.lower() for name in headers} | lowered.keys()
    for name in credentials:
        key = name.lower()
        if key not in present:
            unknown.setdefault(
                key, Unknown(True, f"the recording does not show {name}: recorders remove credentials")
            )
        elif lowered.get(key, "") is None:
            unknown.setdefault(key, Unknown(False, f"the recording replaced {name} with null"))
    return unknown


def _body_not_kept(exchange: Exchange) -> bool:
    request = exchange.request
    if (request.body or b"").strip():
        return False
    length = (request.headers.get("Content-Length") or "").strip()
    return length.isdigit() and int(length) > 0


def hidden_from(
    check: str | None, params: Mapping[str, Any], unknown: Mapping[str, Unknown], *, request_side: bool
) -> str | None:
    """Why a rule (its check and parameters) cannot be judged on a recording that does not show
    ``unknown``, or None when it can: a request rule that reads none of it, or only asks whether a
    replaced part is there; a response rule unless it judges the request whole."""
    if not unknown:
        return None
    if not request_side:
        if check not in WHOLE_REQUEST_CHECKS:
            return None
        shown = ", ".join(sorted(unknown))
        return f"the recording does not show the whole request ({shown}), so whether it broke a rule cannot be told"
    if BODY in unknown and check not in HEADER_CHECKS:
        return unknown[BODY].reason
    presence_only = check in PRESENCE_CHECKS and not params.get("pattern")
    reasons = [
        unknown[name].reason
        for name in sorted(names_read(params))
        if name in unknown and (unknown[name].removed or not presence_only)
    ]
    return "; ".join(reasons) or None


def _fields(document: Any, depth: int) -> Iterator[tuple[str, Any]]:
    """(name, value) of every member of the request document, nested members included."""
    if depth <= 0:
        return
    if isinstance(document, Mapping):
        for name, value in document.items():
            if name == "#text":
                continue  # an XML element's text: named by its element, below
            yield str(name), value
            if isinstance(value, Mapping) and "#text" in value:
                yield str(name), value["#text"]  # <Password Type="...">text</Password>
            yield from _fields(value, depth - 1)
    elif isinstance(document, list):
        for item in document[:50]:
            yield from _fields(item, depth - 1)


def names_read(params: Mapping[str, Any]) -> set[str]:
    """Lower-cased header and field names a rule's check parameters read (``name``, the last step
    of ``path``/``paths``/``other_path``), so that a rule reading an unknown part is not judged."""
    names: set[str] = set()
    for key in ("name", "path", "paths", "other_path", "field", "fields"):
        value = params.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item:
                last = item.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
                names.add(re.sub(r"\[.*\]$", "", last).lower())
    return names

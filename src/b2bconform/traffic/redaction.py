"""One redaction layer for everything that leaves the process: cassettes, attachments, reports, logs.

Two mechanisms, both needed: header *names* and body field / XML element *names* known to carry
secrets are masked whatever their value, and secret *values* (credentials read from the
environment, as sent and percent-encoded) are scrubbed wherever they appear — URL paths, bodies,
messages — because a vendor may echo a key where no name marks it. Log records pass through the
same redactors (``install_log_redaction``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, quote_plus

from b2bconform.engine.model import Exchange, Finding, Headers, Request, Response
from b2bconform.engine.secrets import (
    GENERIC_FIELDS,
    GENERIC_HEADERS,
    NOT_SECRET_CREDENTIALS,
    declared_secrets,
)

if TYPE_CHECKING:
    from b2bconform.engine.contract import Judgement

__all__ = [
    "MASK",
    "NOT_SECRET_CREDENTIALS",
    "RedactingFilter",
    "Redactor",
    "install_log_redaction",
    "redact_exception",
    "redact_text",
    "secret_fields",
    "secret_headers",
    "secret_pattern",
]

MASK = "***"


def secret_headers() -> frozenset[str]:
    """Header names (lower case) whose value is masked whatever it is: the generic ones and those
    the contracts declare secret (``engine.secrets``)."""
    return frozenset(name.lower() for name in (*GENERIC_HEADERS, *declared_secrets()[0]))


def secret_fields() -> tuple[str, ...]:
    """Body field and XML element names whose value is masked whatever it is."""
    return (*GENERIC_FIELDS, *declared_secrets()[1])


def _spellings(name: str) -> str:
    """A name as a pattern matching its spellings: client_secret, clientSecret, client-secret."""
    words = [w for w in re.split(r"[-_]|(?<=[a-z])(?=[A-Z])", name) if w]
    return "[-_]?".join(re.escape(word) for word in words)


@dataclasses.dataclass(frozen=True)
class _NamePatterns:
    json_field: re.Pattern[str]
    form_field: re.Pattern[str]
    xml_element: re.Pattern[str]


@functools.cache
def _name_patterns() -> _NamePatterns:
    """The patterns of the secret names, built once the contracts' names are known."""
    names = "|".join(_spellings(name) for name in secret_fields())
    query = "|".join(
        _spellings(name) for name in (*secret_fields(), "api_key", "key", "token", "sig", "signature")
    )
    return _NamePatterns(
        # "access_token": "eyJ…" in JSON (escaped quotes inside the value included; a number too, as
        # an id may be numeric). An empty value stays empty: masking it would make a missing secret
        # a present one.
        re.compile(r'("(?:' + names + r')"\s*:\s*)(?:"((?:[^"\\]|\\.)+)"|(-?\d[\d.eE+-]*))', re.IGNORECASE),
        # client_secret=… in a query string or form, and the names APIs commonly give a key there
        re.compile(r"((?:^|[?&])(?:" + query + r")=)([^&#\s]+)", re.IGNORECASE),
        # <wsse:Password Type="…#PasswordText">value</wsse:Password>, <Password>value</Password>,
        # CDATA included; <Password/> and <Password></Password> stay as they are.
        re.compile(
            r"(<(?:[\w.-]+:)?(?:" + names + r")(?=[\s>])[^>]*(?<!/)>)"
            r"((?:[^<]|<!\[CDATA\[.*?\]\]>)+)"
            r"(</(?:[\w.-]+:)?(?:" + names + r")\s*>)",
            re.IGNORECASE | re.DOTALL,
        ),
    )


# Headers whose value is "<scheme> <credentials>": only the credentials are masked.
_SCHEMED_HEADERS = frozenset({"authorization", "proxy-authorization"})
# Values shorter than this are not scrubbed by value: masking "1" everywhere would destroy evidence.
MIN_SECRET_LENGTH = 4


_XML_NAMED = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}
_JSON_SHORT = {
    '"': '\\"',
    "\\": "\\\\",
    "/": "\\/",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _spelled_char(char: str) -> str:
    """A pattern for one character of a secret in any spelling it can take on its way out: itself,
    percent-encoded (either case of hex; a space as +), JSON-escaped (short or \\uXXXX, as .NET
    writes + & ' and friends), XML-escaped (named or numeric)."""
    code = ord(char)
    options = [re.escape(char)]
    options.append("".join(f"%(?i:{byte:02x})" for byte in char.encode("utf-8")))
    if char == " ":
        options.append(r"\+")
    if code < 0x10000:
        options.append(rf"\\u(?i:{code:04x})")
    if char in _JSON_SHORT:
        options.append(re.escape(_JSON_SHORT[char]))
    if char in _XML_NAMED:
        options.append(f"&{_XML_NAMED[char]};")
    options.append(f"&#{code};|&#x(?i:0*{code:x});")
    return "(?:" + "|".join(options) + ")"


def secret_pattern(secret: str) -> re.Pattern[str]:
    """The secret (and the secret stripped: a CRLF .env file leaves a \\r) in every spelling."""
    forms = dict.fromkeys(form for form in (secret, secret.strip()) if len(form) >= MIN_SECRET_LENGTH)
    return re.compile(
        "|".join("".join(map(_spelled_char, form)) for form in sorted(forms, key=len, reverse=True))
    )


class Redactor:
    """``url_patterns``: regexes whose group 1 is what precedes a secret URL path segment (the
    ManEx API key); the segment that follows is masked wherever the URL appears, even when the
    value is not known (audited traffic)."""

    def __init__(
        self, secrets: Iterable[str] = (), headers: Iterable[str] = (), url_patterns: Iterable[str] = ()
    ) -> None:
        self._headers = secret_headers() | {h.lower() for h in headers}
        self._given = tuple(dict.fromkeys(s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH))
        self._patterns = [secret_pattern(s) for s in sorted(self._given, key=len, reverse=True)]
        # for bodies that are not UTF-8 text: the byte forms a URL or form encoder writes
        encoded = {form for s in self._given for form in (quote(s, safe=""), quote_plus(s, safe=""))}
        self._secrets = sorted({*self._given, *encoded}, key=len, reverse=True)
        self._url_patterns = tuple(dict.fromkeys(url_patterns))
        self._compiled = [re.compile(p) for p in self._url_patterns]

    def with_secrets(self, secrets: Iterable[str]) -> Redactor:
        return Redactor([*self._given, *secrets], self._headers, self._url_patterns)

    def text(self, value: str) -> str:
        for pattern in self._patterns:
            value = pattern.sub(MASK, value)
        for pattern in self._compiled:
            value = pattern.sub(_mask_after_group_1, value)
        patterns = _name_patterns()
        value = patterns.json_field.sub(_mask_json_value, value)
        value = patterns.xml_element.sub(_mask_element, value)
        return patterns.form_field.sub(_mask_after_group_1, value)

    def body(self, value: bytes | None) -> bytes | None:
        if not value:
            return value
        try:
            return self.text(value.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            for secret in self._secrets:
                value = value.replace(secret.encode("utf-8"), MASK.encode("ascii"))
            return value

    def headers(self, headers: Headers) -> Headers:
        return Headers((k, self._header(k, v)) for k, v in headers.pairs())

    def _header(self, name: str, value: str) -> str:
        if name.lower() not in self._headers:
            return self.text(value)
        scheme, _, credentials = value.strip().partition(" ")
        if name.lower() in _SCHEMED_HEADERS and credentials and scheme.isalpha():
            # "Bearer ***": the scheme is evidence a recorded call is judged on (Bearer, not Basic)
            return f"{scheme} {MASK}"
        return MASK

    def request(self, request: Request) -> Request:
        return dataclasses.replace(
            request,
            url=self.text(request.url),
            headers=self.headers(request.headers),
            body=self.body(request.body),
        )

    def response(self, response: Response) -> Response:
        return dataclasses.replace(
            response, headers=self.headers(response.headers), body=self.body(response.body) or b""
        )

    def finding(self, finding: Finding) -> Finding:
        return dataclasses.replace(
            finding,
            path=self.text(finding.path),
            expected=self.text(finding.expected),
            received=self.text(finding.received),
            message=self.text(finding.message),
        )

    def judgement(self, judgement: Judgement) -> Judgement:
        """The judgement with its exchange and every finding's text redacted; outcomes unchanged."""
        return dataclasses.replace(
            judgement,
            exchange=self.exchange(judgement.exchange),
            findings=[self.finding(f) for f in judgement.findings],
            discrepancies=[self.finding(f) for f in judgement.discrepancies],
        )

    def exchange(self, exchange: Exchange) -> Exchange:
        return dataclasses.replace(
            exchange,
            request=self.request(exchange.request),
            response=self.response(exchange.response) if exchange.response is not None else None,
            error=self.text(exchange.error) if exchange.error else exchange.error,
        )


def _mask_after_group_1(match: re.Match[str]) -> str:
    return match.group(1) + MASK


def _mask_json_value(match: re.Match[str]) -> str:
    return f'{match.group(1)}"{MASK}"'


def _mask_element(match: re.Match[str]) -> str:
    if not match.group(2).strip():
        return match.group(0)  # blank stays blank, as an empty value does
    return match.group(1) + MASK + match.group(3)


def redact_text(text: str, redactors: Iterable[Redactor]) -> str:
    """``text`` through every one of ``redactors`` (a run has one per API it reached)."""
    for redactor in redactors:
        text = redactor.text(text)
    return text


def redact_exception(error: BaseException, redact: Callable[[str], str]) -> None:
    """Redact, in place, the text an exception and the ones it was raised from print: their
    arguments, a ``msg`` (pytest's outcomes) and their notes (Hypothesis's falsifying example).
    For reporters that format the exception itself rather than a redacted report of it."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(redact(a) if isinstance(a, str) else a for a in current.args)
        message = getattr(current, "msg", None)
        if isinstance(message, str):
            with contextlib.suppress(AttributeError):  # a read-only msg: its args were redacted above
                current.msg = redact(message)  # type: ignore[attr-defined]
        notes = getattr(current, "__notes__", None)
        if isinstance(notes, list):
            current.__notes__ = [redact(n) if isinstance(n, str) else n for n in notes]
        current = current.__cause__ or current.__context__


# ── logs ───────────────────────────────────────────────────────────────────────────────────────

_REDACTED = "_b2bconform_redacted"


class RedactingFilter(logging.Filter):
    """Passes each record's message (its arguments merged in), exception and stack text through
    the redactors ``provider`` gives at that moment (a run's redactors learn tokens as it goes).

    Installed on handlers, not loggers: a logger's filter does not see what its children
    propagate (httpx logs every request URL, with the ManEx key in its path, on its own logger).
    """

    def __init__(self, provider: Callable[[], Iterable[Redactor]]) -> None:
        super().__init__()
        self._provider = provider

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _REDACTED, False):
            return True  # the first handler's filter already did it, for every handler after it
        redactors = list(self._provider())
        if not redactors:
            return True

        def redact(text: str) -> str:
            return redact_text(text, redactors)

        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # arguments that do not fit: logging would print them raw in its error report
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)  # formatters print exc_text when it is set
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        setattr(record, _REDACTED, True)
        return True


def install_log_redaction(
    provider: Callable[[], Iterable[Redactor]], handlers: Iterable[logging.Handler] = ()
) -> RedactingFilter:
    """Redact every record that the root logger's handlers, and ``handlers``, emit (pytest's live,
    file and capture handlers are not the root logger's between tests: pass them); returns the filter."""
    redacting = RedactingFilter(provider)
    for handler in (*logging.getLogger().handlers, *handlers):
        handler.addFilter(redacting)
    return redacting

"""One redaction layer for everything that leaves the process: cassettes, attachments, reports, logs.

Two mechanisms, both needed: header *names* known to carry secrets are masked whatever their
value, and secret *values* (credentials read from the environment) are scrubbed wherever they
appear — URL paths, bodies, messages — because a vendor may echo a key where no name marks it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from b2bconform.model import Exchange, Finding, Headers, Request, Response

if TYPE_CHECKING:
    from b2bconform.contract import Judgement

__all__ = ["MASK", "NOT_SECRET_CREDENTIALS", "SECRET_FIELDS", "SECRET_HEADERS", "Redactor"]

MASK = "***"
SECRET_HEADERS = frozenset(
    name.lower()
    for name in (
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "Set-Cookie",
        "Ocp-Apim-Subscription-Key",
        "ClientAuthKey",
        "ClientConfigId",
        "X-API-Key",
    )
)
# Body fields that carry a secret whatever its value (OAuth2 token requests and responses): masked
# by name, so that audited traffic whose values nobody told us is safe too.
SECRET_FIELDS = ("client_secret", "access_token", "refresh_token", "id_token", "client_assertion", "password")
_FIELD_NAMES = "|".join(SECRET_FIELDS)
# "access_token": "eyJ…" in JSON (escaped quotes inside the value included), and client_secret=… in
# a form body or query string.
# An empty value stays empty: masking it would turn a missing secret into a present one.
_JSON_FIELD = re.compile(r'("(?:' + _FIELD_NAMES + r')"\s*:\s*")((?:[^"\\]|\\.)+)(")', re.IGNORECASE)
_FORM_FIELD = re.compile(r"((?:^|[?&])(?:" + _FIELD_NAMES + r")=)([^&#\s]+)", re.IGNORECASE)
# Headers whose value is "<scheme> <credentials>": only the credentials are masked.
_SCHEMED_HEADERS = frozenset({"authorization", "proxy-authorization"})
# Credentials that identify rather than authenticate: an account number shows up in bodies as
# evidence (CustomerAccountNumber, a padded CustomerNumber) and is not scrubbed by value.
NOT_SECRET_CREDENTIALS = frozenset({"username", "client_id", "resource", "partnerkey"})
# Values shorter than this are not scrubbed by value: masking "1" everywhere would destroy evidence.
MIN_SECRET_LENGTH = 4


class Redactor:
    """``url_patterns``: regexes whose group 1 is what precedes a secret URL path segment (the
    ManEx API key); the segment that follows is masked wherever the URL appears, even when the
    value is not known (audited traffic)."""

    def __init__(
        self, secrets: Iterable[str] = (), headers: Iterable[str] = (), url_patterns: Iterable[str] = ()
    ) -> None:
        self._headers = SECRET_HEADERS | {h.lower() for h in headers}
        self._secrets = sorted(
            {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )
        self._url_patterns = tuple(dict.fromkeys(url_patterns))
        self._compiled = [re.compile(p) for p in self._url_patterns]

    def with_secrets(self, secrets: Iterable[str]) -> Redactor:
        return Redactor([*self._secrets, *secrets], self._headers, self._url_patterns)

    def text(self, value: str) -> str:
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, MASK)
        for pattern in self._compiled:
            value = pattern.sub(_mask_after_group_1, value)
        value = _JSON_FIELD.sub(_mask_group_2, value)
        return _FORM_FIELD.sub(_mask_after_group_1, value)

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


def _mask_group_2(match: re.Match[str]) -> str:
    return match.group(1) + MASK + match.group(3)

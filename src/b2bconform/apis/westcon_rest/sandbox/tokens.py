"""Access tokens shaped like Azure AD v1 JWTs, signed with a per-instance HMAC key (stdlib only).

The real tokens are RS256-signed by Azure AD; the sandbox only has to tell its own tokens from
tampered, foreign, expired or revoked ones, so a symmetric signature is enough.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from typing import Any

__all__ = ["TOKEN_LIFETIME", "TokenIssuer", "decode_claims"]

#: Seconds a token lives, as Azure AD answers in expires_in.
TOKEN_LIFETIME = 3599

_HEADER = {"typ": "JWT", "alg": "HS256"}


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _segment(value: Mapping[str, Any]) -> str:
    return _b64encode(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def _json_segment(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(_b64decode(text))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def decode_claims(token: str) -> dict[str, Any] | None:
    """The claims of a JWT-shaped token, unverified (for tests and diagnostics); None if malformed."""
    parts = token.split(".")
    return _json_segment(parts[1]) if len(parts) == 3 else None


class TokenIssuer:
    """Issues and verifies the tokens of one sandbox instance."""

    def __init__(
        self,
        *,
        audience: str,
        issuer: str,
        client_ids: Collection[str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.audience = audience
        self.issuer = issuer
        self._client_ids = frozenset(client_ids)
        self._clock = clock
        self._key = secrets.token_bytes(32)

    def _signature(self, signing_input: str) -> str:
        return _b64encode(hmac.new(self._key, signing_input.encode("ascii"), hashlib.sha256).digest())

    def sign(self, claims: Mapping[str, Any]) -> str:
        """A token carrying exactly `claims`, validly signed (tests craft wrong-audience tokens with it)."""
        signing_input = f"{_segment(_HEADER)}.{_segment(claims)}"
        return f"{signing_input}.{self._signature(signing_input)}"

    def issue(self, client_id: str, lifetime: int = TOKEN_LIFETIME) -> str:
        """A token for application `client_id`, valid for `lifetime` seconds from now (negative: expired)."""
        now = int(self._clock())
        return self.sign(
            {
                "aud": self.audience,
                "iss": self.issuer,
                "iat": now,
                "nbf": now,
                "exp": now + lifetime,
                "appid": client_id,
                "uti": uuid.uuid4().hex,  # every token differs, as Azure AD's do
                "ver": "1.0",
            }
        )

    def revoke_all(self) -> None:
        """Make every token issued so far unverifiable: a new key signs from now on."""
        self._key = secrets.token_bytes(32)

    def problem(self, token: str, *, check_expiry: bool = True) -> str | None:
        """Why `token` is refused ("malformed", "bad signature", "expired", ...), or None if it is good."""
        parts = token.split(".")
        if len(parts) != 3:
            return "malformed"
        header, claims = _json_segment(parts[0]), _json_segment(parts[1])
        if header is None or claims is None:
            return "malformed"
        # Only our own algorithm: a token claiming "none" (or anything else) is tampered with.
        if header.get("alg") != _HEADER["alg"]:
            return "bad signature"
        expected = self._signature(f"{parts[0]}.{parts[1]}")
        if not hmac.compare_digest(expected.encode("ascii"), parts[2].encode("ascii", "replace")):
            return "bad signature"
        times = [claims.get(name) for name in ("exp", "nbf")]
        if not all(isinstance(t, int) and not isinstance(t, bool) for t in times):
            return "malformed"
        now = self._clock()
        if check_expiry and claims["exp"] <= now:
            return "expired"
        if claims["nbf"] > now:
            return "not yet valid"
        if claims.get("aud") != self.audience:
            return "wrong audience"
        if claims.get("iss") != self.issuer:
            return "wrong issuer"
        appid = claims.get("appid")
        if not isinstance(appid, str) or appid not in self._client_ids:
            return "unknown application"
        return None

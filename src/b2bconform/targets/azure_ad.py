"""Azure AD v1 client-credentials tokens as an httpx auth flow (the Westcon REST API's gateway).

The token is fetched once, cached until shortly before ``expires_in`` runs out, and fetched again
when it has expired or when the API answers 401 — once per request, never in a loop, and only for
a request that may be sent twice (``may_resend``: by default the methods HTTP calls idempotent; a
harness target asks its contract, for which a query sent by POST only reads). Every API call also
carries the API Management subscription key. Errors name the token endpoint and Azure
AD's error code (``invalid_client``, ``AADSTS7000215``), never the secret, the token or the key.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass

import httpx

from b2bconform.errors import MissingCredentialsError, TargetError

__all__ = ["AzureAdError", "ClientCredentials", "ClientCredentialsAuth", "idempotent_method"]

SUBSCRIPTION_HEADER = "Ocp-Apim-Subscription-Key"
# Renew this long before the token runs out: a request in flight must not carry an expired token.
REFRESH_MARGIN = 60.0
_AADSTS = re.compile(r"AADSTS\d+")
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


def idempotent_method(request: httpx.Request) -> bool:
    """Whether HTTP calls the request's method idempotent (RFC 9110, 9.2.2): safe to send again."""
    return request.method.upper() in _IDEMPOTENT


class AzureAdError(TargetError):
    """The token endpoint refused or answered something that is no token (a broken run, not a finding)."""


@dataclass(frozen=True)
class ClientCredentials:
    token_url: str
    client_id: str
    client_secret: str
    resource: str | None = None  # Azure AD v1 names the API by resource, as the sample configuration does
    subscription_key: str | None = None
    # API Management's default header; a gateway may rename it (the contract's `subscription_header`)
    subscription_header: str = SUBSCRIPTION_HEADER

    @classmethod
    def from_environment(
        cls, token_url: str, prefix: str, *, profile: str = "environment"
    ) -> ClientCredentials:
        """``<PREFIX>_CLIENT_ID``, ``_CLIENT_SECRET``, ``_SUBSCRIPTION_KEY`` and optional ``_RESOURCE``;
        every missing one is named at once."""
        names = {part: f"{prefix}_{part}" for part in ("CLIENT_ID", "CLIENT_SECRET", "SUBSCRIPTION_KEY")}
        missing = [name for name in names.values() if not os.environ.get(name)]
        if missing:
            raise MissingCredentialsError(profile, missing)
        return cls(
            token_url=token_url,
            client_id=os.environ[names["CLIENT_ID"]],
            client_secret=os.environ[names["CLIENT_SECRET"]],
            resource=os.environ.get(f"{prefix}_RESOURCE") or None,
            subscription_key=os.environ[names["SUBSCRIPTION_KEY"]],
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """What a redactor must scrub (the client id identifies rather than authenticates)."""
        return tuple(s for s in (self.client_secret, self.subscription_key) if s)


class ClientCredentialsAuth(httpx.Auth):
    """Bearer token + subscription key on every request; the token cached and renewed as documented."""

    requires_response_body = True

    def __init__(
        self,
        credentials: ClientCredentials,
        *,
        clock: Callable[[], float] = time.monotonic,
        may_resend: Callable[[httpx.Request], bool] = idempotent_method,
    ) -> None:
        self.credentials = credentials
        self._clock = clock
        self._may_resend = may_resend
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.fetched = 0  # how many tokens were fetched (the cache's evidence)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every value to scrub, the current token included."""
        return (*self.credentials.secrets, *((self._token,) if self._token else ()))

    @property
    def current_token(self) -> str | None:
        """The cached token while it is valid (tests of refusals alter it), else None."""
        with self._lock:
            return self._valid_token()

    def _valid_token(self) -> str | None:
        if self._token is not None and self._clock() < self._expires_at - REFRESH_MARGIN:
            return self._token
        return None

    def token_request(self) -> httpx.Request:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
        }
        if self.credentials.resource:
            form["resource"] = self.credentials.resource
        return httpx.Request("POST", self.credentials.token_url, data=form)

    def _store(self, response: httpx.Response) -> str:
        url = self.credentials.token_url
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            raise AzureAdError(_refusal(url, response.status_code, body))
        token, lifetime = body.get("access_token"), body.get("expires_in")
        if not isinstance(token, str) or not token:
            raise AzureAdError(f"token endpoint {url} answered no access_token")
        # A token_type other than Bearer or an unusable expires_in is the contract's to judge (the
        # token exchange is judged like any other): the token is used, so the run goes on, but a
        # token of unknown lifetime serves this request only.
        seconds = _seconds(lifetime)
        self._token, self._expires_at = token, self._clock() + (seconds if seconds is not None else 0.0)
        self.fetched += 1
        return token

    def _authorise(self, request: httpx.Request, token: str) -> None:
        request.headers["Authorization"] = f"Bearer {token}"
        # a subscription key the caller set itself (a test's wrong one) is sent as set, as a target
        # leaves any credential header a request sets
        if self.credentials.subscription_key and self.credentials.subscription_header not in request.headers:
            request.headers[self.credentials.subscription_header] = self.credentials.subscription_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with self._lock:
            token = self._valid_token()
        if token is None:
            token = self._store((yield self.token_request()))
        self._authorise(request, token)
        response = yield request
        if response.status_code != 401:
            return
        # The token may have been revoked or rotated before its time: one new token, one retry -
        # unless the request may have changed something already (a write is never sent twice).
        with self._lock:
            self._token = None
        if not self._may_resend(request):
            return
        self._authorise(request, self._store((yield self.token_request())))
        yield request


def _seconds(value: object) -> float | None:
    """``expires_in`` in seconds: Azure AD v1 sends a digit string, v2 (and the vendor sample) a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds > 0 else None


def _refusal(url: str, status: int, body: object) -> str:
    """Azure AD's refusal in words, from its documented error body: `error` and the AADSTS code."""
    if not isinstance(body, dict):
        return f"token endpoint {url} answered HTTP {status} without an Azure AD error body"
    error = body.get("error") or "unknown_error"
    description = str(body.get("error_description") or "")
    codes = body.get("error_codes")
    code = _AADSTS.search(description)
    named = code.group(0) if code else (f"AADSTS{codes[0]}" if isinstance(codes, list) and codes else None)
    return f"token endpoint {url} refused the client credentials (HTTP {status}): {error}" + (
        f" ({named})" if named else ""
    )

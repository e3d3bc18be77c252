"""Where requests go: the embedded sandbox, a live QA/UAT system, or (later) recorded cassettes.

A live target is someone else's system, so the safety rules live here rather than in each test:
credentials only from the environment, production refused unless allowed, writes only when both
the profile and the command line allow them, a rate limit and a request budget per run.
"""

from __future__ import annotations

import json
import math
import os
import time
import unicodedata
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import httpx

from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.engine.rules import AuthFlow
from b2bconform.engine.yamlfile import YamlDocument, load_yaml
from b2bconform.errors import (
    B2BConformError,
    InputFileError,
    MissingCredentialsError,
    TargetError,
    UsageError,
)
from b2bconform.locations import contract_dir, profile_dirs
from b2bconform.targets.azure_ad import ClientCredentials, ClientCredentialsAuth
from b2bconform.targets.live_safety import RateGate
from b2bconform.traffic.redaction import NOT_SECRET_CREDENTIALS, Redactor

__all__ = [
    "LiveTarget",
    "SandboxTarget",
    "Target",
    "TargetProfile",
    "WritesNotAllowed",
    "load_profile",
]

Environment = Literal["qa", "uat", "production"]


class WritesNotAllowed(UsageError):
    """A write operation was about to reach a live target that does not allow writes."""


# "sandbox", a mapping of what a live system holds (see TargetProfile.test_data), or None
KnownData = str | dict[str, Any] | None


@dataclass(frozen=True)
class TargetProfile:
    name: str
    api: str
    base_url: str
    environment: Environment
    credentials: dict[str, str]  # header name -> environment variable holding its value
    alternate_credentials: dict[str, str] = field(default_factory=dict)  # a second site/account, optional
    writes_allowed: bool = False
    rate_limit: float = 2.0  # requests per second
    budget: int = 500  # requests per run
    # seconds: one number for every phase, or some of {connect, read, write, pool} (the rest 30)
    timeout: float | dict[str, float] = 30.0
    token_url: str | None = None  # where an OAuth2 client-credentials API's tokens come from
    settings: dict[str, Any] = field(default_factory=dict)  # overrides of the contract's assumptions
    # Where the suites' test data (master data, known orders) comes from: "sandbox" = the embedded
    # sandbox's own, for a profile that points at a served sandbox; a mapping = what this system
    # holds, in the shape contracts/<api>/test_data.schema.json gives; None = the profile gives none.
    test_data: KnownData = None
    # The nightly workflow: where its runs are kept (relative to the folder the command runs in) and its policy
    # ({fail_on: new|any, response_time_change, response_time_floor_ms}; see NIGHTLY_KEYS).
    history: str | None = None
    nightly: dict[str, Any] = field(default_factory=dict)


_PROFILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str, "api": str, "base_url": str, "environment": str, "credentials": dict,
    "alternate_credentials": dict, "writes_allowed": bool, "rate_limit": (int, float), "budget": int, "timeout": (int, float, dict),
    "token_url": str, "settings": dict, "test_data": (str, dict), "history": str, "nightly": dict,
}  # fmt: skip
_REQUIRED_PROFILE_KEYS = ("api", "base_url", "environment", "credentials")
TIMEOUT_PHASES = ("connect", "read", "write", "pool")
_DEFAULT_TIMEOUT = 30.0
NIGHTLY_FAIL_ON = ("new", "any")
NIGHTLY_KEYS = ("fail_on", "response_time_change", "response_time_floor_ms")


def http_timeout(timeout: float | dict[str, float]) -> httpx.Timeout:
    """The profile's ``timeout`` for httpx: a phase the mapping leaves out gets the default."""
    if isinstance(timeout, dict):
        phases = {phase: float(seconds) for phase, seconds in timeout.items()}
        return httpx.Timeout(_DEFAULT_TIMEOUT, **phases)
    return httpx.Timeout(float(timeout))


def _timeout_problem(value: object) -> tuple[list[str], str] | None:
    """Where and how a ``timeout`` setting is wrong (a positive number, or a mapping of phases)."""

    def positive(number: object) -> bool:
        return isinstance(number, int | float) and not isinstance(number, bool) and number > 0

    if not isinstance(value, dict):
        return None if positive(value) else ([], f"expected a positive number of seconds, got {value!r}")
    if not value:
        return [], f"expected a number of seconds or a mapping of {', '.join(TIMEOUT_PHASES)}, got {{}}"
    for phase, seconds in value.items():
        if phase not in TIMEOUT_PHASES:
            return [phase], f"unknown timeout {phase!r}; expected one of {', '.join(TIMEOUT_PHASES)}"
        if not positive(seconds):
            return [phase], f"expected a positive number of seconds, got {seconds!r}"
    return None


def _nightly_problem(value: dict[Any, Any]) -> tuple[list[str], str] | None:
    """Where and how the ``nightly`` policy is wrong."""

    def number(x: object) -> bool:
        return isinstance(x, int | float) and not isinstance(x, bool)

    for key, setting in value.items():
        if key not in NIGHTLY_KEYS:
            return [str(key)], f"unknown nightly setting {key!r}; expected one of {', '.join(NIGHTLY_KEYS)}"
        if key == "fail_on" and setting not in NIGHTLY_FAIL_ON:
            return [key], f"expected new or any, got {setting!r}"
        if key == "response_time_change" and not (number(setting) and setting > 0):
            return [key], (
                f"expected a positive ratio (0.5: a median 1.5 times the previous one, or 2/3 of it), got {setting!r}"
            )
        if key == "response_time_floor_ms" and not (number(setting) and setting >= 0):
            return [key], f"expected a number of milliseconds (0 or more), got {setting!r}"
    return None


def known_data_schema(api: str) -> Path:
    """Where an API's contract says which test data a live profile can give its suites."""
    return contract_dir(api) / "test_data.schema.json"


def _check_test_data(document: YamlDocument, api: str, value: str | dict[str, Any]) -> None:
    """``sandbox``, or a mapping in the shape the API's contract gives (if it gives one)."""
    if value == "sandbox":
        return
    schema_file = known_data_schema(api)
    if not isinstance(value, dict) or not schema_file.is_file():
        takes = f"or a mapping (see {schema_file.name}) " if schema_file.is_file() else ""
        raise document.error(
            ["test_data"],
            f"expected 'sandbox' (the served sandbox's own data) {takes}for api {api}, got {value!r}",
        )
    try:
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputFileError(str(schema_file), f"not a readable JSON Schema: {exc}") from None
    document.validate(schema, value, at=["test_data"])


def _check_against_contract(document: YamlDocument, data: dict[str, Any]) -> None:
    """The profile names an API with a contract, only settings that contract declares, and the
    token URL its auth flow needs: each wrong one named at its line."""
    from b2bconform.engine.contract import Contract, known_apis

    known = known_apis()
    if data["api"] not in known:
        raise document.error(["api"], f"unknown api {data['api']!r}; expected one of {', '.join(known)}")
    rules = Contract.load(data["api"]).rules
    for name in data.get("settings") or {}:
        if name not in rules.settings:
            declared = ", ".join(sorted(rules.settings)) or "none"
            raise document.error(
                ["settings", name], f"{data['api']} declares no setting {name!r} (its settings: {declared})"
            )
    if rules.auth_flow is not None and not data.get("token_url"):
        raise document.error([], f"missing required setting 'token_url': {data['api']} obtains OAuth2 tokens")


def load_profile(name_or_path: str, profiles_dir: Path | None = None) -> TargetProfile:
    """Load ``<name>.yaml`` from ``profiles_dir`` (default: the user's profile folders, then the
    shipped ones) or a path; problems name the file, the key and what was expected."""
    roots = [profiles_dir] if profiles_dir is not None else profile_dirs()
    path = Path(name_or_path)
    if not path.suffix:
        found = [root / f"{name_or_path}.yaml" for root in roots if (root / f"{name_or_path}.yaml").is_file()]
        path = found[0] if found else roots[0] / f"{name_or_path}.yaml"
    if not path.is_file():
        known = sorted({p.stem for root in roots if root.is_dir() for p in root.glob("*.yaml")})
        raise UsageError(
            f"target profile {name_or_path!r} not found at {path} (known profiles: {', '.join(known) or 'none'})"
        )
    document = load_yaml(path)
    data = document.data
    if not isinstance(data, dict):
        raise InputFileError(str(path), "expected a mapping of profile settings")
    for key, value in data.items():
        if key not in _PROFILE_KEYS:
            raise document.error(
                [key], f"unknown setting {key!r}; expected one of {', '.join(_PROFILE_KEYS)}"
            )
        expected = _PROFILE_KEYS[key]
        if key == "timeout":
            problem = _timeout_problem(value)
            if problem is not None:
                raise document.error([key, *problem[0]], problem[1])
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise document.error(
                [key], f"expected {getattr(expected, '__name__', 'a number')}, got {value!r}"
            )
    for key in _REQUIRED_PROFILE_KEYS:
        if key not in data:
            raise document.error([], f"missing required setting {key!r}")
    _check_against_contract(document, data)
    if not (math.isfinite(data.get("rate_limit", 1)) and data.get("rate_limit", 1) > 0):
        rate = data["rate_limit"]
        raise document.error(
            ["rate_limit"], f"expected a positive number of requests per second, got {rate!r}"
        )
    if not (math.isfinite(data.get("budget", 0)) and data.get("budget", 0) >= 0):
        raise document.error(["budget"], f"expected a number of requests (0 or more), got {data['budget']!r}")
    if data["environment"] not in ("qa", "uat", "production"):
        raise document.error(["environment"], f"expected qa, uat or production, got {data['environment']!r}")
    if "test_data" in data:
        _check_test_data(document, data["api"], data["test_data"])
    if "history" in data and not data["history"].strip():
        raise document.error(
            ["history"],
            f"expected a directory (relative to the folder the command runs in), got {data['history']!r}",
        )
    if "nightly" in data and (problem := _nightly_problem(data["nightly"])) is not None:
        raise document.error(["nightly", *problem[0]], problem[1])
    for key in ("base_url", "token_url"):
        if key in data and (wrong := url_problem(data[key])) is not None:
            raise document.error([key], wrong)
    for section in ("credentials", "alternate_credentials"):
        for header, variable in (data.get(section) or {}).items():
            if not isinstance(variable, str) or not variable.isidentifier() or not variable.isupper():
                raise document.error(
                    [section, header],
                    "expected the NAME of an environment variable (upper-case), never a credential value",
                )
    return TargetProfile(name=data.get("name", path.stem), **{k: v for k, v in data.items() if k != "name"})


def is_path_credential(name: str) -> bool:
    """A credential named ``{name}`` travels in the URL path (the ManEx API key), not in a header."""
    return name.startswith("{") and name.endswith("}")


def with_credentials_applied(request: Request, credentials: dict[str, str]) -> Request:
    """The request with path credentials substituted for their ``{name}`` placeholders and the
    other credentials added as headers, unless the request already sets that header."""
    url = request.url
    given = {k.lower() for k in request.headers}
    extra = []
    for name, value in credentials.items():
        if is_path_credential(name):
            url = url.replace(name, value)
        elif name.lower() not in given:
            extra.append((name, value))
    return Request(request.method, url, Headers([*request.headers.pairs(), *extra]), request.body)


def secret_url_patterns(api: str) -> tuple[str, ...]:
    from b2bconform.engine.contract import Contract

    return Contract.load(api).secret_url_patterns


class Target(ABC):
    """Sends requests and returns exchanges; never raises for an HTTP status, only for infrastructure."""

    kind: str
    api: str
    redactor: Redactor
    sandbox_triggers = False  # whether sandbox-only triggers (e.g. the documented 500) exist
    # An API behind an OAuth2 client-credentials flow: the auth that fetches, caches and presents the token.
    auth: ClientCredentialsAuth | None = None
    token_url: str | None = None

    @abstractmethod
    def credentials(self, site: int = 0) -> dict[str, str]:
        """The credential headers for ``site`` (0 = the main one); raises MissingCredentialsError."""

    client: httpx.Client

    def __init__(self) -> None:
        self._preceding: list[Exchange] = []
        self._known_auth_secrets: tuple[str, ...] = ()
        self._token_flow: tuple[AuthFlow | None, str | None, str] = (None, None, "")
        # Sees every exchange the target made, oldest first, before anything judges it (recording).
        self.tap: Callable[[Exchange], None] | None = None

    def _send(self, request: Request, auth: httpx.Auth | None = None) -> httpx.Response:
        return self.client.request(
            request.method,
            request.url,
            headers=list(request.headers.pairs()),
            content=request.body,
            auth=auth,
        )

    def send(self, request: Request, *, with_credentials: bool = True) -> Exchange:
        """Send ``request``; with credentials, an auth flow's token requests (and a refused first
        attempt) are kept for ``take_preceding``: they are traffic to judge like any other."""
        auth = None
        if with_credentials and self.auth is not None:
            auth = self.auth
        elif with_credentials:
            request = with_credentials_applied(request, self.credentials())
        started = time.perf_counter()
        reply = self._send(request, auth)
        elapsed = time.perf_counter() - started
        earlier = [self._exchange(made, 0.0) for made in reply.history] if auth is not None else []
        if auth is not None:
            self._preceding.extend(earlier)
            self._learn_token()
        exchange = self._exchange(reply, elapsed)
        if self.tap is not None:
            for made in (*earlier, exchange):
                self.tap(made)
        return exchange

    def take_preceding(self) -> list[Exchange]:
        """The exchanges an auth flow made before the last request's answer (oldest first), once."""
        taken, self._preceding[:] = list(self._preceding), []
        return taken

    def _exchange(self, reply: httpx.Response, elapsed: float) -> Exchange:
        sent = reply.request  # as sent: the auth flow's headers included
        request = Request(
            sent.method, str(sent.url), Headers(sent.headers.multi_items()), sent.content or None
        )
        response = Response(reply.status_code, Headers(reply.headers.multi_items()), reply.content, elapsed)
        return Exchange(api=self.api, request=request, response=response)

    def _learn_token(self) -> None:
        # the token is a secret like any other: scrubbed wherever it might be echoed
        assert self.auth is not None
        secrets = self.auth.secrets
        if secrets != self._known_auth_secrets:
            self._known_auth_secrets = secrets
            self.redactor = self.redactor.with_secrets(secrets)

    def _with_token_flow(self, flow: AuthFlow | None, token_url: str | None, source: str) -> None:
        """Set up the OAuth2 client-credentials flow the contract names, from site 0's credentials."""
        self._token_flow = (flow, token_url, source)
        if flow is None:
            return
        if not token_url:
            raise UsageError(f"{source}: the {self.api} API needs a token_url (its OAuth2 token endpoint)")
        values = self.credentials()
        missing = [name for name in ("client_id", "client_secret") if not values.get(name)]
        if missing:
            raise MissingCredentialsError(source, missing)
        self.token_url = token_url
        from b2bconform.engine.contract import Contract

        contract = Contract.load(self.api)

        def reads_only(sent: httpx.Request) -> bool:
            headers = Headers(sent.headers.multi_items())
            return not contract.writes(Request(sent.method, str(sent.url), headers, sent.content or None))

        self.auth = ClientCredentialsAuth(
            ClientCredentials(
                token_url=token_url,
                client_id=values["client_id"],
                client_secret=values["client_secret"],
                resource=values.get("resource") or None,
                subscription_key=values.get(flow.subscription_header),
                subscription_header=flow.subscription_header,
            ),
            # never resend a call that may have changed vendor-side data, whatever its answer
            may_resend=reads_only,
        )

    def restart_token_flow(self) -> None:
        """Forget the cached token: the next request fetches one, so a test's cassette holds its own."""
        if self.auth is not None:
            self._with_token_flow(*self._token_flow)

    def close(self) -> None:
        self.client.close()


class SandboxTarget(Target):
    kind = "sandbox"
    sandbox_triggers = True

    def __init__(self, api: str, fault: str | None = None) -> None:
        super().__init__()
        with warnings.catch_warnings():
            # Starlette 1.x prefers httpx2 for its TestClient; httpx is what the rest of the harness uses.
            warnings.filterwarnings("ignore", message=".*httpx2")
            from starlette.testclient import TestClient

        from b2bconform.sandboxes import get_sandbox

        self.api = api
        self.sandbox = get_sandbox(api)(fault=fault)
        self.client = TestClient(
            self.sandbox.app(), base_url="http://testserver", raise_server_exceptions=True
        )
        # entered once: one event-loop portal for the run instead of a new thread per request
        self.client.__enter__()
        self.redactor = Redactor(
            secrets=[
                v
                for site in (0, 1)
                for k, v in self._site(site).items()
                if k.lower() not in NOT_SECRET_CREDENTIALS
            ],
            url_patterns=secret_url_patterns(api),
        )
        from b2bconform.engine.contract import Contract

        token_path = getattr(self.sandbox, "token_path", None)
        self._with_token_flow(
            Contract.load(api).rules.auth_flow,
            f"http://testserver{token_path}" if token_path else None,
            f"sandbox:{api}",
        )

    def close(self) -> None:
        self.client.__exit__(None, None, None)

    def _site(self, site: int) -> dict[str, str]:
        try:
            return dict(self.sandbox.client_credentials(site))
        except (IndexError, KeyError, UsageError):
            return {}

    def credentials(self, site: int = 0) -> dict[str, str]:
        headers = self._site(site)
        if not headers:
            raise MissingCredentialsError(f"sandbox:{self.api}", [f"site {site}"])
        return headers


class LiveTarget(Target):
    kind = "live"

    def __init__(
        self, profile: TargetProfile, *, allow_writes: bool = False, allow_production: bool = False
    ) -> None:
        if profile.environment == "production" and not allow_production:
            raise UsageError(
                f"profile {profile.name!r} points at a production system ({profile.base_url}); "
                "refused unless --allow-production is given"
            )
        production = known_production_hosts()
        for key, url in (("base_url", profile.base_url), ("token_url", profile.token_url)):
            host = host_of(url) if url else ""
            if host in production and not allow_production:
                # a profile calling itself qa does not make a known production host a test system,
                # and a token request carries the client secret: its URL is checked as well
                raise UsageError(
                    f"profile {profile.name!r} says {profile.environment}, but its {key} host {host} is a "
                    "known production host (a production profile in an API folder names it); refused unless "
                    "--allow-production is given"
                )
        super().__init__()
        from b2bconform.engine.contract import Contract

        self.api = profile.api
        self.profile = profile
        self.writes = profile.writes_allowed and allow_writes
        # The contract says what writes: a SOAP query is a POST that only reads.
        contract = Contract.load(profile.api, settings=profile.settings)
        self._is_write = contract.writes
        self._contract = contract
        self._unreachable: str | None = None  # the first connection failure: later sends fail at once
        self._values = self._read_environment()
        # per site: both sites name the same credentials, so a merged mapping would lose site 0's
        public = {
            variable
            for site in (self.profile.credentials, self.profile.alternate_credentials)
            for name, variable in site.items()
            if name.lower() in NOT_SECRET_CREDENTIALS
        }
        self.redactor = Redactor(
            secrets=[v for k, v in self._values.items() if k not in public],
            url_patterns=secret_url_patterns(profile.api),
        )
        self.client = httpx.Client(
            base_url=profile.base_url, timeout=http_timeout(profile.timeout), follow_redirects=False
        )
        # one rate limit and one budget per profile for the whole run, across xdist workers
        self._gate = RateGate(
            profile.name, profile.rate_limit, profile.budget, label=f"profile {profile.name!r}"
        )
        self.sent = 0  # this target's share of what the gate granted
        self._with_token_flow(contract.rules.auth_flow, profile.token_url, f"profile {profile.name!r}")

    def _read_environment(self) -> dict[str, str]:
        # both sites' variables: the sites name the same headers, so merging the mappings would drop site 0
        wanted = [*self.profile.credentials.values(), *self.profile.alternate_credentials.values()]
        missing = [variable for variable in self.profile.credentials.values() if not os.environ.get(variable)]
        if missing:
            raise MissingCredentialsError(self.profile.name, missing)
        unusable = [v for v in wanted if any(ord(c) < 32 or ord(c) == 127 for c in os.environ.get(v, ""))]
        if unusable:
            # a CRLF .env file leaves a \r: no HTTP client sends it, and its error would quote the value
            raise UsageError(
                f"profile {self.profile.name!r}: environment variable(s) {', '.join(unusable)} hold a control "
                "character (a line ending from a Windows .env file?); set them without it"
            )
        return {variable: os.environ[variable] for variable in wanted if os.environ.get(variable)}

    def credentials(self, site: int = 0) -> dict[str, str]:
        mapping = self.profile.credentials if site == 0 else self.profile.alternate_credentials
        missing = [variable for variable in mapping.values() if variable not in self._values]
        if not mapping or missing:
            raise MissingCredentialsError(
                self.profile.name, missing or [f"alternate_credentials for site {site}"]
            )
        return {header: self._values[variable] for header, variable in mapping.items()}

    def _throttle(self) -> None:
        self._gate.acquire()  # waits for the request's slot; BudgetSpent (a TargetError) once spent
        self.sent += 1

    def _timeout_of(self, exc: httpx.TimeoutException) -> float:
        """The configured seconds of the phase that ran out (the one number, if only one is given)."""
        timeout = self.profile.timeout
        if not isinstance(timeout, dict):
            return timeout
        phase = {
            httpx.ConnectTimeout: "connect", httpx.ReadTimeout: "read",
            httpx.WriteTimeout: "write", httpx.PoolTimeout: "pool",
        }.get(type(exc), "read")  # fmt: skip
        return timeout.get(phase, _DEFAULT_TIMEOUT)

    def send(self, request: Request, *, with_credentials: bool = True) -> Exchange:
        """As every target sends; an answer that is not the API's (a gateway's page) is a target
        error, recorded but never judged against the contract."""
        exchange = super().send(request, with_credentials=with_credentials)
        foreign = self._contract.foreign_answer(exchange)
        if foreign is not None:
            raise TargetError(f"{self.profile.base_url}: {foreign}")
        return exchange

    def _send(self, request: Request, auth: httpx.Auth | None = None) -> httpx.Response:
        if self._unreachable is not None:
            # a host found unreachable stays so for this run: the rest of its tests break at once,
            # instead of each waiting out its own timeouts (hours on a black-holed host)
            raise TargetError(f"{self._unreachable} (earlier in this run; not tried again)")
        if not self.writes and self._is_write(request):
            raise WritesNotAllowed(
                f"{request.method} {self.redactor.text(request.url)} writes to {self.profile.base_url}; writes need "
                f"'writes_allowed: true' in profile {self.profile.name!r} and --allow-writes"
            )
        self._throttle()
        try:
            # Never retried: a POST that timed out may still have created an order.
            return super()._send(request, auth)
        except httpx.TimeoutException as exc:
            message = (
                f"{self.profile.base_url}: timed out after {self._timeout_of(exc)}s ({type(exc).__name__})"
            )
            if isinstance(exc, httpx.ConnectTimeout):
                self._unreachable = message
            raise TargetError(message) from None
        except httpx.ConnectError as exc:
            kind = (
                "TLS handshake failed"
                if "ssl" in str(exc).lower() or "certificate" in str(exc).lower()
                else "cannot connect"
            )
            self._unreachable = f"{self.profile.base_url}: {kind}: {self.redactor.text(str(exc))}"
            raise TargetError(self._unreachable) from None
        except httpx.HTTPError as exc:
            raise TargetError(
                f"{self.profile.base_url}: {type(exc).__name__}: {self.redactor.text(str(exc))}"
            ) from None


def host_of(url: str) -> str:
    """The host a URL reaches, however it is spelled: case, a trailing dot (the fully qualified
    form), full-width or compatibility characters (NFKC, as IDNA maps them), userinfo and port aside."""
    try:
        host = httpx.URL(unicodedata.normalize("NFKC", url.strip())).host
    except (httpx.InvalidURL, ValueError, TypeError):
        return ""
    return unicodedata.normalize("NFKC", host or "").lower().rstrip(".")


def url_problem(url: object) -> str | None:
    """What is wrong with a profile's URL, or None: an http(s) URL with a host, parsable, no blanks."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return f"expected an http(s) URL, got {url!r}"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return f"expected a URL without blanks or control characters, got {url!r}"
    try:
        parsed = httpx.URL(url)
        parsed.port  # noqa: B018 - a port that is no number raises here
    except (httpx.InvalidURL, ValueError) as exc:
        return f"expected a valid http(s) URL ({exc}), got {url!r}"
    if not host_of(url):
        return f"expected a URL naming a host, got {url!r}"
    return None


def known_production_hosts(profiles_dir: Path | None = None) -> frozenset[str]:
    """The hosts the production profiles name (the shipped ones: the vendor documents' production
    URLs), in ``profiles_dir`` or in every profile folder."""
    return _production_hosts(tuple([profiles_dir] if profiles_dir is not None else profile_dirs()))


@cache
def _production_hosts(roots: tuple[Path, ...]) -> frozenset[str]:
    hosts = set()
    for path in sorted(p for root in roots for p in root.glob("*.yaml")):
        try:
            profile = load_profile(str(path), path.parent)
        except B2BConformError:
            continue  # a broken profile is reported when it is used, not here
        if profile.environment == "production":
            hosts.add(host_of(profile.base_url))  # not the token URL: Azure AD serves every environment
    return frozenset(hosts)


def make_target(
    kind: str, api: str, *, profile: str | None = None, fault: str | None = None, **safety: Any
) -> Target:
    if kind == "sandbox":
        return SandboxTarget(api, fault=fault)
    if kind == "live":
        if not profile:
            raise UsageError(
                "--target live needs --profile NAME (a file under an API folder's profiles/, or a path)"
            )
        loaded = load_profile(profile)
        if loaded.api != api:
            raise UsageError(f"profile {loaded.name!r} is for api {loaded.api!r}, not {api!r}")
        return LiveTarget(loaded, **safety)
    raise UsageError(f"unknown target {kind!r}; expected sandbox or live")

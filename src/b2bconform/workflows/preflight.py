"""Before anything is sent to a partner system: are its credentials there, can it be reached, may
it be used at all? Each check says what it found in words a partner's operations team can act on.

The reachability probe resolves the host, connects and completes the TLS handshake through httpx's
own network layer (httpcore, with httpx's SSL context, so ``SSL_CERT_FILE`` and friends apply) and
sends no HTTP request: onboarding spends nothing of a profile's budget before the smoke run.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import httpcore
import httpx

from b2bconform.errors import TargetError
from b2bconform.targets import LiveTarget, TargetProfile
from b2bconform.workflows.certificate import CheckResult

__all__ = ["PROBE_TIMEOUT", "check_credentials", "check_reachability", "gate_production", "probe"]

PROBE_TIMEOUT = 5.0  # seconds for each of DNS, connect and TLS: a partner system answers fast or not at all


# ── the checks ──────────────────────────────────────────────────────────────────────────────────


def check_credentials(profile: TargetProfile, environ: Mapping[str, str] | None = None) -> list[CheckResult]:
    """Whether each variable the profile names is set and non-empty; a second site's are optional."""
    environ = os.environ if environ is None else environ
    results = []
    for section, required in ((profile.credentials, True), (profile.alternate_credentials, False)):
        for name, variable in section.items():
            value = environ.get(variable)
            what = (
                f"credential {name} (${variable})"
                if required
                else f"second-site credential {name} (${variable})"
            )
            if value is not None and value.strip():
                results.append(CheckResult(what, True, "set", variable))
            elif required:
                results.append(
                    CheckResult(what, False, "not set" if value is None else "set but empty", variable)
                )
            else:
                skipped = "not set: the tests needing a second site are skipped"
                results.append(CheckResult(what, None, skipped, variable))
    return results


def _cause(exc: BaseException) -> BaseException:
    return exc.__cause__ or exc


def probe(url: str, timeout: float = PROBE_TIMEOUT) -> CheckResult:
    """Resolve, connect to and (for https) TLS-handshake with ``url``'s host; sends no request.

    DNS failure, refusal, TLS failure and timeout are told apart: each needs someone else to act.
    """
    parsed = httpx.URL(url)
    host, scheme = parsed.host, parsed.scheme
    port = parsed.port or (443 if scheme == "https" else 80)
    steps: list[str] = []

    def result(ok: bool, last: str) -> CheckResult:
        return CheckResult(f"reachability {scheme}://{host}:{port}", ok, "; ".join([*steps, last]), url)

    pool = ThreadPoolExecutor(max_workers=1)  # getaddrinfo has no timeout of its own
    try:
        found = pool.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM).result(timeout)
    except FutureTimeout:
        return result(False, f"DNS lookup of {host} timed out after {timeout:g}s")
    except socket.gaierror as exc:
        return result(False, f"DNS lookup of {host} failed: {exc.strerror or exc}")
    finally:
        pool.shutdown(wait=False)
    steps.append(f"resolved to {', '.join(dict.fromkeys(str(info[4][0]) for info in found))}")
    try:
        stream = httpcore.SyncBackend().connect_tcp(host, port, timeout=timeout)
    except httpcore.ConnectTimeout:
        return result(False, f"connecting to port {port} timed out after {timeout:g}s")
    except httpcore.ConnectError as exc:
        cause = _cause(exc)
        if isinstance(cause, ConnectionRefusedError):
            return result(False, f"connection refused on port {port}")
        return result(False, f"cannot connect to port {port}: {_os_error(cause)}")
    steps.append(f"connected to port {port}")
    if scheme != "https":
        stream.close()
        return result(True, "plain HTTP: no TLS")
    try:
        secured = stream.start_tls(httpx.create_ssl_context(), server_hostname=host, timeout=timeout)
    except httpcore.ConnectTimeout:
        return result(False, f"TLS handshake timed out after {timeout:g}s")
    except httpcore.ConnectError as exc:
        return result(False, f"TLS handshake failed: {_tls_error(_cause(exc))}")
    finally:
        stream.close()  # the plain socket (start_tls wraps it: closing either closes both)
    tls = secured.get_extra_info("ssl_object")
    version = tls.version() if tls is not None else None
    secured.close()
    return result(True, f"TLS handshake OK ({version or 'TLS'})")


def _os_error(exc: BaseException) -> str:
    return str(exc.strerror) if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__


def _tls_error(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate not trusted ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return exc.reason or str(exc)
    return _os_error(exc)


def check_reachability(profile: TargetProfile, timeout: float = PROBE_TIMEOUT) -> list[CheckResult]:
    urls = [profile.base_url, *([profile.token_url] if profile.token_url else [])]
    return [probe(url, timeout) for url in urls]


def gate_production(profile: TargetProfile, allow_production: bool) -> None:
    """The harness's own production gate (a LiveTarget refuses a production profile or a known
    production host), applied before anything is checked or sent: a UsageError when refused."""
    # missing credentials (a TargetError) are not refused here: the credential check names them
    with contextlib.suppress(TargetError):
        LiveTarget(profile, allow_production=allow_production).close()

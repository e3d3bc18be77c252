"""Serve a sandbox over real HTTP, on a loopback address only (`b2bconform sandbox serve`).

A served sandbox accepts its demo credentials, or the caller's in their place
(``credentials=``, or ``credentials_from_env``: ``PREFIX_<NAME>`` for site 0 and
``PREFIX_SITE2_<NAME>`` for site 1), so that a run can present values nobody has seen before.

At start it prints what a client needs to call in (``banner.banner``).
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import uvicorn
from starlette.types import ASGIApp

from b2bconform.errors import TargetError, UsageError
from b2bconform.sandboxes import get_sandbox
from b2bconform.sandboxes.banner import banner
from b2bconform.sandboxes.base import Credentials

if TYPE_CHECKING:
    pass

__all__ = [
    "credential_variable",
    "credentials_from_env",
    "serve",
    "serve_in_thread",
    "start_in_thread",
]

_STARTUP_TIMEOUT = 10.0
_STOP_TIMEOUT = 10.0


def _loopback_family(host: str) -> socket.AddressFamily:
    """The socket family for `host`; UsageError unless it is a loopback address (a double is no server)."""
    if host == "localhost":
        return socket.AF_INET
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise UsageError(f"a sandbox binds only to a loopback address such as 127.0.0.1, not {host!r}")
    return socket.AF_INET6 if address.version == 6 else socket.AF_INET


def _bind(host: str, port: int) -> tuple[socket.socket, str]:
    """A listening socket on host:port (port 0: a free one) and the base URL it serves."""
    family = _loopback_family(host)
    address = "127.0.0.1" if host == "localhost" else host
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # answers go out at once: with Nagle's algorithm a small answer on a kept-alive connection
        # waits for the client's delayed ACK, about 40 ms a request (accepted sockets inherit it)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((address, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {address}:{port}: {exc.strerror or exc}") from exc
    bound_port = sock.getsockname()[1]
    url_host = f"[{address}]" if family == socket.AF_INET6 else address
    return sock, f"http://{url_host}:{bound_port}"


def _server(app: ASGIApp) -> uvicorn.Server:
    # No lifespan (the app keeps no resources) and no access log: the sandbox is quiet by design.
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)


def credential_variable(prefix: str, name: str, site: int = 0) -> str:
    """The environment variable holding credential `name` of `site` (0 or 1) for `prefix`:
    ``ClientAuthKey`` -> ``PREFIX_CLIENTAUTHKEY``, ``{apiKey}`` -> ``PREFIX_APIKEY``, site 1
    ``PREFIX_SITE2_...`` (the spelling the served-sandbox profiles use)."""
    stem = re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")
    return f"{prefix.rstrip('_')}_{'SITE2_' if site else ''}{stem}"


def credentials_from_env(
    api: str, prefix: str, environ: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """The `api` sandbox's credentials from ``PREFIX_<NAME>`` (every one of site 0's) and, when
    any of them is set, ``PREFIX_SITE2_<NAME>`` (then every one of site 1's); names as
    ``client_credentials`` gives them. UsageError naming every variable not set."""
    environ = os.environ if environ is None else environ
    demo = get_sandbox(api).demo_credentials()
    sites: list[dict[str, str]] = []
    for site, names in enumerate(demo[:2]):
        variables = {name: credential_variable(prefix, name, site) for name in names}
        if site and not any(environ.get(variable) for variable in variables.values()):
            break  # a second site is optional
        missing = [variable for variable in variables.values() if not environ.get(variable)]
        if missing:
            raise UsageError(
                f"--credentials-from-env {prefix}: the {api} sandbox's site {site} credentials need "
                f"environment variables that are not set: {', '.join(missing)}"
            )
        sites.append({name: environ[variable] for name, variable in variables.items()})
    return sites


def serve(
    api: str,
    *,
    port: int = 0,
    fault: str | None = None,
    host: str = "127.0.0.1",
    credentials: Credentials | None = None,
) -> None:
    """Serve the `api` sandbox (optionally running `fault`, accepting `credentials` in place of its
    demo ones) until interrupted."""
    sandbox = get_sandbox(api)(fault, credentials=credentials)
    sock, url = _bind(host, port)
    try:
        # The demo credentials are sandbox-only values, not secrets: printed so a user can call in.
        # The caller's values may be real-looking secrets: never printed (``given``).
        print(banner(sandbox, url, given=credentials is not None), flush=True)
    except BaseException:
        sock.close()
        raise
    try:
        _server(sandbox.app()).run(sockets=[sock])
    finally:
        sock.close()


def start_in_thread(
    api: str, fault: str | None = None, credentials: Credentials | None = None
) -> tuple[str, Callable[[], None]]:
    """Serve the `api` sandbox on a free loopback port in a daemon thread; returns (base_url, stop)."""
    sandbox = get_sandbox(api)(fault, credentials=credentials)
    return serve_in_thread(sandbox.app(), name=f"sandbox-{api}")


def serve_in_thread(app: ASGIApp, *, name: str = "sandbox") -> tuple[str, Callable[[], None]]:
    """Serve `app` (a sandbox's, perhaps wrapped to observe it) on a free loopback port in a daemon
    thread; returns (base_url, stop)."""
    sock, url = _bind("127.0.0.1", 0)
    server = _server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()

    def stop() -> None:
        server.should_exit = True
        thread.join(_STOP_TIMEOUT)
        sock.close()

    deadline = time.monotonic() + _STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            stop()
            raise TargetError(f"{name} did not start on {url}")
        time.sleep(0.01)
    return url, stop


# ── the banner: everything a client needs to call the served sandbox ──────────────────────────

"""Serve a sandbox over real HTTP, on a loopback address only (`b2bconform sandbox serve`)."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable

import uvicorn

from b2bconform.errors import TargetError, UsageError
from b2bconform.sandboxes import get_sandbox
from b2bconform.sandboxes.base import Sandbox

__all__ = ["serve", "start_in_thread"]

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
        sock.bind((address, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {address}:{port}: {exc.strerror or exc}") from exc
    bound_port = sock.getsockname()[1]
    url_host = f"[{address}]" if family == socket.AF_INET6 else address
    return sock, f"http://{url_host}:{bound_port}"


def _server(sandbox: Sandbox) -> uvicorn.Server:
    # No lifespan (the app keeps no resources) and no access log: the sandbox is quiet by design.
    config = uvicorn.Config(sandbox.asgi(), log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)


def serve(api: str, *, port: int = 0, fault: str | None = None, host: str = "127.0.0.1") -> None:
    """Serve the `api` sandbox (optionally running `fault`) until interrupted."""
    sandbox = get_sandbox(api)(fault)
    sock, url = _bind(host, port)
    # The demo credentials are sandbox-only values, not secrets: print them so a user can call in.
    headers = "; ".join(f"{name}: {value}" for name, value in sandbox.client_credentials().items())
    running = f" with fault {fault}" if fault else ""
    print(f"{api} sandbox{running} serving on {url} (credentials: {headers})", flush=True)
    try:
        _server(sandbox).run(sockets=[sock])
    finally:
        sock.close()


def start_in_thread(api: str, fault: str | None = None) -> tuple[str, Callable[[], None]]:
    """Serve the `api` sandbox on a free loopback port in a daemon thread; returns (base_url, stop)."""
    sandbox = get_sandbox(api)(fault)
    sock, url = _bind("127.0.0.1", 0)
    server = _server(sandbox)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"sandbox-{api}", daemon=True
    )
    thread.start()

    def stop() -> None:
        server.should_exit = True
        thread.join(_STOP_TIMEOUT)
        sock.close()

    deadline = time.monotonic() + _STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            stop()
            raise TargetError(f"the {api} sandbox did not start on {url}")
        time.sleep(0.01)
    return url, stop

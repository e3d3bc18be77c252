"""Helpers for tests that run the suites as a live target over real HTTP on 127.0.0.1: serve an
ASGI app (a sandbox, or a misbehaving stand-in) counting the requests it gets, write a profile
for it, and run pytest in a subprocess with the profile's credentials in the environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from b2bconform.sandboxes.base import Sandbox
from b2bconform.targets.live_safety import RUN_DIR_VARIABLE
from b2bconform.targets.served import sandbox_profile

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "B2BTEST_LIVE"


class Counting:
    """An ASGI app that counts the HTTP requests it passes on."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            with self._lock:
                self.requests += 1
        await self.app(scope, receive, send)


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_profile(
    directory: Path, sandbox: Sandbox, base_url: str, **settings: Any
) -> tuple[Path, dict[str, str]]:
    """A live profile ``<api>-local`` for ``sandbox`` served at ``base_url`` (see
    ``served.sandbox_profile``) and the environment variables holding its demo credentials."""
    return sandbox_profile(
        sandbox.api, base_url, directory, sandbox=sandbox, prefix=PREFIX, name=f"{sandbox.api}-local",
        **{"budget": 100_000, "timeout": 10, **settings},
    )  # fmt: skip


def run_live(
    paths: list[str], profile: Path, credentials: dict[str, str], reports: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    """pytest on ``paths`` as a live run with writes allowed; its reports go under ``reports``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX) and k != RUN_DIR_VARIABLE}
    env.update(credentials)
    command = [
        sys.executable, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider",
        "--target", "live", "--profile", str(profile), "--allow-writes", "--hypothesis-profile", "selftest",
        "--conformance-report", str(reports / "conformance.json"), "-W", "ignore::DeprecationWarning", *extra,
    ]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)

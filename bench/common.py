"""What every measurement shares: the repository, running a command with its wall time, and a
sandbox served on 127.0.0.1 behind a counter of the requests it gets."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from b2bconform.sandboxes import get_sandbox
from b2bconform.sandboxes.base import Sandbox
from b2bconform.sandboxes.serve import serve_in_thread

__all__ = [
    "PYTHON",
    "REST_APIS",
    "ROOT",
    "Counting",
    "Finished",
    "Served",
    "run",
    "served",
]

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# The APIs with an OpenAPI file: what bare schemathesis can run (westcon_soap is WSDL/XSD).
REST_APIS = ("manex_po", "manex_so", "moduslink_po", "westcon_rest")


class Counting:
    """An ASGI app that counts the HTTP requests it passes on, and when the first began and the
    last ended: the window in which a tool was sending test cases."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0
        self.first: float | None = None
        self.last: float | None = None
        self._lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with self._lock:
            self.requests += 1
            if self.first is None:
                self.first = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            with self._lock:
                self.last = time.perf_counter()

    @property
    def active_seconds(self) -> float | None:
        """From the first request to the end of the last one (tool start-up left out)."""
        if self.first is None or self.last is None:
            return None
        return self.last - self.first


@dataclass
class Served:
    api: str
    fault: str | None
    url: str
    sandbox: Sandbox
    counter: Counting


@contextmanager
def served(api: str, fault: str | None = None) -> Iterator[Served]:
    """The ``api`` sandbox (with ``fault``) served on a free loopback port, counting its requests."""
    sandbox = get_sandbox(api)(fault)
    counter = Counting(sandbox.asgi())
    url, stop = serve_in_thread(counter, name=f"bench-{api}")
    try:
        yield Served(api, fault, url, sandbox, counter)
    finally:
        stop()


@dataclass
class Finished:
    command: list[str]
    exit_code: int
    seconds: float
    output: str = field(repr=False)


def run(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    drop: Sequence[str] = (),
    cwd: Path = ROOT,
    timeout: float = 1800,
) -> Finished:
    """Run ``command`` to the end with this environment plus ``env``, less the variables whose
    names start with one of ``drop``; its output is kept (the tail), not shown."""
    environment = (
        {k: v for k, v in os.environ.items() if not k.startswith(tuple(drop))} if drop else dict(os.environ)
    )
    environment.update(env or {})
    started = time.perf_counter()
    try:
        done = subprocess.run(
            list(command), cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout
        )
        code, output = done.returncode, done.stdout[-6000:] + done.stderr[-3000:]
    except subprocess.TimeoutExpired as exc:
        code, output = -1, f"timed out after {timeout:.0f}s: {str(exc.stdout or '')[-3000:]}"
    return Finished(list(command), code, time.perf_counter() - started, output)

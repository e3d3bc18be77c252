"""Debian's Chromium, headless, as a witness of what a page does: a screenshot, the DOM after the
page's scripts ran, and every request it made (from Chromium's net log).

The browser is kept off the network: no name resolves but 127.0.0.1, so a request that should not
be made is still listed in the net log but never leaves the machine.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("B2BCONFORM_CHROMIUM", "/usr/bin/chromium"))
REQUIRE = "B2BCONFORM_REQUIRE_BROWSER"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Chromium's own calls home that the flags above leave on: network time, AI Mode eligibility, the
    # search engine preconnect, and, counted as the page's own below, autofill's query about its form
    # and translation
    "--disable-features=NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch,AutofillServerCommunication,Translate,OptimizationHints",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1280,900",
    "--virtual-time-budget=8000",
]  # fmt: skip


def require_chromium() -> Path:
    """The browser, or a skip with the reason (a failure when CI says the browser must be there)."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{reason}; {REQUIRE}=1 says the browser test must run")
    pytest.skip(reason)


@dataclass(frozen=True)
class Request:
    url: str
    top_frame_site: str  # the first site of the network isolation key: whose page asked
    kind: str  # Chromium's request type: "main frame", "other", ...

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def network(self) -> bool:
        return urlsplit(self.url).scheme in {"http", "https", "ws", "wss"}


@dataclass(frozen=True)
class Visit:
    screenshot: Path
    dom: str
    requests: list[Request]

    def page_requests(self, site: str) -> list[Request]:
        """What the page made: requests on behalf of a page of ``site`` (subresources, frames,
        workers, scripts' fetches) and every top-level navigation. The rest is Chromium's own
        (account and time services), which carry another site or none."""
        return [r for r in self.requests if r.top_frame_site == site or r.kind == "main frame"]


def visit(url: str, workdir: Path) -> Visit:
    chromium = require_chromium()
    screenshot, net_log = workdir / "screenshot.png", workdir / "net-log.json"
    with tempfile.TemporaryDirectory(prefix="b2bconform-chromium-") as profile:
        done = subprocess.run(
            [
                str(chromium), *FLAGS, f"--user-data-dir={profile}", f"--log-net-log={net_log}",
                f"--screenshot={screenshot}", "--dump-dom", url,
            ],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 0, f"chromium failed ({done.returncode}): {done.stderr[-2000:]}"
    assert screenshot.is_file(), f"chromium wrote no screenshot: {done.stderr[-2000:]}"
    return Visit(screenshot, done.stdout, read_net_log(net_log))


def read_net_log(path: Path) -> list[Request]:
    """Every request Chromium started (URL_REQUEST_START_JOB), with the site it was made for."""
    log = json.loads(path.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requests = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] == start and "url" in params:
            key = str(params.get("network_isolation_key", ""))
            requests.append(Request(params["url"], key.split(" ")[0], str(params.get("request_type", ""))))
    return requests


def off_machine(requests: list[Request]) -> list[str]:
    return sorted({r.url for r in requests if r.network and r.host not in LOOPBACK})


def rendered_text(dom: str) -> str:
    """The DOM without scripts and styles: what a reader could see (a single-file report carries its
    data inside scripts, so a name found there would prove nothing)."""
    return re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.DOTALL | re.IGNORECASE)


# ── PNG ───────────────────────────────────────────────────────────────────────────────────────


def png_colours(path: Path) -> Counter[bytes]:
    """Pixel colours of an 8-bit RGB or RGBA PNG (what Chromium writes), decoded with zlib alone."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    position, idat = 8, bytearray()
    width = height = channels = 0
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour_type in (2, 6) and interlace == 0, (
                "an 8-bit, non-interlaced RGB(A) PNG"
            )
            channels = 3 if colour_type == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    previous = bytearray(stride)
    colours: Counter[bytes] = Counter()
    for row in range(height):
        offset = row * (stride + 1)
        line = _unfilter(raw[offset], bytearray(raw[offset + 1 : offset + 1 + stride]), previous, channels)
        view = bytes(line)
        colours.update(view[i : i + 3] for i in range(0, stride, channels))
        previous = line
    return colours


def _unfilter(kind: int, line: bytearray, previous: bytearray, bpp: int) -> bytearray:
    if kind == 0:
        return line
    if kind == 2:  # Up
        return bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        if kind == 1:  # Sub
            line[i] = (line[i] + left) & 0xFF
        elif kind == 3:  # Average
            line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            estimate = left + up - corner
            pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        else:
            raise AssertionError(f"PNG filter type {kind}")
    return line

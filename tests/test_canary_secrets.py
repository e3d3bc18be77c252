"""The canary proof of redaction: for each API, its sandbox is served on 127.0.0.1 accepting only
canary credentials (values nobody has seen), every suite of the API runs against it as a live
target — recording cassettes, writing Allure, JUnit XML and the conformance report, logging at
DEBUG — and then no file the run wrote and none of its output holds a canary secret: as sent,
base64-encoded, percent-encoded, or only its marker. The served sandbox must have seen every
canary of site 0, so the proof cannot pass by sending nothing.

Identifiers (account number, client id, resource, partner key) get canary values too, in the
format the sandbox checks, but they are evidence, not secrets (``NOT_SECRET_CREDENTIALS``): they
are not scanned for. The access tokens the sandbox issues are secrets the run learns: scanned for.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

import pytest
import yaml

from b2bconform.locations import suite_dir
from b2bconform.sandboxes import SANDBOXES, get_sandbox
from b2bconform.sandboxes.serve import credential_variable, serve_in_thread
from b2bconform.traffic.redaction import NOT_SECRET_CREDENTIALS

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

ROOT = Path(__file__).resolve().parents[1]
APIS = sorted(SANDBOXES)
# In every secret canary and in nothing else: not hex (ids and hashes are), not a word (paths are).
MARKER = "zq7vx3kw"
PREFIX = "B2BTEST_CANARY"
# Identifiers in the format the sandboxes check: GUIDs for Azure AD, up to 10 characters for the
# SOAP account number. Site 0's account is the one the document's sample request names, which a
# suite sends as printed.
IDENTIFIERS: dict[str, Callable[[int], str]] = {
    "client_id": lambda site: f"7c0ffee0-0000-4000-8000-00000000c0a{site}",
    "resource": lambda site: "7c0ffee0-0000-4000-8000-0000000a0a00",
    "Username": lambda site: ("1001065", "7300911")[site],
    "partnerKey": lambda site: f"73009100000000000{site}",
}
# Where pytest and its plugins may write inside the repository on their own, none of it output.
CACHES = ("__pycache__/", ".hypothesis/", ".mypy_cache/", ".ruff_cache/", ".pytest_cache/", ".venv/", ".tox/")


def is_secret(name: str) -> bool:
    return name.lower() not in NOT_SECRET_CREDENTIALS


def canaries(api: str) -> list[dict[str, str]]:
    """Both sites' credentials for ``api``: a canary per secret, an identifier in its format otherwise."""
    return [
        {name: _canary(api, name, site) if is_secret(name) else IDENTIFIERS[name](site) for name in names}
        for site, names in enumerate(get_sandbox(api).demo_credentials())
    ]


def _canary(api: str, name: str, site: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{api}-{name}".lower()).strip("-")
    return f"canary-{MARKER}-{slug}-site{site}"


# ── the scanner ────────────────────────────────────────────────────────────────────────────────


def encoded_forms(secret: str) -> dict[bytes, str]:
    """What to look for, and what it is: the value as is, percent-encoded, and base64-encoded at
    each of the three alignments a value can have inside a longer encoded text (edges cut off)."""
    raw = secret.encode()
    forms = {raw: "as is"}  # the first label wins where two forms are the same bytes
    forms.setdefault(quote(secret, safe="").encode(), "percent-encoded")
    forms.setdefault(quote_plus(secret).encode(), "form-encoded")
    for offset in range(3):
        for encode, label in ((base64.b64encode, "base64"), (base64.urlsafe_b64encode, "base64url")):
            text = encode(b"\0" * offset + raw).rstrip(b"=")
            forms.setdefault(text[(8 * offset + 5) // 6 : -4], f"{label} (offset {offset})")
    return forms


@dataclass
class Scanner:
    """Finds canary secrets in bytes: each secret in every encoded form, and the marker alone in
    any letter case (a secret cut short, escaped or upper-cased still carries it)."""

    secrets: Iterable[str]
    marker: str = MARKER
    _needles: dict[bytes, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for secret in self.secrets:
            self._needles.update({form: f"{secret!r} {how}" for form, how in encoded_forms(secret).items()})

    def find(self, data: bytes) -> list[str]:
        found = [what for needle, what in self._needles.items() if needle in data]
        if self.marker.encode() in data.lower():
            found.append(f"the marker {self.marker!r}")
        return found

    def scan(self, files: Iterable[Path], texts: Mapping[str, str] = {}) -> dict[str, list[str]]:
        """Every file (read as bytes, binary or not) and text holding a canary -> what it holds."""
        hits = {str(path): self.find(path.read_bytes()) for path in files if path.is_file()}
        hits.update(
            {name: self.find(text.encode("utf-8", "surrogateescape")) for name, text in texts.items()}
        )
        return {where: what for where, what in hits.items() if what}


def test_the_scanner_finds_a_canary_planted_in_any_form(tmp_path: Path) -> None:
    secret = canaries("westcon_rest")[0]["client_secret"]
    planted = {
        "as-is.yaml": f"client_secret: {secret}\n".encode(),
        "base64.bin": b"\x00\xff" + base64.b64encode(b"Basic x:" + secret.encode()),
        "base64url.json": b'{"t": "' + base64.urlsafe_b64encode(b"ab" + secret.encode()) + b'"}',
        "percent.txt": quote(f"a b {secret}", safe="").encode(),
        "upper.txt": secret.upper().encode(),
        "cut-short.txt": secret[: len(secret) // 2].encode(),
        "clean.txt": b"client_secret: ***\n",
    }
    for name, data in planted.items():
        (tmp_path / name).write_bytes(data)
    hits = Scanner([secret]).scan(sorted(tmp_path.iterdir()), {"stdout": f"... {secret} ..."})
    assert set(hits) == {str(tmp_path / name) for name in planted if name != "clean.txt"} | {"stdout"}


def test_encoded_forms_of_a_secret_are_found_inside_longer_encoded_text() -> None:
    secret = "canary-" + MARKER + "-0123456789"
    scanner = Scanner([secret], marker="absent-marker")
    for prefix in (b"", b"a", b"ab", b"abc"):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            assert scanner.find(encode(prefix + secret.encode() + b"tail")), (prefix, encode)
    assert not scanner.find(base64.b64encode(b"something else entirely, of the same length...."))


def test_a_new_file_is_the_runs_when_it_names_the_run_and_anothers_otherwise(tmp_path: Path) -> None:
    (tmp_path / "cassettes" / "deep").mkdir(parents=True)
    (tmp_path / "cassettes" / "deep" / "one.yaml").write_text("uri: http://127.0.0.1:4711/orders\n")
    (tmp_path / "someone-elses.yaml").write_text("uri: http://127.0.0.1:5000/orders\n")
    ours = ["http://127.0.0.1:4711", MARKER]
    assert _mentions(tmp_path / "cassettes", ours) and _mentions(
        tmp_path / "cassettes" / "deep" / "one.yaml", ours
    )
    assert not _mentions(tmp_path / "someone-elses.yaml", ours)
    assert not _mentions(tmp_path / "gone.yaml", ours)


def test_every_canary_secret_carries_the_marker_and_no_identifier_does() -> None:
    for api in APIS:
        demo = {value for site in get_sandbox(api).demo_credentials() for value in site.values()}
        for site in canaries(api):
            for name, value in site.items():
                assert (MARKER in value) == is_secret(name), (api, name)
                assert value not in demo or not is_secret(name), (api, name)


# ── the served sandbox, observed ──────────────────────────────────────────────────────────────


class Observed:
    """The sandbox's ASGI app, noting which canaries each request carried (path, query, headers,
    body) and the access tokens its answers issued."""

    def __init__(self, app: Any, canaries: Iterable[str]) -> None:
        self.app = app
        self.canaries = tuple(canaries)
        self.carried: Counter[str] = Counter()
        self.requests = 0
        self.tokens: set[str] = set()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent, answered = bytearray(), bytearray()

        async def receiving() -> Any:
            message = await receive()
            sent.extend(message.get("body", b"") if message["type"] == "http.request" else b"")
            return message

        async def sending(message: Any) -> None:
            answered.extend(message.get("body", b"") if message["type"] == "http.response.body" else b"")
            await send(message)

        await self.app(scope, receiving, sending)
        headers = "\n".join(f"{k.decode('latin-1')}: {v.decode('latin-1')}" for k, v in scope["headers"])
        body = sent.decode("utf-8", "replace")
        carried = "\n".join(
            [
                scope["path"],
                unquote_plus(scope["query_string"].decode("latin-1")),
                headers,
                body,
                unquote_plus(body),
            ]
        )
        self.requests += 1  # one event loop serves every request: no lock needed
        self.carried.update(canary for canary in self.canaries if canary in carried)
        if b"access_token" in answered:
            token = json.loads(answered).get("access_token")
            if isinstance(token, str) and token:
                self.tokens.add(token)


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, str, Observed, list[dict[str, str]]]]:
    api: str = request.param
    sites = canaries(api)
    sandbox = get_sandbox(api)(credentials=sites)
    observed = Observed(sandbox.asgi(), [v for site in sites for k, v in site.items() if is_secret(k)])
    url, stop = serve_in_thread(observed, name=f"canary-{api}")
    yield api, url, observed, sites
    stop()


# ── the run ────────────────────────────────────────────────────────────────────────────────────


def _profile(path: Path, api: str, url: str, sites: list[dict[str, str]]) -> dict[str, str]:
    """Writes the run's profile; returns the environment holding the canaries it names."""
    sections, environment = {}, {}
    for site, (section, values) in enumerate(
        zip(("credentials", "alternate_credentials"), sites, strict=False)
    ):
        variables = {name: credential_variable(PREFIX, name, site) for name in values}
        sections[section] = variables
        environment.update({variables[name]: value for name, value in values.items()})
    token_path = getattr(get_sandbox(api), "token_path", None)
    profile = {
        "api": api, "base_url": url, "environment": "qa", **sections,
        **({"token_url": url + token_path} if token_path else {}),
        "writes_allowed": True, "rate_limit": 1000, "budget": 100_000, "timeout": 30,
        "test_data": "sandbox",  # the served sandbox's own orders and master data: more traffic
    }  # fmt: skip
    path.write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")
    return environment


def _repo_files() -> set[str] | None:
    """What ``git status`` lists in the repository, ignored files included; None without git."""
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return set(done.stdout.splitlines()) if done.returncode == 0 else None


def _mentions(path: Path, texts: Iterable[str]) -> bool:
    """Whether the file (or any file under the directory) holds one of ``texts``."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    needles = [text.encode() for text in texts]
    return any(needle in file.read_bytes() for file in files for needle in needles)


def _written_since(root: Path, moment: float) -> Iterator[Path]:
    """Files under ``root`` changed since ``moment`` (the repository's own, not its environment)."""
    for directory, names, files in os.walk(root):
        names[:] = [n for n in names if n not in {".git", ".venv", ".tox"}]
        for name in files:
            path = Path(directory, name)
            try:
                if path.stat().st_mtime >= moment:
                    yield path
            except OSError:
                continue


@pytest.mark.parametrize("served", APIS, indirect=True)
def test_no_canary_secret_survives_a_recorded_live_run_of_every_suite(
    served: tuple[str, str, Observed, list[dict[str, str]]], tmp_path: Path
) -> None:
    api, url, observed, sites = served
    out, scratch = tmp_path / "run", tmp_path / "tmp"
    out.mkdir()
    scratch.mkdir()
    profile = tmp_path / "canary-profile.yaml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("B2BTEST_", "B2BCONFORM_"))}
    env.update(_profile(profile, api, url, sites))
    # every temporary file the run makes lands where it is scanned; no bytecode in the repository
    env.update(TMPDIR=str(scratch), PYTHONDONTWRITEBYTECODE="1")
    command = [
        sys.executable, "-m", "pytest", str(suite_dir(api)), "-p", "no:cacheprovider",
        "--target", "live", "--profile", str(profile), "--allow-writes",
        "--record", "--cassette-dir", str(out / "cassettes"),
        "--alluredir", str(out / "allure"), "--junitxml", str(out / "junit.xml"),
        "--conformance-report", str(out / "c.json"),
        "--log-level=DEBUG", "-o", "log_cli=true", "-o", "junit_logging=all", "-rA",
        "--hypothesis-profile", "selftest",
    ]  # fmt: skip
    before, started = _repo_files(), time.time()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    after = _repo_files()

    # the run happened, and passed: the sandbox accepted the canaries (it refuses anything else)
    tail = done.stdout[-4000:] + done.stderr[-2000:]
    assert done.returncode == 0, tail
    report = json.loads((out / "c.json").read_text())
    assert report["summary"]["failed"] == 0 and report["summary"]["passed"] > 0, report["summary"]
    assert any((out / "cassettes").rglob("*.yaml")), "--record wrote no cassette"
    assert any((out / "allure").glob("*-result.json")) and (out / "junit.xml").is_file()
    # and it sent every canary secret of site 0: the proof cannot pass by sending nothing
    unsent = [name for name, value in sites[0].items() if is_secret(name) and not observed.carried[value]]
    assert not unsent, f"no request carried the canary {unsent} ({observed.requests} requests)"
    if getattr(get_sandbox(api), "token_path", None):
        assert observed.tokens, "the token endpoint issued no token"

    # nothing it wrote or printed holds a canary secret or an issued token
    secrets = [value for site in sites for name, value in site.items() if is_secret(name)]
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != profile]
    written += [p for p in _written_since(ROOT, started) if p.is_file()]
    hits = Scanner([*secrets, *observed.tokens]).scan(written, {"stdout": done.stdout, "stderr": done.stderr})
    assert not hits, f"canary secrets reached: {json.dumps(hits, indent=2)}"
    assert MARKER not in profile.read_text()  # the profile names variables, never values

    # and the repository gained no file from this run (caches aside; every file changed since the
    # run began is scanned above). What the run writes names its target or its profile, or holds
    # one of its credentials: a new file with none of them is someone else's, made meanwhile.
    if before is not None and after is not None:
        ours = [url, str(tmp_path), MARKER, *(value for site in sites for value in site.values())]
        gained = [
            entry
            for entry in sorted(after - before)
            if entry.startswith(("??", "!!"))
            and not any(cache in entry for cache in CACHES)
            and _mentions(ROOT / entry[3:], ours)
        ]
        assert not gained, f"the run wrote into the repository: {gained}"

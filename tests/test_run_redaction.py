"""A pytest run passes what it prints and writes through the run's redactors: live and captured
logs at DEBUG (httpx logs every request URL, the ManEx key in its path), failure messages,
skip reasons (a refused write's URL among them), a test's arguments in its traceback, captured
output, JUnit XML and Allure results."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import pytest

from b2bconform.apis.manex_erp.sandbox import API_KEYS

ROOT = Path(__file__).resolve().parents[1]
KEY = API_KEYS[0]  # what the embedded ManEx sandbox target sends in every URL

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

SUITE = """
import logging

import pytest
from hypothesis import given, strategies as st

from b2bconform.apis.manex_erp.sandbox import API_KEYS

pytestmark = pytest.mark.api("manex_so")


def _key(judge):
    return judge.target.credentials()["{apiKey}"]


def test_fails_with_the_key_in_its_message(judge):
    judge.send("POST", "/api/SO/Get/{apiKey}", json={})
    logging.getLogger("suite").warning("sent with key %s", _key(judge))
    print("printed", _key(judge))
    assert False, "the key " + _key(judge) + " in a failure message"


def test_skips_with_the_key_in_its_reason(judge):
    pytest.skip("skipped for " + _key(judge))


def test_refused_as_a_write_with_the_key_in_the_url(judge):
    from b2bconform.targets import WritesNotAllowed

    # what a live target raises for a write it may not send: the plugin reports it as a skip
    raise WritesNotAllowed("POST /api/SO/Add/" + _key(judge) + " writes to the target")


@given(key=st.sampled_from(API_KEYS[:1]))
def test_fails_with_the_key_as_an_argument(judge, key):
    judge.send("POST", "/api/SO/Get/{apiKey}", json={})
    assert key is None
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("run")
    (out / "test_leaky.py").write_text(SUITE)
    # a test file outside the suite folders: the harness runs it only when --b2bconform asks for it
    command = [sys.executable, "-m", "pytest", str(out / "test_leaky.py"), "--b2bconform", "-p", "no:cacheprovider",
               "--alluredir", str(out / "allure"), "--junitxml", str(out / "junit.xml"),
               "--conformance-report", str(out / "c.json"), "--hypothesis-profile", "selftest",
               "--log-level=DEBUG", "-o", "log_cli=true", "-o", "junit_logging=all", "-rA"]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    return out, done.stdout + done.stderr


def _written(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.suffix != ".py"
    }


def test_the_run_happened_as_written(run: tuple[Path, str]) -> None:
    _, output = run
    assert "2 failed, 2 skipped" in output, output[-3000:]


def test_no_output_and_no_file_carries_the_key(run: tuple[Path, str]) -> None:
    out, output = run
    assert KEY not in output
    written = _written(out)
    assert {"junit.xml", "c.json"} <= set(written) and any(name.startswith("allure") for name in written)
    leaked = [name for name, data in written.items() if KEY.encode() in data]
    assert not leaked, f"the key reached {leaked}"


@pytest.mark.parametrize(
    "masked",
    [
        "HTTP Request: POST http://testserver/api/SO/Get/***",  # httpx's INFO line, live and captured
        "sent with key ***",  # a test's own log record
        "printed ***",  # captured stdout
        "the key *** in a failure message",  # an assertion message
        "skipped for ***",  # a skip reason
        "POST /api/SO/Add/*** writes to the target",  # a write refused, reported as a skip
        "key = '***'",  # a test function's arguments in the traceback
    ],
)
def test_each_text_still_appears_with_the_key_masked(run: tuple[Path, str], masked: str) -> None:
    out, output = run
    written = _written(out)
    junit = html.unescape(written["junit.xml"].decode())
    allure = "".join(
        data.decode("utf-8", "replace") for name, data in written.items() if name.startswith("allure")
    )
    assert masked in output
    assert masked in junit
    assert masked in allure

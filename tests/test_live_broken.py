"""Infrastructure trouble on a live target is a broken run, never a contract finding: an unreachable
host, a TLS failure, a timeout and a spent budget each give a clear message and the verdict
"broken" in the conformance report; and the budget holds when pytest-xdist runs two workers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from b2bconform.apis.moduslink_po.sandbox import ModusLinkSandbox
from b2bconform.locations import suite_dir
from live_runs import Counting, closed_port, run_live, serving, write_profile

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

AUTH_TESTS = str(suite_dir("moduslink_po") / "test_auth.py")
# tied to two tests of AUTH_TESTS; nothing else evaluates it when no answer ever comes
RULE = "MODUSLINK_PO-AUTH-001"


def _report(reports: Path) -> dict[str, Any]:
    return dict(json.loads((reports / "conformance.json").read_text(encoding="utf-8")))


def assert_broken_never_failed(report: dict[str, Any], *rules: str) -> None:
    summary = report["summary"]
    assert summary["failed"] == 0 and summary["broken"] > 0, summary
    checked = report["apis"]["moduslink_po"]["rules"]
    assert [rule for rule, entry in checked.items() if entry["findings"]] == []  # no finding on any rule
    for rule in rules:
        assert checked[rule]["status"] == "broken", checked[rule]


async def _slow(scope: Any, receive: Any, send: Any) -> None:
    """An API that never answers in time."""
    await asyncio.sleep(3)
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": b"{}"})


@pytest.fixture(scope="module")
def served_moduslink() -> Iterator[str]:
    with serving(ModusLinkSandbox().asgi()) as url:
        yield url


@pytest.mark.parametrize("trouble", ["unreachable", "tls", "timeout"])
def test_infrastructure_trouble_is_reported_broken_with_a_clear_message_and_no_finding(
    tmp_path: Path, served_moduslink: str, trouble: str
) -> None:
    with serving(_slow) as slow_url:
        base_url, timeout, message = {
            "unreachable": (f"http://127.0.0.1:{closed_port()}", 10, "cannot connect"),
            # https:// to a server that speaks plain HTTP: the TLS handshake cannot succeed
            "tls": (served_moduslink.replace("http://", "https://"), 10, "TLS handshake failed"),
            "timeout": (slow_url, {"connect": 5, "read": 0.5}, "timed out after 0.5s (ReadTimeout)"),
        }[trouble]
        profile, credentials = write_profile(tmp_path, ModusLinkSandbox(), base_url, timeout=timeout)
        done = run_live([AUTH_TESTS], profile, credentials, tmp_path / "reports")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert f"{base_url}: {message}" in output
    assert_broken_never_failed(_report(tmp_path / "reports"), RULE)


SECOND_SITE_TEST = """
import pytest

@pytest.mark.api("moduslink_po")
@pytest.mark.rules("MODUSLINK_PO-AUTH-007")
def test_needs_the_second_sites_credentials(judge):
    judge.target.credentials(site=1)
"""


def test_a_credential_missing_when_a_test_needs_it_is_reported_broken(
    tmp_path: Path, served_moduslink: str
) -> None:
    # the main credentials are there (the run starts); the second site's are not in the profile
    profile, credentials = write_profile(
        tmp_path, ModusLinkSandbox(), served_moduslink, alternate_credentials={}
    )
    test_file = tmp_path / "test_second_site.py"
    test_file.write_text(SECOND_SITE_TEST, encoding="utf-8")
    # a test file outside the suite folders is a harness run only when asked for
    done = run_live([str(test_file)], profile, credentials, tmp_path / "reports", "--b2bconform")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert (
        "needs credentials from environment variables that are not set: alternate_credentials for site 1"
        in output
    )
    assert_broken_never_failed(_report(tmp_path / "reports"), "MODUSLINK_PO-AUTH-007")


def test_a_spent_budget_stops_the_requests_and_is_reported_broken(tmp_path: Path) -> None:
    counted = Counting(ModusLinkSandbox().asgi())
    with serving(counted) as url:
        profile, credentials = write_profile(tmp_path, ModusLinkSandbox(), url, budget=12)
        done = run_live(
            [str(suite_dir("moduslink_po"))], profile, credentials, tmp_path / "reports", "--tb=line"
        )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert 0 < counted.requests <= 12
    assert f"request budget of 12 for profile '{profile.stem}' is spent" in output
    assert_broken_never_failed(_report(tmp_path / "reports"))


def test_the_budget_holds_across_xdist_workers_and_is_reported_broken(tmp_path: Path) -> None:
    counted = Counting(ModusLinkSandbox().asgi())
    allure = tmp_path / "allure"
    with serving(counted) as url:
        profile, credentials = write_profile(tmp_path, ModusLinkSandbox(), url, budget=30)
        done = run_live(
            [str(suite_dir("moduslink_po"))], profile, credentials, tmp_path / "reports", "-n", "2",
            "--alluredir", str(allure), "--tb=line",
        )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    # two workers, one budget: the served sandbox saw 30 requests at most, not 30 per worker
    assert 0 < counted.requests <= 30
    results = [json.loads(path.read_text(encoding="utf-8")) for path in allure.glob("*-result.json")]
    processes = {
        label["value"].split("-")[0] for r in results for label in r["labels"] if label["name"] == "thread"
    }
    assert len(processes) == 2  # the tests did run in two worker processes
    statuses = {result["status"] for result in results}
    spent = [r for r in results if "request budget of 30" in r.get("statusDetails", {}).get("message", "")]
    assert spent and all(result["status"] == "broken" for result in spent)
    assert "failed" not in statuses, [r["name"] for r in results if r["status"] == "failed"]
    # the orders the workers created reach the controller's clean-up list
    left = json.loads((tmp_path / "reports" / "cleanup.json").read_text(encoding="utf-8"))["left"]
    assert left and {item["kind"] for item in left} == {"purchase order"}

"""A live profile can name what the system holds (``test_data``, in the shape the API's contract
gives in ``test_data.schema.json``): the Westcon SOAP suites then query those orders on a real
system, the smoke subset verifies a found order, and onboarding can end PASSED. Without it those
tests skip before sending anything, saying what to add; an order the system does not hold fails
the smoke test; a malformed ``test_data`` stops the run naming the file, the line and the path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from b2bconform.errors import InputFileError
from b2bconform.locations import suite_dir
from b2bconform.sandboxes import get_sandbox
from b2bconform.targets import known_data_schema, load_profile
from b2bconform.workflows.onboard import onboard
from live_runs import run_live, serving, write_profile

pytestmark = pytest.mark.slow  # starts processes (the fast set: -m "not slow")

API = "westcon_soap"
ORDERS = [{"number": "704571"}, {"number": "PO-4471", "type": "C"}]  # two the sandbox holds
SMOKE_TEST = "test_an_order_the_account_holds_is_found_and_answered_per_contract"
KNOWN_ORDER_TESTS = {SMOKE_TEST, "test_valid_queries_are_answered_per_contract"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    sandbox = get_sandbox(API)()
    with serving(sandbox.asgi()) as url:
        _, credentials = write_profile(tmp_path_factory.mktemp("credentials"), sandbox, url)
        yield url, credentials


def _profile(directory: Path, url: str, test_data: Any) -> Path:
    """A live profile for the served sandbox whose ``test_data`` is ``test_data`` (None: no key)."""
    path, _ = write_profile(directory, get_sandbox(API)(), url)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("test_data")
    if test_data is not None:
        data["test_data"] = test_data
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _tests(reports: Path) -> dict[str, dict[str, Any]]:
    report = json.loads((reports / "conformance.json").read_text(encoding="utf-8"))
    return {test_id.split("::")[-1].split("[")[0]: test for test_id, test in report["tests"].items()}


# ── the profile file ─────────────────────────────────────────────────────────────────────────


def test_the_westcon_soap_contract_says_which_test_data_a_profile_can_give() -> None:
    schema = json.loads(known_data_schema(API).read_text(encoding="utf-8"))
    assert schema["required"] == ["orders"]
    assert not known_data_schema("moduslink_po").exists()  # its suites need none from a profile


def test_a_profile_with_known_orders_loads_them(tmp_path: Path) -> None:
    loaded = load_profile(str(_profile(tmp_path, "http://127.0.0.1:1", {"orders": ORDERS})))
    assert loaded.test_data == {"orders": ORDERS}


@pytest.mark.parametrize(
    ("test_data", "where", "problem"),
    [
        pytest.param({"orders": []}, "at test_data.orders", "expected at least 1 entries", id="no-orders"),
        pytest.param({"orders": [{"type": "W"}]}, "at test_data.orders.0", "expected key 'number'", id="no-number"),
        pytest.param(
            {"orders": [{"number": "1", "type": "X"}]}, "at test_data.orders.0.type", "expected one of ['W', 'C']",
            id="bad-type",
        ),
        pytest.param(
            {"orders": [{"number": "9" * 36}]}, "at test_data.orders.0.number", "at most 35 characters",
            id="number-too-long",
        ),
        pytest.param({"customers": ["1"]}, "at test_data", "unexpected key", id="unknown-key"),
        pytest.param("vendor", "at test_data", "expected 'sandbox'", id="unknown-word"),
    ],
)  # fmt: skip
def test_malformed_test_data_names_the_file_the_line_and_the_path(
    tmp_path: Path, test_data: Any, where: str, problem: str
) -> None:
    path = _profile(tmp_path, "http://127.0.0.1:1", test_data)
    with pytest.raises(InputFileError) as caught:
        load_profile(str(path))
    message = str(caught.value)
    assert str(path) in message and "line " in message and where in message and problem in message, message


def test_an_api_whose_contract_takes_no_test_data_refuses_a_mapping(tmp_path: Path) -> None:
    path = _profile(tmp_path, "http://127.0.0.1:1", {"orders": ORDERS})
    path.write_text(path.read_text(encoding="utf-8").replace("api: westcon_soap", "api: moduslink_po"))
    with pytest.raises(InputFileError, match=r"at test_data.*expected 'sandbox'.*for api moduslink_po"):
        load_profile(str(path))


# ── the suites against a live system ─────────────────────────────────────────────────────────


def test_known_orders_from_the_profile_are_queried_and_found(
    served: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, credentials = served
    profile = _profile(tmp_path, url, {"orders": ORDERS})
    done = run_live([str(suite_dir(API))], profile, credentials, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    tests = _tests(tmp_path)
    assert {name: tests[name]["outcome"] for name in KNOWN_ORDER_TESTS} == dict.fromkeys(
        KNOWN_ORDER_TESTS, "passed"
    )
    # the tests that need the sandbox's own triggers and master data still skip on a live system
    assert tests["test_a_system_error_is_reported_in_the_errors_block"]["outcome"] == "skipped"


def test_without_known_orders_those_tests_skip_saying_what_to_add(
    served: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, credentials = served
    done = run_live([str(suite_dir(API))], _profile(tmp_path, url, None), credentials, tmp_path, "-rs")
    assert done.returncode == 0, done.stdout[-3000:]
    tests = _tests(tmp_path)
    for name in KNOWN_ORDER_TESTS:
        assert tests[name]["outcome"] == "skipped", tests[name]
    assert "test_data.orders" in done.stdout
    assert tests["test_a_call_with_a_wrong_password_is_refused_with_a_soap_fault"]["outcome"] == "passed"


def test_an_order_the_system_does_not_hold_fails_the_smoke_test(
    served: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, credentials = served
    profile = _profile(tmp_path, url, {"orders": [{"number": "999999999"}]})
    done = run_live([str(suite_dir(API)), "-m", "smoke"], profile, credentials, tmp_path)
    assert done.returncode == 1, done.stdout[-3000:]
    assert _tests(tmp_path)[SMOKE_TEST]["outcome"] == "failed"
    assert "order 999999999 (W) was not found" in done.stdout


@pytest.mark.parametrize(
    ("test_data", "verdict", "code"),
    [({"orders": ORDERS}, "PASSED", 0), (None, "INCOMPLETE", 1)],
    ids=["known", "none"],
)
def test_onboarding_a_live_system_is_complete_only_with_known_orders(
    served: tuple[str, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    test_data: Any,
    verdict: str,
    code: int,
) -> None:
    url, credentials = served
    for variable, value in credentials.items():
        monkeypatch.setenv(variable, value)
    profile = _profile(tmp_path, url, test_data)
    result = onboard([str(profile)], tmp_path / "out", echo=lambda _: None)
    (outcome,) = result.profiles
    assert (outcome.verdict, result.exit_code) == (verdict, code), outcome.reasons
    if verdict == "INCOMPLETE":
        assert "test_data.orders" in " ".join(outcome.reasons)

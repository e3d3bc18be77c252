"""Live safety that holds across processes and calls: one rate limit and one budget per profile for
the whole run (xdist workers included), timeouts per phase, and no call sent twice that may have
written."""

from __future__ import annotations

import dataclasses
import itertools
import json
import multiprocessing
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import gate_worker
from b2bconform.engine.model import Headers, Request
from b2bconform.errors import InputFileError, TargetError
from b2bconform.targets import LiveTarget, TargetProfile, load_profile
from b2bconform.targets.live_safety import RUN_DIR_VARIABLE, BudgetSpent, RateGate

MODUSLINK_ENV = {
    "MODUSLINK_CLIENT_CONFIG_ID": "cfg-live-20461",
    "MODUSLINK_CLIENT_AUTH_KEY": "5C0FDFDE-B714-42AE-BF4B-000000000001",
    "MODUSLINK_SUBSCRIPTION_KEY": "sub-live-7d1e0c9b2a",
}
ORDERS = "/purchaseapi/v1/orders"


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in MODUSLINK_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(RUN_DIR_VARIABLE, raising=False)


@pytest.fixture
def profile() -> TargetProfile:
    return dataclasses.replace(load_profile("moduslink_po-uat"), rate_limit=1000.0, budget=50)


# ── the gate in one process ──────────────────────────────────────────────────────────────────


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_slots_are_one_interval_apart_and_each_request_waits_for_its_own() -> None:
    fake = FakeTime()
    gate = RateGate("p", rate=2.0, budget=10, run_dir=None, clock=fake.clock, sleep=fake.sleep)
    grants = [gate.acquire() for _ in range(3)]
    assert [g.slot for g in grants] == [100.0, 100.5, 101.0]
    assert fake.slept == [0.5, 0.5]  # the first leaves at once, each next one an interval later
    assert [g.number for g in grants] == [1, 2, 3]


def test_a_quiet_gate_lets_the_next_request_go_at_once() -> None:
    fake = FakeTime()
    gate = RateGate("p", rate=2.0, budget=10, run_dir=None, clock=fake.clock, sleep=fake.sleep)
    gate.acquire()
    fake.now += 5.0
    assert gate.acquire().slot == 105.0 and fake.slept == []


def test_a_spent_budget_names_the_profile_and_the_budget_and_grants_nothing_more() -> None:
    gate = RateGate("uat", rate=1000.0, budget=2, run_dir=None, label="profile 'uat'")
    gate.acquire()
    gate.acquire()
    with pytest.raises(BudgetSpent, match=r"request budget of 2 for profile 'uat' is spent") as caught:
        gate.acquire()
    assert isinstance(caught.value, TargetError)  # broken, never a finding
    assert gate.sent == 2


def test_without_a_run_directory_each_gate_keeps_its_own_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RUN_DIR_VARIABLE, raising=False)
    first, second = RateGate("p", 1000.0, 1), RateGate("p", 1000.0, 1)
    first.acquire()
    second.acquire()
    assert not first.shared and not second.shared


def test_gates_of_one_profile_share_the_run_directorys_state(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(RUN_DIR_VARIABLE, str(tmp_path))
    first, second, other = RateGate("p", 1000.0, 2), RateGate("p", 1000.0, 2), RateGate("q", 1000.0, 2)
    first.acquire()
    second.acquire()
    with pytest.raises(BudgetSpent, match="shared by every process of this run"):
        first.acquire()
    other.acquire()  # another profile has a budget of its own
    assert first.shared and first.sent == 2 and other.sent == 1


def test_a_state_file_that_is_not_a_gate_state_is_a_target_error_naming_it(tmp_path: Path) -> None:
    gate = RateGate("p", 1000.0, 5, run_dir=tmp_path)
    assert gate.state_file is not None
    gate.state_file.write_text("{not json", encoding="utf-8")
    with pytest.raises(TargetError, match=str(gate.state_file)):
        gate.acquire()


# ── the gate across processes ────────────────────────────────────────────────────────────────


def _in_processes(run_dir: Path, rate: float, budget: int, processes: int, attempts: int) -> list[Any]:
    context = multiprocessing.get_context("spawn")  # separate interpreters, as xdist workers are
    start, out = context.Barrier(processes), context.Queue()
    children = [
        context.Process(target=gate_worker.take, args=(str(run_dir), rate, budget, attempts, start, out))
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    results = [out.get(timeout=60) for _ in children]
    for child in children:
        child.join(10)
    return [grant for granted in results for grant in granted]


def test_the_budget_holds_across_processes(tmp_path: Path) -> None:
    granted = _in_processes(tmp_path, rate=5000.0, budget=25, processes=4, attempts=15)
    assert len(granted) == 25  # 60 asked for, 25 allowed: never more, and none lost
    assert sorted(number for number, _, _ in granted) == list(range(1, 26))


def test_requests_of_every_process_are_spaced_by_the_rate_limit(tmp_path: Path) -> None:
    rate = 50.0
    granted = _in_processes(tmp_path, rate=rate, budget=1000, processes=4, attempts=5)
    slots = sorted(slot for _, slot, _ in granted)
    assert len(slots) == 20
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert min(gaps) >= 1 / rate - 1e-9, gaps
    assert all(went >= slot for _, slot, went in granted)  # no request left before its slot


# ── the live target uses it ──────────────────────────────────────────────────────────────────


@respx.mock
def test_two_live_targets_of_one_run_share_the_profiles_budget(
    credentials: None, profile: TargetProfile, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(RUN_DIR_VARIABLE, str(tmp_path))
    route = respx.get(f"{profile.base_url}{ORDERS}/1").respond(200)
    small = dataclasses.replace(profile, budget=3)
    first, second = LiveTarget(small), LiveTarget(small)  # as two xdist workers would have
    first.send(Request("GET", f"{ORDERS}/1"))
    second.send(Request("GET", f"{ORDERS}/1"))
    first.send(Request("GET", f"{ORDERS}/1"))
    with pytest.raises(TargetError, match=r"request budget of 3 for profile 'moduslink_po-uat' is spent"):
        second.send(Request("GET", f"{ORDERS}/1"))
    assert route.call_count == 3


# ── timeouts ─────────────────────────────────────────────────────────────────────────────────

PROFILE = """\
api: moduslink_po
base_url: https://api-uat.moduslink.com
environment: uat
credentials:
  ClientConfigId: MODUSLINK_CLIENT_CONFIG_ID
  ClientAuthKey: MODUSLINK_CLIENT_AUTH_KEY
rate_limit: 2
budget: 10
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "partner-uat.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_timeout_per_phase_reaches_the_http_client_with_the_rest_defaulted(
    credentials: None, tmp_path: Path
) -> None:
    loaded = load_profile(str(_write(tmp_path, PROFILE + "timeout:\n  connect: 5\n  read: 12.5\n")))
    assert loaded.timeout == {"connect": 5, "read": 12.5}
    target = LiveTarget(loaded)
    assert target.client.timeout == httpx.Timeout(connect=5.0, read=12.5, write=30.0, pool=30.0)
    target.close()


def test_one_number_is_the_timeout_of_every_phase(credentials: None, tmp_path: Path) -> None:
    target = LiveTarget(load_profile(str(_write(tmp_path, PROFILE + "timeout: 7\n"))))
    assert target.client.timeout == httpx.Timeout(7.0)
    target.close()


@pytest.mark.parametrize(
    ("setting", "where", "problem"),
    [
        pytest.param("timeout:\n  reed: 5\n", "timeout.reed", "unknown timeout 'reed'", id="unknown-phase"),
        pytest.param("timeout:\n  read: -1\n", "timeout.read", "positive number of seconds", id="negative"),
        pytest.param("timeout:\n  read: soon\n", "timeout.read", "positive number", id="not-a-number"),
        pytest.param("timeout: 0\n", "timeout", "positive number of seconds, got 0", id="zero"),
        pytest.param("timeout: true\n", "timeout", "positive number of seconds, got True", id="boolean"),
        pytest.param("timeout: {}\n", "timeout", "mapping of connect, read, write, pool", id="empty"),
        pytest.param("timeout: [5]\n", "timeout", "positive number of seconds", id="list"),
    ],
)
def test_a_malformed_timeout_names_the_file_the_line_and_the_phase(
    tmp_path: Path, setting: str, where: str, problem: str
) -> None:
    path = _write(tmp_path, PROFILE + setting)
    with pytest.raises(InputFileError) as caught:
        load_profile(str(path))
    message = str(caught.value)
    assert str(path) in message and f"at {where}" in message and problem in message
    assert "line 9" in message or "line 10" in message


@pytest.mark.parametrize(
    ("change", "key"), [("rate_limit: 0", "rate_limit"), ("budget: -1", "budget")], ids=["rate", "budget"]
)
def test_a_rate_limit_of_zero_or_a_negative_budget_is_refused(tmp_path: Path, change: str, key: str) -> None:
    text = PROFILE.replace(f"{key}: {'2' if key == 'rate_limit' else '10'}", change)
    with pytest.raises(InputFileError, match=f"at {key}"):
        load_profile(str(_write(tmp_path, text)))


@respx.mock
def test_a_timeout_names_the_phase_seconds_the_profile_set(credentials: None, tmp_path: Path) -> None:
    profile = load_profile(str(_write(tmp_path, PROFILE + "timeout:\n  connect: 4\n  read: 9\n")))
    respx.get(f"{profile.base_url}{ORDERS}/1").mock(side_effect=httpx.ReadTimeout("slow"))
    respx.get(f"{profile.base_url}{ORDERS}/2").mock(side_effect=httpx.ConnectTimeout("slower"))
    target = LiveTarget(profile)
    with pytest.raises(TargetError, match=r"timed out after 9s \(ReadTimeout\)"):
        target.send(Request("GET", f"{ORDERS}/1"))
    with pytest.raises(TargetError, match=r"timed out after 4s \(ConnectTimeout\)"):
        target.send(Request("GET", f"{ORDERS}/2"))


# ── never sent twice ─────────────────────────────────────────────────────────────────────────

WESTCON = "https://api.example.test"
TOKEN_URL = "https://login.example.test/tenant/oauth2/token"
WESTCON_ENV = {
    "WR_CLIENT_ID": "client-1",
    "WR_CLIENT_SECRET": "secret-1",
    "WR_KEY": "key-1",
    "WR_PARTNER": "p-1",
}


@pytest.fixture
def westcon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LiveTarget:
    for name, value in WESTCON_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(RUN_DIR_VARIABLE, raising=False)
    lines = ["api: westcon_rest", f"base_url: {WESTCON}", "environment: uat", f"token_url: {TOKEN_URL}",
             "writes_allowed: true", "rate_limit: 1000", "credentials:", "  client_id: WR_CLIENT_ID",
             "  client_secret: WR_CLIENT_SECRET", "  Ocp-Apim-Subscription-Key: WR_KEY",
             "  partnerKey: WR_PARTNER"]  # fmt: skip
    path = tmp_path / "westcon.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return LiveTarget(load_profile(str(path)), allow_writes=True)


def _tokens() -> respx.Route:
    fresh = [{"token_type": "Bearer", "expires_in": 3599, "access_token": f"tok-{n}"} for n in (1, 2, 3)]
    return respx.post(TOKEN_URL).mock(side_effect=[httpx.Response(200, json=body) for body in fresh])


@respx.mock
def test_a_write_answered_401_is_not_sent_again(westcon: LiveTarget) -> None:
    _tokens()
    # an operation the contract does not know counts as a write
    write = respx.post(f"{WESTCON}/Orders/cancel").mock(return_value=httpx.Response(401))
    exchange = westcon.send(
        Request("POST", "/Orders/cancel", Headers({"Content-Type": "application/json"}), b"{}")
    )
    assert write.call_count == 1
    assert exchange.response is not None and exchange.response.status == 401


@respx.mock
def test_a_read_answered_401_gets_one_new_token_and_is_sent_once_more(westcon: LiveTarget) -> None:
    tokens = _tokens()
    read = respx.post(f"{WESTCON}/Orders/orderStatus").mock(
        side_effect=[httpx.Response(401), httpx.Response(200, json={})]
    )
    westcon.send(Request("POST", "/Orders/orderStatus", Headers({"Content-Type": "application/json"}), b"{}"))
    assert (read.call_count, tokens.call_count) == (2, 2)


def test_a_post_that_cannot_connect_is_attempted_once(
    credentials: None, profile: TargetProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[Any] = []

    def refuse(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(address)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(socket, "create_connection", refuse)  # below httpx and httpcore: every attempt
    target = LiveTarget(profile, allow_writes=True)
    body = json.dumps({"clientRequest": {}}).encode()
    with pytest.raises(TargetError, match="cannot connect"):
        target.send(Request("POST", ORDERS, Headers({"Content-Type": "application/json"}), body))
    assert len(attempts) == 1
    assert target.sent == 1  # it counts: a request that may have left is part of the budget

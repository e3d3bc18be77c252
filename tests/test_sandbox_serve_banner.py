"""``b2bconform sandbox serve`` prints everything a client needs to call the served sandbox (issue
14, item 6): the base URL (the WSDL URL for SOAP; the token URL and tenant for Westcon REST) and
every credential: what it is, where it is sent, the variable a live profile reads it from, and the
demo value of each site.

Each API's sandbox is served by the real command in a process of its own, on a free port it
reports; the tests read the banner and then call the sandbox with nothing but the printed facts,
and get a documented success. The Westcon REST token endpoint also answers under the tenant the
contract's OpenAPI shows as its example: a sandbox must not refuse its contract's own example.
"""

from __future__ import annotations

import datetime
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import zeep
from starlette.exceptions import StarletteDeprecationWarning
from zeep.wsse.username import UsernameToken

from b2bconform.apis.manex_erp.generators import action_path
from b2bconform.apis.manex_erp.sandbox.erp import SEED as MANEX_SEED
from b2bconform.apis.moduslink_po.generators import ORDERS_PATH, sample_order
from b2bconform.apis.westcon_rest.sandbox import RESPONSE_ROOT, WestconRestSandbox
from b2bconform.apis.westcon_soap.sandbox.orders import seed_orders
from b2bconform.engine.contract import Contract
from b2bconform.locations import APIS_DIR
from b2bconform.sandboxes import SANDBOXES, get_sandbox
from b2bconform.targets import load_profile

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

APIS = sorted(SANDBOXES)
_START_TIMEOUT = 60.0
_FIRST_LINE = re.compile(r"^(\w+) sandbox(?: with fault \S+)? serving on (http://\S+) \(credentials: (.*)\)$")
_DEMO_VALUE = re.compile(r"(\S+) \(site (\d+)\)")


# ── the banner, as a client reads it ─────────────────────────────────────────────────────────────


@dataclass
class Credential:
    name: str
    what: str
    details: dict[str, str] = field(default_factory=dict)  # "sent as", "live env", "demo value"

    @property
    def sent_as(self) -> str:
        return self.details["sent as"]

    def demo(self, site: int = 0) -> str:
        values = {int(s): value for value, s in _DEMO_VALUE.findall(self.details["demo value"])}
        return values[site]


@dataclass
class Banner:
    text: str
    api: str
    url: str
    fields: dict[str, str]  # the top-level lines: "base URL", "token URL", "tenant", ...
    credentials: dict[str, Credential]

    def first_word(self, name: str) -> str:
        """A top-level value up to its first blank (the URL, without what follows it)."""
        return self.fields[name].split()[0]

    def demo(self, site: int = 0) -> dict[str, str]:
        return {name: credential.demo(site) for name, credential in self.credentials.items()}


def parse_banner(text: str) -> Banner:
    lines = text.splitlines()
    first = _FIRST_LINE.match(lines[0])
    assert first is not None, f"not a banner's first line: {lines[0]!r}"
    fields: dict[str, str] = {}
    credentials: dict[str, Credential] = {}
    current: Credential | None = None
    for line in lines[1:]:
        if line.startswith("      "):
            assert current is not None, f"a detail before any credential: {line!r}"
            key, _, value = line.strip().partition(":")
            current.details[key] = value.strip()
        elif line.startswith("    "):
            name, _, what = line.strip().partition(" - ")
            current = credentials[name] = Credential(name, what)
        elif line.startswith("  "):
            key, _, value = line.strip().partition(":")
            fields[key] = value.strip()
        else:
            raise AssertionError(f"not a banner line: {line!r}")
    return Banner(text, first.group(1), first.group(2), fields, credentials)


# ── the real command, served in a process of its own ─────────────────────────────────────────────


class ServedProcess:
    """``python -m b2bconform.cli sandbox serve --api API`` on a free port (``--port 0``), its banner
    read once the sandbox answers HTTP (it prints before it serves, so the banner is whole then)."""

    def __init__(self, api: str, workdir: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        command = [sys.executable, "-m", "b2bconform.cli", "sandbox", "serve", "--api", api, *extra]
        self.stderr_path = workdir / f"{api}.stderr.txt"
        with self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(
                command, cwd=workdir, stdout=subprocess.PIPE, stderr=stderr, env=env or dict(os.environ)
            )
        try:
            self.text = self._read_banner()
        except BaseException:
            self.stop()
            raise
        self.banner = parse_banner(self.text)

    def _read_banner(self) -> str:
        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        os.set_blocking(descriptor, False)
        received = b""
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            received += self._available(descriptor)
            if self.process.poll() is not None:
                raise AssertionError(
                    f"sandbox serve exited {self.process.returncode}: {received.decode(errors='replace')}\n"
                    + self.stderr_path.read_text(errors="replace")
                )
            url = _FIRST_LINE.match(received.decode(errors="replace").split("\n", 1)[0])
            if url is not None and "\n" in received.decode(errors="replace") and _answers(url.group(2)):
                return (received + self._available(descriptor)).decode().rstrip("\n")
            time.sleep(0.05)
        raise AssertionError(f"no banner and no answer within {_START_TIMEOUT}s: {received!r}")

    @staticmethod
    def _available(descriptor: int) -> bytes:
        chunks = []
        while True:
            try:
                chunk = os.read(descriptor, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl-C does
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()


def _answers(url: str) -> bool:
    try:
        httpx.get(url + "/", timeout=1.0, trust_env=False)  # 127.0.0.1: never through a proxy
    except httpx.TransportError:
        return False
    return True


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Banner]]:
    """The banner of ``api``'s sandbox served by the command, one process per API for the module."""
    workdir = tmp_path_factory.mktemp("served")
    running: dict[str, ServedProcess] = {}

    def banner(api: str) -> Banner:
        if api not in running:
            running[api] = ServedProcess(api, workdir)
        return running[api].banner

    yield banner
    for served in running.values():
        served.stop()


# ── what the banner says ─────────────────────────────────────────────────────────────────────────


@pytest.mark.slow
@pytest.mark.parametrize("api", APIS)
def test_the_banner_gives_the_base_url_and_every_credential_with_its_demo_values(
    api: str, serve: Callable[[str], Banner]
) -> None:
    banner = serve(api)
    assert banner.api == api
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", banner.url)
    assert banner.fields["base URL"] == banner.url
    demo = get_sandbox(api).demo_credentials()
    assert list(banner.credentials) == list(demo[0]), banner.text
    for name, credential in banner.credentials.items():
        assert credential.what, f"{name}: what it is is not said"
        assert credential.sent_as and "does not say" not in credential.sent_as
        assert credential.details["live env"]
        # the sandbox's own demo values, each site's: never anything else (no vendor sample key)
        assert [credential.demo(site) for site in range(len(demo))] == [site[name] for site in demo]


# The shipped profile whose variables the banner names (the ManEx SO one is an example profile).
PROFILES: dict[str, Path | None] = {
    "moduslink_po": APIS_DIR / "moduslink_po" / "profiles" / "moduslink_po-uat.yaml",
    "westcon_soap": APIS_DIR / "westcon_soap" / "profiles" / "westcon_soap-qa.yaml",
    "westcon_rest": APIS_DIR / "westcon_rest" / "profiles" / "westcon_rest-production.yaml",
    "manex_so": APIS_DIR / "manex_so" / "profiles" / "examples" / "manex_so-uat.yaml",
    "promostandards_osn": APIS_DIR
    / "promostandards_osn"
    / "profiles"
    / "promostandards_osn-example-supplier.yaml",
    "manex_po": None,
}


@pytest.mark.slow
@pytest.mark.parametrize("api", APIS)
def test_each_credential_names_the_variable_a_live_profile_reads_it_from(
    api: str, serve: Callable[[str], Banner]
) -> None:
    banner = serve(api)
    path = PROFILES[api]
    if path is None:
        assert all("no shipped profile" in c.details["live env"] for c in banner.credentials.values())
        return
    profile = load_profile(str(path))
    for name, variable in profile.credentials.items():
        assert variable in banner.credentials[name].details["live env"], banner.text
        assert path.stem in banner.credentials[name].details["live env"]
    for name, variable in profile.alternate_credentials.items():
        assert variable in banner.credentials[name].details["live env"]


@pytest.mark.slow
def test_the_westcon_soap_banner_gives_the_service_and_wsdl_urls(serve: Callable[[str], Banner]) -> None:
    banner = serve("westcon_soap")
    service = banner.first_word("service URL")
    assert service.startswith(banner.url + "/")
    assert banner.first_word("WSDL URL") == service + "?wsdl"
    assert "GetOrderStatus" in banner.fields["service URL"]
    assert "UsernameToken" in banner.credentials["Username"].sent_as
    assert "PasswordText" in banner.credentials["Password"].sent_as


@pytest.mark.slow
def test_the_westcon_rest_banner_gives_the_token_url_and_the_tenant(serve: Callable[[str], Banner]) -> None:
    banner = serve("westcon_rest")
    tenant = banner.first_word("tenant")
    assert banner.first_word("token URL") == f"{banner.url}/{tenant}/oauth2/token"
    assert "grant_type=client_credentials" in banner.fields["token URL"]
    assert "Bearer" in banner.fields["then"]
    for name in ("client_id", "client_secret", "resource"):
        assert banner.credentials[name].sent_as.startswith(f"form field {name} ")
    assert banner.credentials["Ocp-Apim-Subscription-Key"].sent_as.startswith(
        "header Ocp-Apim-Subscription-Key "
    )
    assert banner.credentials["partnerKey"].sent_as.startswith(
        "JSON body member mT_OrderStatus_API_REQ.partnerKey "
    )
    # the contract's example tenant is named as served too, with its token URL
    example = _contract_example_tenant()
    assert f"{banner.url}/{example}/oauth2/token" in banner.fields["tenant"]


# ── a documented success, with nothing but the printed facts ─────────────────────────────────────


def _headers(banner: Banner, site: int = 0) -> dict[str, str]:
    """The credentials the banner says travel as headers (``sent as: header NAME ...``)."""
    found = {}
    for credential in banner.credentials.values():
        words = credential.sent_as.split()
        if words[0] == "header":
            found[words[1]] = credential.demo(site)
    return found


def _documented_successes(api: str, operation_id: str) -> set[int]:
    for item in Contract.load(api).spec["paths"].values():
        for definition in item.values():
            if isinstance(definition, dict) and definition.get("operationId") == operation_id:
                return {int(code) for code in definition["responses"] if str(code).startswith("2")}
    raise AssertionError(f"{api} documents no operation {operation_id}")


class _Tag:
    """The references a sample order needs (a run's TestTag stands for them in the suites)."""

    run_id = "BANNER"

    def __init__(self) -> None:
        self._serial = 0

    def next(self, max_length: int = 25) -> str:
        self._serial += 1
        return f"B2BBANNER-{time.time_ns() % 10**8}-{self._serial}"[:max_length]


@pytest.mark.slow
def test_moduslink_po_an_order_is_created_and_read_back_with_the_printed_facts(
    serve: Callable[[str], Banner],
) -> None:
    banner = serve("moduslink_po")
    headers = _headers(banner)
    assert set(headers) == set(banner.credentials)  # every ModusLink credential is a header
    with httpx.Client(
        trust_env=False, base_url=banner.first_word("base URL"), headers=headers, timeout=10
    ) as http:
        created = http.post(ORDERS_PATH, json=sample_order(_Tag()))
        assert created.status_code in _documented_successes("moduslink_po", "createPurchaseOrder"), (
            created.text
        )
        (link,) = created.json()["links"]  # the documented link to the order, followed
        read = http.request(link["method"], link["href"])
        assert read.status_code in _documented_successes("moduslink_po", "getPurchaseOrder"), read.text


@pytest.mark.slow
def test_westcon_soap_zeep_calls_the_printed_wsdl_url_with_the_printed_account(
    serve: Callable[[str], Banner],
) -> None:
    banner = serve("westcon_soap")
    username, password = banner.credentials["Username"].demo(), banner.credentials["Password"].demo()
    number = next(order.erp_number for order in seed_orders() if order.account == username)
    # the WSDL from the printed URL points zeep (and its XSD imports) back at the served sandbox
    session = requests.Session()
    session.trust_env = False  # 127.0.0.1: never through a proxy
    client = zeep.Client(
        banner.first_word("WSDL URL"),
        wsse=UsernameToken(username, password),
        transport=zeep.Transport(session=session),
    )
    query = {
        "WestconOrderStatus": {
            "CustomerAccountNumber": username,
            "OrderNumberType": "W",
            "Orders": {"Order": [{"OrderNumber": number}]},
        }
    }
    result = client.service.GetOrderStatus(request=query)
    assert [order.ERPOrderNumber.lstrip("0") for order in result.Orders.Order] == [number]


@pytest.mark.slow
@pytest.mark.parametrize("api", ["manex_so", "manex_po"])
def test_manex_a_documented_success_with_the_printed_key_in_the_url_path(
    api: str, serve: Callable[[str], Banner]
) -> None:
    banner = serve(api)
    key_name, credential = next(iter(banner.credentials.items()))
    assert credential.sent_as.startswith(f"URL path segment {key_name}")
    key = credential.demo()
    with httpx.Client(trust_env=False, base_url=banner.first_word("base URL"), timeout=10) as http:
        if api == "manex_so":
            number = f"{time.time_ns() % 10**10:010d}"
            today = datetime.date.today().strftime("%m-%d-%Y")
            added = http.post(
                action_path(api, "SOAdd", key),
                json={
                    "SoNo": number,
                    "custNo": MANEX_SEED.customers[0].custno,
                    "orderDate": today,
                    "PoNo": "B",
                },
            )
            assert added.json()["Code"] == 200, added.text
            answer = http.post(action_path(api, "SOGet", key), json={"SoNo": number})
            assert answer.json()["ResponseObject"]["SONO"] == number
        else:
            answer = http.post(
                action_path(api, "POGet", key), json={"supName": MANEX_SEED.suppliers[0].sup_name}
            )
    assert answer.status_code == 200
    assert answer.json()["Code"] == 200 and answer.json()["IsValidUser"] is True, answer.text


def _token(http: httpx.Client, token_url: str, banner: Banner, site: int = 0) -> str:
    """A token from ``token_url``, with the form the banner describes and its demo values."""
    form = {"grant_type": "client_credentials"}
    assert "grant_type=client_credentials" in banner.fields["token URL"]
    for name, credential in banner.credentials.items():
        if credential.sent_as.startswith("form field "):
            form[name] = credential.demo(site)
    answer = http.post(token_url, data=form)
    assert answer.status_code in _documented_successes("westcon_rest", "getAccessToken"), answer.text
    assert answer.json()["token_type"] == "Bearer"
    token: str = answer.json()["access_token"]
    return token


def _order_status(http: httpx.Client, banner: Banner, token: str, site: int = 0) -> httpx.Response:
    """The contract's own example query, with the printed partnerKey, sent as the banner says."""
    spec = Contract.load("westcon_rest").spec
    body: dict[str, Any] = spec["paths"]["/Orders/orderStatus"]["post"]["requestBody"]["content"][
        "application/json"
    ]["example"]
    member = banner.credentials["partnerKey"].sent_as.split()[3]  # "JSON body member <path> of ..."
    root, _, leaf = member.partition(".")
    query = {root: {**body[root], leaf: banner.credentials["partnerKey"].demo(site)}}
    headers = {**_headers(banner, site), "Authorization": f"Bearer {token}"}
    return http.post("/Orders/orderStatus", json=query, headers=headers)


@pytest.mark.slow
def test_westcon_rest_a_token_from_the_printed_token_url_opens_the_api(
    serve: Callable[[str], Banner],
) -> None:
    banner = serve("westcon_rest")
    with httpx.Client(trust_env=False, base_url=banner.first_word("base URL"), timeout=10) as http:
        token = _token(http, banner.first_word("token URL"), banner)
        answer = _order_status(http, banner, token)
    assert answer.status_code in _documented_successes("westcon_rest", "getOrderStatus"), answer.text
    assert answer.json()[RESPONSE_ROOT], "the demo partner's example orders are found"


# ── the contract's example tenant is served ──────────────────────────────────────────────────────


def _contract_example_tenant() -> str:
    """The tenant the contract's OpenAPI shows in the token endpoint's URL."""
    spec = Contract.load("westcon_rest").spec
    (template,) = [t for t in spec["paths"] if "{tenant}" in t]
    (parameter,) = [p for p in spec["paths"][template]["post"]["parameters"] if p["name"] == "tenant"]
    example: str = parameter.get("example") or parameter["schema"]["example"]
    return example


@pytest.mark.slow
def test_the_served_sandbox_issues_tokens_under_the_contracts_example_tenant(
    serve: Callable[[str], Banner],
) -> None:
    banner = serve("westcon_rest")
    example = _contract_example_tenant()
    with httpx.Client(trust_env=False, base_url=banner.url, timeout=10) as http:
        token = _token(http, f"{banner.url}/{example}/oauth2/token", banner)
        answer = _order_status(http, banner, token)
    assert answer.status_code == 200 and answer.json()[RESPONSE_ROOT], answer.text


def test_the_in_process_sandbox_issues_tokens_under_the_contracts_example_tenant() -> None:
    example = _contract_example_tenant()
    assert example.lower() in WestconRestSandbox.accepted_tenants()
    sandbox = WestconRestSandbox()
    demo = sandbox.client_credentials()
    form = {
        "grant_type": "client_credentials",
        **{k: demo[k] for k in ("client_id", "client_secret", "resource")},
    }
    with TestClient(sandbox.asgi()) as http:
        for tenant in (example, example.upper()):
            answer = http.post(f"/{tenant}/oauth2/token", data=form)
            assert answer.status_code == 200, answer.text
        # any other tenant is still not found (AADSTS90002)
        other = http.post("/00000000-0000-4000-8000-000000000000/oauth2/token", data=form)
        assert other.status_code == 400 and other.json()["error_codes"] == [90002]


# ── values given in place of the demo ones are never printed ─────────────────────────────────────


@pytest.mark.slow
def test_credentials_given_from_the_environment_are_explained_but_never_printed(tmp_path: Path) -> None:
    demo = get_sandbox("moduslink_po").demo_credentials()[0]
    given = {name: f"given-{index}-7b1c" for index, name in enumerate(demo)}
    environ = {
        **os.environ,
        **{f"B2BTEST_BANNER_{re.sub(r'[^A-Z0-9]+', '_', n.upper())}": v for n, v in given.items()},
    }
    served = ServedProcess("moduslink_po", tmp_path, "--credentials-from-env", "B2BTEST_BANNER", env=environ)
    try:
        banner = served.banner
        assert "not shown" in banner.text
        assert list(banner.credentials) == list(demo)
        assert all(c.sent_as.startswith("header ") for c in banner.credentials.values())
        assert not any(value in banner.text for value in given.values())
        assert not any(value in banner.text for value in demo.values())
        with httpx.Client(trust_env=False, base_url=banner.url, timeout=10) as http:
            answer = http.get(f"{ORDERS_PATH}/1", headers=given)
        assert answer.status_code == 404  # the given values pass: a known route, an unknown order
    finally:
        served.stop()

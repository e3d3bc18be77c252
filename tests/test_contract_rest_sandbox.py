"""A REST API with no sandbox module gets one built from its contract (sandboxes/contract_rest.py):
the spec's operations, requests judged by the contract's own request rules and refused with the
rule's status, header credentials checked, answers and error bodies from the examples, and the
records ``state`` declares. With the rule-driven suite, a new REST API runs with no Python at all."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from starlette.exceptions import StarletteDeprecationWarning
from starlette.responses import JSONResponse, Response

from b2bconform.engine.contract import contract_of
from b2bconform.errors import ContractLoadError, UsageError
from b2bconform.locations import PATH_VARIABLE
from b2bconform.sandboxes import get_sandbox
from b2bconform.sandboxes.base import Fault
from b2bconform.sandboxes.contract_rest import ContractRestSandbox, SpecRoutedSandbox, contract_rest_sandbox

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

API = "toy_shop"
SOURCE = {"file": "toy.txt", "section": "Orders"}
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "toy shop", "version": "1"},
    "servers": [{"url": "https://shop.example"}],
    "paths": {
        "/orders": {
            "post": {
                "operationId": "createOrder",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["sku"],
                                "properties": {
                                    "sku": {"type": "string", "maxLength": 8},
                                    "quantity": {"type": "integer", "minimum": 1},
                                },
                            }
                        }
                    }
                },
                "responses": {"201": {"description": "made"}},
            }
        },
        "/orders/{id}": {"get": {"operationId": "getOrder", "responses": {"200": {"description": "one"}}}},
    },
}


def _rule(number: str, statement: str, **rest: Any) -> dict[str, Any]:
    return {
        "id": f"TOY_SHOP-{number}",
        "statement": statement,
        "source": SOURCE,
        "severity": "critical",
        **rest,
    }


RULES = {
    "api": API,
    "document": "toy.txt",
    "credentials": [{"name": "key", "in": "header", "at": "X-Shop-Key", "secret": True}],
    "auth_statuses": [401],
    "state": {"create": {"operation": "createOrder", "key": "/id"}, "read": {"operation": "getOrder", "key": "id"}},
    "rules": [
        _rule("REQ-001", "An order names its sku; without it, 422.", direction="request", kind="presence",
              operations=["createOrder"], check="required", params={"path": "/sku"}, rejects_with=[422]),
        _rule("RES-001", "A made order's answer names its id.", direction="response", kind="presence",
              operations=["createOrder"], check="required", params={"path": "/id"}, when={"status": [201]}),
    ],
}  # fmt: skip
SUITE = """import pytest

from b2bconform.rulesuite import rule_driven_tests

pytestmark = pytest.mark.api("toy_shop")
test_examples, test_generated, test_request_rules, test_wrong_secrets, test_read_back = rule_driven_tests("toy_shop")
"""


def _api_folder(root: Path, rules: dict[str, Any] = RULES) -> Path:
    contract = root / API / "contract"
    examples = contract / "examples"
    examples.mkdir(parents=True)
    (contract / "openapi.yaml").write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    (contract / "rules.yaml").write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    files = {
        "request.json": {"sku": "A-1", "quantity": 2},
        "response.201.json": {"id": "0"},
        "response.422.json": {"message": "sku is required"},
    }
    for name, body in files.items():
        (examples / name).write_text(json.dumps(body), encoding="utf-8")
    index = [
        {"file": "request.json", "kind": "request", "operation": "createOrder", "source": SOURCE},
        {"file": "response.201.json", "kind": "response", "operation": "createOrder", "status": 201, "source": SOURCE},
        {"file": "response.422.json", "kind": "response", "operation": "createOrder", "status": 422, "source": SOURCE},
    ]  # fmt: skip
    (examples / "index.yaml").write_text(yaml.safe_dump(index, sort_keys=False), encoding="utf-8")
    judging = {
        "pairings": [{"request": "request.json", "response": "response.201.json", "expected_findings": []}],
        "requests": [{"file": "request.json", "expected_findings": []}],
    }
    (examples / "judging.yaml").write_text(yaml.safe_dump(judging, sort_keys=False), encoding="utf-8")
    (root / API / "__init__.py").write_text("", encoding="utf-8")
    (root / API / "suite").mkdir()
    (root / API / "suite" / "__init__.py").write_text("", encoding="utf-8")
    (root / API / "suite" / "test_contract.py").write_text(SUITE, encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _fresh_contracts() -> Iterator[None]:
    """Each test's user folder holds its own toy_shop: nothing cached from another's."""
    yield
    contract_of.cache_clear()
    contract_rest_sandbox.cache_clear()


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ContractRestSandbox, TestClient]:
    monkeypatch.setenv(PATH_VARIABLE, str(_api_folder(tmp_path)))
    sandbox = get_sandbox(API)()
    assert isinstance(sandbox, ContractRestSandbox)
    return sandbox, TestClient(sandbox.app())


def test_a_made_record_is_answered_with_its_key_and_read_back_by_it(
    shop: tuple[ContractRestSandbox, TestClient],
) -> None:
    sandbox, client = shop
    headers = sandbox.client_headers()
    made = client.post("/orders", json={"sku": "A-1", "quantity": 2}, headers=headers)
    assert (made.status_code, made.json()) == (201, {"id": "1"})
    read = client.get("/orders/1", headers=headers)
    assert (read.status_code, read.json()) == (200, {"sku": "A-1", "quantity": 2})
    assert client.get("/orders/7", headers=headers).status_code == 404


def test_a_request_breaking_a_rule_is_refused_with_its_status_and_the_examples_body(
    shop: tuple[ContractRestSandbox, TestClient],
) -> None:
    sandbox, client = shop
    refused = client.post("/orders", json={"quantity": 2}, headers=sandbox.client_headers())
    assert (refused.status_code, refused.json()) == (422, {"message": "sku is required"})


def test_a_key_the_contract_says_is_unique_is_refused_when_repeated_and_free_after_a_reset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unique = _rule("REQ-002", "A sku is ordered once; again, 409.", direction="request", kind="state",
                   operations=["createOrder"], check="unique", params={"path": "/sku"}, rejects_with=[409])  # fmt: skip
    monkeypatch.setenv(
        PATH_VARIABLE, str(_api_folder(tmp_path, {**RULES, "rules": [*RULES["rules"], unique]}))
    )
    sandbox = get_sandbox(API)()
    client, headers = TestClient(sandbox.app()), sandbox.client_headers()
    assert client.post("/orders", json={"sku": "A-1"}, headers=headers).status_code == 201
    assert client.post("/orders", json={"sku": "B-2"}, headers=headers).status_code == 201
    assert client.post("/orders", json={"sku": "A-1"}, headers=headers).status_code == 409
    sandbox.reset()
    assert client.post("/orders", json={"sku": "A-1"}, headers=headers).status_code == 201


def test_a_wrong_or_missing_credential_is_refused_with_the_auth_status(
    shop: tuple[ContractRestSandbox, TestClient],
) -> None:
    _, client = shop
    assert client.post("/orders", json={"sku": "A-1"}, headers={"X-Shop-Key": "wrong"}).status_code == 401
    assert client.post("/orders", json={"sku": "A-1"}).status_code == 401
    assert client.get("/nowhere").status_code == 404


class _Routes(SpecRoutedSandbox):
    """A sandbox of its own that says where the spec routed each request."""

    api = API
    faults: ClassVar[Mapping[str, Fault]] = {}

    @classmethod
    def demo_credentials(cls) -> tuple[dict[str, str], ...]:
        return ({},)

    def reset(self) -> None:
        pass

    def client_headers(self, site: int = 0) -> dict[str, str]:
        return {}

    async def serve(self, operation: str, request: Any, path_values: Mapping[str, str]) -> Response:
        return JSONResponse({"served": operation, **path_values})

    async def wrong_method(self, operation: str, request: Any, path_values: Mapping[str, str]) -> Response:
        return JSONResponse({"wrong_method": operation}, 405)


def test_a_routed_sandbox_gets_each_request_by_the_specs_operation_and_path_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PATH_VARIABLE, str(_api_folder(tmp_path)))
    client = TestClient(_Routes().app())
    assert client.post("/ORDERS/").json() == {"served": "createOrder"}
    assert client.get("/orders/A-7").json() == {"served": "getOrder", "id": "A-7"}
    assert client.delete("/orders/A-7").json() == {"wrong_method": "getOrder"}
    unknown = client.get("/orders/A-7/lines")
    assert unknown.status_code == 404 and "no operation of toy_shop" in unknown.json()["message"]


def test_state_naming_no_operation_of_the_spec_is_an_error_naming_the_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = {**RULES, "state": {"create": {"operation": "makeOrder", "key": "/id"}}}
    monkeypatch.setenv(PATH_VARIABLE, str(_api_folder(tmp_path, rules)))
    with pytest.raises(ContractLoadError, match=r"rules\.yaml.*state\.create names 'makeOrder'"):
        get_sandbox(API)()


def test_an_api_without_a_contract_has_no_sandbox() -> None:
    with pytest.raises(UsageError, match="no sandbox for api 'no_such_api'"):
        get_sandbox("no_such_api")


@pytest.mark.slow
def test_a_new_rest_api_runs_its_rule_driven_suite_on_its_contract_built_sandbox(tmp_path: Path) -> None:
    folder = _api_folder(tmp_path / "mine")
    command = [sys.executable, "-m", "b2bconform.cli", "--path", str(folder), "run", "--api", API]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    report = json.loads((tmp_path / "reports" / "conformance.json").read_text(encoding="utf-8"))
    rules = report["apis"][API]["rules"]
    assert rules["TOY_SHOP-REQ-001"]["status"] == "passed" and rules["TOY_SHOP-RES-001"]["status"] == "passed"
    assert report["summary"]["failed"] == 0


FORGETFUL = """from b2bconform.sandboxes.contract_rest import ContractRestSandbox


class ForgetfulShop(ContractRestSandbox):
    api = "toy_shop"

    def _answer(self, operation, asked, path):
        self._records.clear()  # every record is gone by the next call
        return super()._answer(operation, asked, path)
"""


def _run_toy(folder: Path, cwd: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    command = [sys.executable, "-m", "b2bconform.cli", "--path", str(folder), "run", "--api", API]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    return done, (cwd / "reports" / "junit.xml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_rule_driven_suite_draws_requests_from_the_spec_and_reads_back_what_it_made(
    tmp_path: Path,
) -> None:
    done, junit = _run_toy(_api_folder(tmp_path / "mine"), tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    for test in ("test_generated[createOrder]", "test_read_back"):
        assert f'name="{test}"' in junit, test
    assert "<skipped" not in junit.split('name="test_read_back"')[1].split("</testcase>")[0]


@pytest.mark.slow
def test_a_sandbox_that_loses_what_it_made_fails_the_read_back(tmp_path: Path) -> None:
    folder = _api_folder(tmp_path / "mine")
    (folder / API / "sandbox.py").write_text(FORGETFUL, encoding="utf-8")
    done, junit = _run_toy(folder, tmp_path)
    assert done.returncode == 1, done.stdout[-3000:]
    failed = [case.split('"')[0] for case in junit.split('<testcase classname="')[1:] if "<failure" in case]
    read_back = junit.split('name="test_read_back"')[1].split("</testcase>")[0]
    assert "<failure" in read_back and "could not be read back" in read_back, failed

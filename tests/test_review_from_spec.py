"""A contract whose API folder writes no review module still has its examples judged and sent: a
REST contract's from its OpenAPI spec (review/rest.py), as a SOAP one's from its WSDL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from b2bconform.errors import InputFileError
from b2bconform.locations import PATH_VARIABLE
from b2bconform.review import builder_of, review_api
from b2bconform.review.rest import spec_cases
from b2bconform.rulesuite import request_examples

API = "toy_rest"
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "toy", "version": "1"},
    "servers": [{"url": "https://toy.example"}],
    "paths": {
        "/orders": {"post": {"operationId": "createOrder", "responses": {"201": {"description": "made"}}}},
        "/orders/{id}": {"get": {"operationId": "getOrder", "responses": {"200": {"description": "one"}}}},
    },
}
RULES = {
    "api": API,
    "document": "toy.txt",
    "credentials": [{"name": "key", "in": "header", "at": "X-Toy-Key", "secret": True}],
    "rules": [
        {
            "id": "TOY_REST-REQ-001",
            "statement": "An order names its sku.",
            "source": {"file": "toy.txt", "section": "Orders"},
            "direction": "request",
            "severity": "critical",
            "kind": "presence",
            "operations": ["createOrder"],
            "check": "required",
            "params": {"path": "/sku"},
        }
    ],
}
SOURCE = {"file": "toy.txt", "section": "Orders"}


def _folder(tmp_path: Path, request: dict[str, object], expected: list[str]) -> Path:
    contract = tmp_path / API / "contract"
    (contract / "examples").mkdir(parents=True)
    (contract / "openapi.yaml").write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    (contract / "rules.yaml").write_text(yaml.safe_dump(RULES, sort_keys=False), encoding="utf-8")
    examples = contract / "examples"
    (examples / "request.json").write_text(json.dumps(request), encoding="utf-8")
    (examples / "response.201.json").write_text(json.dumps({"id": "1"}), encoding="utf-8")
    index = [
        {"file": "request.json", "kind": "request", "operation": "createOrder", "source": SOURCE},
        {
            "file": "response.201.json",
            "kind": "response",
            "operation": "createOrder",
            "status": 201,
            "source": SOURCE,
        },
    ]
    (examples / "index.yaml").write_text(yaml.safe_dump(index, sort_keys=False), encoding="utf-8")
    said = {"discrepancy": "The example order names no sku."} if expected else {}
    judging = {
        "pairings": [
            {
                "request": "request.json",
                "response": "response.201.json",
                "expected_findings": expected,
                **said,
            }
        ],
        "requests": [{"file": "request.json", "expected_findings": expected, **said}],
    }
    (examples / "judging.yaml").write_text(yaml.safe_dump(judging, sort_keys=False), encoding="utf-8")
    return tmp_path


def test_a_rest_contracts_examples_are_sent_as_its_spec_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PATH_VARIABLE, str(_folder(tmp_path, {"sku": "A-1"}, [])))
    load, build = builder_of(API) or (None, None)
    assert build is spec_cases and load is not None
    request = build(load(None))[0].exchanges[-1].request
    assert (request.method, request.url) == ("POST", "https://toy.example/orders")
    assert request.headers.get("X-Toy-Key") == "example-key"  # a placeholder, never a value
    assert review_api(API).drift == ()
    (example,) = request_examples(API)
    assert (example.operation, example.method, example.path) == ("createOrder", "POST", "/orders")
    assert {name.lower() for name, _ in example.headers} == {"content-type"}


def test_an_example_breaking_a_rule_is_reported_as_drift_until_judging_yaml_records_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PATH_VARIABLE, str(_folder(tmp_path, {"name": "no sku"}, [])))
    # the caller's request breaks the rule, and the vendor's 201 accepted it: both are findings
    assert sorted(d.example for d in review_api(API).drift) == ["request.json", "response.201.json"]
    monkeypatch.setenv(
        PATH_VARIABLE, str(_folder(tmp_path / "again", {"name": "no sku"}, ["TOY_REST-REQ-001"]))
    )
    assert review_api(API).drift == ()


def test_an_example_naming_no_operation_of_the_spec_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path, {"sku": "A-1"}, [])
    index = folder / API / "contract" / "examples" / "index.yaml"
    index.write_text(
        index.read_text(encoding="utf-8").replace("operation: createOrder", "operation: makeOrder"),
        encoding="utf-8",
    )
    monkeypatch.setenv(PATH_VARIABLE, str(folder))
    with pytest.raises(InputFileError, match="makeOrder"):
        review_api(API)

"""Static checks on the ModusLink purchase order contract (src/b2bconform/apis/moduslink_po/contract).

No network, and of b2bconform only the format library the spec's formats name: these tests only look at the OpenAPI file,
the vendor examples stored next to it, and (when present) the vendor document.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
import schemathesis
import yaml
from referencing.jsonschema import DRAFT202012

from b2bconform.engine.formats.openapi import format_checker
from vendor_documents import vendor_doc

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_DIR = ROOT / "src" / "b2bconform" / "apis" / "moduslink_po" / "contract"
OPENAPI_PATH = CONTRACT_DIR / "openapi.yaml"
EXAMPLES_DIR = CONTRACT_DIR / "examples"
INDEX_PATH = EXAMPLES_DIR / "index.yaml"
VENDOR_DOC_NAME = "003_8002e29a024b2ca5.txt"
DOC_URI = "urn:b2bconform:moduslink-po:openapi"

# Sample credentials printed in the vendor's code samples; they must never be copied into the contract.
SAMPLE_CREDENTIALS = ("1077", "5C0FDFDE-B714-42AE-BF4B-EB5E1409C53D")

EXPECTED_OPERATIONS = {
    ("POST", "/purchaseapi/v1/orders"): "createPurchaseOrder",
    ("GET", "/purchaseapi/v1/orders/{requestId}"): "getPurchaseOrder",
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


OPENAPI: dict[str, Any] = _load_yaml(OPENAPI_PATH)
INDEX: list[dict[str, Any]] = _load_yaml(INDEX_PATH)


def _registry() -> referencing.Registry:
    return referencing.Registry().with_resource(DOC_URI, DRAFT202012.create_resource(OPENAPI))


def _validator(component: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        {"$ref": f"{DOC_URI}#/components/schemas/{component}"},
        registry=_registry(),
        format_checker=format_checker(),  # the standard formats and the library's
    )


def _entries(kind: str) -> list[dict[str, Any]]:
    return [entry for entry in INDEX if entry["kind"] == kind]


def _example_json(entry: dict[str, Any]) -> Any:
    return json.loads((EXAMPLES_DIR / entry["file"]).read_text(encoding="utf-8"))


def _iter_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _iter_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _iter_refs(value)


def _valid_request() -> dict[str, Any]:
    entry = next(e for e in _entries("request") if e["file"] == "request.create-order.json")
    return copy.deepcopy(_example_json(entry))


# (a) schemathesis loads it; exactly the two operations -------------------------------------------------


def test_schemathesis_loads_contract_with_exactly_the_two_purchase_order_operations() -> None:
    schema = schemathesis.openapi.from_path(str(OPENAPI_PATH))
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[(operation.method.upper(), operation.path)] = operation.definition.raw.get("operationId")
    assert found == EXPECTED_OPERATIONS


# (b) OpenAPI 3.1 validity ------------------------------------------------------------------------------


def test_contract_declares_openapi_3_1_and_the_uat_server() -> None:
    assert OPENAPI["openapi"] == "3.1.0"
    assert [s["url"] for s in OPENAPI["servers"]] == ["https://api-uat.moduslink.com"]


def test_contract_validates_against_the_official_openapi_3_1_meta_schema() -> None:
    # schemathesis ships a copy of the OAI 3.1 schema (schemas/v3.1/schema.yaml); use it offline.
    definitions = pytest.importorskip("schemathesis.specs.openapi.definitions")
    meta_schema = getattr(definitions, "OPENAPI_31", None)
    if meta_schema is None:
        pytest.skip("bundled OpenAPI 3.1 meta-schema not available in this schemathesis version")
    assert meta_schema["$id"].startswith("https://spec.openapis.org/oas/3.1/schema/")
    errors = sorted(
        jsonschema.Draft202012Validator(meta_schema).iter_errors(OPENAPI), key=lambda e: list(e.path)
    )
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_every_ref_in_contract_resolves() -> None:
    resolver = _registry().resolver(base_uri=DOC_URI)
    refs = set(_iter_refs(OPENAPI))
    assert refs, "expected the contract to use $ref"
    for ref in sorted(refs):
        assert ref.startswith("#/"), f"only local refs expected, got {ref}"
        resolver.lookup(f"{DOC_URI}{ref}")  # raises if unresolvable


def test_every_component_schema_is_a_valid_draft_2020_12_schema() -> None:
    for name, schema in OPENAPI["components"]["schemas"].items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:  # pragma: no cover - failure path
            pytest.fail(f"components.schemas.{name}: {exc.message}")


def test_all_three_credential_headers_are_required_together() -> None:
    schemes = OPENAPI["components"]["securitySchemes"]
    assert {name: (s["type"], s["in"], s["name"]) for name, s in schemes.items()} == {
        "clientConfigId": ("apiKey", "header", "ClientConfigId"),
        "clientAuthKey": ("apiKey", "header", "ClientAuthKey"),
        "subscriptionKey": ("apiKey", "header", "Ocp-Apim-Subscription-Key"),
    }
    assert OPENAPI["security"] == [{"clientConfigId": [], "clientAuthKey": [], "subscriptionKey": []}]


def test_operations_component_schemas_and_responses_cite_their_vendor_section() -> None:
    cited: dict[str, Any] = {}
    for path, item in OPENAPI["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                cited[f"{method.upper()} {path}"] = operation
    for kind in ("schemas", "responses"):
        for name, node in OPENAPI["components"][kind].items():
            cited[f"components.{kind}.{name}"] = node
    for where, node in cited.items():
        source = node.get("x-source")
        assert isinstance(source, dict), f"{where} lacks x-source"
        assert source.get("file") == VENDOR_DOC_NAME, where
        assert source.get("section"), where


def test_get_purchase_order_is_flagged_as_a_harness_assumption() -> None:
    get_op = OPENAPI["paths"]["/purchaseapi/v1/orders/{requestId}"]["get"]
    assert get_op["operationId"] == "getPurchaseOrder"
    assert "assumption" in get_op["x-decision"]


# Example files: index consistency and fidelity to the vendor document ------------------------------------


def test_example_index_lists_every_example_file_once() -> None:
    listed = [entry["file"] for entry in INDEX]
    on_disk = sorted(p.name for p in EXAMPLES_DIR.glob("*.json"))
    assert sorted(listed) == on_disk
    assert len(set(listed)) == len(listed)
    for entry in INDEX:
        assert entry["kind"] in {"request", "response"}
        assert entry["operation"] == "createPurchaseOrder"
        assert entry["source"]["file"] == VENDOR_DOC_NAME
        assert ("status" in entry) == (entry["kind"] == "response")


@pytest.mark.parametrize("entry", INDEX, ids=lambda e: e["file"])
def test_example_file_parses_as_json_unless_flagged_invalid(entry: dict[str, Any]) -> None:
    text = (EXAMPLES_DIR / entry["file"]).read_text(encoding="utf-8")
    assert text.endswith("\n")
    if entry.get("valid_json", True):
        json.loads(text)
    else:
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)


@pytest.mark.parametrize("entry", INDEX, ids=lambda e: e["file"])
def test_example_file_is_verbatim_from_vendor_document(entry: dict[str, Any]) -> None:
    doc = vendor_doc(VENDOR_DOC_NAME).read_text(encoding="utf-8")
    body = (EXAMPLES_DIR / entry["file"]).read_text(encoding="utf-8")[:-1]
    if entry["file"] == "request.schema-example.json":
        # Stored decoded; the document carries it as a JSON string literal.
        assert json.dumps(body, ensure_ascii=False) in doc
    else:
        assert body in doc


@pytest.mark.parametrize("entry", _entries("response"), ids=lambda e: e["file"])
def test_openapi_response_example_matches_stored_vendor_example(entry: dict[str, Any]) -> None:
    responses = OPENAPI["paths"]["/purchaseapi/v1/orders"]["post"]["responses"]
    ref = responses[str(entry["status"])]["$ref"]
    response = OPENAPI["components"]["responses"][ref.rsplit("/", 1)[-1]]
    assert response["content"]["application/json"]["example"] == _example_json(entry)


# (c) response examples vs TransactionResponse ----------------------------------------------------------


@pytest.mark.parametrize("entry", _entries("response"), ids=lambda e: e["file"])
def test_vendor_response_example_conforms_to_transaction_response(entry: dict[str, Any]) -> None:
    errors = list(_validator("TransactionResponse").iter_errors(_example_json(entry)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_type_template_with_result_string_is_rejected_by_result_enum() -> None:
    template = {
        "result": "string",
        "requestId": "string",
        "requestReference": "string",
        "externalMessageReference": "string",
        "links": [{"href": "string", "rel": "string", "method": "string", "description": "string"}],
        "errorCode": "string",
        "message": [{"message": "", "path": "", "errorType": ""}],
    }
    errors = list(_validator("TransactionResponse").iter_errors(template))
    assert [(list(e.absolute_path), e.validator) for e in errors] == [(["result"], "enum")]


# (d) request examples vs CreatePurchaseOrderRequest ----------------------------------------------------


@pytest.mark.parametrize("entry", _entries("request"), ids=lambda e: e["file"])
def test_vendor_request_example_conforms_to_create_purchase_order_request(entry: dict[str, Any]) -> None:
    errors = list(_validator("CreatePurchaseOrderRequest").iter_errors(_example_json(entry)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_both_request_examples_carry_the_same_payload() -> None:
    payloads = [_example_json(entry) for entry in _entries("request")]
    assert len(payloads) == 2
    assert payloads[0] == payloads[1]


# (e) constraints are really enforced -------------------------------------------------------------------


def _errors_at(body: dict[str, Any], *path: str | int) -> list[str]:
    return [
        str(e.validator)
        for e in _validator("CreatePurchaseOrderRequest").iter_errors(body)
        if tuple(e.absolute_path) == path
    ]


def test_request_reference_of_25_chars_is_accepted_and_26_rejected_by_max_length() -> None:
    body = _valid_request()
    body["clientRequest"]["requestHeader"]["requestReference"] = "R" * 25
    assert not list(_validator("CreatePurchaseOrderRequest").iter_errors(body))
    body["clientRequest"]["requestHeader"]["requestReference"] = "R" * 26
    assert _errors_at(body, "clientRequest", "requestHeader", "requestReference") == ["maxLength"]


def test_date_time_sent_with_utc_offset_is_rejected_by_its_library_format() -> None:
    body = _valid_request()
    body["clientRequest"]["requestHeader"]["dateTimeSent"] = "2018-12-19T15:58:00+01:00"
    assert "format" in _errors_at(body, "clientRequest", "requestHeader", "dateTimeSent")


def test_date_time_sent_in_utc_with_z_suffix_is_accepted() -> None:
    body = _valid_request()
    body["clientRequest"]["requestHeader"]["dateTimeSent"] = "2018-12-19T14:58:00Z"
    assert not list(_validator("CreatePurchaseOrderRequest").iter_errors(body))


def test_payload_without_client_request_wrapper_is_rejected() -> None:
    unwrapped = _valid_request()["clientRequest"]
    errors = list(_validator("CreatePurchaseOrderRequest").iter_errors(unwrapped))
    assert any(e.validator == "required" and "clientRequest" in e.message for e in errors)


# (f) no sample credentials -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", sorted(p for p in CONTRACT_DIR.rglob("*") if p.is_file()), ids=lambda p: p.name
)
def test_contract_file_contains_no_vendor_sample_credential(path: Path) -> None:
    text = path.read_text(encoding="utf-8").lower()
    for credential in SAMPLE_CREDENTIALS:
        assert credential.lower() not in text, f"{path.name} contains a sample credential"

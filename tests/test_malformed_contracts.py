"""A malformed contract is refused when it loads, naming the file, the line and what was expected:
a contract that half-loads would judge traffic by rules it does not have."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from b2bconform.engine.contract import Contract
from b2bconform.errors import InputFileError

RULES = """api: toy_api
document: toy.txt
rules:
  - id: TOY_API-REQ-001
    statement: ref holds at most 5 characters.
    source: {file: toy.txt, section: Orders}
    direction: request
    severity: normal
    kind: length
    check: max_length
    params: {path: /ref, max: 5}
"""


def _contract(root: Path, spec: dict[str, object], rules: str = RULES) -> Path:
    folder = root / "toy_api"
    folder.mkdir(parents=True)
    (folder / "openapi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    (folder / "rules.yaml").write_text(rules, encoding="utf-8")
    return folder


def _spec(body_schema: dict[str, object]) -> dict[str, object]:
    content = {"application/json": {"schema": body_schema}}
    operation = {
        "operationId": "createOrder",
        "requestBody": {"content": content},
        "responses": {"200": {"description": "ok"}},
    }
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/orders": {"post": operation}},
            "components": {"schemas": {"Order": {"type": "object"}}}}  # fmt: skip


def test_a_spec_whose_refs_resolve_loads(tmp_path: Path) -> None:
    _contract(tmp_path, _spec({"$ref": "#/components/schemas/Order"}))
    assert Contract.load("toy_api", contracts_dir=tmp_path).operations[0].id == "createOrder"


@pytest.mark.parametrize("ref", ["#/components/schemas/Missing", "#/nowhere", "other.yaml#/Order"])
def test_a_dangling_ref_is_a_load_error_naming_the_spec_line_and_ref(tmp_path: Path, ref: str) -> None:
    folder = _contract(tmp_path, _spec({"$ref": ref}))
    with pytest.raises(InputFileError) as caught:
        Contract.load("toy_api", contracts_dir=tmp_path)
    message = str(caught.value)
    assert str(folder / "openapi.yaml") in message and repr(ref) in message and "line " in message


def test_a_duplicate_key_in_a_rules_file_is_a_load_error_at_its_line(tmp_path: Path) -> None:
    rules = RULES.replace("    severity: normal\n", "    severity: normal\n    severity: blocker\n")
    folder = _contract(tmp_path, _spec({"type": "object"}), rules)
    with pytest.raises(
        InputFileError, match=r"line 9.*duplicate key 'severity' \(first at line 8\)"
    ) as caught:
        Contract.load("toy_api", contracts_dir=tmp_path)
    assert str(folder / "rules.yaml") in str(caught.value)


@pytest.mark.parametrize(
    ("catalogue_field", "expected"),
    [
        ("credentials:\n  - {name: key, in: cookie, at: X-Key}\n", "credentials"),  # no such place
        ("credentials:\n  - {name: key, at: X-Key}\n", "in"),  # where it travels, not said
        ("document_url: http://plain.example/doc\n", "document_url"),  # a public document over https only
        ("refused: {path: nowhere}\n", "refused"),  # a condition's path is a pointer
        ("state:\n  read: {operation: getOrder, key: id}\n", "create"),  # records are made before read
        ("state:\n  create: {operation: makeOrder, key: id}\n", "key"),  # the answer's key is a pointer
    ],
)
def test_a_malformed_catalogue_field_is_a_load_error_at_its_line(
    tmp_path: Path, catalogue_field: str, expected: str
) -> None:
    rules = RULES.replace("document: toy.txt\n", "document: toy.txt\n" + catalogue_field)
    folder = _contract(tmp_path, _spec({"type": "object"}), rules)
    with pytest.raises(InputFileError) as caught:
        Contract.load("toy_api", contracts_dir=tmp_path)
    message = str(caught.value)
    assert str(folder / "rules.yaml") in message and "line " in message and expected in message, message

"""A spec names a format of the library (``format: mm-dd-yyyy``) and schemathesis generates that
format's valid values: the format is written once, in the library, and the harness's suite runs
register it (the plugin does so only there)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from b2bconform.engine.contract import contract_of
from b2bconform.engine.formats.openapi import format_checker, register_with_schemathesis
from b2bconform.engine.formats.registry import fixed_formats, get_format

NAMES = sorted(fixed_formats())


def _spec(fmt: str) -> dict[str, Any]:
    body = {
        "type": "object",
        "required": ["value"],
        "properties": {"value": {"type": "string", "format": fmt}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }


@pytest.mark.parametrize("name", NAMES)
def test_schemathesis_generates_the_librarys_valid_values_for_a_format_it_names(name: str) -> None:
    assert name in register_with_schemathesis()
    schema = schemathesis.openapi.from_dict(_spec(name))
    strategy = schema["/x"]["POST"].as_strategy()
    fmt = get_format(name)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(strategy)
    def check(case: Any) -> None:
        assert fmt.validate(case.body["value"]) is None, case.body

    check()


def test_an_unregistered_name_is_not_generated_as_the_format() -> None:
    """What the registration changes: a name schemathesis does not know yields any text."""
    schema = schemathesis.openapi.from_dict(_spec("b2bconform-not-a-format"))
    values: list[str] = []

    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(schema["/x"]["POST"].as_strategy())
    def collect(case: Any) -> None:
        values.append(case.body["value"])

    collect()
    assert any(get_format("mm-dd-yyyy").validate(v) is not None for v in values)


def test_the_shipped_specs_name_library_formats_instead_of_repeating_their_patterns() -> None:
    named = set()
    for api in ("moduslink_po", "manex_so", "manex_po"):
        text = contract_of(api).spec_path.read_text(encoding="utf-8")
        named |= {name for name in NAMES if f"format: {name}" in text}
        assert "T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$" not in text, api
    assert {"utc-datetime", "iso-date", "numeric-string"} <= named


def test_json_schema_validation_of_a_spec_checks_the_library_formats_it_names() -> None:
    import jsonschema

    schema = {"type": "string", "format": "mm-dd-yyyy"}
    validator = jsonschema.Draft202012Validator(schema, format_checker=format_checker())
    assert not list(validator.iter_errors("12-07-2026"))
    assert [e.validator for e in validator.iter_errors("2026-12-07")] == ["format"]
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors("2026-12-07"))  # unchecked without it

"""The format library as OpenAPI string formats: a contract's spec writes ``format: mm-dd-yyyy``
(a library name) and schemathesis generates that format's valid values, the same ones the rules
judge by and the suites' own strategies draw. The library is the one place a format is written: not
again as a ``pattern`` in the spec, nor in a generator."""

from __future__ import annotations

import jsonschema

from .registry import fixed_formats

__all__ = ["format_checker", "register_with_schemathesis"]


def register_with_schemathesis() -> tuple[str, ...]:
    """Register every parameterless format of the library with schemathesis; the names registered."""
    import schemathesis  # only where suites generate from a spec: the audit never pays for it

    formats = fixed_formats()
    for name, fmt in formats.items():
        schemathesis.openapi.format(name, fmt.valid())
    return tuple(formats)


def format_checker() -> jsonschema.FormatChecker:
    """A JSON Schema format checker that knows the library's formats beside the standard ones, so a
    spec's ``format: <library name>`` validates as the rules judge (a value of another type is the
    ``type`` keyword's to refuse)."""
    checker = jsonschema.FormatChecker()
    for name, fmt in fixed_formats().items():
        checker.checks(name)(lambda value, fmt=fmt: not isinstance(value, str) or fmt.validate(value) is None)
    return checker

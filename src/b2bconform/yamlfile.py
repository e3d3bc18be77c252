"""YAML loading that can say where in the file a problem is."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from b2bconform.errors import InputFileError

__all__ = ["YamlDocument", "explain_schema_error", "load_yaml"]

try:  # the C loader is several times faster on large cassettes; fall back when libyaml is absent
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


class YamlDocument:
    """Parsed data plus the node tree, to turn a data path into a line number."""

    def __init__(self, path: Path, data: Any, root: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self._root = root

    def line_of(self, location: Sequence[str | int]) -> int | None:
        """1-based line of the node at ``location`` (keys and list indexes), or its nearest parent."""
        node = self._root
        line = node.start_mark.line + 1 if node is not None else None
        for part in location:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if getattr(k, "value", None) == str(part)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
            else:
                node = None
            if node is None:
                break
            line = node.start_mark.line + 1
        return line

    def error(self, location: Sequence[str | int], problem: str) -> InputFileError:
        line = self.line_of(location)
        dotted = ".".join(str(p) for p in location) or "(document)"
        where = f"line {line}, at {dotted}" if line else f"at {dotted}"
        return InputFileError(str(self.path), problem, location=where)

    def validate(
        self,
        schema: Mapping[str, Any],
        data: Any,
        *,
        at: Sequence[str | int] = (),
        explain: Callable[[jsonschema.ValidationError], str] | None = None,
    ) -> None:
        """Raise the first violation of ``schema`` by ``data``, read from this file at ``at``, as an
        error naming its line and path: the first in document-path order, so the same file always
        gives the same error."""
        errors = sorted(
            jsonschema.Draft202012Validator(schema).iter_errors(data),
            key=lambda e: list(map(str, e.absolute_path)),
        )
        if errors:
            first = errors[0]
            raise self.error([*at, *first.absolute_path], (explain or explain_schema_error)(first))


_TYPES = {"array": "a list", "object": "a mapping", "string": "text", "boolean": "true or false"}


def explain_schema_error(error: jsonschema.ValidationError) -> str:
    """What the file should hold there, in words."""
    if error.validator == "required":
        return f"expected key {error.message.split(' ')[0]}"
    if error.validator == "additionalProperties":
        return f"unexpected key ({error.message})"
    if error.validator == "type":
        kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        wanted = " or ".join(_TYPES.get(str(k), str(k)) for k in kinds)
        return f"expected {wanted}, got {error.instance!r}"
    if error.validator == "minLength":
        return (
            "expected non-empty text"
            if error.validator_value == 1
            else f"expected at least {error.validator_value} characters"
        )
    if error.validator == "maxLength":
        return f"expected at most {error.validator_value} characters, got {error.instance!r}"
    if error.validator == "minItems":
        return f"expected at least {error.validator_value} entries"
    if error.validator == "enum":
        return f"expected one of {error.validator_value}, got {error.instance!r}"
    return f"expected {error.validator} {error.validator_value!r}, got {error.instance!r}"


def load_yaml(path: Path, *, with_lines: bool = True) -> YamlDocument:
    """Read and parse ``path``; every failure is an ``InputFileError`` naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(str(path), "file not found") from None
    except IsADirectoryError:
        raise InputFileError(str(path), "is a directory, expected a file") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputFileError(str(path), f"cannot be read: {exc.strerror}") from None
    try:
        root = yaml.compose(text, Loader=_Loader) if with_lines else None
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise InputFileError(str(path), f"not valid YAML: {exc.problem}", location=where) from None
    except yaml.YAMLError as exc:
        raise InputFileError(str(path), f"not valid YAML: {exc}") from None
    return YamlDocument(path, data, root)

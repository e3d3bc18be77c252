"""YAML loading that can say where in the file a problem is."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from b2bconform.errors import InputFileError

__all__ = [
    "MAX_EXPANDED_NODES",
    "GuardedConstructor",
    "GuardedLoader",
    "YamlDocument",
    "check_node",
    "explain_schema_error",
    "load_yaml",
]

# Bounds on what one YAML document may expand to: aliases are references, but whoever walks the data
# (validation, printing, judging) pays for every one of them, so a 500-byte alias bomb could cost
# gigabytes. Nesting deeper than any contract or recording needs is refused the same way.
MAX_EXPANDED_NODES = 2_000_000
MAX_DEPTH = 400


class GuardedConstructor(SafeConstructor):
    """PyYAML's safe constructor, refusing duplicate keys (YAML says keys are unique; PyYAML keeps
    the last silently, so a recording could hide a 500 behind a 202)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        first = seen[key].start_mark.line + 1
                        raise ConstructorError(
                            None, None, f"duplicate key {key_node.value!r} (first at line {first})",
                            key_node.start_mark,
                        )  # fmt: skip
                    seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def check_node(node: yaml.Node, limit: int = MAX_EXPANDED_NODES, depth: int = MAX_DEPTH) -> None:
    """Refuse a node tree that expands (aliases followed) to more than ``limit`` nodes or nests
    deeper than ``depth``: a MarkedYAMLError at the node, found without recursion."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(node, 1, False)]
    while stack:
        current, level, done = stack.pop()
        if level > depth:
            raise ConstructorError(None, None, f"nested deeper than {depth} levels", current.start_mark)
        children = _children(current)
        if done:
            sizes[id(current)] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[id(current)] > limit:
                raise ConstructorError(
                    None, None, f"expands to more than {limit:,} nodes (aliases followed)", current.start_mark
                )
            continue
        if id(current) in sizes:
            continue
        stack.append((current, level, True))
        stack.extend((child, level + 1, False) for child in children if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


try:  # the C parser is several times faster on large cassettes; fall back when libyaml is absent
    from yaml._yaml import CParser

    class GuardedLoader(CParser, Composer, GuardedConstructor, Resolver):
        """libyaml's events, composed and constructed by PyYAML's Python classes with the guards: whole
        documents (``load_yaml``) or one node at a time (the streamed traffic files)."""

        def __init__(self, stream: Any) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            GuardedConstructor.__init__(self)
            Resolver.__init__(self)

except ImportError:  # pragma: no cover

    class GuardedLoader(Reader, Scanner, Parser, Composer, GuardedConstructor, Resolver):  # type: ignore[no-redef]
        def __init__(self, stream: Any) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            GuardedConstructor.__init__(self)
            Resolver.__init__(self)


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
    loader = GuardedLoader(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            check_node(root)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise InputFileError(str(path), f"not valid YAML: {exc.problem}", location=where) from None
    except yaml.YAMLError as exc:
        raise InputFileError(str(path), f"not valid YAML: {exc}") from None
    except RecursionError:
        raise InputFileError(str(path), f"not valid YAML: nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    return YamlDocument(path, data, root if with_lines else None)

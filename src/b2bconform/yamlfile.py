"""YAML loading that can say where in the file a problem is."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from b2bconform.errors import InputFileError

__all__ = ["YamlDocument", "load_yaml"]

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

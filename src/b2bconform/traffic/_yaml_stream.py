"""A YAML traffic file streamed: the top-level mapping's one long list is read an item at a time.

libyaml's parser (when PyYAML has it) produces the events; PyYAML's own composer and safe
constructor turn one list item at a time into data, so memory follows the largest item, not the
file. Every other top-level key is read whole (they are small: a version, run metadata).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import yaml
from yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from b2bconform.engine.yamlfile import MAX_DEPTH, GuardedLoader, YamlDocument, check_node
from b2bconform.errors import InputFileError
from b2bconform.traffic._entries import Location, Site, kind
from b2bconform.traffic._source import CountingReader

__all__ = ["YamlListFile"]


def _construct(loader: Any, node: yaml.Node) -> Any:
    """One node's data, once its expansion and nesting are known to be bounded."""
    check_node(node)
    return loader.construct_document(node)


class YamlListFile:
    """``items()`` streams the list under ``list_key``; ``top`` then holds the other top-level keys.

    ``shape`` says what the file should be ("expected a mapping with ..."), for the errors about
    its top level; a key of ``foreign`` means another format and stops the read with its hint.
    """

    def __init__(
        self, source: CountingReader, list_key: str, shape: str, foreign: Mapping[str, str] | None = None
    ) -> None:
        self.path = source.path
        self.list_key = list_key
        self.shape = shape
        self.top: dict[str, Any] = {}
        self.found_list = False
        self._source = source
        self._foreign = dict(foreign or {})
        self._nodes: dict[str, yaml.Node] = {}
        self._root_line: int | None = None

    def items(self) -> Iterator[tuple[int, Any, Site]]:
        """(index, data, where it sits) of each item of the list, in file order."""
        loader = GuardedLoader(self._source)
        try:
            yield from self._read(loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
            raise InputFileError(str(self.path), f"not valid YAML: {exc.problem}", location=where) from None
        except yaml.YAMLError as exc:
            raise InputFileError(str(self.path), f"not valid YAML: {exc}") from None
        except RecursionError:
            raise InputFileError(
                str(self.path), f"not valid YAML: nested deeper than {MAX_DEPTH} levels"
            ) from None
        finally:
            loader.dispose()

    def error(self, location: Location, problem: str) -> InputFileError:
        """An error about the top level: ``location`` starts with a top-level key, or is empty."""
        line = self._root_line
        if location and str(location[0]) in self._nodes:
            key = str(location[0])
            line = YamlDocument(self.path, self.top[key], self._nodes[key]).line_of(location[1:])
        return Site(str(self.path), (), lambda _: line).error(location, problem)

    def _read(self, loader: Any) -> Iterator[tuple[int, Any, Site]]:
        loader.get_event()  # stream start
        if loader.check_event(StreamEndEvent):
            raise InputFileError(str(self.path), f"empty file: {self.shape}")
        loader.get_event()  # document start
        self._root_line = loader.peek_event().start_mark.line + 1
        if not loader.check_event(MappingStartEvent):
            data = _construct(loader, loader.compose_node(None, None))
            raise self.error([], f"{self.shape}, got {kind(data)}")
        loader.get_event()
        while not loader.check_event(MappingEndEvent):
            key = str(_construct(loader, loader.compose_node(None, None)))
            if key in self._foreign:
                raise self.error([], self._foreign[key])
            if key in self.top or (key == self.list_key and self.found_list):
                line = loader.peek_event().start_mark.line + 1
                raise InputFileError(str(self.path), f"duplicate key {key!r}", location=f"line {line}")
            if key == self.list_key and loader.check_event(SequenceStartEvent):
                self.found_list = True
                yield from self._list(loader)
                continue
            node = loader.compose_node(None, None)
            self.top[key], self._nodes[key] = _construct(loader, node), node
        loader.get_event()  # mapping end
        loader.get_event()  # document end
        if not loader.check_event(StreamEndEvent):
            line = loader.peek_event().start_mark.line + 1
            raise InputFileError(
                str(self.path), "a second YAML document: expected one", location=f"line {line}"
            )

    def _list(self, loader: Any) -> Iterator[tuple[int, Any, Site]]:
        loader.get_event()  # sequence start
        index = 0
        while not loader.check_event(SequenceEndEvent):
            node = loader.compose_node(None, index)
            data = _construct(loader, node)
            yield index, data, Site(str(self.path), (self.list_key, index), _lines(self, data, node))
            index += 1
        loader.get_event()


def _lines(stream: YamlListFile, data: Any, node: yaml.Node) -> Any:
    def line_of(location: Location) -> int | None:
        return YamlDocument(stream.path, data, node).line_of(location)

    return line_of

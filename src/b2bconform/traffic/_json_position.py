"""Lines in a JSON file, found only when an error needs one (the fast parser gives no positions).

Both read the file again in chunks: memory stays flat on a large file, and the cost is paid on
the error path only.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import ijson

__all__ = ["line_of_value", "syntax_error_position"]

_CHUNK = 1 << 16
# whitespace, punctuation, a whole string (escapes included), or a bare literal
_TOKEN = re.compile(r'\s+|[{}\[\],:]|"[^"\\]*(?:\\.[^"\\]*)*"|[^\s{}\[\],:"]+|"')


def _tokens(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        buffer, position, done = "", 0, False
        while True:
            match = _TOKEN.match(buffer, position) if position < len(buffer) else None
            # a token reaching the end of what was read may continue in the next chunk (a long
            # string); reading as much again as is pending keeps that linear
            partial = match is None or match.end() == len(buffer) or match.group() == '"'
            if partial and not done:
                more = handle.read(max(_CHUNK, len(buffer) - position))
                done = not more
                buffer, position = buffer[position:] + more, 0
                continue
            if match is None:
                return
            yield match.group()
            position = match.end()


def line_of_value(path: Path, location: Sequence[str | int]) -> int | None:
    """1-based line where the value at ``location`` starts, or its nearest enclosing value's."""
    wanted = tuple(location)
    in_object: list[bool] = []  # one per open container: an object (or an array)
    keys: list[str | int | None] = []  # the member key, or the element index, being read in it
    expect_value = True
    line = 1
    best_line, best_depth = None, -1
    for token in _tokens(path):
        first = token[0]
        if first.isspace():
            line += token.count("\n")
            continue
        if expect_value and first not in "]},:":
            here = tuple(keys)
            if here == wanted[: len(here)] and len(here) > best_depth:
                best_line, best_depth = line, len(here)
                if here == wanted:
                    return line
            expect_value = False
            if first in "{[":
                in_object.append(first == "{")
                keys.append(None if first == "{" else 0)
                expect_value = first == "["
        elif first in "}]":
            if keys:
                in_object.pop()
                keys.pop()
            if best_depth > 0 and len(keys) <= best_depth:
                return best_line  # left the deepest match: what was wanted is not in it
        elif first == "," and keys:
            index = keys[-1]
            keys[-1] = None if in_object[-1] else (index + 1 if isinstance(index, int) else 0)
            expect_value = not in_object[-1]
        elif first == ":":
            expect_value = True
        elif first == '"' and keys and in_object[-1]:
            keys[-1] = _key(token)
        line += token.count("\n")
    return best_line


def _key(token: str) -> str:
    try:
        value = json.loads(token)
    except ValueError:
        return token.strip('"')
    return value if isinstance(value, str) else token


def syntax_error_position(path: Path) -> tuple[int, int, bool] | None:
    """(line, column, truncated) of the first syntax error, from ijson's pure-Python parser: slow,
    but it says where (in characters), which the C parser does not."""
    backend = ijson.get_backend("python")
    try:
        with path.open("rb") as handle:
            for _ in backend.basic_parse(handle):
                pass
    except ijson.IncompleteJSONError as exc:
        if not str(exc).startswith("Incomplete"):
            return None
        line, column = _end_of(path)
        return line, column, True
    except ijson.JSONError as exc:
        found = re.search(r" at (\d+)$", str(exc))
        if found:
            line, column = _position_of(path, int(found.group(1)))
            return line, column, False
    except json.JSONDecodeError as exc:  # a bad string (a control character in it): the json module's own
        return exc.lineno, exc.colno, False
    return None


def _position_of(path: Path, offset: int) -> tuple[int, int]:
    """1-based line and column of the character at ``offset``."""
    line, column, seen = 1, 1, 0
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        while seen < offset:
            chunk = handle.read(min(_CHUNK, offset - seen))
            if not chunk:
                break
            seen += len(chunk)
            newlines = chunk.count("\n")
            if newlines:
                line += newlines
                column = len(chunk) - chunk.rfind("\n")
            else:
                column += len(chunk)
    return line, column


def _end_of(path: Path) -> tuple[int, int]:
    """1-based line and column just past the last character."""
    return _position_of(path, sys.maxsize)

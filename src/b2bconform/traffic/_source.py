"""Opening a traffic file for streaming: binary, counted (for progress), errors naming the file."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from b2bconform.errors import InputFileError

__all__ = ["CountingReader", "open_traffic", "require_regular_file", "unreadable"]

_BOM = b"\xef\xbb\xbf"


class CountingReader:
    """A binary file that counts the bytes handed to the parser: how far a stream has got."""

    def __init__(self, path: Path, handle: BinaryIO) -> None:
        self.path = path
        self.position = 0
        self._handle = handle

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._handle.read(size)
        except OSError as exc:
            raise unreadable(self.path, exc) from None
        self.position += len(data)
        return data


def unreadable(path: Path, exc: OSError) -> InputFileError:
    if isinstance(exc, FileNotFoundError):
        return InputFileError(str(path), "file not found")
    if isinstance(exc, IsADirectoryError):
        return InputFileError(str(path), "is a directory, expected a file")
    return InputFileError(str(path), f"cannot be read: {exc.strerror or exc}")


def require_regular_file(path: Path) -> None:
    """A FIFO or a device would block or never end: only a regular file has an end to read to."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise unreadable(path, exc) from None
    if not stat.S_ISREG(mode):
        what = "a directory" if stat.S_ISDIR(mode) else "not a regular file (a pipe, socket or device)"
        raise InputFileError(str(path), f"is {what}: expected a recording file")


@contextmanager
def open_traffic(path: Path) -> Iterator[CountingReader]:
    require_regular_file(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise unreadable(path, exc) from None
    with handle:
        reader = CountingReader(path, handle)
        # some Windows tools start a UTF-8 file with a byte order mark, which JSON parsers refuse
        if reader.read(len(_BOM)) != _BOM:
            handle.seek(0)
            reader.position = 0
        yield reader

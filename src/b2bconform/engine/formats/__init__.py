"""Format library: documented field shapes from partner API docs as executable checks.

Each `Format` validates a value (None or a short reason) and offers hypothesis strategies
of valid values and of near misses - values that look almost right but break one rule, the
kind of thing a partner implementation gets subtly wrong.

    >>> get_format("utc-datetime").validate("2018-12-19T15:58:00+01:00")
    'offset +01:00 instead of Z'
"""

from __future__ import annotations

from .base import Format, FormatError
from .registry import FORMAT_NAMES, bounded_string, enum_format, get_format

__all__ = [
    "FORMAT_NAMES",
    "Format",
    "FormatError",
    "bounded_string",
    "enum_format",
    "get_format",
]

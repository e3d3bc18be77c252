"""Checkers: `str -> reason | None` for each documented shape.

Every checker must return rather than raise for any string. Regexes use `[0-9]` rather than
`\\d` (which also matches non-ASCII digits) and `fullmatch` (since `$` tolerates a trailing
newline), because both loopholes would let malformed vendor data pass.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_UTC_DATETIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")
# A forgiving reading of "datetime-like" text, used only to name what is wrong.
_LOOSE_DATETIME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?P<sep>[Tt ])"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?"
    r"(?P<fraction>[.,][0-9]+)?"
    r"(?P<zone>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_MM_DD_YYYY = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})")
_HH_MM = re.compile(r"([0-9]{2}):([0-9]{2})")
_H_MM = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_LOCAL_DATETIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})")
_AM_PM = re.compile(r"[0-9]{1,2}:[0-9]{1,2}(?::[0-9]{1,2})?\s*[AaPp]\.?[Mm]\.?")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def _is_ascii_digits(value: str) -> bool:
    return _ASCII_DIGITS.fullmatch(value) is not None


def _non_digit_reason(value: str) -> str:
    """Name the first character that is not an ASCII digit."""
    bad = next((c for c in value if not ("0" <= c <= "9")), "")
    if bad.isdigit():
        return f"non-ASCII digit {bad!r}"
    return f"contains non-digit {bad!r}"


# --- calendar and clock -------------------------------------------------------------------


def check_calendar_date(year: str, month: str, day: str) -> str | None:
    """Range-check already-digit fields; `year`/`month`/`day` are echoed as written."""
    y, m, d = int(year), int(month), int(day)
    # Year 0000 is legal in ISO 8601 but not representable by most partner stacks (or Python).
    if y == 0:
        return "year 0000 out of range"
    if not 1 <= m <= 12:
        return f"month {month} out of range"
    if not 1 <= d <= 31:
        return f"day {day} out of range"
    if d > calendar.monthrange(y, m)[1]:
        return f"day {day} out of range for {year}-{month}"
    return None


def check_clock(hour: str, minute: str, second: str | None = None) -> str | None:
    """Range-check digit fields of a 24-hour clock; leap second 60 is rejected."""
    if int(hour) > 23:
        return f"hour {hour} out of range"
    if int(minute) > 59:
        return f"minute {minute} out of range"
    if second is not None and int(second) > 59:
        return f"second {second} out of range"
    return None


# --- dates and times ----------------------------------------------------------------------


def check_utc_datetime(value: str) -> str | None:
    strict = _UTC_DATETIME.fullmatch(value)
    if strict is not None:
        year, month, day, hour, minute, second = strict.groups()
        return check_calendar_date(year, month, day) or check_clock(hour, minute, second)
    if value == "":
        return "empty string"
    if _ISO_DATE.fullmatch(value):
        return "date only, time missing"
    loose = _LOOSE_DATETIME.fullmatch(value)
    if loose is None:
        return "not in yyyy-mm-ddThh:mm:ssZ form"
    sep, zone = loose["sep"], loose["zone"]
    if sep == " ":
        return "space instead of T"
    if sep == "t":
        return "lower-case t instead of T"
    if loose["second"] is None:
        return "seconds missing"
    if loose["fraction"] is not None:
        return "fractional seconds not allowed"
    if zone is None:
        return "missing Z"
    if zone == "z":
        return "lower-case z instead of Z"
    return f"offset {zone} instead of Z"


def check_iso_date(value: str) -> str | None:
    match = _ISO_DATE.fullmatch(value)
    if match is not None:
        return check_calendar_date(*match.groups())
    if value == "":
        return "empty string"
    if "/" in value:
        return "slashes instead of dashes"
    if re.fullmatch(r"[0-9]{2}-[0-9]{2}-[0-9]{4}", value):
        return "MM-DD-YYYY order, expected yyyy-mm-dd"
    if re.fullmatch(r"[0-9]{8}", value):
        return "no dashes, expected yyyy-mm-dd"
    if re.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", value):
        return "month or day not zero-padded"
    if _ISO_DATE.match(value):
        return "extra text after the date"
    return "not in yyyy-mm-dd form"


def check_mm_dd_yyyy(value: str) -> str | None:
    match = _MM_DD_YYYY.fullmatch(value)
    if match is not None:
        month, day, year = match.groups()
        # A first field above 12 with a plausible second field is the classic DD-MM mix-up.
        if int(month) > 12 and 1 <= int(day) <= 12:
            return f"month {month} out of range (day and month swapped?)"
        return check_calendar_date(year, month, day)
    if value == "":
        return "empty string"
    if "/" in value:
        return "slashes instead of dashes"
    if _ISO_DATE.fullmatch(value):
        return "yyyy-mm-dd order, expected MM-DD-YYYY"
    if re.fullmatch(r"[A-Za-z]+-[0-9]{1,2}-[0-9]{4}", value):
        return "month name instead of number"
    if re.fullmatch(r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}", value):
        return "month or day not zero-padded"
    if re.fullmatch(r"[0-9]{2}-[0-9]{2}-[0-9]{2}", value):
        return "two-digit year"
    return "not in MM-DD-YYYY form"


def check_yyyymmdd(value: str) -> str | None:
    if _is_ascii_digits(value):
        if len(value) != 8:
            return f"{len(value)} digits, expected 8"
        return check_calendar_date(value[:4], value[4:6], value[6:])
    if value == "":
        return "empty string"
    if _ISO_DATE.fullmatch(value):
        return "dashes not allowed, expected yyyymmdd"
    if "/" in value:
        return "slashes not allowed, expected yyyymmdd"
    return _non_digit_reason(value)


def check_hh_mm_24h(value: str) -> str | None:
    match = _HH_MM.fullmatch(value)
    if match is not None:
        return check_clock(*match.groups())
    if value == "":
        return "empty string"
    if _AM_PM.fullmatch(value):
        return "AM/PM suffix not allowed in 24-hour time"
    if re.fullmatch(r"[0-9]{2}:[0-9]{2}:[0-9]{2}", value):
        return "seconds not allowed"
    if re.fullmatch(r"[0-9]{1,2}:[0-9]{1,2}", value):
        return "hour or minute not zero-padded"
    if re.fullmatch(r"[0-9]{4}", value):
        return "colon missing"
    return "not in HH:MM form"


def check_h_mm_24h(value: str) -> str | None:
    """24-hour time whose hour may go unpadded ("3:00" as well as "03:00")."""
    match = _H_MM.fullmatch(value)
    if match is not None:
        return check_clock(*match.groups())
    if value == "":
        return "empty string"
    if _AM_PM.fullmatch(value):
        return "AM/PM suffix not allowed in 24-hour time"
    if re.fullmatch(r"[0-9]{1,2}:[0-9]{2}:[0-9]{2}", value):
        return "seconds not allowed"
    if re.fullmatch(r"[0-9]{1,2}:[0-9]", value):
        return "minute not zero-padded"
    return "not in H:MM form"


def check_local_datetime(value: str) -> str | None:
    """yyyy-mm-ddThh:mm:ss with no zone: the form a SQL Server datetime serialises to."""
    match = _LOCAL_DATETIME.fullmatch(value)
    if match is not None:
        year, month, day, hour, minute, second = match.groups()
        return check_calendar_date(year, month, day) or check_clock(hour, minute, second)
    if value == "":
        return "empty string"
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+(?:\.[0-9]+)?(?:Z|[+-][0-9:]+)", value):
        return "zone or fraction not allowed, expected yyyy-mm-ddThh:mm:ss"
    if _ISO_DATE.fullmatch(value):
        return "time missing, expected yyyy-mm-ddThh:mm:ss"
    return "not in yyyy-mm-ddThh:mm:ss form"


# --- numbers ------------------------------------------------------------------------------


def check_custno_10(value: str) -> str | None:
    if _is_ascii_digits(value):
        return None if len(value) == 10 else f"{len(value)} digits, expected 10"
    if value == "":
        return "empty string"
    if any(c.isspace() for c in value):
        if _is_ascii_digits(value.strip()):
            return "padded with whitespace, expected zero-padding"
        return "contains whitespace"
    return _non_digit_reason(value)


def check_numeric_string(value: str) -> str | None:
    if _is_ascii_digits(value):
        return None
    if value == "":
        return "empty string"
    if any(c.isspace() for c in value):
        return "contains whitespace"
    if value[0] in "+-":
        return "sign not allowed"
    if "." in value or "," in value:
        return "decimal point not allowed"
    return _non_digit_reason(value)


def check_decimal_string(value: str) -> str | None:
    if _DECIMAL.fullmatch(value):
        return None
    if value == "":
        return "empty string"
    if value.strip() == "":
        return "whitespace only"
    if any(c.isspace() for c in value):
        return "contains whitespace"
    if "," in value:
        return "comma in number, expected '.' as decimal point"
    if value.count(".") > 1:
        return "more than one decimal point"
    if value.startswith("+"):
        return "leading '+' not allowed"
    if value.lstrip("-").startswith("."):
        return "digits missing before decimal point"
    if value.endswith("."):
        return "digits missing after decimal point"
    return "not a decimal number"


def check_space_padded_decimal(value: str, width: int) -> str | None:
    if len(value) != width:
        return f"length {len(value)}, expected {width}"
    body = value.lstrip(" ")
    if body == "":
        return "blank, expected a number"
    reason = check_decimal_string(body)
    if reason is not None:
        if body != body.rstrip(" "):
            return "right-padded, expected left padding with spaces"
        return f"after padding: {reason}"
    # Leading zeros mean the sender zero-filled the field instead of space-padding it.
    integer_part = body.removeprefix("-").split(".")[0]
    if len(integer_part) > 1 and integer_part.startswith("0"):
        return "zero-padded, expected spaces"
    return None


# --- parametrised -------------------------------------------------------------------------


def check_length(value: str, min_length: int, max_length: int) -> str | None:
    if len(value) > max_length:
        return f"length {len(value)}, expected at most {max_length}"
    if len(value) < min_length:
        return f"length {len(value)}, expected at least {min_length}"
    return None


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


def enum_preview(values: Sequence[str], limit: int = 10) -> str:
    """Comma-separated members, truncated so reasons stay short for big enums."""
    shown = ", ".join(repr(_shorten(v)) for v in values[:limit])
    return shown + (", ..." if len(values) > limit else "")


def make_enum_checker(values: Sequence[str], *, case_sensitive: bool) -> Callable[[str], str | None]:
    """Build a checker with the member lookups computed once."""
    exact = frozenset(values)
    # casefold() -> first member with that folding, for "wrong case" reasons.
    folded: dict[str, str] = {}
    for member in values:
        folded.setdefault(member.casefold(), member)
    stripped_members = frozenset(v.strip() for v in values)
    preview = enum_preview(values)

    def check(value: str) -> str | None:
        if value in exact:
            return None
        match = folded.get(value.casefold())
        if match is not None:
            if not case_sensitive:
                return None
            return f"wrong case: {_shorten(value)!r}, expected {_shorten(match)!r}"
        if value == "":
            return "empty string"
        if value != value.strip() and value.strip() in stripped_members:
            return "leading or trailing whitespace"
        return f"{_shorten(value)!r} is not one of {preview}"

    return check

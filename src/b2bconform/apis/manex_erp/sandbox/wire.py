"""What both ManEx APIs share on the wire: envelopes, URL errors, parameters, formatting, validators.

Every answer except a URL error is an HTTP 200 envelope whose ``Code`` carries the outcome; the
handlers speak in ``Answer`` (success) and ``Failure`` (Code 403) and never build envelopes.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from b2bconform.engine.formats import get_format

__all__ = [
    "INVALID_KEY_MESSAGE",
    "Answer",
    "Failure",
    "Params",
    "Step",
    "char",
    "envelope",
    "invalid_key",
    "number",
    "pad",
    "parse_body",
    "stamp",
    "url_error",
]

INVALID_KEY_MESSAGE = "Invalid API Key."
SUCCESS = 200
FAILURE = 403


# ── outcomes ─────────────────────────────────────────────────────────────────────────────────


class Failure(Exception):
    """A refused call: the envelope gets Code 403 and this exact Message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Answer:
    """A successful call: Code 200, the documented Message, and the ResponseObject (without $id)."""

    message: str
    response: Any = None


@dataclass(frozen=True)
class Step:
    """One action of one document, for failure messages: "<thing> <action> failed.<reason>"."""

    thing: str  # "Sales Order", "PO Items", ...
    action: str  # add, edit, delete or details

    def fail(self, reason: str) -> Failure:
        # Only the details failures the doc shows use a colon ("Purchase Order details failed:").
        separator = ":" if self.action == "details" else "."
        return Failure(f"{self.thing} {self.action} failed{separator}{reason}")


# ── envelopes ────────────────────────────────────────────────────────────────────────────────


def _with_ids(value: Any, counter: Iterator[int]) -> Any:
    # Json.NET's reference handling numbers objects in the order it writes them (arrays get none).
    if isinstance(value, dict):
        numbered: dict[str, Any] = {"$id": str(next(counter))}
        for key, member in value.items():
            numbered[key] = _with_ids(member, counter)
        return numbered
    if isinstance(value, list):
        return [_with_ids(member, counter) for member in value]
    return value


def envelope(code: int, message: str, response: Any = None, *, valid_user: bool = True) -> dict[str, Any]:
    """The answer to every call that reached an action."""
    body: dict[str, Any] = {"$id": "1", "Code": code, "Message": message, "SessionId": None}
    body["IsValidUser"] = valid_user
    body["ResponseObject"] = _with_ids(response, itertools.count(2))
    return body


def invalid_key() -> dict[str, Any]:
    return envelope(FAILURE, INVALID_KEY_MESSAGE, valid_user=False)


def url_error(uri: str, detail: str) -> dict[str, Any]:
    """ASP.NET Web API's 404 body."""
    return {
        "$id": "1",
        "Message": f"No HTTP resource was found that matches the request URI '{uri}'.",
        "MessageDetail": detail,
    }


# ── parameters ───────────────────────────────────────────────────────────────────────────────


def _scalar_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    # A nested object or array where a single value belongs: its JSON text fails any format check.
    return json.dumps(value)


def _lower_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key).lower(): _lower_keys(member) for key, member in value.items()}
    if isinstance(value, list):
        return [_lower_keys(member) for member in value]
    return value


class Params:
    """A call's parameters by case-insensitive name: text values, plus nested lists of objects."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values: dict[str, Any] = _lower_keys(dict(values))

    @classmethod
    def merged(cls, query: Iterable[tuple[str, str]], body: Mapping[str, Any] | None) -> Params:
        """Query-string parameters overlaid by the JSON body's (the body wins a clash)."""
        values: dict[str, Any] = {name.lower(): value for name, value in query}
        values.update(_lower_keys(dict(body or {})))
        return cls(values)

    def get(self, *names: str) -> str | None:
        """The first of ``names`` that is present, as text; None when none is (JSON null: absent)."""
        for name in names:
            text = _scalar_text(self._values.get(name.lower()))
            if text is not None:
                return text
        return None

    def given(self, *names: str) -> bool:
        """Whether one of ``names`` carries a non-blank value."""
        value = self.get(*names)
        return value is not None and value.strip() != ""

    def objects(self, name: str) -> list[Params] | None:
        """A nested array of objects; None when absent; ValueError when it is anything else."""
        value = self._values.get(name.lower())
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(member, dict) for member in value):
            raise ValueError(name)
        return [Params(member) for member in value]


def parse_body(raw: bytes) -> dict[str, Any] | None:
    """The body's JSON object (an empty body: {}); None when it is not a JSON object.

    Numbers keep their written text ("1.50" stays "1.50"), as the ERP reads every value as text.
    """
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw, parse_int=str, parse_float=str, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# ── formatting ───────────────────────────────────────────────────────────────────────────────


def pad(number: int, width: int) -> str:
    """A document number zero-padded on the left (SONO 10, LINE_NO 7, PONUM 15, ITEMNO 3)."""
    return str(number).zfill(width)


def char(value: str, width: int) -> str:
    """A CHAR(width) column as SQL Server returns it: cut to width, space-padded on the right."""
    return value[:width].ljust(width)


def stamp(moment: date | datetime | None) -> str | None:
    """A date or datetime as YYYY-MM-DDTHH:MM:SS (no zone); None stays null."""
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def number(value: Decimal) -> int | float:
    """A decimal as a JSON number: integral values without a fraction (20, not 20.0)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# ── request values ───────────────────────────────────────────────────────────────────────────

_MDY = get_format("mm-dd-yyyy")
_ISO = get_format("iso-date")
_HH_MM = get_format("hh-mm-24h")
_H_MM = get_format("h-mm-24h")
_DECIMAL = get_format("decimal-string")
_DIGITS = get_format("numeric-string")
_TWELVE_HOUR = re.compile(r"(1[0-2]|0?[1-9]):([0-5][0-9])\s*([AaPp])\.?[Mm]\.?")
_TRUE, _FALSE = ("true", "1"), ("false", "0")


def mdy_date(step: Step, name: str, value: str, *, also_iso: bool = False) -> date:
    """MM-DD-YYYY (``also_iso``: or YYYY-MM-DD)."""
    if _MDY.validate(value) is None:
        return datetime.strptime(value, "%m-%d-%Y").date()
    if also_iso and _ISO.validate(value) is None:
        return date.fromisoformat(value)
    expected = "MM-DD-YYYY or YYYY-MM-DD" if also_iso else "MM-DD-YYYY"
    raise step.fail(f"{name} must be a date in {expected} form.")


def time_hh_mm(step: Step, name: str, value: str) -> str:
    if _HH_MM.validate(value) is None:
        return value
    raise step.fail(f"{name} must be a 24-hour time in HH:MM form.")


def time_h_mm(step: Step, name: str, value: str) -> str:
    if _H_MM.validate(value) is None:
        return value
    raise step.fail(f"{name} must be a 24-hour time in H:MM or HH:MM form.")


def twelve_hour(value: str) -> str | None:
    """A 12-hour time ("1:00 PM") as 24-hour HH:MM, or None when it is not one."""
    match = _TWELVE_HOUR.fullmatch(value.strip())
    if match is None:
        return None
    hour = int(match.group(1)) % 12 + (12 if match.group(3) in "Pp" else 0)
    return f"{hour:02d}:{match.group(2)}"


def decimal(step: Step, name: str, value: str, *, negative: bool = False) -> Decimal:
    """A decimal string; quantities and amounts (``negative`` False) must not be below zero."""
    if _DECIMAL.validate(value) is not None:
        raise step.fail(f"{name} must be a decimal number.")
    try:
        parsed = Decimal(value)
    except InvalidOperation:
        raise step.fail(f"{name} must be a decimal number.") from None
    if parsed < 0 and not negative:
        raise step.fail(f"{name} must not be negative.")
    return parsed


def digits(step: Step, name: str, value: str, *, width: int | None = None) -> int:
    """A whole number written in digits, at most ``width`` of them."""
    if _DIGITS.validate(value) is not None or (width is not None and len(value) > width):
        limit = f"at most {width} digits" if width is not None else "digits only"
        raise step.fail(f"{name} must be {limit}.")
    return int(value)


def flag(step: Step, name: str, value: str) -> bool:
    """A 0/1 switch."""
    if value in ("0", "1"):
        return value == "1"
    raise step.fail(f"{name} must be 0 or 1.")


def boolean(step: Step, name: str, value: str) -> bool:
    """true/false (any case) or 1/0."""
    folded = value.casefold()
    if folded in _TRUE or folded in _FALSE:
        return folded in _TRUE
    raise step.fail(f"{name} must be true, false, 1 or 0.")


def true_false(step: Step, name: str, value: str) -> bool:
    """true or false, any case (no 1/0)."""
    folded = value.casefold()
    if folded in ("true", "false"):
        return folded == "true"
    raise step.fail(f"{name} must be true or false.")


def choice(
    step: Step, name: str, value: str, options: Sequence[str], aliases: Mapping[str, str] | None = None
) -> str:
    """One of ``options`` compared case-insensitively; returns the option's own spelling.

    ``aliases`` maps further accepted spellings (any case) to an option.
    """
    folded = value.casefold()
    for option in options:
        if option.casefold() == folded:
            return option
    for alias, option in (aliases or {}).items():
        if alias.casefold() == folded:
            return option
    listed = ", ".join([*options, *(aliases or {})])
    raise step.fail(f"{name} must be one of {listed}.")


def required(step: Step, params: Params, name: str, *aliases: str) -> str:
    """The value of ``name`` (or an alias); refuses a missing or blank one."""
    value = params.get(name, *aliases)
    if value is None or value.strip() == "":
        raise step.fail(f"{name} is required.")
    return value

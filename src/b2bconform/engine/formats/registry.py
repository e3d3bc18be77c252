"""Named formats and the `get_format` lookup used by contracts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache, partial

from . import strategies as s
from . import validators as v
from .base import Format, FormatError

# --- fixed formats ------------------------------------------------------------------------


def _fixed(name: str, pattern_text: str) -> Format:
    """A parameterless format whose validator and strategies follow the naming convention of its modules."""
    stem = name.replace("-", "_")
    return Format(
        name,
        pattern_text,
        check=getattr(v, f"check_{stem}"),
        make_valid=getattr(s, f"{stem}_valid"),
        make_near_miss=getattr(s, f"{stem}_near_miss"),
    )


_FIXED: tuple[Format, ...] = (
    _fixed("utc-datetime", "yyyy-mm-ddThh:mm:ssZ"),
    _fixed("iso-date", "yyyy-mm-dd"),
    _fixed("mm-dd-yyyy", "MM-DD-YYYY"),
    _fixed("yyyymmdd", "yyyymmdd"),
    _fixed("local-datetime", "yyyy-mm-ddThh:mm:ss (no zone)"),
    _fixed("hh-mm-24h", "HH:MM (24-hour, 00:00-23:59)"),
    _fixed("h-mm-24h", "H:MM or HH:MM (24-hour)"),
    _fixed("custno-10", "10 digits, zero-padded"),
    _fixed("numeric-string", "digits only"),
    _fixed("decimal-string", "[-]digits[.digits]"),
)
_FIXED_BY_NAME: dict[str, Format] = {fmt.name: fmt for fmt in _FIXED}


def fixed_formats() -> dict[str, Format]:
    """The parameterless formats by name (what a spec's ``format`` keyword can name)."""
    return dict(_FIXED_BY_NAME)


# --- parameter checking -------------------------------------------------------------------


def _require_int(format_name: str, param: str, value: object, *, minimum: int) -> int:
    # bool is an int subclass, but max_length=True is certainly a contract typo.
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(f"{format_name}: {param} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise FormatError(f"{format_name}: {param} must be >= {minimum}, got {value}")
    return value


def _require_params(
    format_name: str, params: Mapping[str, object], *, required: Sequence[str], optional: Sequence[str]
) -> None:
    unknown = sorted(set(params) - set(required) - set(optional))
    if unknown:
        allowed = ", ".join([*required, *optional]) or "none"
        raise FormatError(f"{format_name}: unknown parameter(s) {', '.join(unknown)}; allowed: {allowed}")
    missing = [name for name in required if name not in params]
    if missing:
        raise FormatError(f"{format_name}: missing required parameter(s) {', '.join(missing)}")


# --- parametrised formats -----------------------------------------------------------------


@lru_cache(maxsize=256, typed=True)  # a Format never changes: its strategies are built once
def space_padded_decimal(width: int = 15) -> Format:
    """Decimal string right-aligned in a field of `width` characters, left-padded with spaces."""
    width = _require_int("space-padded-decimal", "width", width, minimum=1)
    return Format(
        "space-padded-decimal",
        f"decimal right-aligned in {width} characters, left-padded with spaces",
        check=partial(v.check_space_padded_decimal, width=width),
        make_valid=partial(s.space_padded_decimal_valid, width),
        make_near_miss=partial(s.space_padded_decimal_near_miss, width),
        params=(("width", width),),
    )


@lru_cache(maxsize=256, typed=True)
def bounded_string(max_length: int, *, min_length: int = 0) -> Format:
    """Any string of `min_length` to `max_length` characters (inclusive)."""
    max_length = _require_int("bounded-string", "max_length", max_length, minimum=0)
    min_length = _require_int("bounded-string", "min_length", min_length, minimum=0)
    if min_length > max_length:
        raise FormatError(f"bounded-string: min_length {min_length} exceeds max_length {max_length}")
    text = f"at most {max_length} characters"
    if min_length:
        text = f"{min_length} to {max_length} characters"
    return Format(
        "bounded-string",
        text,
        check=partial(v.check_length, min_length=min_length, max_length=max_length),
        make_valid=partial(s.bounded_string_valid, min_length, max_length),
        make_near_miss=partial(s.bounded_string_near_miss, min_length, max_length),
        params=(("max_length", max_length), ("min_length", min_length)),
    )


def enum_format(values: Sequence[str], *, case_sensitive: bool = True) -> Format:
    """One of `values`; with `case_sensitive=False` any casing of a member is accepted."""
    # A bare string is a Sequence[str] too, but enum_format("ABC") is never meant as A/B/C.
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise FormatError(f"enum: values must be a list of strings, got {type(values).__name__}")
    if not all(isinstance(value, str) for value in values):
        raise FormatError("enum: every value must be a string")
    if not values:
        raise FormatError("enum: values must not be empty")
    if not isinstance(case_sensitive, bool):
        raise FormatError(f"enum: case_sensitive must be a bool, got {type(case_sensitive).__name__}")
    members = tuple(dict.fromkeys(values))  # de-duplicate, keep the documented order
    return _enum_format(members, case_sensitive)


@lru_cache(maxsize=256)
def _enum_format(members: tuple[str, ...], case_sensitive: bool) -> Format:
    check = v.make_enum_checker(members, case_sensitive=case_sensitive)
    suffix = "" if case_sensitive else " (any case)"
    return Format(
        "enum",
        f"one of: {v.enum_preview(members)}{suffix}",
        check=check,
        make_valid=partial(s.enum_valid, members),
        make_near_miss=partial(s.enum_near_miss, members, lambda text: check(text) is not None),
        params=(("values", members), ("case_sensitive", case_sensitive)),
    )


def _space_padded_from_params(params: Mapping[str, object]) -> Format:
    _require_params("space-padded-decimal", params, required=(), optional=("width",))
    width = params.get("width", 15)
    return space_padded_decimal(_require_int("space-padded-decimal", "width", width, minimum=1))


def _bounded_from_params(params: Mapping[str, object]) -> Format:
    _require_params("bounded-string", params, required=("max_length",), optional=("min_length",))
    return bounded_string(
        _require_int("bounded-string", "max_length", params["max_length"], minimum=0),
        min_length=_require_int("bounded-string", "min_length", params.get("min_length", 0), minimum=0),
    )


def _enum_from_params(params: Mapping[str, object]) -> Format:
    _require_params("enum", params, required=("values",), optional=("case_sensitive",))
    values = params["values"]
    case_sensitive = params.get("case_sensitive", True)
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise FormatError(f"enum: values must be a list of strings, got {type(values).__name__}")
    if not isinstance(case_sensitive, bool):
        raise FormatError(f"enum: case_sensitive must be a bool, got {type(case_sensitive).__name__}")
    # Element types are checked by enum_format.
    return enum_format(values, case_sensitive=case_sensitive)


_PARAMETRISED: dict[str, Callable[[Mapping[str, object]], Format]] = {
    "space-padded-decimal": _space_padded_from_params,
    "bounded-string": _bounded_from_params,
    "enum": _enum_from_params,
}

FORMAT_NAMES: tuple[str, ...] = (*_FIXED_BY_NAME, *_PARAMETRISED)


def get_format(name: str, **params: object) -> Format:
    """Look up a format by registry name, passing parameters to parametrised formats."""
    fixed = _FIXED_BY_NAME.get(name)
    if fixed is not None:
        if params:
            raise FormatError(f"format {name!r} takes no parameters, got: {', '.join(sorted(params))}")
        return fixed
    factory = _PARAMETRISED.get(name)
    if factory is None:
        raise FormatError(f"unknown format {name!r}; known formats: {', '.join(FORMAT_NAMES)}")
    try:
        key = (name, _frozen(params))
    except TypeError:  # a parameter that cannot be a key (a set...): built anew, as before
        return factory(params)
    built = _BUILT.get(key)
    if built is None:
        built = _BUILT[key] = factory(params)
    return built


# Parametrised formats by name and parameters: the format check looks one up for every value it
# judges, and a generator for every example; a Format never changes, so each is built once.
_BUILT: dict[tuple[str, object], Format] = {}


def _frozen(value: object) -> object:
    """A hashable stand-in for parameters from a rules file (mappings, lists, scalars)."""
    if isinstance(value, Mapping):
        return ("mapping", tuple(sorted((str(k), _frozen(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_frozen(v) for v in value))
    hash(value)
    return (type(value).__name__, value)

"""Behaviour of the format library: validators, valid/near-miss strategies and the registry."""

from __future__ import annotations

import re
from collections.abc import Callable
from random import Random

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from b2bconform.engine.formats import (
    FORMAT_NAMES,
    Format,
    FormatError,
    bounded_string,
    enum_format,
    get_format,
)

# Every fixed format plus parametrised ones at interesting corners (tiny widths, empty
# bounds, sizes that exceed hypothesis' comfortable text size, enums whose members are
# near misses of each other).
FORMAT_CASES = [
    *(pytest.param(name, {}, id=name) for name in FORMAT_NAMES if name not in ("bounded-string", "enum")),
    pytest.param("space-padded-decimal", {"width": 1}, id="space-padded-decimal-w1"),
    pytest.param("space-padded-decimal", {"width": 3}, id="space-padded-decimal-w3"),
    pytest.param("bounded-string", {"max_length": 25}, id="bounded-string-25"),
    pytest.param("bounded-string", {"max_length": 0}, id="bounded-string-0"),
    pytest.param("bounded-string", {"max_length": 10, "min_length": 3}, id="bounded-string-3-10"),
    pytest.param("bounded-string", {"max_length": 5000}, id="bounded-string-5000"),
    pytest.param("enum", {"values": ["Open", "Closed", "Pending"]}, id="enum"),
    pytest.param("enum", {"values": ["Open", "Closed"], "case_sensitive": False}, id="enum-any-case"),
    pytest.param("enum", {"values": ["A", "a", "AB", "ab", "B", "1"]}, id="enum-overlapping"),
    pytest.param(
        "enum",
        {"values": ["A", "AB", "ab", "", "x "], "case_sensitive": False},
        id="enum-overlapping-any-case",
    ),
]

ARBITRARY_VALUES: SearchStrategy[object] = st.one_of(
    st.text(),
    st.binary(),
    st.integers(),
    st.floats(),
    st.none(),
    st.booleans(),
    st.lists(st.text(), max_size=3),
    st.dictionaries(st.text(), st.integers(), max_size=3),
)


def _edited(value: str) -> SearchStrategy[str]:
    """A valid value with one character replaced, inserted or deleted."""
    return st.tuples(st.integers(0, len(value)), st.characters(), st.sampled_from(("sub", "ins", "del"))).map(
        lambda t: {
            "sub": value[: t[0]] + t[1] + value[t[0] + 1 :],
            "ins": value[: t[0]] + t[1] + value[t[0] :],
            "del": value[: t[0]] + value[t[0] + 1 :],
        }[t[2]]
    )


def _find(strategy: SearchStrategy[str], predicate: Callable[[str], bool]) -> str:
    """First generated example matching `predicate`, reproducibly seeded and unshrunk."""
    return find(
        strategy,
        predicate,
        settings=settings(max_examples=2000, database=None, phases=[Phase.generate]),
        random=Random(0),
    )


def _draw_many(strategy: SearchStrategy[str], count: int = 100) -> list[str]:
    drawn: list[str] = []

    @settings(max_examples=count, database=None, derandomize=True, phases=[Phase.generate], deadline=None)
    @given(strategy)
    def collect(value: str) -> None:
        drawn.append(value)

    collect()
    return drawn


# --- properties over every format ---------------------------------------------------------


@pytest.mark.parametrize(("name", "params"), FORMAT_CASES)
@settings(max_examples=200)
@given(data=st.data())
def test_valid_values_are_accepted(name: str, params: dict[str, object], data: st.DataObject) -> None:
    fmt = get_format(name, **params)
    value = data.draw(fmt.valid(), label="valid")
    assert fmt.validate(value) is None


@pytest.mark.parametrize(("name", "params"), FORMAT_CASES)
@settings(max_examples=200)
@given(data=st.data())
def test_near_misses_are_rejected_with_a_reason(
    name: str, params: dict[str, object], data: st.DataObject
) -> None:
    fmt = get_format(name, **params)
    value = data.draw(fmt.near_miss(), label="near miss")
    reason = fmt.validate(value)
    assert isinstance(reason, str)
    assert reason


@pytest.mark.parametrize(("name", "params"), FORMAT_CASES)
@settings(max_examples=200)
@given(data=st.data())
def test_validate_never_raises(name: str, params: dict[str, object], data: st.DataObject) -> None:
    fmt = get_format(name, **params)
    value = data.draw(st.one_of(ARBITRARY_VALUES, fmt.valid().flatmap(_edited)))
    reason = fmt.validate(value)
    assert reason is None or isinstance(reason, str)


@pytest.mark.parametrize("value", [1234, 12.5, None, b"2019-02-11", ["2019-02-11"], True])
@pytest.mark.parametrize(("name", "params"), FORMAT_CASES)
def test_non_strings_are_rejected_as_not_a_string(
    name: str, params: dict[str, object], value: object
) -> None:
    assert get_format(name, **params).validate(value) == "not a string"


# --- examples from vendor documents -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "valid"),
    [
        ("utc-datetime", "2018-12-19T15:58:00Z", True),
        ("utc-datetime", "2018-12-19T15:58:00+01:00", False),
        ("utc-datetime", "2019-02-06T00:00:00Z", True),
        ("iso-date", "2019-02-11", True),
        ("custno-10", "0000001234", True),
        ("custno-10", "1234", False),
        ("mm-dd-yyyy", "25-12-2024", False),
        ("mm-dd-yyyy", "12-25-2024", True),
        ("yyyymmdd", "20190211", True),
        ("hh-mm-24h", "23:59", True),
        ("hh-mm-24h", "24:00", False),
        ("hh-mm-24h", "00:00", True),
        ("local-datetime", "2014-11-13T00:00:00", True),
        ("local-datetime", "2014-10-23T16:03:00", True),
        ("h-mm-24h", "3:00", True),
        ("h-mm-24h", "13:00", True),
        ("space-padded-decimal", "          1.000", True),
        ("decimal-string", "10.000", True),
        ("decimal-string", "-3.5", True),
        ("numeric-string", "0042", True),
    ],
)
def test_vendor_document_examples(name: str, value: str, valid: bool) -> None:
    assert (get_format(name).validate(value) is None) is valid


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("utc-datetime", "2018-12-19T15:58:00+01:00", "offset +01:00 instead of Z"),
        ("utc-datetime", "2018-12-19T15:58:00+00:00", "offset +00:00 instead of Z"),
        ("utc-datetime", "2018-12-19T15:58:00", "missing Z"),
        ("utc-datetime", "2018-12-19T15:58:00z", "lower-case z instead of Z"),
        ("utc-datetime", "2018-12-19", "date only, time missing"),
        ("utc-datetime", "2018-12-19 15:58:00Z", "space instead of T"),
        ("utc-datetime", "2018-12-19T15:58:00.123Z", "fractional seconds not allowed"),
        ("utc-datetime", "2018-12-19T15:58Z", "seconds missing"),
        ("utc-datetime", "2018-13-19T15:58:00Z", "month 13 out of range"),
        ("utc-datetime", "2018-12-32T15:58:00Z", "day 32 out of range"),
        ("utc-datetime", "2018-12-19T24:00:00Z", "hour 24 out of range"),
        ("utc-datetime", "2019-02-29T00:00:00Z", "day 29 out of range for 2019-02"),
        ("iso-date", "2019-04-31", "day 31 out of range for 2019-04"),
        ("iso-date", "02-11-2019", "MM-DD-YYYY order, expected yyyy-mm-dd"),
        ("iso-date", "2019/02/11", "slashes instead of dashes"),
        ("mm-dd-yyyy", "25-12-2024", "month 25 out of range (day and month swapped?)"),
        ("mm-dd-yyyy", "Jan-05-2024", "month name instead of number"),
        ("yyyymmdd", "2019021", "7 digits, expected 8"),
        ("hh-mm-24h", "12:60", "minute 60 out of range"),
        ("hh-mm-24h", "09:05 PM", "AM/PM suffix not allowed in 24-hour time"),
        (
            "local-datetime",
            "2014-11-13T00:00:00Z",
            "zone or fraction not allowed, expected yyyy-mm-ddThh:mm:ss",
        ),
        ("local-datetime", "2014-11-13", "time missing, expected yyyy-mm-ddThh:mm:ss"),
        ("local-datetime", "2014-11-31T00:00:00", "day 31 out of range for 2014-11"),
        ("h-mm-24h", "1:00 PM", "AM/PM suffix not allowed in 24-hour time"),
        ("h-mm-24h", "3:0", "minute not zero-padded"),
        ("h-mm-24h", "24:00", "hour 24 out of range"),
        ("custno-10", "123456789", "9 digits, expected 10"),
        ("custno-10", "      1234", "padded with whitespace, expected zero-padding"),
        ("decimal-string", "1,5", "comma in number, expected '.' as decimal point"),
        ("space-padded-decimal", "000000000001.000", "length 16, expected 15"),
        ("space-padded-decimal", "00000000001.000", "zero-padded, expected spaces"),
    ],
)
def test_rejections_explain_what_is_wrong(name: str, value: str, reason: str) -> None:
    assert get_format(name).validate(value) == reason


def test_utc_datetime_rejects_offset_instead_of_z() -> None:
    fmt = get_format("utc-datetime")
    assert fmt.validate("2018-12-19T15:58:00Z") is None
    assert fmt.validate("2018-12-19T15:58:00+01:00") == "offset +01:00 instead of Z"


def test_date_formats_reject_trailing_newline_and_non_ascii_digits() -> None:
    # Guards against `$`/`\d` regex loopholes.
    assert get_format("iso-date").validate("2019-02-11\n") is not None
    assert get_format("custno-10").validate("\uff10" * 5 + "01234") is not None
    assert get_format("numeric-string").validate("\u0661\u0662\u0663") is not None


# --- near-miss strategies produce the documented kinds ------------------------------------

_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ENUM_MEMBERS = ("Open", "Closed", "Pending")


def _matches(pattern: str) -> Callable[[str], bool]:
    return lambda value: re.fullmatch(pattern, value) is not None


def _both(first: Callable[[str], bool], second: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda value: first(value) and second(value)


def _is_dropped_letter(value: str) -> bool:
    return any(
        len(value) == len(m) - 1 and any(m[:i] + m[i + 1 :] == value for i in range(len(m)))
        for m in _ENUM_MEMBERS
    )


NEAR_MISS_KINDS = [
    ("utc-datetime", {}, "offset +01:00", lambda v: v.endswith("+01:00")),
    ("utc-datetime", {}, "offset +00:00", lambda v: v.endswith("+00:00")),
    ("utc-datetime", {}, "offset -05:00", lambda v: v.endswith("-05:00")),
    ("utc-datetime", {}, "missing Z", _matches(_DATE + r"T[0-9]{2}:[0-9]{2}:[0-9]{2}")),
    ("utc-datetime", {}, "lower-case z", lambda v: v.endswith("z")),
    ("utc-datetime", {}, "date only", _matches(_DATE)),
    ("utc-datetime", {}, "space instead of T", _matches(_DATE + r" [0-9:]{8}Z")),
    ("utc-datetime", {}, "fractional seconds", _matches(_DATE + r"T[0-9:]{8}\.[0-9]+Z")),
    ("utc-datetime", {}, "month 13", lambda v: v[4:8] == "-13-"),
    ("utc-datetime", {}, "day 32", lambda v: v[7:11] == "-32T"),
    ("utc-datetime", {}, "hour 24", lambda v: v[10:14] == "T24:"),
    ("iso-date", {}, "MM-DD-YYYY order", _matches(r"[0-9]{2}-[0-9]{2}-[0-9]{4}")),
    ("iso-date", {}, "yyyymmdd", _matches(r"[0-9]{8}")),
    ("iso-date", {}, "single-digit month", _matches(r"[0-9]{4}-[1-9]-[0-9]{2}")),
    ("iso-date", {}, "single-digit day", _matches(r"[0-9]{4}-[0-9]{2}-[1-9]")),
    ("iso-date", {}, "day 31 in 30-day month", _matches(r"[0-9]{4}-(04|06|09|11)-31")),
    ("iso-date", {}, "slashes", lambda v: "/" in v),
    (
        "mm-dd-yyyy",
        {},
        "day above 12 first",
        lambda v: bool(re.fullmatch(r"(1[3-9]|[23][0-9])-(0[1-9]|1[0-2])-[0-9]{4}", v)),
    ),
    ("mm-dd-yyyy", {}, "yyyy-mm-dd", _matches(_DATE)),
    (
        "mm-dd-yyyy",
        {},
        "single-digit part",
        _both(_matches(r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}"), lambda v: len(v) < 10),
    ),
    ("mm-dd-yyyy", {}, "slashes", lambda v: "/" in v),
    ("mm-dd-yyyy", {}, "MMM-DD-YYYY", _matches(r"[A-Z][a-z]{2}-[0-9]{2}-[0-9]{4}")),
    ("yyyymmdd", {}, "yyyy-mm-dd", _matches(_DATE)),
    ("yyyymmdd", {}, "7 digits", _matches(r"[0-9]{7}")),
    ("yyyymmdd", {}, "9 digits", _matches(r"[0-9]{9}")),
    ("yyyymmdd", {}, "month 13", _matches(r"[0-9]{4}13[0-9]{2}")),
    ("yyyymmdd", {}, "day 00", _matches(r"[0-9]{6}00")),
    ("local-datetime", {}, "with Z", _matches(_DATE + r"T[0-9:]{8}Z")),
    ("local-datetime", {}, "date only", _matches(_DATE)),
    ("h-mm-24h", {}, "AM/PM suffix", _matches(r"[0-9]{1,2}:[0-9]{2} (AM|PM)")),
    ("h-mm-24h", {}, "unpadded minute", _matches(r"[0-9]{1,2}:[0-9]")),
    ("hh-mm-24h", {}, "24:00", lambda v: v == "24:00"),
    ("hh-mm-24h", {}, "minute 60", _matches(r"[0-9]{2}:60")),
    ("hh-mm-24h", {}, "unpadded hour", _matches(r"[0-9]:[0-9]{2}")),
    ("hh-mm-24h", {}, "AM/PM suffix", _matches(r"[0-9]{2}:[0-9]{2} (AM|PM)")),
    ("hh-mm-24h", {}, "seconds", _matches(r"[0-9]{2}:[0-9]{2}:[0-9]{2}")),
    ("custno-10", {}, "9 digits", _matches(r"[0-9]{9}")),
    ("custno-10", {}, "11 digits", _matches(r"[0-9]{11}")),
    ("custno-10", {}, "unpadded number", _matches(r"[1-9][0-9]{0,7}")),
    ("custno-10", {}, "padded with spaces", _matches(r" +[0-9]+|[0-9]+ +")),
    (
        "custno-10",
        {},
        "contains a letter",
        lambda v: len(v) == 10 and any(c.isascii() and c.isalpha() for c in v),
    ),
    ("numeric-string", {}, "empty", lambda v: v == ""),
    ("numeric-string", {}, "letters", lambda v: any(c.isascii() and c.isalpha() for c in v)),
    ("numeric-string", {}, "sign", lambda v: v[:1] in ("+", "-")),
    ("numeric-string", {}, "decimal point", lambda v: "." in v),
    ("numeric-string", {}, "spaces", lambda v: " " in v),
    ("decimal-string", {}, "1,5", lambda v: v == "1,5"),
    ("decimal-string", {}, "empty", lambda v: v == ""),
    ("decimal-string", {}, "abc", lambda v: v == "abc"),
    ("decimal-string", {}, "1.2.3", lambda v: v == "1.2.3"),
    ("decimal-string", {}, "blank", lambda v: v == " "),
    ("space-padded-decimal", {}, "unpadded", _both(_matches(r"-?[0-9]+(\.[0-9]+)?"), lambda v: len(v) < 15)),
    ("space-padded-decimal", {}, "zero-padded", _matches(r"0[0-9.]{14}")),
    ("space-padded-decimal", {}, "width+1", lambda v: len(v) == 16 and v.startswith(" ")),
    ("bounded-string", {"max_length": 25}, "max_length+1", lambda v: len(v) == 26),
    ("bounded-string", {"max_length": 25}, "much longer", lambda v: len(v) > 26),
    (
        "enum",
        {"values": list(_ENUM_MEMBERS)},
        "wrong case",
        lambda v: v.casefold() in {"open", "closed", "pending"},
    ),
    (
        "enum",
        {"values": list(_ENUM_MEMBERS)},
        "trailing space",
        lambda v: v.rstrip() in _ENUM_MEMBERS and v[-1:] == " ",
    ),
    (
        "enum",
        {"values": list(_ENUM_MEMBERS)},
        "leading space",
        lambda v: v.lstrip() in _ENUM_MEMBERS and v[:1] == " ",
    ),
    ("enum", {"values": list(_ENUM_MEMBERS)}, "letter dropped", _is_dropped_letter),
    ("enum", {"values": list(_ENUM_MEMBERS)}, "empty", lambda v: v == ""),
]


@pytest.mark.parametrize(
    ("name", "params", "predicate"),
    [
        pytest.param(name, params, predicate, id=f"{name}: {kind}")
        for name, params, kind, predicate in NEAR_MISS_KINDS
    ],
)
def test_near_miss_strategy_produces_documented_kind(
    name: str, params: dict[str, object], predicate: Callable[[str], bool]
) -> None:
    fmt = get_format(name, **params)
    example = _find(fmt.near_miss(), predicate)
    assert fmt.validate(example) is not None


def test_bounded_string_near_miss_includes_exactly_max_length_plus_one() -> None:
    fmt = bounded_string(25)
    assert len(_find(fmt.near_miss(), lambda v: len(v) == 26)) == 26
    assert fmt.validate("x" * 26) == "length 26, expected at most 25"


def test_bounded_string_valid_includes_the_max_length_boundary() -> None:
    fmt = bounded_string(25)
    assert len(_find(fmt.valid(), lambda v: len(v) == 25)) == 25


def test_bounded_string_near_miss_includes_min_length_minus_one() -> None:
    fmt = bounded_string(10, min_length=3)
    assert len(_find(fmt.near_miss(), lambda v: len(v) == 2)) == 2


def test_case_insensitive_enum_accepts_other_casing_and_never_offers_it_as_near_miss() -> None:
    fmt = enum_format(["Open", "Closed"], case_sensitive=False)
    assert fmt.validate("oPEN") is None
    assert all(v.casefold() not in {"open", "closed"} for v in _draw_many(fmt.near_miss(), 200))


def test_case_sensitive_enum_names_the_intended_member() -> None:
    assert enum_format(["Open", "Closed"]).validate("OPEN") == "wrong case: 'OPEN', expected 'Open'"


# --- strategies compose and are reproducible ----------------------------------------------


@settings(max_examples=100)
@given(
    st.fixed_dictionaries(
        {
            "orderDate": get_format("utc-datetime").valid(),
            "shipDate": get_format("iso-date").valid(),
            "customer": get_format("custno-10").valid(),
            "quantity": get_format("space-padded-decimal", width=15).valid(),
            "status": enum_format(["Open", "Closed"]).near_miss(),
        }
    )
)
def test_strategies_compose_inside_fixed_dictionaries(payload: dict[str, str]) -> None:
    assert get_format("utc-datetime").validate(payload["orderDate"]) is None
    assert get_format("iso-date").validate(payload["shipDate"]) is None
    assert get_format("custno-10").validate(payload["customer"]) is None
    assert get_format("space-padded-decimal").validate(payload["quantity"]) is None
    assert enum_format(["Open", "Closed"]).validate(payload["status"]) is not None


@settings(max_examples=50)
@given(
    st.builds(lambda d, t: f"{d}T{t}:00Z", get_format("iso-date").valid(), get_format("hh-mm-24h").valid())
)
def test_strategies_compose_inside_builds(value: str) -> None:
    assert get_format("utc-datetime").validate(value) is None


@pytest.mark.parametrize(("name", "params"), FORMAT_CASES)
def test_strategies_are_reproducible_under_a_fixed_seed(name: str, params: dict[str, object]) -> None:
    fmt = get_format(name, **params)
    assert _draw_many(fmt.near_miss()) == _draw_many(fmt.near_miss())
    assert _draw_many(fmt.valid()) == _draw_many(fmt.valid())


# --- registry -----------------------------------------------------------------------------


def test_format_names_list_every_documented_format() -> None:
    assert FORMAT_NAMES == (
        "utc-datetime",
        "iso-date",
        "mm-dd-yyyy",
        "yyyymmdd",
        "local-datetime",
        "hh-mm-24h",
        "h-mm-24h",
        "custno-10",
        "numeric-string",
        "decimal-string",
        "space-padded-decimal",
        "bounded-string",
        "enum",
    )


def test_get_format_raises_format_error_naming_unknown_format_and_known_ones() -> None:
    with pytest.raises(FormatError, match="no-such-format") as excinfo:
        get_format("no-such-format")
    assert isinstance(excinfo.value, ValueError)
    for name in FORMAT_NAMES:
        assert name in str(excinfo.value)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("iso-date", {"width": 3}),
        ("bounded-string", {}),
        ("bounded-string", {"max_length": "25"}),
        ("bounded-string", {"max_length": True}),
        ("bounded-string", {"max_length": -1}),
        ("bounded-string", {"max_length": 5, "min_length": 6}),
        ("bounded-string", {"max_length": 5, "maxlength": 6}),
        ("enum", {}),
        ("enum", {"values": []}),
        ("enum", {"values": "ABC"}),
        ("enum", {"values": ["A", 1]}),
        ("enum", {"values": ["A"], "case_sensitive": "no"}),
        ("space-padded-decimal", {"width": 0}),
    ],
)
def test_get_format_rejects_unusable_parameters(name: str, params: dict[str, object]) -> None:
    with pytest.raises(FormatError):
        get_format(name, **params)


def test_parametrised_formats_from_registry_equal_direct_construction() -> None:
    assert get_format("bounded-string", max_length=25) == bounded_string(25)
    assert hash(get_format("bounded-string", max_length=25)) == hash(bounded_string(25))
    assert get_format("enum", values=["A", "B"]) == enum_format(("A", "B"))
    assert get_format("enum", values=["A", "B"]) != enum_format(["A", "B"], case_sensitive=False)
    assert get_format("space-padded-decimal") == get_format("space-padded-decimal", width=15)
    assert get_format("iso-date") is get_format("iso-date")


def test_format_exposes_name_and_documented_pattern() -> None:
    fmt = get_format("utc-datetime")
    assert isinstance(fmt, Format)
    assert (fmt.name, fmt.pattern_text) == ("utc-datetime", "yyyy-mm-ddThh:mm:ssZ")
    assert bounded_string(25).name == "bounded-string"
    assert enum_format(["A"]).name == "enum"

"""Hypothesis strategies for valid values and near misses of each format.

Near misses are invalid *by construction*: each branch breaks exactly one documented rule
of an otherwise valid value, so no filtering is needed and every kind the tests look for
stays reachable. Only hypothesis draws are used (no `random`, no set iteration), so output
is reproducible under a hypothesis seed.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from datetime import date, datetime

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

YMD = tuple[str, str, str]

DIGITS = "0123456789"
# Printable ASCII only: partner APIs often count bytes, and non-ASCII text would make a
# length test fail for encoding reasons rather than length reasons.
PRINTABLE_ASCII = "".join(chr(code) for code in range(0x20, 0x7F))
_FULLWIDTH_DIGITS = "".join(chr(0xFF10 + n) for n in range(10))
# Hard-coded rather than calendar.month_abbr, which follows the process locale.
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Lengths above this are built by repeating a short chunk, keeping hypothesis' buffer small.
_DIRECT_TEXT_LIMIT = 256


# --- shared building blocks ---------------------------------------------------------------


def _pad2(n: int) -> str:
    return f"{n:02d}"


def _digits(size: int) -> SearchStrategy[str]:
    return st.text(alphabet=DIGITS, min_size=size, max_size=size)


_years = st.integers(1, 9999).map(lambda y: f"{y:04d}")
_months = st.integers(1, 12).map(_pad2)
_safe_days = st.integers(1, 28).map(_pad2)  # valid in every month, so only the broken field is wrong


def _ymd(d: date) -> YMD:
    return f"{d.year:04d}", _pad2(d.month), _pad2(d.day)


def valid_ymd() -> SearchStrategy[YMD]:
    return st.dates().map(_ymd)


@st.composite
def _day_past_month_end(draw: st.DrawFn) -> YMD:
    # Only months shorter than 31 days have an "existing-looking" impossible day.
    year = draw(st.integers(1, 9999))
    month = draw(st.sampled_from((2, 4, 6, 9, 11)))
    last = calendar.monthrange(year, month)[1]
    day = draw(st.integers(last + 1, 31))
    return f"{year:04d}", _pad2(month), _pad2(day)


def _bad_month() -> SearchStrategy[str]:
    return st.one_of(st.sampled_from(("13", "00")), st.integers(13, 99).map(_pad2))


def _bad_day() -> SearchStrategy[str]:
    return st.one_of(st.sampled_from(("32", "00")), st.integers(32, 99).map(_pad2))


def impossible_ymd() -> SearchStrategy[YMD]:
    """Date fields of the right shape naming no real calendar day."""
    return st.one_of(
        st.tuples(_years, _bad_month(), _safe_days),
        st.tuples(_years, _months, _bad_day()),
        _day_past_month_end(),
    )


@st.composite
def unpadded_ymd(draw: st.DrawFn) -> YMD:
    """A real date with the month, the day or both written without a leading zero."""
    year = draw(_years)
    month, day = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    which = draw(st.sampled_from(("month", "day", "both")))
    month_text = _pad2(month) if which == "day" else str(month)
    day_text = _pad2(day) if which == "month" else str(day)
    return year, month_text, day_text


def _hms(dt: datetime) -> str:
    return dt.time().isoformat(timespec="seconds")


def _impossible_hms() -> SearchStrategy[str]:
    hour = st.integers(0, 23).map(_pad2)
    minute = st.integers(0, 59).map(_pad2)
    bad_hour = st.one_of(st.just("24"), st.integers(24, 99).map(_pad2))
    bad_minute = st.one_of(st.just("60"), st.integers(60, 99).map(_pad2))
    return st.one_of(
        st.builds(lambda h, m, s: f"{h}:{m}:{s}", bad_hour, minute, minute),
        st.builds(lambda h, m, s: f"{h}:{m}:{s}", hour, bad_minute, minute),
        st.builds(lambda h, m, s: f"{h}:{m}:{s}", hour, minute, bad_minute),
    )


def _join(sep: str) -> Callable[[YMD], str]:
    return lambda parts: sep.join(parts)


def _mdy(sep: str) -> Callable[[YMD], str]:
    return lambda parts: sep.join((parts[1], parts[2], parts[0]))


# --- utc-datetime -------------------------------------------------------------------------


def _utc_body(dt: datetime) -> str:
    return f"{dt.date().isoformat()}T{_hms(dt)}"


def utc_datetime_valid() -> SearchStrategy[str]:
    return st.datetimes().map(lambda dt: _utc_body(dt) + "Z")


def utc_datetime_near_miss() -> SearchStrategy[str]:
    datetimes = st.datetimes()
    body = datetimes.map(_utc_body)
    offsets = st.one_of(
        st.sampled_from(("+01:00", "+00:00", "-05:00", "+05:30", "-00:00", "+0100", "+01")),
        st.builds(
            lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
            st.sampled_from("+-"),
            st.integers(0, 14),
            st.sampled_from((0, 30, 45)),
        ),
    )
    fraction = st.text(alphabet=DIGITS, min_size=1, max_size=9)
    return st.one_of(
        st.builds(str.__add__, body, offsets),
        body,  # missing Z
        body.map(lambda b: b + "z"),
        datetimes.map(lambda dt: dt.date().isoformat()),
        datetimes.map(lambda dt: f"{dt.date().isoformat()} {_hms(dt)}Z"),
        datetimes.map(lambda dt: f"{dt.date().isoformat()}t{_hms(dt)}Z"),
        st.builds(lambda b, f: f"{b}.{f}Z", body, fraction),
        datetimes.map(lambda dt: f"{dt.date().isoformat()}T{dt:%H:%M}Z"),
        datetimes.map(lambda dt: f"{dt.date().isoformat().replace('-', '')}T{dt:%H%M%S}Z"),
        st.builds(lambda ymd, t: f"{'-'.join(ymd)}T{t}Z", impossible_ymd(), st.datetimes().map(_hms)),
        st.builds(lambda d, t: f"{d.isoformat()}T{t}Z", st.dates(), _impossible_hms()),
    )


# --- local-datetime -----------------------------------------------------------------------


def local_datetime_valid() -> SearchStrategy[str]:
    return st.datetimes().map(_utc_body)


def local_datetime_near_miss() -> SearchStrategy[str]:
    datetimes = st.datetimes()
    body = datetimes.map(_utc_body)
    return st.one_of(
        body.map(lambda b: b + "Z"),
        body.map(lambda b: b + "+01:00"),
        body.map(lambda b: b + ".123"),
        datetimes.map(lambda dt: dt.date().isoformat()),
        datetimes.map(lambda dt: f"{dt.date().isoformat()} {_hms(dt)}"),
        datetimes.map(lambda dt: f"{dt.date().isoformat()}T{dt:%H:%M}"),
        st.builds(lambda ymd, t: f"{'-'.join(ymd)}T{t}", impossible_ymd(), datetimes.map(_hms)),
        st.builds(lambda d, t: f"{d.isoformat()}T{t}", st.dates(), _impossible_hms()),
    )


# --- plain dates --------------------------------------------------------------------------


def iso_date_valid() -> SearchStrategy[str]:
    return valid_ymd().map(_join("-"))


def iso_date_near_miss() -> SearchStrategy[str]:
    real = valid_ymd()
    return st.one_of(
        real.map(_mdy("-")),
        real.map(_join("")),
        unpadded_ymd().map(_join("-")),
        impossible_ymd().map(_join("-")),
        real.map(_join("/")),
        real.map(_mdy("/")),
        real.map(lambda p: "-".join(p) + "T00:00:00Z"),
    )


def mm_dd_yyyy_valid() -> SearchStrategy[str]:
    return valid_ymd().map(_mdy("-"))


@st.composite
def _day_month_swapped(draw: st.DrawFn) -> str:
    # A day above 12 in the first slot is unambiguously DD-MM-YYYY, e.g. "25-12-2024".
    year = draw(st.integers(1, 9999))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(13, calendar.monthrange(year, month)[1]))
    return f"{day:02d}-{month:02d}-{year:04d}"


def mm_dd_yyyy_near_miss() -> SearchStrategy[str]:
    real = valid_ymd()
    return st.one_of(
        _day_month_swapped(),
        real.map(_join("-")),
        unpadded_ymd().map(_mdy("-")),
        real.map(_mdy("/")),
        real.map(lambda p: f"{_MONTH_ABBR[int(p[1]) - 1]}-{p[2]}-{p[0]}"),
        impossible_ymd().map(_mdy("-")),
    )


def yyyymmdd_valid() -> SearchStrategy[str]:
    return valid_ymd().map(_join(""))


@st.composite
def _digit_dropped_or_added(draw: st.DrawFn, text: str) -> str:
    position = draw(st.integers(0, len(text)))
    if draw(st.booleans()):
        return text[:position] + draw(_digits(1)) + text[position:]
    position = min(position, len(text) - 1)
    return text[:position] + text[position + 1 :]


def yyyymmdd_near_miss() -> SearchStrategy[str]:
    real = yyyymmdd_valid()
    # MMDDYYYY for years 1900-2099 reads as month 19/20, so it is never accidentally valid.
    us_order = st.dates(date(1900, 1, 1), date(2099, 12, 31)).map(_ymd).map(_mdy(""))
    return st.one_of(
        valid_ymd().map(_join("-")),
        real.flatmap(lambda text: _digit_dropped_or_added(text)),
        impossible_ymd().map(_join("")),
        us_order,
    )


# --- clock time ---------------------------------------------------------------------------


def hh_mm_24h_valid() -> SearchStrategy[str]:
    return st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))


def h_mm_24h_valid() -> SearchStrategy[str]:
    return st.builds(
        lambda h, m, padded: f"{h:02d}:{m:02d}" if padded else f"{h}:{m:02d}",
        st.integers(0, 23),
        st.integers(0, 59),
        st.booleans(),
    )


def h_mm_24h_near_miss() -> SearchStrategy[str]:
    hours, minutes = st.integers(0, 23), st.integers(0, 59)
    return st.one_of(
        st.just("24:00"),
        st.builds(lambda h, m: f"{h}:{m:02d}", st.integers(24, 99), minutes),
        st.builds(lambda h, m: f"{h}:{m:02d}", hours, st.integers(60, 99)),
        st.builds(lambda h, m: f"{h}:{m}", hours, st.integers(0, 9)),
        st.builds(
            lambda h, m, p: f"{h}:{m:02d} {p}", st.integers(1, 12), minutes, st.sampled_from(("AM", "PM"))
        ),
        st.builds(lambda h, m: f"{h:02d}:{m:02d}:00", hours, minutes),
        st.builds(lambda h, m: f"{h:02d}{m:02d}", hours, minutes),
    )


def hh_mm_24h_near_miss() -> SearchStrategy[str]:
    hours, minutes = st.integers(0, 23), st.integers(0, 59)
    return st.one_of(
        st.just("24:00"),
        st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(24, 99), minutes),
        st.builds(lambda h, m: f"{h:02d}:{m:02d}", hours, st.integers(60, 99)),
        st.builds(lambda h, m: f"{h}:{m:02d}", st.integers(0, 9), minutes),
        st.builds(lambda h, m: f"{h:02d}:{m}", hours, st.integers(0, 9)),
        st.builds(
            lambda h, m, suffix: f"{h:02d}:{m:02d}{suffix}",
            st.integers(1, 12),
            minutes,
            st.sampled_from((" PM", " AM", "PM", "am", " p.m.")),
        ),
        st.builds(lambda h, m, s: f"{h:02d}:{m:02d}:{s:02d}", hours, minutes, minutes),
        st.builds(lambda h, m: f"{h:02d}{m:02d}", hours, minutes),
        st.builds(lambda h, m: f"{h:02d}.{m:02d}", hours, minutes),
    )


# --- digit strings ------------------------------------------------------------------------


@st.composite
def _with_char_replaced(draw: st.DrawFn, text: str, alphabet: str) -> str:
    position = draw(st.integers(0, len(text) - 1))
    return text[:position] + draw(st.sampled_from(alphabet)) + text[position + 1 :]


def custno_10_valid() -> SearchStrategy[str]:
    # Realistic numbers are small and zero-padded, but the whole 10-digit space is legal.
    return st.one_of(st.integers(0, 9_999_999).map(lambda n: f"{n:010d}"), _digits(10))


def custno_10_near_miss() -> SearchStrategy[str]:
    unpadded = st.integers(1, 999_999_999).map(str)  # 1-9 digits, e.g. "1234"
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return st.one_of(
        _digits(9),
        _digits(11),
        unpadded,
        unpadded.map(lambda s: s.rjust(10)),
        unpadded.map(lambda s: s.ljust(10)),
        _digits(10).flatmap(lambda s: _with_char_replaced(s, letters)),
        st.text(alphabet=_FULLWIDTH_DIGITS, min_size=10, max_size=10),
    )


def numeric_string_valid() -> SearchStrategy[str]:
    return st.text(alphabet=DIGITS, min_size=1, max_size=30)


def numeric_string_near_miss() -> SearchStrategy[str]:
    digits = numeric_string_valid()
    return st.one_of(
        st.just(""),
        digits.flatmap(lambda s: _with_char_replaced(s, "abcxyzOlI")),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10),
        st.builds(str.__add__, st.sampled_from("+-"), digits),
        st.builds(lambda a, b: f"{a}.{b}", digits, digits),
        digits.map(lambda s: " " + s),
        digits.map(lambda s: s + " "),
        st.builds(lambda a, b: f"{a} {b}", digits, digits),
        st.text(alphabet=_FULLWIDTH_DIGITS, min_size=1, max_size=10),
    )


# --- decimals -----------------------------------------------------------------------------


@st.composite
def decimal_text(draw: st.DrawFn, max_length: int, *, leading_zeros: bool) -> str:
    """`-?digits(.digits)?` of at most `max_length` (>= 1) characters."""
    negative = max_length >= 2 and draw(st.booleans())
    budget = max_length - negative
    integer_length = draw(st.integers(1, budget))
    if integer_length == 1 or leading_zeros:
        integer = draw(_digits(integer_length))
    else:
        integer = draw(st.sampled_from("123456789")) + draw(_digits(integer_length - 1))
    remaining = budget - integer_length
    fraction = ""
    if remaining >= 2 and draw(st.booleans()):
        fraction = "." + draw(st.text(alphabet=DIGITS, min_size=1, max_size=remaining - 1))
    return ("-" if negative else "") + integer + fraction


@st.composite
def _business_decimal(draw: st.DrawFn) -> str:
    """Quantities and prices as partners actually send them: "1", "10.000", "-3.5"."""
    units = draw(st.integers(0, 999_999))
    places = draw(st.integers(0, 3))
    sign = "-" if draw(st.booleans()) else ""
    fraction = ("." + draw(_digits(places))) if places else ""
    return f"{sign}{units}{fraction}"


# Longest _business_decimal: "-999999.999".
_BUSINESS_DECIMAL_MAX = 11


def decimal_string_valid() -> SearchStrategy[str]:
    return st.one_of(_business_decimal(), decimal_text(30, leading_zeros=True))


def decimal_string_near_miss() -> SearchStrategy[str]:
    digits = numeric_string_valid()
    return st.one_of(
        st.sampled_from(
            ("1,5", "", "abc", "1.2.3", " ", "1.", ".5", "+1", "1e5", "1 000", "--1", "NaN", "-")
        ),
        st.builds(lambda a, b: f"{a},{b}", digits, digits),
        st.builds(lambda a, b, c: f"{a}.{b}.{c}", digits, digits, digits),
        decimal_string_valid().map(lambda s: " " + s),
        decimal_string_valid().map(lambda s: s + " "),
        decimal_string_valid().map(lambda s: "+" + s.removeprefix("-")),
    )


def space_padded_decimal_valid(width: int) -> SearchStrategy[str]:
    numbers = decimal_text(width, leading_zeros=False)
    if width >= _BUSINESS_DECIMAL_MAX:
        numbers = st.one_of(_business_decimal(), numbers)
    return numbers.map(lambda s: s.rjust(width))


def space_padded_decimal_near_miss(width: int) -> SearchStrategy[str]:
    # Anything of width+1 is wrong whatever its content.
    kinds = [decimal_text(width, leading_zeros=False).map(lambda s: s.rjust(width + 1))]
    if width >= 2:
        shorter = decimal_text(width - 1, leading_zeros=False)
        unsigned = shorter.map(lambda s: s.removeprefix("-"))
        kinds += [
            shorter,  # unpadded
            unsigned.map(lambda s: s.rjust(width, "0")),
            shorter.map(lambda s: s.ljust(width)),
            shorter.map(lambda s: "\t" * (width - len(s)) + s),
            decimal_text(width - 1, leading_zeros=False).map(lambda s: s.rjust(width - 1)),
        ]
    return st.one_of(kinds)


# --- parametrised -------------------------------------------------------------------------


@st.composite
def text_of_length(draw: st.DrawFn, lengths: SearchStrategy[int], alphabet: str = PRINTABLE_ASCII) -> str:
    """Printable text whose length is drawn from `lengths`."""
    length = draw(lengths)
    if length <= _DIRECT_TEXT_LIMIT:
        return draw(st.text(alphabet=alphabet, min_size=length, max_size=length))
    chunk = draw(st.text(alphabet=alphabet, min_size=1, max_size=64))
    return (chunk * (length // len(chunk) + 1))[:length]


def bounded_string_valid(min_length: int, max_length: int) -> SearchStrategy[str]:
    # Boundaries get their own branches so hypothesis hits them often, not by luck.
    return st.one_of(
        text_of_length(st.just(max_length)),
        text_of_length(st.integers(min_length, max_length)),
        text_of_length(st.just(min_length)),
    )


def bounded_string_near_miss(min_length: int, max_length: int) -> SearchStrategy[str]:
    kinds = [
        text_of_length(st.just(max_length + 1)),
        text_of_length(st.integers(max_length + 2, 2 * max_length + 10)),
    ]
    if min_length > 0:
        kinds += [text_of_length(st.just(min_length - 1)), text_of_length(st.integers(0, min_length - 1))]
    return st.one_of(kinds)


def enum_valid(values: Sequence[str]) -> SearchStrategy[str]:
    return st.sampled_from(values)


def _ordered_unique(items: list[str]) -> list[str]:
    # dict keeps insertion order; a set would make sampled_from depend on PYTHONHASHSEED.
    return list(dict.fromkeys(items))


def enum_near_miss(values: Sequence[str], is_invalid: Callable[[str], bool]) -> SearchStrategy[str]:
    """Near misses of an enum, precomputed and stripped of anything `is_invalid` accepts.

    Enumerating candidates up front (rather than filtering a generated stream) guarantees no
    member is ever produced and costs hypothesis no rejected draws.
    """
    wrong_case = [
        variant
        for v in values
        for variant in (v.upper(), v.lower(), v.swapcase(), v.capitalize(), v.title())
        if variant != v
    ]
    whitespace = [variant for v in values for variant in (v + " ", " " + v, " " + v + " ")]
    dropped = [v[:i] + v[i + 1 :] for v in values for i in range(len(v))]
    kinds = [
        [c for c in _ordered_unique(candidates) if is_invalid(c)]
        for candidates in (wrong_case, whitespace, dropped, [""])
    ]
    # Whitespace around the longest member is longer than every member, so never empty.
    return st.one_of([st.sampled_from(kind) for kind in kinds if kind])

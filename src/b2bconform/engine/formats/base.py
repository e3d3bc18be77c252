"""The `Format` value object and the library's error type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis.strategies import SearchStrategy

#: Checks a string against a documented shape; returns None when valid, else a short reason.
Checker = Callable[[str], str | None]
#: Builds a fresh hypothesis strategy; called lazily so importing the library stays cheap.
StrategyFactory = Callable[[], SearchStrategy[str]]


class FormatError(ValueError):
    """An unknown format name or unusable format parameters."""


@dataclass(frozen=True)
class Format:
    """A documented field shape: a validator plus generators of valid and near-miss values.

    Identity is (name, pattern_text, params); the behaviour callables are excluded from
    equality so two formats built from the same parameters compare (and hash) equal.
    """

    name: str
    pattern_text: str
    check: Checker = field(kw_only=True, repr=False, compare=False)
    make_valid: StrategyFactory = field(kw_only=True, repr=False, compare=False)
    make_near_miss: StrategyFactory = field(kw_only=True, repr=False, compare=False)
    params: tuple[tuple[str, object], ...] = field(kw_only=True, default=())

    def validate(self, value: object) -> str | None:
        """None when `value` matches the format, else a short human reason."""
        # Vendor payloads are arbitrary JSON/XML-derived data, so the type is checked here
        # once and every checker can assume a str.
        if not isinstance(value, str):
            return "not a string"
        return self.check(value)

    def valid(self) -> SearchStrategy[str]:
        """Strategy of values the format accepts."""
        return self._strategy("_valid", self.make_valid)

    def near_miss(self) -> SearchStrategy[str]:
        """Strategy of plausible-looking values the format rejects."""
        return self._strategy("_near_miss", self.make_near_miss)

    def _strategy(self, slot: str, make: StrategyFactory) -> SearchStrategy[str]:
        # Built once per format: a strategy is an immutable description, and Hypothesis validates
        # each strategy object on first use, which costs far more than drawing from it.
        built: SearchStrategy[str] | None = self.__dict__.get(slot)
        if built is None:
            built = make()
            object.__setattr__(self, slot, built)  # a cache, not a field: equality is unchanged
        return built

"""Fuzzing what users hand the harness: cassettes, HAR files and profiles, mangled by Hypothesis. Every
one is read or refused with an input error (exit 2, the file named); nothing else escapes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b2bconform.cli import cli
from b2bconform.errors import B2BConformError
from b2bconform.locations import APIS_DIR, suite_dir
from b2bconform.targets import load_profile

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

CASSETTE = next(p for p in sorted((suite_dir("moduslink_po") / "cassettes").rglob("*.yaml")))
CASSETTE_TEXT = CASSETTE.read_text(encoding="utf-8")[:6000]
HAR_TEXT = json.dumps(
    {
        "log": {
            "version": "1.2",
            "entries": [
                {
                    "request": {
                        "method": "GET",
                        "url": "https://api-uat.moduslink.com/purchaseapi/v1/orders/1",
                        "headers": [],
                    },
                    "response": {
                        "status": 200,
                        "headers": [],
                        "content": {"mimeType": "application/json", "text": "{}"},
                    },
                }
            ],
        }
    }
)
PROFILE_TEXT = (APIS_DIR / "moduslink_po" / "profiles" / "moduslink_po-uat.yaml").read_text(encoding="utf-8")


@st.composite
def mangled(draw: st.DrawFn, text: str) -> str:
    """``text`` cut, with characters replaced, inserted or deleted, or lines repeated."""
    out = text
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["cut", "replace", "insert", "delete", "repeat"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if how == "cut":
            out = out[:at]
        elif how == "replace":
            out = out[:at] + draw(st.sampled_from(list("{}[]:,-&*!|>'\"\n\t #%@\\\x00"))) + out[at + 1 :]
        elif how == "insert":
            out = out[:at] + draw(st.text(max_size=8)) + out[at:]
        elif how == "delete":
            out = out[:at] + out[at + draw(st.integers(1, 40)) :]
        else:
            lines = out.splitlines(keepends=True)
            if lines:
                line = draw(st.sampled_from(lines))
                out = out + line * draw(st.integers(1, 3))
    return out


def _audit_exits_cleanly(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = CliRunner().invoke(cli, ["audit", str(path), "--api", "moduslink_po"])
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        assert str(path) in result.output, result.output


@FUZZ
@given(text=mangled(CASSETTE_TEXT))
def test_a_mangled_cassette_is_judged_or_refused_as_input(tmp_path: Path, text: str) -> None:
    _audit_exits_cleanly(tmp_path / "c.yaml", text)


@FUZZ
@given(text=mangled(HAR_TEXT))
def test_a_mangled_har_file_is_judged_or_refused_as_input(tmp_path: Path, text: str) -> None:
    _audit_exits_cleanly(tmp_path / "c.har", text)


@FUZZ
@given(text=mangled(PROFILE_TEXT))
def test_a_mangled_profile_loads_or_is_refused_naming_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_profile(str(path))
    except B2BConformError as exc:
        assert str(path) in str(exc) or "profile" in str(exc), str(exc)

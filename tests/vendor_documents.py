"""The vendor documents the contracts cite, for the tests that check each citation against them.

They are the vendors' documents, not part of this repository: `B2BCONFORM_VENDOR_DOCS` names the
folder that holds them (file names as the rules cite them). Without it those tests skip, saying
so; with `B2BCONFORM_REQUIRE_VENDOR_DOCS=1` (CI) a missing folder or document fails them instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

VARIABLE = "B2BCONFORM_VENDOR_DOCS"
REQUIRED = bool(os.environ.get("B2BCONFORM_REQUIRE_VENDOR_DOCS"))
VENDOR_DOCS = Path(os.environ.get(VARIABLE) or "/nonexistent-vendor-docs").expanduser()


def available() -> bool:
    return VENDOR_DOCS.is_dir()


def unavailable_reason() -> str:
    return f"the vendor documents are not available: set {VARIABLE} to the folder holding them"


def vendor_doc(name: str) -> Path:
    """The document ``name``; the test skips (or, where required, fails) when it is not there."""
    path = VENDOR_DOCS / name
    if not path.is_file():
        message = f"{unavailable_reason()} (looked for {path})"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    return path


needs_vendor_docs = pytest.mark.skipif(not available() and not REQUIRED, reason=unavailable_reason())

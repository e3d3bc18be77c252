"""Where the harness finds contracts, profiles and suites: shipped inside the package, and in the
user's own folders named by ``$B2BCONFORM_PATH`` (one or more folders, separated like ``PATH``).

A user folder holds any of ``contracts/<api>/``, ``profiles/*.yaml`` and ``suites/<api>/``, laid
out as the shipped ones are. User folders come first: a user contract, profile or suite with the
id of a shipped one is the one used (to try an edited copy of a shipped contract, say).
"""

from __future__ import annotations

import os
from pathlib import Path

from b2bconform.errors import UsageError

__all__ = [
    "PACKAGE_DIR",
    "PATH_VARIABLE",
    "SHIPPED_CONTRACTS",
    "SHIPPED_PROFILES",
    "SHIPPED_SUITES",
    "contract_dir",
    "contract_roots",
    "profile_roots",
    "suite_dir",
    "suite_file",
    "suite_roots",
    "user_folders",
]

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_CONTRACTS = PACKAGE_DIR / "contracts"
SHIPPED_PROFILES = PACKAGE_DIR / "profiles"
SHIPPED_SUITES = PACKAGE_DIR / "suites"
PATH_VARIABLE = "B2BCONFORM_PATH"


def user_folders() -> list[Path]:
    """The folders ``$B2BCONFORM_PATH`` names, each checked to exist (a typo is an error, not nothing)."""
    folders = []
    for entry in os.environ.get(PATH_VARIABLE, "").split(os.pathsep):
        if not entry.strip():
            continue
        folder = Path(entry).expanduser().resolve()
        if not folder.is_dir():
            raise UsageError(
                f"{PATH_VARIABLE}={entry}: not a folder (it names folders holding contracts/, "
                "profiles/ and suites/, separated by ':')"
            )
        folders.append(folder)
    return folders


def _roots(kind: str, shipped: Path) -> list[Path]:
    return [*(folder / kind for folder in user_folders() if (folder / kind).is_dir()), shipped]


def contract_roots() -> list[Path]:
    """Folders of ``<api>/`` contracts, the user's first."""
    return _roots("contracts", SHIPPED_CONTRACTS)


def profile_roots() -> list[Path]:
    """Folders of ``<name>.yaml`` target profiles, the user's first."""
    return _roots("profiles", SHIPPED_PROFILES)


def suite_roots() -> list[Path]:
    """Folders of ``<api>/`` pytest suites, the user's first."""
    return _roots("suites", SHIPPED_SUITES)


def contract_dir(api: str) -> Path:
    """The contract folder of ``api`` (the first root that has one; the shipped path if none has)."""
    return _first(api, contract_roots(), "rules.yaml")


def suite_dir(api: str) -> Path:
    """The suite folder of ``api`` (the first root that has one; the shipped path if none has)."""
    return _first(api, suite_roots(), None)


def suite_file(module: str) -> Path | None:
    """The test module a node id names (``suites/<api>/test_x.py``, relative to the folder holding a
    suites folder, pytest's rootdir; or ``<api>/test_x.py``), found in the suite folders; None if none has it."""
    for root in suite_roots():
        for base in (root.parent, root):
            if (base / module).is_file():
                return base / module
    return None


def _first(api: str, roots: list[Path], marker: str | None) -> Path:
    for root in roots:
        candidate = root / api
        if (candidate / marker).is_file() if marker else candidate.is_dir():
            return candidate
    return roots[-1] / api

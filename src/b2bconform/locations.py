"""Where the harness finds each API's folder: shipped inside the package (``apis/<api>/``), and in
the user's own folders named by ``$B2BCONFORM_PATH`` (one or more folders, separated like ``PATH``).

An API folder holds everything particular to one API: ``contract/`` (``rules.yaml``, the spec, the
examples), ``suite/`` (its tests and cassettes), ``profiles/*.yaml`` and, where it needs any, its own
code (``sandbox``, ``review``, ``generators``). User folders hold ``<api>/`` folders laid out the same
way and come first: a user API folder with the id of a shipped one is the one used (to try an
edited copy of a shipped contract, say).
"""

from __future__ import annotations

import os
from pathlib import Path

from b2bconform.errors import UsageError

__all__ = [
    "APIS_DIR",
    "PACKAGE_DIR",
    "PATH_VARIABLE",
    "api_roots",
    "contract_dir",
    "contract_dirs",
    "profile_dirs",
    "suite_dir",
    "suite_dirs",
    "suite_file",
    "user_folders",
]

PACKAGE_DIR = Path(__file__).resolve().parent
APIS_DIR = PACKAGE_DIR / "apis"
CONTRACT, SUITE, PROFILES = "contract", "suite", "profiles"  # the parts of an API folder
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
                f"{PATH_VARIABLE}={entry}: not a folder (it names folders of API folders, "
                "<api>/contract/, <api>/suite/, <api>/profiles/, separated by ':')"
            )
        folders.append(folder)
    return folders


def api_roots() -> list[Path]:
    """Folders of ``<api>/`` folders, the user's first."""
    return [*user_folders(), APIS_DIR]


def _api_parts(part: str, marker: str | None) -> dict[str, Path]:
    """api id -> its ``part`` folder (holding ``marker``, if given), the first root's that has one."""
    found: dict[str, Path] = {}
    for root in api_roots():
        if not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            candidate = folder / part
            if folder.name.startswith(("_", ".")) or folder.name in found:
                continue
            if (candidate / marker).is_file() if marker else candidate.is_dir():
                found[folder.name] = candidate
    return dict(sorted(found.items()))


def contract_dirs() -> dict[str, Path]:
    """api id -> its contract folder (``<api>/contract/`` holding ``rules.yaml``)."""
    return _api_parts(CONTRACT, "rules.yaml")


def suite_dirs() -> dict[str, Path]:
    """api id -> its suite folder (``<api>/suite/``)."""
    return _api_parts(SUITE, None)


def profile_dirs() -> list[Path]:
    """Every API folder's ``profiles/`` folder, the user's first."""
    return [
        folder / PROFILES
        for root in api_roots()
        if root.is_dir()
        for folder in sorted(root.iterdir())
        if (folder / PROFILES).is_dir()
    ]


def contract_dir(api: str) -> Path:
    """The contract folder of ``api`` (the first root's that has one; the shipped path if none has)."""
    return contract_dirs().get(api, APIS_DIR / api / CONTRACT)


def suite_dir(api: str) -> Path:
    """The suite folder of ``api`` (the first root's that has one; the shipped path if none has)."""
    return suite_dirs().get(api, APIS_DIR / api / SUITE)


def suite_file(module: str) -> Path | None:
    """The test module a node id names (``apis/<api>/suite/test_x.py``, relative to pytest's rootdir,
    the folder holding the API folders' folder; or ``<api>/suite/test_x.py``), found in the API
    folders; None if none has it."""
    for root in api_roots():
        for base in (root.parent, root):
            if (base / module).is_file():
                return base / module
    return None

"""A user's folder of API folders (``$B2BCONFORM_PATH`` / ``--path``), made from contracts written
the way ``Contract.load(contracts_dir=...)`` reads them (``<dir>/<api>/rules.yaml``)."""

from __future__ import annotations

import shutil
from pathlib import Path


def user_folder_of(contracts: Path, folder: Path) -> Path:
    """``folder`` holding ``<api>/contract/`` for each contract under ``contracts``."""
    for contract in sorted(p for p in contracts.iterdir() if (p / "rules.yaml").is_file()):
        shutil.copytree(contract, folder / contract.name / "contract")
    return folder

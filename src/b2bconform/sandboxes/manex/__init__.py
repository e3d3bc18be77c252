"""The ManEx ERP sandbox: the Sales Order (contracts/manex_so) and Purchase Order (contracts/manex_po)
APIs over one in-memory ERP; ``SEED`` is its master data."""

from __future__ import annotations

from b2bconform.sandboxes.manex.erp import SEED, Erp, Seed
from b2bconform.sandboxes.manex.faults import PO_FAULTS, SO_FAULTS
from b2bconform.sandboxes.manex.sandbox import (
    API_KEYS,
    KEY_CREDENTIAL,
    ManexPoSandbox,
    ManexSandbox,
    ManexSoSandbox,
)

__all__ = [
    "API_KEYS",
    "KEY_CREDENTIAL",
    "PO_FAULTS",
    "SEED",
    "SO_FAULTS",
    "Erp",
    "ManexPoSandbox",
    "ManexSandbox",
    "ManexSoSandbox",
    "Seed",
]

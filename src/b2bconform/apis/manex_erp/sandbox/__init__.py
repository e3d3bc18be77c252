"""The ManEx ERP sandbox: the Sales Order (apis/manex_so/contract) and Purchase Order (apis/manex_po/contract)
APIs over one in-memory ERP; ``SEED`` is its master data."""

from __future__ import annotations

from b2bconform.apis.manex_erp.sandbox.erp import SEED, Erp, Seed
from b2bconform.apis.manex_erp.sandbox.faults import PO_FAULTS, SO_FAULTS
from b2bconform.apis.manex_erp.sandbox.sandbox import (
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

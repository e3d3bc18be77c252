"""A child process of tests/test_live_safety.py: takes requests from a shared gate (kept light:
a spawned child imports this module, not the test module and its dependencies)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from b2bconform.targets.live_safety import BudgetSpent, RateGate


def take(run_dir: str, rate: float, budget: int, attempts: int, start: Any, out: Any) -> None:
    """Try ``attempts`` requests once every process is ready; put (budget number, slot, when it
    went) of each granted one on ``out``."""
    gate = RateGate("shared-profile", rate, budget, run_dir=Path(run_dir))
    start.wait()  # all processes contend from the same moment
    granted = []
    for _ in range(attempts):
        try:
            grant = gate.acquire()
        except BudgetSpent:
            continue
        granted.append((grant.number, grant.slot, time.monotonic()))
    out.put(granted)

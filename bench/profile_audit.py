"""``python -m bench.profile_audit [--interactions N] [--format vcr|har] [--top K]``: where an audit
spends its time, by cProfile, on a generated recording (see bench/traffic.py)."""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
from pathlib import Path

from b2bconform.audit import audit
from bench.traffic import WRITERS, templates


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_audit", description=__doc__)
    parser.add_argument("--interactions", type=int, default=5000)
    parser.add_argument("--format", choices=sorted(WRITERS), default="vcr")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime", help="a pstats sort key: tottime, cumulative...")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        path = WRITERS[options.format](
            Path(tmp) / f"profile.{options.format}", options.interactions, templates()
        )
        profile = cProfile.Profile()
        profile.runcall(audit, [path])
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(options.sort).print_stats(options.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()

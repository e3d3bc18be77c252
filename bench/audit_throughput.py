"""Audit throughput: interactions per second and peak memory of ``b2bconform.audit.audit`` on a
large generated VCR.py cassette and HAR file, against merely reading the same file with the same
readers (``b2bconform.traffic.iter_exchanges``) without judging.

Each measurement runs in a fresh interpreter (``python -m bench.audit_throughput WORKER FILE``),
which reports its own wall time and peak resident memory (``ru_maxrss``), and its resident memory
once everything is imported, before the file is opened: the difference is what reading costs.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import PYTHON, ROOT, run
from bench.traffic import API, templates, write_har, write_vcr

__all__ = ["measure", "worker"]

Log = Callable[[str], None]


def _rss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # kilobytes on Linux


def worker(mode: str, path: Path) -> dict[str, Any]:
    """Read (``parse``) or judge (``audit``) ``path`` once; what it took."""
    import b2bconform
    from b2bconform.audit import audit
    from b2bconform.engine.contract import Contract, known_apis
    from b2bconform.traffic import iter_exchanges

    for api in known_apis():
        Contract.load(api)  # contracts loaded before the clock starts, as for any audit's start-up
    imported = _rss_kb()
    started = time.perf_counter()
    if mode == "parse":
        count = sum(1 for _ in iter_exchanges(path))
        extra: dict[str, Any] = {}
    else:
        report = audit([path])
        count = report.interactions
        extra = {"judged": report.judged, "findings": len(report.findings), "rules_failed": report.rules}
    seconds = time.perf_counter() - started
    return {
        "mode": mode,
        "interactions": count,
        "seconds": round(seconds, 3),
        "per_second": round(count / seconds, 1) if seconds else None,
        "rss_after_import_mb": round(imported / 1024, 1),
        "peak_rss_mb": round(_rss_kb() / 1024, 1),
        "library": str(Path(b2bconform.__file__).parent),
        **extra,
    }


def _in_subprocess(mode: str, path: Path, source: Path | None) -> dict[str, Any]:
    env = {"PYTHONPATH": os.pathsep.join(str(p) for p in (source, ROOT) if p is not None)}
    finished = run([PYTHON, "-m", "bench.audit_throughput", mode, str(path)], env=env, timeout=7200)
    lines = [line for line in finished.output.splitlines() if line.startswith("{")]
    if finished.exit_code != 0 or not lines:
        return {"mode": mode, "error": f"exit {finished.exit_code}: {finished.output[-800:]}"}
    return dict(json.loads(lines[-1]))


def measure(
    count: int, *, log: Log = print, compare_source: Path | None = None, keep: Path | None = None
) -> dict[str, Any]:
    """Generate both files with ``count`` interactions, then parse and audit each in a subprocess.

    ``compare_source``: also audit with the library found there (a ``src`` folder), e.g. an older
    version, for a before/after comparison.
    """
    out: dict[str, Any] = {"api": API, "interactions": count, "files": {}}
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        folder = keep or Path(tmp)
        source = templates()
        for kind, writer, suffix in (("vcr", write_vcr, ".yaml"), ("har", write_har, ".har")):
            path = folder / f"bench-{count}{suffix}"
            started = time.perf_counter()
            writer(path, count, source)
            entry: dict[str, Any] = {
                "bytes": path.stat().st_size,
                "generate_seconds": round(time.perf_counter() - started, 1),
            }
            entry["parse"] = _in_subprocess("parse", path, None)
            entry["audit"] = _in_subprocess("audit", path, None)
            if compare_source is not None:
                entry["parse_compared"] = _in_subprocess("parse", path, compare_source)
                entry["audit_compared"] = _in_subprocess("audit", path, compare_source)
            parse, judged = entry["parse"], entry["audit"]
            if parse.get("seconds") and judged.get("seconds"):
                entry["audit_over_parse_time"] = round(judged["seconds"] / parse["seconds"], 2)
            log(f"audit {kind}: {json.dumps(entry)}")
            out["files"][kind] = entry
            if keep is None:
                path.unlink()
    return out


if __name__ == "__main__":  # the worker: python -m bench.audit_throughput parse|audit FILE
    print(json.dumps(worker(sys.argv[1], Path(sys.argv[2]))))

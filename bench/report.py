"""The benchmark's reports: ``bench.json`` (everything measured, with the machine) and
``bench.md`` (a short table per measurement). Nothing secret is measured: the sandboxes' demo
credentials never reach the reports, and the text goes through the redaction layer anyway."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from b2bconform.traffic.redaction import Redactor
from bench import generation, suite_times

__all__ = ["machine", "markdown", "write"]


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    """The machine and the versions measured, at the start of a run."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "versions": {name: _version(name) for name in ("b2bconform", "schemathesis", "hypothesis")},
    }


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _rate(value: Any) -> str:
    return f"{value:.0%}" if isinstance(value, int | float) else "-"


def _detection(data: dict[str, Any]) -> list[str]:
    rows = []
    for api, entry in data["apis"].items():
        st = entry["schemathesis"]
        harness = entry["harness"]
        st_fp = (
            st
            if isinstance(st, str)
            else ", ".join(f"{f['code']} x{f['count']}" for f in st["false_positives"] or []) or "none"
        )
        rows.append(
            [
                api,
                entry["faults"],
                f"{harness['caught']} ({_rate(harness['rate'])})",
                st if isinstance(st, str) else f"{st['caught']} ({_rate(st['rate'])})",
                st
                if isinstance(st, str)
                else f"{st['caught_beyond_faithful']} ({_rate(st['rate_beyond_faithful'])})",
                ", ".join(harness["false_positives"]) or "none",
                st_fp,
            ]
        )
    lines = ["## Detection", ""]
    lines += _table(
        [
            "API",
            "faults",
            "harness caught",
            "schemathesis: exit 1 with a failure",
            "schemathesis: a failure not seen on the faithful sandbox",
            "harness false positives",
            "schemathesis false positives (faithful sandbox)",
        ],
        rows,
    )
    lines += [
        "",
        f"Harness: {data['harness_method']}",
        "",
        f"Schemathesis: {data['schemathesis_method']}",
        "",
    ]
    return lines


def _speed(data: dict[str, Any]) -> list[str]:
    rows = []
    for api, entry in data["apis"].items():
        for tool, label in (
            ("harness_suites", "harness, full suites"),
            ("harness_schemathesis_generated_tests", "harness, schemathesis-generated tests only"),
            ("schemathesis", "bare schemathesis"),
        ):
            values = entry.get(tool)
            if values is None:
                continue
            if isinstance(values, str):
                rows.append([api, label, values, "", "", ""])
                continue
            rows.append(
                [
                    api,
                    label,
                    values["requests"],
                    values["cases_per_second_active"],
                    values["cases_per_second_wall"],
                    values["wall_seconds"],
                ]
            )
    lines = ["## Speed (test cases = requests the served sandbox received)", ""]
    lines += _table(
        ["API", "tool", "test cases", "per second (sending)", "per second (wall)", "wall s"], rows
    )
    run = data.get("default_run") or {}
    lines += [
        "",
        f"Default conformance run (`b2bconform run`, every API): {_cell(run.get('wall_seconds'))} s wall, exit {_cell(run.get('exit_code'))}, {_cell(run.get('exchanges'))} exchanges judged.",
        "",
    ]
    return lines


def _audit(data: dict[str, Any]) -> list[str]:
    rows = []
    for kind, entry in data["files"].items():
        for step in ("parse", "audit", "parse_compared", "audit_compared"):
            values = entry.get(step)
            if values is None:
                continue
            rows.append(
                [
                    kind,
                    step.replace("_compared", f" ({values.get('library', '?')})"),
                    values.get("interactions"),
                    values.get("seconds"),
                    values.get("per_second"),
                    values.get("peak_rss_mb"),
                    values.get("rss_after_import_mb"),
                    values.get("error", ""),
                ]
            )
    lines = [f"## Audit throughput ({data['interactions']} interactions of {data['api']} per file)", ""]
    lines += _table(
        [
            "file",
            "step",
            "interactions",
            "seconds",
            "per second",
            "peak RSS MB",
            "RSS before reading MB",
            "error",
        ],
        rows,
    )
    sizes = ", ".join(f"{k}: {v['bytes'] / 1e6:.0f} MB" for k, v in data["files"].items())
    return [*lines, "", f"File sizes: {sizes}.", ""]


def _economy(data: dict[str, Any]) -> list[str]:
    rows = []
    for api, entry in data["apis"].items():
        smoke, full = entry["smoke"], entry["full"]
        rows.append(
            [
                api,
                smoke["requests"],
                f"{smoke['response_rules_verified']}/{smoke['response_rules']}",
                full["requests"],
                f"{full['response_rules_verified']}/{full['response_rules']}",
            ]
        )
    lines = ["## Live economy (served sandbox as a live target)", ""]
    lines += _table(
        [
            "API",
            "smoke requests",
            "smoke: response rules verified",
            "full suites requests",
            "full: response rules verified",
        ],
        rows,
    )
    return [*lines, ""]


def markdown(report: dict[str, Any]) -> str:
    info = report["machine"]
    lines = [
        "# b2bconform benchmark",
        "",
        f"{info['date']}, {info['cpu_count']} CPUs, load average {info['load_average_start']} at the start and "
        f"{info.get('load_average_end')} at the end, Python {info['python']}, "
        + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
        + f"{' (quick)' if report.get('quick') else ''}.",
        "",
    ]
    sections = {
        "detection": _detection,
        "speed": _speed,
        "audit": _audit,
        "generation": generation.markdown,
        "economy": _economy,
        "tests": suite_times.markdown,
    }
    for name, render in sections.items():
        if name in report["results"]:
            lines += render(report["results"][name])
    return "\n".join(lines) + "\n"


def _demo_credentials() -> list[str]:
    from b2bconform.sandboxes import SANDBOXES

    return [
        value
        for sandbox in SANDBOXES.values()
        for site in sandbox.demo_credentials()
        for value in site.values()
    ]


def write(report: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    redactor = Redactor(secrets=_demo_credentials())
    data = folder / "bench.json"
    text = folder / "bench.md"
    data.write_text(redactor.text(json.dumps(report, indent=2, default=str)) + "\n", encoding="utf-8")
    text.write_text(redactor.text(markdown(report)), encoding="utf-8")
    return data, text

"""Merging the report folders of several runs (CI shards) into one.

A shard is the ``--reports`` folder of a run: ``conformance.json`` (required), ``allure-results/``,
``junit.xml`` and, after a live run, ``cleanup.json``. The merged folder holds one of each: the
conformance matrices merged rule by rule (``ConformanceMatrix.merge``), every Allure result file
(their names are UUIDs, so they only clash when one file was copied into two shards), one JUnit
``<testsuites>`` with each shard's suites, and the clean-up lists joined.

Everything is read and checked before anything is written, so a bad shard leaves the output as
it was. Nothing here adds content of its own: what the shards hold was redacted when it was written.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from b2bconform.cleanup import CleanupOutcome
from b2bconform.errors import InputFileError, UsageError
from b2bconform.reporting.matrix import MERGED_FROM, ConformanceMatrix
from b2bconform.runner import CONFORMANCE_FILE, load_conformance

__all__ = ["ALLURE_RESULTS", "CLEANUP_FILE", "JUNIT_FILE", "MergeResult", "merge_reports"]

ALLURE_RESULTS = "allure-results"
JUNIT_FILE = "junit.xml"
CLEANUP_FILE = "cleanup.json"
# Written into the results by the HTML report of one shard and naming that shard's run; the merged
# report writes its own from the merged conformance.json.
_REPORT_LEVEL_FILES = {"categories.json", "environment.properties", "executor.json"}
_JUNIT_COUNTS = ("tests", "errors", "failures", "skipped")


@dataclass(frozen=True)
class MergeResult:
    output: Path
    conformance: Path
    markdown: Path
    summary: dict[str, Any]
    tests: dict[str, int]  # how many tests ended each way (passed, failed, broken, skipped)
    allure_files: int  # files in the merged allure-results
    duplicates: int  # identical files found in more than one shard, copied once
    junit: Path | None
    cleanup: Path | None


def merge_reports(shards: Sequence[Path], output: Path) -> MergeResult:
    """Merge the report folders ``shards`` into ``output`` (created; the files named above and the
    allure-results folder in it are replaced, anything else there, such as allure-history, is kept).
    A missing or malformed input is an InputFileError naming the file."""
    if not shards:
        raise UsageError("nothing to merge: name at least one report folder")
    _check_folders(shards, output)
    matrix = _merge_conformance(shards)
    allure, duplicates = _allure_files(shards)
    junit = _merge_junit(shards)
    cleanup = _merge_cleanup(shards)

    output.mkdir(parents=True, exist_ok=True)
    json_path, md_path = matrix.write(output / CONFORMANCE_FILE)
    results = output / ALLURE_RESULTS
    if results.exists():
        shutil.rmtree(results)  # a previous merge's results: the report shows this merge only
    results.mkdir()
    for name, source in allure.items():
        shutil.copy2(source, results / name)
    for stale in (JUNIT_FILE, CLEANUP_FILE):
        (output / stale).unlink(missing_ok=True)  # a previous merge's, which this one may not have
    junit_path = None
    if junit is not None:
        junit_path = output / JUNIT_FILE
        ET.ElementTree(junit).write(junit_path, encoding="utf-8", xml_declaration=True)
    cleanup_path = None
    if cleanup is not None:
        outcome, meta = cleanup
        cleanup_path = outcome.write(output / CLEANUP_FILE, **meta)
    return MergeResult(
        output=output,
        conformance=json_path,
        markdown=md_path,
        summary=dict(json.loads(json_path.read_text(encoding="utf-8"))["summary"]),
        tests=_outcomes(matrix),
        allure_files=len(allure),
        duplicates=duplicates,
        junit=junit_path,
        cleanup=cleanup_path,
    )


def _outcomes(matrix: ConformanceMatrix) -> dict[str, int]:
    counts = dict.fromkeys(("passed", "failed", "broken", "skipped"), 0)
    for outcome in matrix.tests.values():
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    return counts


def _check_folders(shards: Sequence[Path], output: Path) -> None:
    target = output.resolve()
    seen: set[Path] = set()
    for shard in shards:
        if shard.resolve() in seen:
            raise UsageError(f"{shard}: named twice; its evidence would be counted twice")
        seen.add(shard.resolve())
        if not shard.is_dir():
            raise InputFileError(
                str(shard), "not a folder: expected the --reports folder of a run (conformance.json, ...)"
            )
        if shard.resolve() == target:
            raise UsageError(f"{output}: the output folder is one of the folders to merge; name a new one")


def _merge_conformance(shards: Sequence[Path]) -> ConformanceMatrix:
    merged = ConformanceMatrix()
    for shard in shards:
        path = shard / CONFORMANCE_FILE
        part = ConformanceMatrix.from_report(load_conformance(path), source=str(path))
        part.meta.setdefault(MERGED_FROM, [str(shard)])
        merged.merge(part)
    return merged


def _present(shards: Sequence[Path], name: str) -> list[Path]:
    """``name`` in every shard, when any has it: a shard without it would silently lose its part."""
    paths = [shard / name for shard in shards]
    having = [path for path in paths if path.exists()]
    if having:
        for path in paths:
            if not path.exists():
                raise InputFileError(
                    str(path), f"missing, while {having[0]} exists: the merged {name} would lack this shard"
                )
    return having


def _allure_files(shards: Sequence[Path]) -> tuple[dict[str, Path], int]:
    """Every result, container and attachment file by name; identical copies once, and two different
    files of one name refused (Allure would show one of them and drop the other)."""
    files: dict[str, Path] = {}
    duplicates = 0
    for folder in _present(shards, ALLURE_RESULTS):
        if not folder.is_dir():
            raise InputFileError(str(folder), "not a folder of Allure results")
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name in _REPORT_LEVEL_FILES:
                continue  # history/ is staged there only while a report is built
            seen = files.get(path.name)
            if seen is None:
                files[path.name] = path
            elif filecmp.cmp(seen, path, shallow=False):
                duplicates += 1
            else:
                raise InputFileError(
                    str(path), f"an Allure result of the same name but other content is in {seen}"
                )
    return files, duplicates


def _merge_junit(shards: Sequence[Path]) -> ET.Element | None:
    """One <testsuites> holding each shard's <testsuite> elements, its counts the sums of theirs.
    pytest names its suite "pytest"; in the merged file such a suite takes its shard's folder name."""
    paths = _present(shards, JUNIT_FILE)
    if not paths:
        return None
    merged = ET.Element("testsuites", {"name": "b2bconform"})
    totals = dict.fromkeys(_JUNIT_COUNTS, 0)
    time = 0.0
    for path in paths:
        for suite in _testsuites(path):
            if suite.get("name") in (None, "", "pytest"):
                suite.set("name", path.parent.name)
            for key in _JUNIT_COUNTS:
                totals[key] += _junit_number(path, suite, key, int)
            time += _junit_number(path, suite, "time", float)
            merged.append(suite)
    for key, value in totals.items():
        merged.set(key, str(value))
    merged.set("time", f"{time:.3f}")
    return merged


def _testsuites(path: Path) -> list[ET.Element]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputFileError(
            str(path), "not JUnit XML: malformed XML", location=f"line {line}, column {column}"
        ) from None
    except OSError as exc:
        raise InputFileError(str(path), f"cannot be read: {exc.strerror}") from None
    if root.tag == "testsuite":
        return [root]
    if root.tag != "testsuites":
        raise InputFileError(
            str(path), f"not JUnit XML: expected <testsuites> or <testsuite>, found <{root.tag}>"
        )
    return list(root.iter("testsuite"))


def _junit_number(path: Path, suite: ET.Element, key: str, kind: type[int] | type[float]) -> Any:
    value = suite.get(key, "0")
    try:
        return kind(value)
    except ValueError:
        raise InputFileError(
            str(path), f'<testsuite name="{suite.get("name")}"> {key}="{value}": expected a number'
        ) from None


def _merge_cleanup(shards: Sequence[Path]) -> tuple[CleanupOutcome, dict[str, Any]] | None:
    """The records the shards' runs left on their targets, one list (only live runs write one)."""
    paths = [path for shard in shards if (path := shard / CLEANUP_FILE).exists()]
    if not paths:
        return None
    outcome = CleanupOutcome()
    targets: list[str] = []
    runs: list[str] = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            part = CleanupOutcome.from_dict(data)
        except json.JSONDecodeError as exc:
            raise InputFileError(str(path), f"not JSON: {exc.msg}", location=f"line {exc.lineno}") from None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InputFileError(
                str(path), "not a clean-up list: expected {deleted, left: [{api, kind, key, test, reason}]}"
            ) from None
        outcome = outcome.merge(part)
        for value, seen in ((data.get("target"), targets), (data.get("run"), runs)):
            if value and value not in seen:
                seen.append(str(value))
    meta: dict[str, Any] = {"target": ", ".join(targets) or None}
    meta |= {"run": runs[0]} if len(runs) == 1 else {"runs": runs}
    return outcome, meta

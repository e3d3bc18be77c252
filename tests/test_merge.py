"""Merging conformance reports: the matrix merge itself, `b2bconform merge` on report folders of
real runs (shards), and the example CI workflow that shards and merges."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from b2bconform.cli import cli
from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.errors import InputFileError
from b2bconform.reporting.matrix import MAX_FINDINGS_PER_RULE, ConformanceMatrix
from b2bconform.reporting.merge_command import merge_command
from b2bconform.runner import suite_apis
from b2bconform.targets import load_profile

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "ci" / "examples" / "github-actions.yml"
CONTRACT = Contract.load("moduslink_po")
API = "moduslink_po"
CREDENTIALS = {"ClientConfigId": "c", "ClientAuthKey": "k", "Ocp-Apim-Subscription-Key": "s"}
ORDER = {
    "clientRequest": {
        "requestHeader": {"externalMessageReference": "E1", "client": "C", "requestReference": "R" * 26},
        "order": {"custReference": "1"},
        "item": [{"itemId": "1", "sku": "S", "quantity": {"uom": "EA", "value": "1"}}],
    }
}
ACCEPTED = {"result": "true", "requestId": "1", "requestReference": "R" * 26, "externalMessageReference": "E1",
            "links": [], "errorCode": "", "message": []}  # fmt: skip
FAULT, FAULT_RULE = "wrong-content-type", "WESTCON_SOAP-RES-003"  # every answer labelled text/plain


# ── the matrix merge ──────────────────────────────────────────────────────────────────────────


def _matrix(**meta: Any) -> ConformanceMatrix:
    matrix = ConformanceMatrix()
    matrix.add_contract(CONTRACT, fault_proven={"MODUSLINK_PO-AUTH-004"})
    matrix.meta = {"target": "sandbox", "run_id": "RUN1", "day": "2026-11-22", **meta}
    return matrix


def _accepted_long_reference(elapsed: float | None = None) -> Exchange:
    """A request breaking MODUSLINK_PO-REQ-012 (26-character reference) that the vendor accepted."""
    request = Request(
        "POST", "https://x/purchaseapi/v1/orders", Headers(CREDENTIALS), json.dumps(ORDER).encode()
    )
    body = json.dumps(ACCEPTED).encode()
    response = Response(202, Headers({"Content-Type": "application/json"}), body, elapsed)
    return Exchange(api=API, request=request, response=response)


def _round_trip(matrix: ConformanceMatrix) -> ConformanceMatrix:
    return ConformanceMatrix.from_report(json.loads(json.dumps(matrix.as_dict())))


def _rules(matrix: ConformanceMatrix) -> dict[str, Any]:
    return dict(matrix.as_dict()["apis"][API]["rules"])


def test_a_report_read_back_writes_the_same_report() -> None:
    matrix = _matrix()
    matrix.record_judgement(CONTRACT.check(_accepted_long_reference(0.012)), "t1")
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-005"], "t2", "passed")
    matrix.record_test("moduslink_po", ["MODUSLINK_PO-AUTH-006"], "t3", "broken")
    matrix.record_test_outcome("t4", API, "skipped", ["MODUSLINK_PO-AUTH-007"], reason="needs writes")
    before, after = matrix.as_dict(), _round_trip(matrix).as_dict()
    before.pop("generated"), after.pop("generated")
    assert after == before
    rules = after["apis"][API]["rules"]
    assert rules["MODUSLINK_PO-AUTH-007"]["untested_reason"] == "its tests were skipped: needs writes"
    assert rules["MODUSLINK_PO-AUTH-004"]["verified"] == "negative"  # the sandbox fault's proof is kept


def test_counts_add_up_and_a_rule_failed_in_one_part_is_failed() -> None:
    first, second = _matrix(), _matrix()
    first.record_test(API, ["MODUSLINK_PO-AUTH-005", "MODUSLINK_PO-AUTH-006"], "t1", "passed")
    second.record_test(API, ["MODUSLINK_PO-AUTH-005"], "t2", "failed")
    second.record_test(API, ["MODUSLINK_PO-AUTH-006"], "t3", "passed")
    rules = _rules(first.merge(second))
    assert (rules["MODUSLINK_PO-AUTH-005"]["status"], rules["MODUSLINK_PO-AUTH-005"]["evaluated"]) == (
        "failed",
        2,
    )
    assert rules["MODUSLINK_PO-AUTH-005"]["tests"] == ["t1", "t2"]
    assert (rules["MODUSLINK_PO-AUTH-006"]["status"], rules["MODUSLINK_PO-AUTH-006"]["passed"]) == (
        "passed",
        2,
    )
    summary = first.as_dict()["apis"][API]["summary"]
    assert (summary["passed"], summary["failed"]) == (1, 1)


@pytest.mark.parametrize(
    ("one", "other", "merged"),
    [
        ("failed", "passed", "failed"),
        ("passed", "broken", "passed"),
        ("broken", None, "broken"),
        (None, None, "untested"),
    ],
)
def test_the_merged_status_follows_the_precedence_of_one_run(
    one: str | None, other: str | None, merged: str
) -> None:
    parts = [_matrix(), _matrix()]
    for part, outcome in zip(parts, (one, other), strict=True):
        if outcome is not None:
            part.record_test(API, ["MODUSLINK_PO-AUTH-005"], "t", outcome)
    assert (
        _rules(_round_trip(parts[0]).merge(_round_trip(parts[1])))["MODUSLINK_PO-AUTH-005"]["status"]
        == merged
    )


def test_findings_are_kept_up_to_the_cap_and_their_total_is_summed() -> None:
    first, second = _matrix(), _matrix()
    for part, times in ((first, 15), (second, 10)):
        for _ in range(times):
            part.record_judgement(CONTRACT.check(_accepted_long_reference()), "t")
    totals = [_rules(m)["MODUSLINK_PO-REQ-012"]["findings_total"] for m in (first, second)]
    rule = _rules(_round_trip(first).merge(_round_trip(second)))["MODUSLINK_PO-REQ-012"]
    assert rule["findings_total"] == sum(totals) >= 25
    assert len(rule["findings"]) == MAX_FINDINGS_PER_RULE
    assert rule["findings"][0] == _rules(first)["MODUSLINK_PO-REQ-012"]["findings"][0]


def test_skip_reasons_are_joined_and_fault_proofs_kept() -> None:
    first, second = _matrix(), ConformanceMatrix()
    second.add_contract(CONTRACT)  # as a report written without the sandbox's fault list
    first.record_test_outcome("t1", API, "skipped", ["MODUSLINK_PO-AUTH-005"], reason="needs writes")
    second.record_test_outcome("t2", API, "skipped", ["MODUSLINK_PO-AUTH-005"], reason="needs test data")
    rules = _rules(_round_trip(second).merge(_round_trip(first)))
    assert rules["MODUSLINK_PO-AUTH-005"]["skip_reasons"] == ["needs test data", "needs writes"]
    assert "needs test data; needs writes" in rules["MODUSLINK_PO-AUTH-005"]["untested_reason"]
    assert rules["MODUSLINK_PO-AUTH-004"]["fault_proven"] is True


def test_merged_response_times_are_those_of_all_samples() -> None:
    whole, first, second = _matrix(), _matrix(), _matrix()
    for elapsed, part in ((0.010, first), (0.0201, second), (0.030, first), (0.040, second), (1.0, first)):
        for matrix in (whole, part):
            matrix.record_judgement(CONTRACT.check(_accepted_long_reference(elapsed)), "t")
    merged = _round_trip(first).merge(_round_trip(second)).as_dict()["apis"][API]
    assert merged["response_times"] == whole.as_dict()["apis"][API]["response_times"]
    assert merged["response_times"]["createPurchaseOrder"] == {
        "count": 5,
        "median_ms": 30.0,
        "p95_ms": 1000.0,
    }
    assert sorted(merged["response_samples_ms"]["createPurchaseOrder"]) == [10.0, 20.1, 30.0, 40.0, 1000.0]


def test_a_test_reported_by_two_parts_keeps_the_worse_outcome() -> None:
    first, second = _matrix(), _matrix()
    first.record_test_outcome("t", API, "passed", ["MODUSLINK_PO-AUTH-005"])
    second.record_test_outcome("t", API, "broken", ["MODUSLINK_PO-AUTH-006"], reason="timed out")
    second.record_test_outcome("u", API, "passed", [])
    tests = first.merge(second).as_dict()["tests"]
    assert tests["t"]["outcome"] == "broken" and tests["t"]["reason"] == "timed out"
    assert tests["t"]["rules"] == ["MODUSLINK_PO-AUTH-005", "MODUSLINK_PO-AUTH-006"]
    assert set(tests) == {"t", "u"}


def test_run_facts_the_parts_share_stay_and_those_they_do_not_are_listed() -> None:
    first = _matrix(hypothesis={"profile": "quick", "seed": None})
    second = _matrix(
        run_id="RUN2", target="live (moduslink_po-uat)", hypothesis={"profile": "quick", "seed": None}
    )
    data = first.merge(second).as_dict()
    assert (data["day"], data["hypothesis"]) == ("2026-11-22", {"profile": "quick", "seed": None})
    assert "days" not in data and "hypotheses" not in data
    assert (data["run_id"], data["run_ids"]) == (None, ["RUN1", "RUN2"])
    assert data["targets"] == ["sandbox", "live (moduslink_po-uat)"]
    assert data["target"] == "sandbox, live (moduslink_po-uat)"
    again = _round_trip(first).merge(_round_trip(_matrix(run_id="RUN3"))).as_dict()
    assert (again["run_id"], again["run_ids"]) == (
        None,
        ["RUN1", "RUN2", "RUN3"],
    )  # merged reports merge again


def test_the_markdown_says_where_the_parts_differ(tmp_path: Path) -> None:
    merged = _matrix().merge(_matrix(run_id="RUN2", target="sandbox (fault: x)"))
    merged.meta["merged_from"] = ["shard-a", "shard-b"]
    _, markdown = merged.write(tmp_path / "conformance.json")
    text = markdown.read_text(encoding="utf-8")
    assert "Merged from 2 reports: `shard-a`, `shard-b`." in text
    assert "The parts differ in their targets: `sandbox`, `sandbox (fault: x)`." in text
    assert "The parts differ in their run ids: `RUN1`, `RUN2`." in text


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["apis"][API]["rules"].update({"MODUSLINK_PO-NOPE-1": {}}), "apis.moduslink_po.rules.MODUSLINK_PO-NOPE-1: not a rule"),
        (lambda d: d["apis"].update({"nope": {}}), "apis.nope: expected an API with a contract"),
        (lambda d: d["apis"][API]["rules"]["MODUSLINK_PO-AUTH-005"].update({"passed": "2"}), "MODUSLINK_PO-AUTH-005.passed: expected a count"),
        (lambda d: d["tests"].update({"t": {"api": API, "outcome": "exploded"}}), "tests.t: expected {api, outcome"),
        (lambda d: d["apis"][API]["response_samples_ms"].update({"op": ["slow"]}), "response_samples_ms.op: expected a list of milliseconds"),
    ],
)  # fmt: skip
def test_a_report_that_is_not_as_written_is_refused_naming_the_file_and_place(
    change: Any, expected: str
) -> None:
    data = json.loads(json.dumps(_matrix().as_dict()))
    change(data)
    with pytest.raises(InputFileError) as raised:
        ConformanceMatrix.from_report(data, source="shard-a/conformance.json")
    assert str(raised.value).startswith("shard-a/conformance.json: ")
    assert expected in str(raised.value)


# ── b2bconform merge on real runs ─────────────────────────────────────────────────────────────


def _run(reports: Path, cache: Path, *args: str) -> int:
    # compiled modules kept in ``cache`` (tox sets PYTHONDONTWRITEBYTECODE): each run's pytest would
    # otherwise rewrite and compile some 500 plugin modules again
    env = {"PYTHONDONTWRITEBYTECODE": None, "PYTHONPYCACHEPREFIX": str(cache)}
    result = CliRunner().invoke(cli, ["run", "--reports", str(reports), *args], env=env)
    return result.exit_code


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three runs as CI shards would make them: Westcon SOAP whole, part of it again against the
    sandbox with a fault (its rule fails there only), and part of ModusLink."""
    root = tmp_path_factory.mktemp("shards")
    runs = {
        "soap": (0, ["--api", "westcon_soap"]),
        "soap-fault": (
            1,
            ["--api", "westcon_soap", "--", "--fault", FAULT, "-k", "test_soap_get_order_status"],
        ),
        "moduslink": (0, ["--api", "moduslink_po", "--", "-k", "test_auth"]),
    }
    for name, (expected, args) in runs.items():
        code = _run(root / name, tmp_path_factory.getbasetemp() / "pycache", *args)
        assert code == expected, f"{name}: b2bconform run exited {code}"
    return {name: root / name for name in runs}


def _merge(*args: str | Path) -> Any:
    return CliRunner().invoke(merge_command, [str(a) for a in args])


def _load(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _testcases(path: Path) -> list[str]:
    return [f"{c.get('classname')}::{c.get('name')}" for c in ET.parse(path).getroot().iter("testcase")]


@pytest.mark.slow
def test_shards_merge_into_one_report(shards: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = _merge(*shards.values(), "--output", out)
    assert result.exit_code == 1, result.output  # a rule failed in one shard
    assert "merged 3 reports" in result.output
    parts = {name: _load(folder / "conformance.json") for name, folder in shards.items()}
    merged = _load(out / "conformance.json")
    assert sorted(merged["apis"]) == ["moduslink_po", "westcon_soap"]
    assert merged["apis"]["moduslink_po"]["summary"] == parts["moduslink"]["apis"]["moduslink_po"]["summary"]
    assert merged["summary"]["rules"] == sum(block["summary"]["rules"] for block in merged["apis"].values())
    assert merged["summary"]["failed"] == sum(block["summary"]["failed"] for block in merged["apis"].values())

    soap = [parts[name]["apis"]["westcon_soap"] for name in ("soap", "soap-fault")]
    merged_soap = merged["apis"]["westcon_soap"]
    for rule_id, rule in merged_soap["rules"].items():
        for key in ("evaluated", "positive", "negative", "passed", "failed", "broken", "findings_total"):
            assert rule[key] == sum(part["rules"][rule_id][key] for part in soap), (rule_id, key)
    # passed in one shard, failed in the other: failed, with the findings kept
    assert [part["rules"][FAULT_RULE]["status"] for part in soap] == ["passed", "failed"]
    assert merged_soap["rules"][FAULT_RULE]["status"] == "failed"
    assert merged_soap["rules"][FAULT_RULE]["findings"] == soap[1]["rules"][FAULT_RULE]["findings"][:20]
    assert merged_soap["rules"][FAULT_RULE]["findings"]
    for operation, times in merged_soap["response_times"].items():
        assert times["count"] == sum(
            part["response_times"].get(operation, {}).get("count", 0) for part in soap
        )
    # the shards ran against different targets: the report keeps both and says so
    assert merged["targets"] == ["sandbox", f"sandbox (fault: {FAULT})"]
    assert merged["run_id"] is None and len(merged["run_ids"]) == 3
    assert "Merged from 3 reports" in (out / "conformance.md").read_text(encoding="utf-8")
    tests = {test for part in parts.values() for test in part["tests"]}
    assert set(merged["tests"]) == tests

    allure = {
        p.name for folder in shards.values() for p in (folder / "allure-results").iterdir() if p.is_file()
    }
    assert {p.name for p in (out / "allure-results").iterdir()} == allure
    assert any(name.endswith("-result.json") for name in allure)
    cases = [case for folder in shards.values() for case in _testcases(folder / "junit.xml")]
    assert sorted(_testcases(out / "junit.xml")) == sorted(cases)
    root = ET.parse(out / "junit.xml").getroot()
    assert root.tag == "testsuites" and int(root.get("tests", "0")) == len(cases)
    assert {suite.get("name") for suite in root.iter("testsuite")} == set(shards)
    assert not (out / "cleanup.json").exists()  # sandbox runs create nothing to clean up


@pytest.mark.slow
def test_identical_copies_are_merged_once_and_clean_up_lists_are_joined(
    shards: dict[str, Path], tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(shards["moduslink"], first)
    shutil.copytree(shards["moduslink"], second)
    for folder, key in ((first, "B2B1-1"), (second, "B2B2-1")):
        left = [
            {"api": "moduslink_po", "kind": "purchase order", "key": key, "test": "t", "reason": "no delete"}
        ]
        (folder / "cleanup.json").write_text(
            json.dumps({"target": "live (x)", "run": key[:4], "deleted": 2, "left": left})
        )
    result = _merge(first, second, "--output", tmp_path / "out")
    assert result.exit_code == 0, result.output
    copies = len(list((first / "allure-results").iterdir()))
    assert f"({copies} identical copies skipped)" in result.output
    cleanup = _load(tmp_path / "out" / "cleanup.json")
    assert cleanup["deleted"] == 4 and [item["key"] for item in cleanup["left"]] == ["B2B1-1", "B2B2-1"]
    assert cleanup["runs"] == ["B2B1", "B2B2"] and cleanup["target"] == "live (x)"


def _broken(shards: dict[str, Path], tmp_path: Path, how: str) -> Path:
    """A copy of a shard, spoilt as ``how`` says; returns the file the error must name."""
    folder = tmp_path / "broken"
    shutil.copytree(shards["moduslink"], folder)
    if how == "no conformance.json":
        (folder / "conformance.json").unlink()
        return folder / "conformance.json"
    if how == "malformed junit.xml":
        (folder / "junit.xml").write_text("<testsuites><testsuite>\n<testcase", encoding="utf-8")
        return folder / "junit.xml"
    if how == "no junit.xml":
        (folder / "junit.xml").unlink()
        return folder / "junit.xml"
    # an Allure result of the same name as one of the other shard, with other content
    clash = next(p for p in (shards["soap"] / "allure-results").iterdir() if p.name.endswith("-result.json"))
    (folder / "allure-results" / clash.name).write_text("{}", encoding="utf-8")
    return folder / "allure-results" / clash.name


@pytest.mark.parametrize(
    "how", ["no conformance.json", "malformed junit.xml", "no junit.xml", "allure clash"]
)
@pytest.mark.slow
def test_a_missing_or_malformed_input_exits_2_naming_the_file_and_writes_nothing(
    shards: dict[str, Path], tmp_path: Path, how: str
) -> None:
    named = _broken(shards, tmp_path, how)
    out = tmp_path / "out"
    result = _merge(shards["soap"], tmp_path / "broken", "--output", out)
    assert result.exit_code == 2, result.output
    assert f"error: {named}" in result.output
    if how == "malformed junit.xml":
        assert "line 2" in result.output
    assert not out.exists()


def test_a_folder_that_is_not_a_report_folder_is_refused(tmp_path: Path) -> None:
    result = _merge(tmp_path / "nope", "--output", tmp_path / "out")
    assert result.exit_code == 2 and f"error: {tmp_path / 'nope'}: not a folder" in result.output


# ── the example CI workflow ───────────────────────────────────────────────────────────────────


def _workflow(text: str) -> dict[str, Any]:
    data = yaml.safe_load(text)
    assert isinstance(data, dict) and data.get("jobs"), "not a workflow"
    return data


def _with_live_shard() -> str:
    """The workflow with its commented-out live shard switched on, as the README says to."""
    lines = WORKFLOW.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "# live shard:") + 1
    end = next(i for i in range(start, len(lines)) if not lines[i].strip().startswith("#"))
    for i in range(start, end):
        lines[i] = re.sub(r"^(\s*)# ", r"\1", lines[i])
    return "\n".join(lines)


def _combinations(job: dict[str, Any]) -> list[dict[str, str]]:
    """GitHub's expansion of a matrix: every combination of the axes, then each include entry that
    matches none of them added as its own."""
    matrix = dict(job["strategy"]["matrix"])
    include = matrix.pop("include", None) or []
    combos: list[dict[str, str]] = [{}]
    for axis, values in matrix.items():
        combos = [{**combo, axis: value} for combo in combos for value in values]
    for entry in include:
        if not any(all(combo.get(k) == v for k, v in entry.items() if k in matrix) for combo in combos):
            combos.append(dict(entry))
    return combos


def _expand(text: str, context: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        scope, _, key = match.group(1).strip().partition(".")
        return str(context.get(scope, {}).get(key, ""))

    return re.sub(r"\$\{\{\s*([a-z]+\.[A-Za-z_]+)\s*\}\}", value, text)


def _commands(data: dict[str, Any]) -> list[list[str]]:
    """Every `b2bconform` command line the workflow runs, per matrix combination."""
    commands = []
    for job in data["jobs"].values():
        for combo in _combinations(job) if "strategy" in job else [{}]:
            env = {k: _expand(str(v), {"matrix": combo}) for k, v in (job.get("env") or {}).items()}
            for step in job["steps"]:
                script = _expand(step.get("run", ""), {"matrix": combo, "env": env})
                for line in script.replace("\\\n", " ").splitlines():
                    if line.strip().startswith("b2bconform "):
                        commands.append(shlex.split(line)[1:])
    return commands


def _accepts(args: list[str]) -> None:
    """Our command line parses ``args`` as it would run them (options, choices, arguments)."""
    group: click.Command = cli
    while isinstance(group, click.Group):
        assert args and args[0] in group.commands, f"`b2bconform {' '.join(args)}`: no such command"
        group, args = group.commands[args[0]], args[1:]
    with group.make_context(group.name or "", list(args)):
        pass
    result = CliRunner().invoke(cli, [*_path(group), "--help"])
    assert result.exit_code == 0, result.output


def _path(command: click.Command) -> list[str]:
    names: list[str] = []

    def find(group: click.Command, trail: list[str]) -> bool:
        if group is command:
            names.extend(trail)
            return True
        return isinstance(group, click.Group) and any(
            find(sub, [*trail, name]) for name, sub in group.commands.items()
        )

    find(cli, [])
    return names


def test_the_example_workflow_shards_every_suite_and_merges_them_with_commands_our_cli_accepts() -> None:
    data = _workflow(WORKFLOW.read_text(encoding="utf-8"))
    shard, report = data["jobs"]["shard"], data["jobs"]["report"]
    assert sorted(shard["strategy"]["matrix"]["api"]) == suite_apis()
    assert report["needs"] == "shard" and "cancelled()" in report["if"]
    commands = _commands(data)
    runs = [c for c in commands if c[0] == "run"]
    assert sorted(c[c.index("--api") + 1] for c in runs) == suite_apis()
    merges = [c for c in commands if c[0] == "merge"]
    assert merges == [["merge", "shard-*", "--output", "reports", "--html"]]
    for command in commands:
        _accepts(command)
    # what each shard uploads is what the merge downloads and globs
    upload = next(s for s in shard["steps"] if "upload-artifact" in s.get("uses", ""))
    download = next(s for s in report["steps"] if "download-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == upload["with"]["path"] == "${{ env.SHARD }}"
    assert shard["env"]["SHARD"].startswith("shard-") and download["with"]["pattern"] == "shard-*"
    assert all(c[c.index("--reports") + 1].startswith("shard-") for c in runs)


def test_the_example_live_shard_gets_the_profiles_credentials_from_the_secret_store() -> None:
    data = _workflow(_with_live_shard())
    live = [c for c in _commands(data) if c[0] == "run" and "live" in c]
    assert len(live) == 1
    _accepts(live[0])
    profile = load_profile(live[0][live[0].index("--profile") + 1])
    step = next(s for s in data["jobs"]["shard"]["steps"] if "b2bconform run" in s.get("run", ""))
    for variable in profile.credentials.values():
        mapped = step["env"].get(variable, "")
        assert f"secrets.{variable}" in mapped and "matrix.target == 'live'" in mapped, variable


@pytest.mark.slow
def test_a_folder_named_twice_is_refused(shards: dict[str, Path], tmp_path: Path) -> None:
    result = _merge(shards["soap"], shards["soap"], "--output", tmp_path / "out")
    assert result.exit_code == 2 and "named twice" in result.output
    assert not (tmp_path / "out").exists()

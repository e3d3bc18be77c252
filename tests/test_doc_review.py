"""`b2bconform review`: the list of discrepancies to raise with each vendor, from the documents' own examples.

The shipped examples are reviewed once (a few seconds); drift and malformed judging files are shown on
a copy of one API's contract, so the shipped files are never touched.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from b2bconform.apis.manex_po import review as manex_po
from b2bconform.engine.contract import Contract
from b2bconform.locations import contract_dir
from b2bconform.review import builder_of, judge_case, review
from b2bconform.review.command import review_command

APIS = ("manex_po", "manex_so", "moduslink_po", "promostandards_osn", "westcon_rest", "westcon_soap")
# The APIs whose examples are the vendor's own (copied from its document), each with notes to raise;
# promostandards_osn's are the harness's own, written from the public specification: none.
VENDOR_EXAMPLES = ("manex_po", "manex_so", "moduslink_po", "westcon_rest", "westcon_soap")
PUBLIC = "promostandards_osn"  # its document is a public specification, not a file of vendor-docs


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(review_command, [str(a) for a in args])


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, str, dict[str, Any]]:
    output = tmp_path_factory.mktemp("review") / "vendor-doc-review.md"
    result = run("--output", output)
    data = json.loads(output.with_suffix(".json").read_text(encoding="utf-8")) if output.is_file() else {}
    markdown = output.read_text(encoding="utf-8") if output.is_file() else ""
    return result, markdown, data


def recorded_notes(api: str) -> Iterator[tuple[str, str]]:
    """Every (example, note) judging.yaml records for the vendor: a `discrepancy`, or why an example is unreadable."""
    judging = yaml.safe_load((contract_dir(api) / "examples" / "judging.yaml").read_text(encoding="utf-8"))

    def walk(node: Any) -> Iterator[tuple[str, str]]:
        if isinstance(node, Mapping):
            example = node.get("file") or node.get("response")
            note = node.get("discrepancy") or node.get("why")
            if isinstance(example, str) and isinstance(note, str):
                yield example, note
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    yield from walk(judging)


def printed_at(api: str) -> dict[str, dict[str, str]]:
    """Where the document prints each example (index.yaml), by example."""
    index = yaml.safe_load((contract_dir(api) / "examples" / "index.yaml").read_text(encoding="utf-8"))
    return {entry["file"]: entry["source"] for entry in index}


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_review_covers_every_api_and_matches_the_recorded_judging(
    written: tuple[Result, str, dict[str, Any]],
) -> None:
    result, markdown, data = written
    assert result.exit_code == 0, result.output
    assert [api["api"] for api in data["apis"]] == list(APIS)
    assert all(builder_of(api) is not None for api in APIS)
    assert data["drift"] == 0
    for api in APIS:
        assert f"(`{api}`)" in markdown
    assert "written:" in result.output


@pytest.mark.parametrize("api", VENDOR_EXAMPLES)
def test_every_recorded_discrepancy_is_listed_where_the_document_prints_it_with_the_reading_adopted(
    written: tuple[Result, str, dict[str, Any]], api: str
) -> None:
    _, markdown, data = written
    (review_of,) = [entry for entry in data["apis"] if entry["api"] == api]
    listed = {item["example"]: item for item in review_of["discrepancies"]}
    rules = Contract.load(api).rules
    readable = markdown.replace("\\", "")  # the Markdown escapes what would read as markup
    notes = list(recorded_notes(api))
    sources = printed_at(api)
    assert notes, f"{api} records no discrepancy"
    for example, note in notes:
        assert example in listed, f"{api}: {example} is not listed"
        item = listed[example]
        source = sources[example]
        assert (item["where"][0]["document"], item["where"][0]["section"]) == (
            source["file"],
            source["section"],
        )
        assert flat(note) in item["document_says"]
        assert item["adopted_readings"], f"{api}: {example} has no adopted reading"
        for rule in item["rules"]:
            reading = next(r for r in item["adopted_readings"] if r["rule"] == rule)
            expected = rules.get(rule).decision or rules.get(rule).statement
            assert reading["reading"] == expected, f"{api}: {example}: {rule}"
            assert flat(expected) in readable, f"{api}: {example}: {rule}'s reading is not in the Markdown"
        assert f"`{example}`" in markdown
        assert flat(source["section"]) in readable
        assert flat(note) in readable


def section_of(markdown: str, api: str) -> str:
    """The Markdown section of ``api``, from its heading to the next API's."""
    start = markdown.index(f"(`{api}`)\n")
    end = markdown.find("\n## ", start)
    return markdown[start : end if end != -1 else len(markdown)]


def test_the_harness_own_examples_of_a_public_standard_are_all_judged_and_conform(
    written: tuple[Result, str, dict[str, Any]],
) -> None:
    _, markdown, data = written
    (review_of,) = [entry for entry in data["apis"] if entry["api"] == PUBLIC]
    judging = yaml.safe_load((contract_dir(PUBLIC) / "examples" / "judging.yaml").read_text(encoding="utf-8"))
    assert list(recorded_notes(PUBLIC)) == []
    assert review_of["examples"] == review_of["judged"] == len(judging["pairings"]) + len(judging["requests"])
    assert review_of["discrepancies"] == [] and review_of["drift"] == []
    assert "None: every example conforms to the document's rules." in section_of(markdown, PUBLIC)
    assert review_of["undemonstrated_decisions"], "the standard's decisions are listed for the vendor"


def test_a_public_document_is_shown_by_its_url_and_section_and_a_vendor_docs_file_by_its_name(
    written: tuple[Result, str, dict[str, Any]],
) -> None:
    _, markdown, data = written
    for review_of in data["apis"]:
        rules = Contract.load(review_of["api"]).rules
        assert review_of["document_url"] == rules.document_url
        assert (rules.document_url is not None) == (review_of["api"] == PUBLIC)
        for undemonstrated in review_of["undemonstrated_decisions"]:
            source = undemonstrated["source"]
            public = source["file"] == rules.document and rules.document_url is not None
            assert source["url"] == (rules.document_url if public else None)
        for item in review_of["discrepancies"]:
            assert [where["url"] for where in item["where"]] == [None] * len(item["where"])
    url = Contract.load(PUBLIC).rules.document_url
    section = section_of(markdown, PUBLIC)
    assert f"Document: <{url}>" in section
    assert f"| <{url}> |" in markdown
    assert "§ Error Codes" in section  # each decision under the section of the document citing it
    assert not re.search(r"\blines? \d", section), "a public document has no line numbers to claim"
    assert "Document: `001_2b4e72c753f32ece.txt`" in section_of(markdown, "westcon_soap")


def test_an_example_of_a_public_document_is_listed_where_its_url_and_section_show_it(
    tmp_path: Path,
) -> None:
    shutil.copytree(contract_dir(PUBLIC), tmp_path / "contracts" / PUBLIC)
    note = "Noted for the vendor, the shipped answer being the harness's own."
    edit(
        tmp_path / "contracts" / PUBLIC / "examples" / "judging.yaml",
        "    response: response.shipped.xml\n    expected_findings: []\n    expected_discrepancies: []\n"
        "  - request: request.query-so.xml",
        f"    response: response.shipped.xml\n    expected_findings: []\n    expected_discrepancies: []\n"
        f"    discrepancy: {note}\n  - request: request.query-so.xml",
    )
    output = tmp_path / "review.md"
    result = run("--api", PUBLIC, "--contracts", tmp_path / "contracts", "--output", output)
    assert result.exit_code == 0, result.output
    url = Contract.load(PUBLIC).rules.document_url
    markdown = output.read_text(encoding="utf-8")
    assert (
        f"- **Where:** <{url}>, section “Response: GetOrderShipmentNotificationResponse”, "
        "example `response.shipped.xml`; paired with `request.query-po.xml`"
    ) in markdown
    assert note in markdown.replace("\\", "")
    (item,) = json.loads(output.with_suffix(".json").read_text(encoding="utf-8"))["apis"][0]["discrepancies"]
    assert [(w["document"], w["url"]) for w in item["where"]] == [("promostandards-osn-2.0.0", url)] * 2


def test_every_expected_finding_is_listed_with_what_was_received_and_documented(
    written: tuple[Result, str, dict[str, Any]],
) -> None:
    _, _, data = written
    for review_of in data["apis"]:
        for item in review_of["discrepancies"]:
            for finding in item["findings"]:
                assert finding["rule"] in item["rules"]
                assert finding["statement"] and "received" in finding and "documented" in finding


def test_decisions_no_example_shows_are_listed_once_with_their_source(
    written: tuple[Result, str, dict[str, Any]],
) -> None:
    _, _, data = written
    for review_of in data["apis"]:
        shown = {rule for item in review_of["discrepancies"] for rule in item["rules"]}
        rules = Contract.load(review_of["api"]).rules
        listed = [
            u["id"] for u in review_of["undemonstrated_decisions"] if not u["id"].startswith("setting:")
        ]
        assert listed == [r.id for r in rules if r.decision and r.id not in shown]
        for undemonstrated in review_of["undemonstrated_decisions"]:
            assert undemonstrated["decision"] and undemonstrated["source"]["section"]
    settings = [
        u["id"] for a in data["apis"] for u in a["undemonstrated_decisions"] if u["id"].startswith("setting:")
    ]
    assert settings == ["setting:subscription_header", "setting:rejection_statuses"]


def test_the_examples_are_judged_as_the_audit_redacts_them_and_no_credential_is_written(
    written: tuple[Result, str, dict[str, Any]],
) -> None:
    case = next(c for c in manex_po.cases(manex_po.load()) if c.kind == "request")
    judgement = judge_case(case)
    assert judgement is not None
    assert manex_po.KEY in case.exchanges[0].request.url  # the ManEx key travels in the URL path...
    assert manex_po.KEY not in judgement.exchange.request.url  # ...and the audit masks it before judging
    _, markdown, data = written
    for placeholder in (manex_po.KEY, "example-subscription-key", "example-key", "example-access-token"):
        assert placeholder not in markdown and placeholder not in json.dumps(data)


# ── drift and malformed judging, on a copy ───────────────────────────────────────────────────


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A contracts folder holding a copy of moduslink_po's contract and examples."""
    shutil.copytree(contract_dir("moduslink_po"), tmp_path / "contracts" / "moduslink_po")
    return tmp_path / "contracts"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name} no longer holds {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_expected_finding_removed_or_added_is_drift_and_exits_1(copy: Path, tmp_path: Path) -> None:
    judging = copy / "moduslink_po" / "examples" / "judging.yaml"
    edit(judging, "[MODUSLINK_PO-ACC-004, MODUSLINK_PO-ACC-005]", "[MODUSLINK_PO-ACC-004]")
    edit(judging, "duplicate_of_request: true\n    expected_discrepancies: [MODUSLINK_PO-ERR-016, MODUSLINK_PO-ERR-017]",
         "duplicate_of_request: true\n    expected_discrepancies: [MODUSLINK_PO-ERR-016, MODUSLINK_PO-ERR-017, MODUSLINK_PO-ACC-005]")  # fmt: skip
    output = tmp_path / "out" / "review.md"
    result = run("--api", "moduslink_po", "--contracts", copy, "--output", output)
    assert result.exit_code == 1, result.output
    assert "drift: 2 example(s)" in result.output
    assert (
        "response.202.json (judging.yaml, pairings[0]): now also breaks MODUSLINK_PO-ACC-005" in result.output
    )
    assert (
        "response.409.json (judging.yaml, pairings[3]): no longer breaks MODUSLINK_PO-ACC-005"
        in result.output
    )
    data = json.loads(output.with_suffix(".json").read_text(encoding="utf-8"))
    drift = {d["example"]: d for d in data["apis"][0]["drift"]}
    assert drift["response.202.json"]["unexpected_findings"] == ["MODUSLINK_PO-ACC-005"]
    assert drift["response.409.json"]["missing_findings"] == ["MODUSLINK_PO-ACC-005"]
    assert "### Drift" in output.read_text(encoding="utf-8")


def test_an_example_the_document_copy_corrected_is_drift(tmp_path: Path) -> None:
    shutil.copytree(contract_dir("manex_po"), tmp_path / "manex_po")
    edit(
        tmp_path / "manex_po" / "examples" / "po-add.request.json",
        '"supName":supName",',
        '"supName":"supName",',
    )
    (api,) = review(["manex_po"], tmp_path).apis
    assert [(d.example, d.detail) for d in api.drift] == [
        ("po-add.request.json", "recorded unreadable, but it now reads: move it to `requests` and judge it")
    ]


def test_the_library_reviews_a_copy_given_as_its_root(copy: Path) -> None:
    result = review(["moduslink_po"], copy)
    (api,) = result.apis
    assert api.drift == () and api.judged == api.examples == 8
    assert {d.example for d in api.discrepancies} == {
        "response.202.json",
        "response.409.json",
        "response.412.json",
    }


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "judging.yaml",
            "expected_discrepancies: [MODUSLINK_PO-ACC-004, MODUSLINK_PO-ACC-005]",
            "expected_discrepancies: MODUSLINK_PO-ACC-004",
            "at pairings.0.expected_discrepancies: expected a list, got 'MODUSLINK_PO-ACC-004'",
        ),
        (
            "judging.yaml",
            "  - response: response.400.json",
            "  - reply: response.400.json",
            "expected key 'response'",
        ),
        (
            "judging.yaml",
            "response: response.500.json",
            "response: response.501.json",
            "index.yaml does not list",
        ),
        (
            "judging.yaml",
            "    expected_discrepancies: [MODUSLINK_PO-ERR-016, MODUSLINK_PO-ERR-017]\n    discrepancy: The 409",
            "    expected_discrepancies: [MODUSLINK_PO-ERR-016, MODUSLINK_PO-ERR-017]\n    note: The 409",
            "expected a 'discrepancy' text",
        ),
        (
            "index.yaml",
            '  source: {file: 003_8002e29a024b2ca5.txt, section: "409 Conflict"}',
            "",
            "expected key 'source'",
        ),
        ("judging.yaml", "pairings:", "pairings: [", "not valid YAML"),
    ],
    ids=[
        "not-a-list",
        "no-response",
        "unindexed-example",
        "no-discrepancy-text",
        "index-without-source",
        "not-yaml",
    ],
)
def test_a_malformed_examples_file_exits_2_naming_the_file_and_what_was_expected(
    copy: Path, tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    path = copy / "moduslink_po" / "examples" / file
    edit(path, old, new)
    output = tmp_path / "review.md"
    result = run("--api", "moduslink_po", "--contracts", copy, "--output", output)
    assert result.exit_code == 2, result.output
    assert f"error: {path}" in result.stderr
    assert expected in result.stderr
    assert not output.exists(), "no list is written from a malformed judging file"


def test_an_api_without_examples_or_a_json_output_is_a_usage_error(copy: Path, tmp_path: Path) -> None:
    result = run("--api", "manex_po", "--contracts", copy, "--output", tmp_path / "r.md")
    assert result.exit_code == 2 and "no examples folder for api 'manex_po'" in result.stderr
    result = run("--api", "moduslink_po", "--contracts", copy, "--output", tmp_path / "r.json")
    assert result.exit_code == 2 and "expected a Markdown path" in result.stderr

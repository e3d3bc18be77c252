"""Every shipped catalogue (b2bconform/contracts/): each rule cites a real sentence of its vendor document, is checked or
tested, records a decision where it departs from judging the vendor, and has an id of its own."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest

from b2bconform.engine.checks import CHECKS
from b2bconform.engine.contract import known_apis
from b2bconform.engine.rules import Rule, load_rules
from b2bconform.locations import APIS_DIR, contract_dir, suite_dir
from vendor_documents import VENDOR_DOCS, needs_vendor_docs

APIS = known_apis()
CATALOGUES = {api: load_rules(contract_dir(api) / "rules.yaml") for api in APIS}
RULES = [
    pytest.param(api, rule, id=rule.id) for api, catalogue in CATALOGUES.items() for rule in catalogue.rules
]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@cache
def document_text(name: str) -> str:
    return normalise((VENDOR_DOCS / name).read_text(encoding="utf-8", errors="replace"))


@cache
def suite_text(api: str) -> str:
    folder = suite_dir(api)
    return (
        "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py")))
        if folder.is_dir()
        else ""
    )


def test_there_is_at_least_one_catalogue() -> None:
    assert APIS, f"no <api>/contract/rules.yaml under {APIS_DIR}"


def public(api: str) -> bool:
    """A catalogue written from a public document, which the repository does not hold (its text
    may not be copied): cited by its id and its sections, found at its ``document_url``."""
    return CATALOGUES[api].document_url is not None


@needs_vendor_docs
@pytest.mark.parametrize("api", APIS)
def test_each_catalogue_names_a_vendor_document_that_exists_or_a_public_one_by_its_address(api: str) -> None:
    catalogue = CATALOGUES[api]
    if public(api):
        assert (
            str(catalogue.document_url).startswith("https://")
            and not (VENDOR_DOCS / catalogue.document).exists()
        )
        return
    assert (VENDOR_DOCS / catalogue.document).is_file()


@needs_vendor_docs
@pytest.mark.parametrize(("api", "rule"), RULES)
def test_each_rule_cites_a_section_that_occurs_in_an_existing_vendor_document(api: str, rule: Rule) -> None:
    if public(api):  # the section of the public document, which is not here to search
        assert rule.source.file == CATALOGUES[api].document and rule.source.section.strip(), rule.source
        return
    path = VENDOR_DOCS / rule.source.file
    assert path.is_file(), f"{rule.id} cites {rule.source.file}, which is not in {VENDOR_DOCS}"
    assert normalise(rule.source.section) in document_text(rule.source.file), (
        f"{rule.id} cites section {rule.source.section!r}, which {rule.source.file} does not contain"
    )


@pytest.mark.parametrize(("api", "rule"), RULES)
def test_each_rule_has_a_check_or_a_suite_test_marked_with_its_id(api: str, rule: Rule) -> None:
    if rule.check is not None:
        assert rule.check in CHECKS
        return
    quoted = (f'"{rule.id}"', f"'{rule.id}'")
    assert any(q in suite_text(api) for q in quoted), (
        f"{rule.id} has no check and no suite test under {suite_dir(api)} names it in pytest.mark.rules(...)"
    )


@pytest.mark.parametrize(
    ("api", "rule"),
    [param for param in RULES if param.values[1].judged == ("client",)],  # type: ignore[union-attr]
)
def test_each_rule_judged_only_on_the_client_side_records_its_decision(api: str, rule: Rule) -> None:
    assert rule.decision, f"{rule.id} judges only the client; its catalogue entry must say why (decision)"


def test_rule_ids_are_unique_across_catalogues() -> None:
    counts = Counter(rule.id for catalogue in CATALOGUES.values() for rule in catalogue.rules)
    assert [rule_id for rule_id, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("api", APIS)
def test_rule_ids_carry_their_apis_prefix(api: str) -> None:
    prefix = api.upper() + "-"
    assert [rule.id for rule in CATALOGUES[api].rules if not rule.id.startswith(prefix)] == []


def test_the_moduslink_catalogue_has_more_than_60_rules() -> None:
    assert len(CATALOGUES["moduslink_po"]) > 60


CONTESTED = [
    pytest.param(api, rule, id=rule.id)
    for api, rule in ((p.values[0], p.values[1]) for p in RULES)
    if rule.readings
]  # type: ignore[attr-defined]


@needs_vendor_docs
@pytest.mark.parametrize(("api", "rule"), CONTESTED)
def test_each_other_reading_cites_its_section_and_quotes_the_document(api: str, rule: Rule) -> None:
    """A reading is the document's, never ours: its section occurs in the document, and its quote
    (fragments joined by "...") is the document's own words."""
    for reading in rule.readings:
        if public(api):  # the public document is not here: its section is cited, its words not checked
            assert reading.source.file == CATALOGUES[api].document and reading.source.section.strip()
            continue
        text = document_text(reading.source.file)
        assert normalise(reading.source.section) in text, f"{rule.id}: section {reading.source.section!r}"
        for fragment in (reading.quote or "").split("..."):
            fragment = normalise(fragment).strip(" '\"")
            assert not fragment or fragment in text, (
                f"{rule.id}: {fragment!r} is not in {reading.source.file}"
            )


def test_there_are_contested_rules_in_every_catalogue() -> None:
    assert {api for api, catalogue in CATALOGUES.items() if any(r.readings for r in catalogue.rules)} == set(
        APIS
    )


UNPROVEN = [(api, r) for api, catalogue in CATALOGUES.items() for r in catalogue.rules if r.unproven]


def test_some_rules_say_why_no_fault_or_mutation_breaks_them_alone() -> None:
    assert UNPROVEN


@pytest.mark.parametrize(("api", "rule"), UNPROVEN, ids=[r.id for _, r in UNPROVEN])
def test_a_rule_saying_why_it_is_unproven_names_only_rules_of_its_catalogue(api: str, rule: Rule) -> None:
    named = set(re.findall(r"\b[A-Z][A-Z0-9_]*-[A-Z]+-[0-9]{3}\b", rule.unproven or ""))
    ids = {r.id for r in CATALOGUES[api].rules}
    assert named, f"{rule.id}: the reason names no rule it shares its fact with"
    assert named <= ids, f"{rule.id} names rules its catalogue lacks: {sorted(named - ids)}"

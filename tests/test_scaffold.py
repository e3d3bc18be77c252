"""`b2bconform new-api`: the starting files of a new API, in a folder of the user's, that the harness
reads at once; an API that has files there is never overwritten."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from b2bconform.cli import cli
from b2bconform.engine.contract import Contract
from b2bconform.engine.rules import load_rules


def test_a_new_api_gets_a_contract_a_rule_driven_suite_and_a_profile(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["new-api", "acme_osn", "--into", str(tmp_path), "--document", "acme.pdf"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "contracts/acme_osn/examples/index.yaml",
        "contracts/acme_osn/examples/judging.yaml",
        "contracts/acme_osn/rules.yaml",
        "profiles/acme_osn-example.yaml",
        "suites/acme_osn/test_contract.py",
    ]
    catalogue = load_rules(tmp_path / "contracts" / "acme_osn" / "rules.yaml")
    assert catalogue.document == "acme.pdf" and [r.id for r in catalogue.rules] == ["ACME_OSN-REQ-001"]
    assert [c.name for c in catalogue.credentials if c.secret] == ["password"]
    assert Contract.load("acme_osn", contracts_dir=tmp_path / "contracts").api == "acme_osn"
    assert "rule_driven_tests(API)" in (tmp_path / "suites" / "acme_osn" / "test_contract.py").read_text()


def test_an_api_that_has_files_there_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    rules = tmp_path / "contracts" / "acme_osn" / "rules.yaml"
    rules.parent.mkdir(parents=True)
    rules.write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["new-api", "acme_osn", "--into", str(tmp_path)])
    assert result.exit_code == 2 and "already has files here" in result.output
    assert rules.read_text(encoding="utf-8") == "mine" and not (tmp_path / "suites").exists()


def test_an_api_id_that_is_not_a_lower_case_name_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["new-api", "Acme-OSN", "--into", str(tmp_path)])
    assert result.exit_code == 2 and "api id 'Acme-OSN'" in result.output
    assert not any(tmp_path.iterdir())

"""A user's own folder of contracts, profiles and suites ($B2BCONFORM_PATH or --path) is used beside
the shipped ones, and comes first where an id is the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from b2bconform.cli import cli
from b2bconform.engine.contract import Contract, known_apis
from b2bconform.errors import UsageError
from b2bconform.locations import APIS_DIR, PATH_VARIABLE, contract_dir, suite_dir
from b2bconform.runner import suite_apis
from b2bconform.targets import load_profile

SHIPPED_APIS = ["manex_po", "manex_so", "moduslink_po", "promostandards_osn", "westcon_rest", "westcon_soap"]
PROFILE = """api: moduslink_po
base_url: https://uat.partner.example/purchaseapi/v1
environment: uat
credentials:
  ClientConfigId: ACME_CLIENT_CONFIG_ID
  ClientAuthKey: ACME_CLIENT_AUTH_KEY
  Ocp-Apim-Subscription-Key: ACME_SUBSCRIPTION_KEY
"""


@pytest.fixture
def user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mine"
    edited = folder / "moduslink_po" / "contract"
    shutil.copytree(contract_dir("moduslink_po"), edited)
    rules = yaml.safe_load((edited / "rules.yaml").read_text(encoding="utf-8"))
    rules["rules"][0]["statement"] = "Edited by the user: " + rules["rules"][0]["statement"]
    (edited / "rules.yaml").write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    (folder / "moduslink_po" / "profiles").mkdir()
    (folder / "moduslink_po" / "profiles" / "acme-uat.yaml").write_text(PROFILE, encoding="utf-8")
    (folder / "acme_extra" / "suite").mkdir(parents=True)
    monkeypatch.setenv(PATH_VARIABLE, str(folder))
    return folder


def test_a_user_contract_replaces_the_shipped_one_of_the_same_id(user_folder: Path) -> None:
    assert contract_dir("moduslink_po") == user_folder / "moduslink_po" / "contract"
    contract = Contract.load("moduslink_po")
    assert next(iter(contract.rules)).statement.startswith("Edited by the user: ")
    assert contract_dir("westcon_soap") == APIS_DIR / "westcon_soap" / "contract"  # the others stay shipped
    assert known_apis() == SHIPPED_APIS


def test_a_user_profile_is_found_by_name(user_folder: Path) -> None:
    profile = load_profile("acme-uat")
    assert profile.base_url == "https://uat.partner.example/purchaseapi/v1"
    assert load_profile("moduslink_po-uat").environment == "uat"  # shipped ones too


def test_a_user_suite_folder_joins_the_suites(user_folder: Path) -> None:
    assert "acme_extra" in suite_apis()
    assert suite_dir("acme_extra") == user_folder / "acme_extra" / "suite"


def test_without_the_variable_only_the_shipped_contracts_are_known(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PATH_VARIABLE, raising=False)
    assert known_apis() == SHIPPED_APIS
    assert not next(iter(Contract.load("moduslink_po").rules)).statement.startswith("Edited")


def test_a_missing_user_folder_is_named_not_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PATH_VARIABLE, str(tmp_path / "typo"))
    with pytest.raises(UsageError, match=r"B2BCONFORM_PATH=.*typo.*not a folder"):
        known_apis()


def test_the_path_option_names_the_folder_on_the_command_line(
    user_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PATH_VARIABLE)
    result = CliRunner().invoke(cli, ["--path", str(user_folder), "rules", "--api", "moduslink_po"])
    assert result.exit_code == 0, result.output
    assert "Edited by the user: " in result.output

"""`b2bconform new-api`: the API folder a new API starts from, in a folder of the user's, that the
harness reads at once; an API that has a folder there is never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from b2bconform.cli import cli
from b2bconform.discovery import Discovered
from b2bconform.engine.contract import Contract, known_apis
from b2bconform.engine.rules import load_rules
from b2bconform.errors import InputFileError
from b2bconform.locations import PATH_VARIABLE, profile_dirs, suite_dirs
from b2bconform.sandboxes import _sandbox_classes
from b2bconform.targets import load_profile


def test_a_new_api_gets_a_contract_a_rule_driven_suite_and_a_profile(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["new-api", "acme_osn", "--into", str(tmp_path), "--document", "acme.pdf"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "acme_osn/__init__.py",
        "acme_osn/contract/examples/index.yaml",
        "acme_osn/contract/examples/judging.yaml",
        "acme_osn/contract/rules.yaml",
        "acme_osn/profiles/acme_osn-example.yaml",
        "acme_osn/suite/__init__.py",
        "acme_osn/suite/test_contract.py",
    ]
    catalogue = load_rules(tmp_path / "acme_osn" / "contract" / "rules.yaml")
    assert catalogue.document == "acme.pdf" and [r.id for r in catalogue.rules] == ["ACME_OSN-REQ-001"]
    assert [c.name for c in catalogue.credentials if c.secret] == ["password"]
    assert "rule_driven_tests(API)" in (tmp_path / "acme_osn" / "suite" / "test_contract.py").read_text()


def test_a_new_api_folder_is_found_on_the_path_without_registering_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(cli, ["new-api", "acme_osn", "--into", str(tmp_path)]).exit_code == 0
    monkeypatch.setenv(PATH_VARIABLE, str(tmp_path))
    assert "acme_osn" in known_apis() and Contract.load("acme_osn").root == tmp_path / "acme_osn" / "contract"
    assert suite_dirs()["acme_osn"] == tmp_path / "acme_osn" / "suite"
    assert tmp_path / "acme_osn" / "profiles" in profile_dirs()
    assert load_profile("acme_osn-example").api == "acme_osn"


def test_a_user_api_folders_sandbox_module_is_discovered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(cli, ["new-api", "acme_osn", "--into", str(tmp_path)]).exit_code == 0
    (tmp_path / "acme_osn" / "sandbox.py").write_text(
        "from b2bconform.sandboxes.base import Sandbox\n\n\n"
        "class AcmeSandbox(Sandbox):\n    api = 'acme_osn'\n\n"
        "    @classmethod\n    def demo_credentials(cls):\n        return ({},)\n\n"
        "    def asgi(self):\n        raise NotImplementedError\n\n"
        "    def client_headers(self, *args, **kwargs):\n        return {}\n\n"
        "    def reset(self):\n        pass\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(PATH_VARIABLE, str(tmp_path))
    found = Discovered("sandbox", _sandbox_classes)
    assert found["acme_osn"].__name__ == "AcmeSandbox" and "moduslink_po" in found


def test_a_user_sandbox_module_that_does_not_import_is_an_input_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "acme_osn").mkdir()
    (tmp_path / "acme_osn" / "sandbox.py").write_text("def broken(:\n", encoding="utf-8")
    monkeypatch.setenv(PATH_VARIABLE, str(tmp_path))
    with pytest.raises(InputFileError, match=r"acme_osn/sandbox\.py.*line 1"):
        dict(Discovered("sandbox", _sandbox_classes))


def test_an_api_that_has_files_there_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    rules = tmp_path / "acme_osn" / "contract" / "rules.yaml"
    rules.parent.mkdir(parents=True)
    rules.write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["new-api", "acme_osn", "--into", str(tmp_path)])
    assert result.exit_code == 2 and "already has a folder here" in result.output
    assert rules.read_text(encoding="utf-8") == "mine" and not (tmp_path / "acme_osn" / "suite").exists()


def test_an_api_id_that_is_not_a_lower_case_name_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["new-api", "Acme-OSN", "--into", str(tmp_path)])
    assert result.exit_code == 2 and "api id 'Acme-OSN'" in result.output
    assert not any(tmp_path.iterdir())


def test_a_new_rest_api_gets_a_spec_header_credentials_and_a_sandbox_from_its_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from b2bconform.engine.contract import contract_of
    from b2bconform.sandboxes import get_sandbox
    from b2bconform.sandboxes.contract_rest import ContractRestSandbox, contract_rest_sandbox

    result = CliRunner().invoke(cli, ["new-api", "acme_orders", "--into", str(tmp_path), "--rest"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "acme_orders" / "contract" / "openapi.yaml").is_file()
    monkeypatch.setenv(PATH_VARIABLE, str(tmp_path))
    try:
        contract = Contract.load("acme_orders")
        assert [op.id for op in contract.operations] == ["createOrder", "getOrder"]
        assert [c.at for c in contract.rules.credentials] == ["X-Api-Key"]
        assert issubclass(get_sandbox("acme_orders"), ContractRestSandbox)
        assert load_profile("acme_orders-example").credentials == {"X-Api-Key": "ACME_ORDERS_KEY"}
    finally:
        contract_of.cache_clear()
        contract_rest_sandbox.cache_clear()


@pytest.mark.slow
def test_a_suite_whose_examples_are_malformed_is_reported_by_file_and_line_not_by_a_traceback(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    assert (
        CliRunner().invoke(cli, ["new-api", "acme_orders", "--into", str(tmp_path), "--rest"]).exit_code == 0
    )
    index = tmp_path / "acme_orders" / "contract" / "examples" / "index.yaml"
    index.write_text("- {file: nothing.json, kind: request}\n", encoding="utf-8")
    command = [sys.executable, "-m", "b2bconform.cli", "--path", str(tmp_path), "run", "--api", "acme_orders"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout[-2000:]
    assert f"{index}:line 1, at 0: expected key 'source'" in done.stdout
    assert "raise " not in done.stdout and "Traceback" not in done.stdout + done.stderr

"""tox learns from the API folders (toxfile.py): an environment per API with a suite, and the
credential variables the folders' profiles name, so a new API or partner needs no edit of tox.ini;
what toxfile.py reads agrees with b2bconform's own loader."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from b2bconform.locations import profile_dirs, suite_dirs
from b2bconform.targets import load_profile

ROOT = Path(__file__).resolve().parents[1]


def _toxfile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("b2bconform_toxfile", ROOT / "toxfile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOXFILE = _toxfile()
SHIPPED = sorted(
    p for folder in profile_dirs() for p in [*folder.glob("*.yaml"), *folder.glob("examples/*.yaml")]
)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_variables_tox_passes_are_those_the_profile_loader_reads(path: Path) -> None:
    profile = load_profile(str(path))
    loaded = {*profile.credentials.values(), *profile.alternate_credentials.values()}
    assert set(TOXFILE.credential_variables(path.read_text(encoding="utf-8"))) == loaded


def test_flow_mappings_quoted_keys_and_comments_are_read_and_other_keys_are_not() -> None:
    text = (
        "api: acme\nenvironment: uat  # not a credential\nbase_url: https://X.example\n"
        'credentials:\n  # the key\n  "{apiKey}": ACME_KEY   # in the path\n  Ocp-Apim-Key: "ACME_SUB"\n'
        "writes_allowed: false\nalternate_credentials: {id: ACME_ID_2, password: 'ACME_PW_2'}\n"
        "settings:\n  header: NOT_A_CREDENTIAL\n"
    )
    assert TOXFILE.credential_variables(text) == ["ACME_KEY", "ACME_SUB", "ACME_ID_2", "ACME_PW_2"]


def test_a_user_api_folders_profile_adds_its_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "acme_osn" / "profiles").mkdir(parents=True)
    (tmp_path / "acme_osn" / "profiles" / "acme_osn-uat.yaml").write_text(
        "api: acme_osn\ncredentials:\n  id: ACME_OSN_ID\n  password: ACME_OSN_PASSWORD\n", encoding="utf-8"
    )
    assert "ACME_OSN_ID" not in TOXFILE.profile_variables()
    monkeypatch.setenv("B2BCONFORM_PATH", str(tmp_path))
    assert {"ACME_OSN_ID", "ACME_OSN_PASSWORD", "MODUSLINK_CLIENT_AUTH_KEY"} <= set(
        TOXFILE.profile_variables()
    )


def test_every_api_with_a_suite_gets_a_tox_environment_and_a_user_api_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert TOXFILE.suite_apis() == sorted(suite_dirs())
    (tmp_path / "acme_osn" / "suite").mkdir(parents=True)
    (tmp_path / "tests" / "suite").mkdir(parents=True)  # tox.ini's own environment keeps its name
    monkeypatch.setenv("B2BCONFORM_PATH", str(tmp_path))
    assert "acme_osn" in TOXFILE.suite_apis() and "tests" not in TOXFILE.suite_apis()


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("tox") is None and not (Path(sys.executable).parent / "tox").exists(),
    reason="tox is not installed",
)
def test_tox_itself_passes_the_profiles_variables_to_the_test_environment() -> None:
    tox = shutil.which("tox") or str(Path(sys.executable).parent / "tox")
    done = subprocess.run(
        [tox, "config", "-e", "tests", "-k", "pass_env", "--root", str(ROOT)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("PROMOSTANDARDS_OSN_PASSWORD", "WESTCON_SOAP_USERNAME", "MANEX_API_KEY"):
        assert name in done.stdout
    assert "MODUSLINK_*" not in (ROOT / "tox.ini").read_text(encoding="utf-8")
    api = subprocess.run(
        [tox, "config", "-e", "promostandards_osn", "-k", "commands", "--root", str(ROOT), "--", "--target", "live"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert api.returncode == 0, api.stderr[-2000:]
    assert "commands = b2bconform run --api promostandards_osn --target live" in api.stdout

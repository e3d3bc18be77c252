"""A built wheel works from any folder: installed into a fresh virtual environment outside the
checkout, used from an empty folder, it finds its shipped contracts, suites and cassettes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# what a user's shell must not lend the installed package: the checkout's code or a user folder
_DROPPED = ("PYTHONPATH", "B2BCONFORM_PATH", "B2BCONFORM_TOOLS", "VIRTUAL_ENV", "PYTHONPYCACHEPREFIX")


def _copy_of_the_source(target: Path) -> Path:
    """The source tree without environments and caches: a wheel build writes into its tree."""
    ignore = shutil.ignore_patterns(
        ".git", ".venv", ".tox", ".tools", "reports", "build", "dist", "*.egg-info", "__pycache__"
    )
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(bin folder of a fresh venv with the wheel installed, the environment to run it in)."""
    work = tmp_path_factory.mktemp("wheel")
    source = _copy_of_the_source(work / "source")
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-w", str(work / "dist"), "-q"],
        env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheels = list((work / "dist").glob("b2bconform-*.whl"))
    assert len(wheels) == 1, wheels
    venv.create(work / "venv", with_pip=True)
    bin_dir = work / "venv" / "bin"
    done = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheels[0])],
        env=env, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    shutil.rmtree(source)  # nothing of the checkout is left to lean on
    return bin_dir, {**env, "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}


def _in_empty_folder(
    installed: tuple[Path, dict[str, str]], tmp_path: Path, *args: str, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    bin_dir, env = installed
    empty = tmp_path / "empty"
    empty.mkdir(exist_ok=True)
    return subprocess.run(
        [str(bin_dir / "b2bconform"), *args], cwd=empty, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip


def _site_packages(bin_dir: Path) -> Path:
    (found,) = (bin_dir.parent / "lib").glob("python3*/site-packages")
    return found


@pytest.mark.slow
def test_the_installed_package_is_its_own_not_the_checkout(installed: tuple[Path, dict[str, str]]) -> None:
    bin_dir, env = installed
    done = subprocess.run(
        [str(bin_dir / "python"), "-c", "import b2bconform; print(b2bconform.__file__)"],
        env=env, capture_output=True, text=True, check=True, cwd=bin_dir,
    )  # fmt: skip
    assert Path(done.stdout.strip()).is_relative_to(_site_packages(bin_dir))


@pytest.mark.slow
def test_rules_lists_a_shipped_catalogue_from_an_empty_folder(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    done = _in_empty_folder(installed, tmp_path, "rules", "--api", "moduslink_po")
    assert done.returncode == 0, done.stderr
    assert "MODUSLINK_PO-AUTH-001" in done.stdout


@pytest.mark.slow
def test_audit_detects_the_api_of_a_shipped_cassette(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    shipped = _site_packages(installed[0]) / "b2bconform" / "apis" / "moduslink_po" / "suite" / "cassettes"
    cassette = sorted(shipped.glob("test_create_order/*.yaml"))[0]
    done = _in_empty_folder(installed, tmp_path, "audit", str(cassette), "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert list(report["apis"]) == ["moduslink_po"]  # detected: no --api was given
    assert report["judged"] == report["interactions"] > 0


@pytest.mark.slow
def test_run_writes_its_reports_in_the_folder_it_runs_in(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    done = _in_empty_folder(installed, tmp_path, "run", "--api", "moduslink_po", timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    conformance = json.loads(
        (tmp_path / "empty" / "reports" / "conformance.json").read_text(encoding="utf-8")
    )
    assert list(conformance["apis"]) == ["moduslink_po"]
    assert conformance["summary"]["failed"] == 0
    assert conformance["summary"]["passed"] > 0

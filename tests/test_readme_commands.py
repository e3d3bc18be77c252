"""Every command the README shows exists as shown: `./run` and tox environments, `b2bconform`
commands and their options, pytest paths and options, the benchmark. The README cannot drift."""

from __future__ import annotations

import configparser
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from b2bconform.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]*(\.\.\.|…)?$|[\[\]…<>]|\.\.\.")


def _table_commands() -> list[str]:
    """The backticked commands of the "What you can run" table's first column."""
    section = README.split("## What you can run", 1)[1].split("\n## ", 1)[0]
    commands = []
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = re.split(r"(?<!\\)\|", line)[1]
            commands += [c.replace("\\|", "|") for c in re.findall(r"`([^`]+)`", first_cell)]
    return commands


def _block_commands() -> list[str]:
    """Commands in the README's indented code blocks."""
    found = []
    for line in README.splitlines():
        text = line.strip()
        if line.startswith("    ") and text.startswith(("b2bconform ", "./run ", "pytest ")):
            found.append(text.split("  #", 1)[0].strip())
    return found


COMMANDS = sorted(set(_table_commands() + _block_commands()))


def _tox_envs() -> set[str]:
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    envs = set(tox["tox"]["env_list"].replace(",", " ").split())
    for section in tox.sections():
        if section.startswith("testenv:"):
            name = section.removeprefix("testenv:")
            envs |= set(name.strip("{}").split(",")) if name.startswith("{") else {name}
    return envs | set(_toxfile().suite_apis())  # an environment per API folder, from toxfile.py


def _toxfile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("b2bconform_toxfile", ROOT / "toxfile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _words(command: str) -> list[str]:
    return shlex.split(command.replace("\\|", "|"))


def _subcommand_and_options(words: list[str]) -> tuple[list[str], list[str]]:
    """The command path (words before the first option or placeholder) and the options named."""
    path: list[str] = []
    for word in words:
        if word.startswith("-") or PLACEHOLDER.search(word) or "/" in word or "." in word:
            break
        path.append(word)
    options = [
        m.split("=")[0]
        for w in words
        for m in re.findall(r"--?[a-zA-Z][\w-]*", w)
        if w.startswith(("-", "["))
    ]
    return path, [o for o in options if o != "--"]


def test_the_readme_shows_commands_to_check() -> None:
    assert len(_table_commands()) >= 20
    assert any(c.startswith("./run conformance") for c in COMMANDS)


def test_the_two_set_up_commands_come_first() -> None:
    first = [line.strip().split("#")[0].strip() for line in README.splitlines()[2:4]]
    assert first == ["./run conformance", "./run tests"]


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.startswith(("./run ", "tox "))])
def test_each_run_command_names_a_tox_environment(command: str) -> None:
    words = _words(command)
    env = words[2] if words[0] == "tox" else words[1]
    assert env in _tox_envs(), f"README shows `{command}`, but tox.ini has no environment {env!r}"


@pytest.mark.parametrize(
    "command", [c for c in COMMANDS if c.startswith("b2bconform ") or " b2bconform " in f" {c}"]
)
def test_each_b2bconform_command_exists_with_its_options(command: str) -> None:
    words = _words(command[command.index("b2bconform") :])[1:]
    while words and words[0].startswith("--path"):
        words = words[2:]
    path, options = _subcommand_and_options(words)
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, f"`b2bconform {' '.join(path)} --help`: {result.output}"
    helped = result.output
    unknown = [option for option in options if option not in helped and option not in ("-h",)]
    assert not unknown, f"README shows `{command}`; `b2bconform {' '.join(path)}` has no {unknown}"


@pytest.mark.slow
@pytest.mark.parametrize("command", [c for c in COMMANDS if c.startswith("pytest ")])
def test_each_pytest_command_collects_what_it_names(command: str) -> None:
    words = [w for w in _words(command) if not PLACEHOLDER.search(w)]
    args = [w for w in words[1:] if not w.startswith("-m") and w != "not slow" and w != "-m"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *args], cwd=ROOT,
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"`{command}`: {done.stdout[-2000:]}{done.stderr[-2000:]}"


@pytest.mark.slow
def test_the_benchmark_command_runs() -> None:
    assert any(c.startswith("python -m bench") for c in COMMANDS)
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for option in ("--quick", "--only"):
        assert option in done.stdout


def test_the_repository_refers_to_no_document_outside_it() -> None:
    texts = {p: p.read_text(encoding="utf-8") for p in [*ROOT.glob("*.md"), *(ROOT / "src").rglob("*.md")]}
    for path, text in texts.items():
        for match in re.finditer(r"[\w./-]*\b([A-Z][A-Z_]+\.md)\b", text):
            name = match.group(1)
            here = [
                f
                for f in ROOT.rglob(name)
                if not any(part.startswith(".") for part in f.relative_to(ROOT).parts)
            ]
            assert here, f"{path.name} refers to {name}, which is not in the repository"
        assert "../shared" not in text, f"{path.name} refers to ../shared"

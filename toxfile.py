"""What tox learns from the API folders (the shipped ones and those of ``$B2BCONFORM_PATH``), so
adding an API or a partner never means editing ``tox.ini``: an environment per API with a suite
(``./run <api> [-- args]`` = ``b2bconform run --api <api> [args]``), and, passed to every run, the
environment variables the folders' target profiles name for their credentials. A profile elsewhere
(``--profile path.yaml``) names variables tox does not know of: add them with
``-x "testenv.pass_env+=NAME"``.

This runs inside tox, where b2bconform is not importable and no YAML library is certain, so it reads
only the one thing it needs: the upper-case variable names of the ``credentials`` and
``alternate_credentials`` mappings (b2bconform validates the whole profile when it loads one)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
_SECTION = re.compile(r"^(?:alternate_)?credentials:\s*(\{.*\})?\s*(?:#.*)?$")
_ENTRY = re.compile(r"""^\s+[^#\s][^:]*:\s*["']?([A-Z][A-Z0-9_]*)["']?\s*(?:#.*)?$""")
_FLOW_ENTRY = re.compile(r""":\s*["']?([A-Z][A-Z0-9_]*)["']?\s*[,}]""")


def credential_variables(profile_text: str) -> list[str]:
    """The environment variable names a profile's credential mappings give."""
    names: list[str] = []
    inside = False
    for line in profile_text.splitlines():
        section = _SECTION.match(line)
        if section:
            inside = section.group(1) is None
            names += _FLOW_ENTRY.findall(section.group(1) or "")
        elif inside and line.strip() and not line.lstrip().startswith("#"):
            if not line[0].isspace():
                inside = False
            elif entry := _ENTRY.match(line):
                names.append(entry.group(1))
    return names


def profile_files(roots: Iterable[Path]) -> list[Path]:
    """Every profile of the API folders under ``roots`` (``<api>/profiles/**/*.yaml``)."""
    return sorted(path for root in roots for path in root.glob("*/profiles/**/*.yaml"))


def api_roots() -> list[Path]:
    user = [Path(entry).expanduser() for entry in os.environ.get("B2BCONFORM_PATH", "").split(os.pathsep)]
    return [
        *(folder for folder in user if str(folder) != "." and folder.is_dir()),
        HERE / "src" / "b2bconform" / "apis",
    ]


def suite_apis() -> list[str]:
    """The API folders with a suite, less any name ``tox.ini`` gives an environment of its own."""
    declared = set(re.findall(r"^\[testenv:([^\]]+)\]", (HERE / "tox.ini").read_text(encoding="utf-8"), re.M))
    found = {folder.parent.name for root in api_roots() for folder in root.glob("*/suite") if folder.is_dir()}
    return sorted(found - declared)


def profile_variables() -> list[str]:
    names: set[str] = set()
    for path in profile_files(api_roots()):
        try:
            names.update(credential_variables(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue  # b2bconform names an unreadable profile when a run uses it
    return sorted(names)


try:
    from tox.config.loader.memory import MemoryLoader
    from tox.config.sets import ConfigSet, EnvConfigSet
    from tox.config.types import Command
    from tox.plugin import impl
    from tox.session.state import State
except ImportError:  # imported by the tests, outside tox
    pass
else:

    @impl
    def tox_extend_envs() -> list[str]:
        return suite_apis()

    @impl
    def tox_add_core_config(core_conf: ConfigSet, state: State) -> None:
        posargs = list(state.conf.pos_args(None) or ())
        for api in suite_apis():
            command = Command(["b2bconform", "run", "--api", api, *posargs])
            state.conf.memory_seed_loaders[api].append(
                MemoryLoader(
                    description=f"{api}'s suites, sandbox by default (-- --target live --profile NAME for a partner)",
                    commands=[command],
                )
            )

    @impl
    def tox_add_env_config(env_conf: EnvConfigSet, state: State) -> None:
        env_conf["pass_env"].extend(profile_variables())

"""The pinned generator and formatter: found, version-checked, and put first on PATH for the post-hooks.

The generated code is a function of the openapi-python-client and ruff versions (ruff 0.6 and 0.17 format five
files of zuora_oauth differently), so "byte-identical on every machine" holds only with the versions the
``codegen`` extra pins. A mismatch is refused up front instead of surfacing later as a ``--check`` diff nobody can
explain.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from . import _distribution
from ._errors import CodegenError

GENERATOR = "openapi-python-client"
FORMATTER = "ruff"
_INSTALL_HINT = "install them with: pip install 'zuora-oauth[codegen]'"


def check_generator(pins: list[_distribution.Requirement]) -> None:
    """Fail clearly when the generator is missing or not the pinned version."""
    missing = CodegenError(f"this command needs {GENERATOR} and {FORMATTER}, which are not installed: {_INSTALL_HINT}")
    if importlib.util.find_spec("openapi_python_client") is None:
        raise missing
    try:
        installed = metadata.version(GENERATOR)
    except metadata.PackageNotFoundError:
        raise missing from None
    _check_version(GENERATOR, installed, _distribution.pinned_version(GENERATOR, pins))


def find_ruff(pins: list[_distribution.Requirement]) -> Path:
    """The ruff installed with this Python (next to ``sys.executable``, else the scheme's scripts folder), checked
    against the pin. A ruff found elsewhere on PATH is never used: it may be any version."""
    folders = [Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))]
    for folder in folders:
        found = shutil.which(FORMATTER, path=str(folder))
        if found is not None:
            ruff = Path(found)
            break
    else:
        raise CodegenError(
            f"{FORMATTER} is not installed next to {sys.executable} (looked in "
            f"{', '.join(str(folder) for folder in dict.fromkeys(folders))}); the generated code is formatted by "
            f"the pinned {FORMATTER}: {_INSTALL_HINT}"
        )
    try:
        command = [str(ruff), "--version"]  # the ruff found above, no shell
        answer = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)  # noqa: S603
    except (OSError, subprocess.SubprocessError) as error:
        raise CodegenError(f"{ruff} --version failed ({error}): reinstall {FORMATTER}: {_INSTALL_HINT}") from None
    installed = answer.stdout.split()[-1] if answer.stdout.split() else answer.stdout
    _check_version(FORMATTER, installed, _distribution.pinned_version(FORMATTER, pins), where=str(ruff))
    return ruff


@contextmanager
def first_on_path(folder: Path) -> Iterator[None]:
    """Put ``folder`` first on PATH while the generator runs: its post-hooks are shell commands starting with
    ``ruff`` (exactly those of generator-config.yml), which must resolve to the pinned ruff."""
    before = os.environ.get("PATH")
    os.environ["PATH"] = os.pathsep.join(filter(None, [str(folder), before]))
    try:
        yield
    finally:
        if before is None:
            del os.environ["PATH"]
        else:
            os.environ["PATH"] = before


def _check_version(name: str, installed: str, pinned: str | None, *, where: str = "") -> None:
    if pinned is not None and installed != pinned:
        at = f" ({where})" if where else ""
        installed = installed or "of an unknown version (it printed none)"
        raise CodegenError(
            f"{name} {installed} is installed{at}, but zuora-oauth generate needs {name}=={pinned}: the generated "
            f"code depends on its exact version, and any other would make --check fail on every machine with the "
            f"pinned one. Run: pip install '{name}=={pinned}'"
        )

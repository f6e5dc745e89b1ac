"""Putting a generated tree in place: staged next to the output, then swapped in by renames.

``make generate`` runs this command from the installed package inside ``generated/``, the very folder it replaces,
so nothing is written into the output until the whole package has been generated (and every module the command
still needs has been imported); the swap is a rename on the same file system, and a failed run leaves the previous
output untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ._errors import CodegenError
from ._project import MARKER

#: The first line of every Python file copied from ``templates/runtime/``: tracebacks, editors and ``grep`` all land
#: on the copy, and this says where to edit (``tests/_freshness.py`` refuses a test session while a copy is stale).
#: How a source file that is itself generated (the unasync twins) begins; it is copied without a second header.
GENERATED_MARK = b"# Generated from "
COPY_HEADER = "# Generated from templates/runtime/{path} by make generate: edit that file, not this copy.\n"


def copy_runtime(runtime: Path, package_dir: Path) -> None:
    """Copy ``templates/runtime/`` over the generated package: every file, merged into the generated folders, except
    ``__pycache__`` and dot files (editor and tool leftovers); each ``.py`` file headed by :data:`COPY_HEADER`
    (a comment: the module docstring and ``from __future__`` still work, line numbers move down by one), unless it
    is generated itself and already names its source."""

    def copy(source: str, target: str) -> str:
        path = Path(source)
        if path.suffix != ".py":
            return str(shutil.copy2(source, target))
        content = path.read_bytes()
        if not content.startswith(GENERATED_MARK):  # a generated twin already names the file to edit
            content = COPY_HEADER.format(path=path.relative_to(runtime).as_posix()).encode("utf-8") + content
        Path(target).write_bytes(content)
        shutil.copymode(source, target)
        return target

    shutil.copytree(
        runtime,
        package_dir,
        dirs_exist_ok=True,
        copy_function=copy,
        ignore=lambda _folder, names: [name for name in names if name == "__pycache__" or name.startswith(".")],
    )


@contextmanager
def staging_folder(output: Path) -> Iterator[Path]:
    """A fresh folder inside ``output`` (created if missing), removed afterwards whatever happens."""
    output.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".zuora-oauth-generate-", dir=output))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def swap_in(staging: Path, output: Path, names: list[str]) -> None:
    """Replace ``output/<name>`` by ``staging/<name>`` for each name (files and folders), by renames."""
    retired = staging / ".retired"
    retired.mkdir()
    for name in names:
        target = output / name
        if target.exists() or target.is_symlink():
            os.replace(target, retired / name)
        os.replace(staging / name, target)


def refuse_foreign_project(output: Path, package: str) -> None:
    """Never overwrite a project a person wrote: ``output/pyproject.toml`` is replaced only when it carries our
    first line, and ``output/<package>/`` only alongside such a file."""
    pyproject = output / "pyproject.toml"
    if pyproject.is_file():
        first = pyproject.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
        if not first.startswith(MARKER):
            raise CodegenError(
                f"{pyproject} was not written by zuora-oauth generate; it would be replaced, so nothing was written. "
                f"Generate into a folder of its own (--output), e.g. {output / package.replace('_', '-')}"
            )
    elif (output / package).exists():
        raise CodegenError(
            f"{output / package} exists but {pyproject} does not: it was not generated here, so nothing was "
            f"written. Remove it or generate into another folder"
        )

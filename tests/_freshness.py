"""A pytest plugin that refuses to run the tests while ``generated/zuora_oauth`` is stale against ``templates/runtime``.

The hand-written runtime is edited in ``templates/runtime/`` but imported (by the tests, the editable install and
tracebacks) from its copy in ``generated/zuora_oauth/``, which only ``make generate`` refreshes. A test run between
the two would test the old code and pass or fail for the wrong reason, so the session stops at once with one line
naming the first difference. The check compares files only (no generator run, a few milliseconds): every file of
``templates/runtime`` must have its copy, byte for byte after the one-line header the copy starts with, and every
copy (a ``.py`` file carrying that header) must still have its source. The templates of the generated operations
(``templates/*.jinja``) are not compared: that needs the generator, and ``make check-generated`` does it.

The header format is written out here, not taken from ``zuora_oauth.codegen``: the code that writes the copies is
itself one of them, and may be the stale one.

Under pytest-xdist only the controller checks (workers start after it has passed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Where the sources are and where ``make generate`` copies them, relative to the repository root.
SOURCE = Path("templates/runtime")
COPY = Path("generated/zuora_oauth")
#: The first line of every copied ``.py`` file (``zuora_oauth.codegen._tree.COPY_HEADER``).
HEADER = "# Generated from templates/runtime/{path} by make generate: edit that file, not this copy.\n"
_HEADER_LINE = re.compile(r"# Generated from templates/runtime/(?P<path>\S+) by make generate: edit that file")
_FIX = "run make generate"


def _copied(folder: Path) -> list[Path]:
    """The files ``make generate`` copies from ``folder``: all but ``__pycache__`` and dot files, sorted."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part == "__pycache__" or part.startswith(".") for part in path.relative_to(folder).parts)
    )


def stale_reason(root: Path = ROOT) -> str | None:
    """Why ``root/generated/zuora_oauth`` is stale against ``root/templates/runtime``, or None when it is not."""
    source, copy = root / SOURCE, root / COPY
    if not source.is_dir():
        return None  # not a checkout (an installed wheel): nothing to compare
    if not copy.is_dir():
        return f"{COPY}/ is missing: {_FIX}"
    for path in _copied(source):
        relative = path.relative_to(source).as_posix()
        target = copy / relative
        if not target.is_file():
            return f"{COPY}/ is stale ({SOURCE / relative} is not copied): {_FIX}"
        expected = path.read_bytes()
        if path.suffix == ".py" and not expected.startswith(b"# Generated from "):  # twins keep their own header
            expected = HEADER.format(path=relative).encode() + expected
        if target.read_bytes() != expected:
            return f"{COPY}/ is stale ({SOURCE / relative} changed): {_FIX}"
    for target in _copied(copy):
        if target.suffix != ".py":
            continue
        with target.open("rb") as file:
            first = file.readline().decode("utf-8", "replace")
        match = _HEADER_LINE.match(first)
        if match and not (source / match["path"]).is_file():
            return f"{COPY}/ is stale ({SOURCE / match['path']} was deleted, its copy is still there): {_FIX}"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Stop before collecting anything (``ERROR: <reason>``, exit status 4) when the copy is stale."""
    if hasattr(config, "workerinput"):  # an xdist worker: the controller has checked
        return
    reason = stale_reason()
    if reason is not None:
        raise pytest.UsageError(reason)

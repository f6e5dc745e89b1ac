"""Run the project's generation step the way ``make generate`` does, into a folder of the test's choosing; and make
what the tests generate or build (a package, a corpus, the wheel) once per session, shared by every xdist worker.

``shared(...)`` keys each product by the sha256 of everything it is made from and builds it under an exclusive
``fcntl.flock``, in a folder of the session's temporary root (the parent of the workers' own ``popen-gwN``
folders), so the first worker that needs it makes it and the others wait, then read it. A product counts only once
its result file (beside its folder) is written, last and by rename: a build that failed is made again by the next
test that asks, never half-used. Shared products are read-only for tests: a test that changes one copies it first.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

#: What every generation is made from besides its spec: our templates (with templates/runtime/, whose codegen
#: package is the ``zuora-oauth generate`` command), the house settings, the installed copy of the command, and the
#: pinned generator and formatter.
GENERATOR_INPUTS: tuple[object, ...] = (
    ROOT / "templates",
    ROOT / "generator-config.yml",
    ROOT / "generated" / "zuora_oauth" / "codegen",
    metadata.version("openapi-python-client"),
    metadata.version("ruff"),
)
#: Folders that are no input of anything (caches written by the tools and by Python itself).
_NOT_INPUTS = frozenset({"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"})


def fingerprint(*inputs: object) -> str:
    """The sha256 of ``inputs``: a file by its bytes, a folder by the names and bytes of its files, else its repr."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        for part in (label.encode(), data):
            digest.update(len(part).to_bytes(8, "big") + part)

    for item in inputs:
        if isinstance(item, Path) and item.is_dir():
            for path in sorted(item.rglob("*")):
                if path.is_file() and not _NOT_INPUTS & set(path.relative_to(item).parts):
                    add(f"file {path.relative_to(item).as_posix()}", path.read_bytes())
        elif isinstance(item, Path):
            add(f"file {item.name}", item.read_bytes() if item.exists() else b"<missing>")
        else:
            add("value", repr(item).encode())
    return digest.hexdigest()


def session_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole session: shared by the xdist workers, each of which has a subfolder."""
    base = tmp_path_factory.getbasetemp()
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # also set in a pytest run that a worker started, hence the name
    return base.parent if worker and base.name == f"popen-{worker}" else base


def shared(
    tmp_path_factory: pytest.TempPathFactory, name: str, inputs: Iterable[object], build: Callable[[Path], Any]
) -> tuple[Path, Any]:
    """``(folder, result)``: ``build(folder)`` run once per session for these ``inputs``, whichever worker asks first.

    ``result`` is what ``build`` returned (JSON-able, read back from its file), so every worker sees the same.
    """
    root = session_root(tmp_path_factory) / "shared"
    root.mkdir(exist_ok=True)
    folder = root / f"{name}-{fingerprint(*inputs)[:16]}"
    done = root / f"{folder.name}.json"  # beside the folder, which holds only what ``build`` made
    with (root / f"{folder.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, also if this process dies
        if not done.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed build left
            folder.mkdir()
            result = build(folder)
            partial = root / f"{folder.name}.partial"
            partial.write_text(json.dumps(result), encoding="utf-8")
            partial.replace(done)
    return folder, json.loads(done.read_text(encoding="utf-8"))


# -- generating ---------------------------------------------------------------------------------------------------


class Generation(NamedTuple):
    """A ``zuora-oauth generate`` run: the output folder (put it on ``sys.path``) and what the command reported."""

    folder: Path
    stderr: str


def generate_module(spec: Path, package: str, output: Path, extra_config: dict[str, Any] | None = None) -> Generation:
    """``zuora-oauth generate SPEC --package PACKAGE --output OUTPUT``, as a user of the templates runs it.

    ``extra_config`` (generator settings such as ``content_type_overrides``) goes in through ``--config``.
    The package is ``OUTPUT/PACKAGE``.
    """
    command = [str(BIN / "zuora-oauth"), "generate", str(spec), "--package", package, "--output", str(output)]
    if extra_config:
        output.mkdir(parents=True, exist_ok=True)
        config = output.parent / f"{package}-config.json"
        config.write_text(json.dumps(extra_config), encoding="utf-8")
        command += ["--config", str(config)]
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, check=False, stdin=subprocess.DEVNULL, timeout=300
    )
    if done.returncode != 0:
        raise AssertionError(f"zuora-oauth generate {spec.name} failed: {done.stderr}")
    return Generation(output, done.stderr)


def shared_module(
    tmp_path_factory: pytest.TempPathFactory, spec: Path, package: str, extra_config: dict[str, Any] | None = None
) -> Generation:
    """``generate_module`` once per session for these arguments; the project is ``folder``, read-only."""
    inputs = (spec, package, json.dumps(extra_config, sort_keys=True), *GENERATOR_INPUTS)
    folder, stderr = shared(
        tmp_path_factory,
        f"module-{package}",
        inputs,
        lambda into: generate_module(spec, package, into / "project", extra_config).stderr,
    )
    return Generation(folder / "project", stderr)


def generate_raw(spec: Path, config: Path, output: Path) -> None:
    """openapi-python-client itself with our templates/ and ``config`` (ruff hooks from the venv), with no
    normalisation and no runtime copy: what ``zuora-oauth generate`` adds is measured against this."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = ["openapi-python-client", "generate", "--path", str(spec), "--config", str(config)]
    command += ["--custom-template-path", str(ROOT / "templates"), "--meta", "none", "--output-path", str(output)]
    command += ["--overwrite", "--fail-on-warning"]
    command[0] = str(BIN / command[0])
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)


def generate_package(output: Path) -> None:
    """Exactly ``make generate``, into the package folder ``output`` (``.../zuora_oauth``; ``make _generate_into``
    takes the folder it goes in), with the command of the virtualenv running the tests (a matrix leg's own)."""
    assert output.name == "zuora_oauth", output
    subprocess.run(
        ["make", "--no-print-directory", "-s", "_generate_into", f"DIR={output.parent}", f"BIN={BIN}"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )


def shared_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``make _generate_into`` once per session (for the current templates): the package folder, read-only."""
    inputs = (ROOT / "openapi.yaml", ROOT / "Makefile", *GENERATOR_INPUTS)
    folder, _ = shared(tmp_path_factory, "make-generate", inputs, lambda into: generate_package(into / "zuora_oauth"))
    return folder / "zuora_oauth"


# -- building -----------------------------------------------------------------------------------------------------


def shared_distributions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``(wheel, sdist)``: ``python -m build`` of the checkout (the wheel built from the sdist, as pip would), once
    per session."""
    inputs = (
        ROOT / "generated" / "zuora_oauth",
        ROOT / "templates",
        *(ROOT / name for name in ("pyproject.toml", "hatch_build.py", "README.md", "LICENSE")),
        *(ROOT / name for name in ("generator-config.yml", "openapi.yaml")),
    )

    def build(into: Path) -> None:
        command = [sys.executable, "-m", "build", "--outdir", str(into), str(ROOT)]
        done = subprocess.run(command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise AssertionError(f"python -m build failed:\n{done.stdout[-4000:]}{done.stderr[-4000:]}")

    folder, _ = shared(tmp_path_factory, "distributions", inputs, build)
    (wheel,) = folder.glob("zuora_oauth-*.whl")
    (sdist,) = folder.glob("zuora_oauth-*.tar.gz")
    return wheel, sdist


# -- type checking ------------------------------------------------------------------------------------------------


def mypy_strict(tmp_path_factory: pytest.TempPathFactory, *packages: Path) -> subprocess.CompletedProcess[str]:
    """``mypy --strict PACKAGES`` with the repository's settings, incremental over one cache per session.

    The standard library, httpx, attrs and zuora_oauth are analysed by the first run only; each later run checks its
    own package (about 1 s instead of 6). mypy's cache takes one writer at a time, so the runs take turns.
    """
    root = session_root(tmp_path_factory)
    with (root / "mypy.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        command = [sys.executable, "-m", "mypy", "--strict", f"--cache-dir={root / 'mypy-cache'}"]
        return subprocess.run(
            [*command, *map(str, packages)], capture_output=True, text=True, check=False, cwd=ROOT, timeout=600
        )

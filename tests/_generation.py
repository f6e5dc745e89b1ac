"""Run the project's generation step the way ``make generate`` does, into a folder of the test's choosing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def generate_module(spec: Path, package: str, output: Path, extra_config: dict[str, Any] | None = None) -> Path:
    """``zuora-oauth generate SPEC --package PACKAGE --output OUTPUT``, as a user of the templates runs it.

    ``extra_config`` (generator settings such as ``content_type_overrides``) goes in through ``--config``.
    Returns the folder to put on ``sys.path``; the package is ``OUTPUT/PACKAGE``.
    """
    command = [str(BIN / "zuora-oauth"), "generate", str(spec), "--package", package, "--output", str(output)]
    if extra_config:
        output.mkdir(parents=True, exist_ok=True)
        config = output.parent / f"{package}-config.json"
        config.write_text(json.dumps(extra_config), encoding="utf-8")
        command += ["--config", str(config)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise AssertionError(f"zuora-oauth generate {spec.name} failed: {done.stderr}")
    return output


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
    takes the folder it goes in)."""
    assert output.name == "zuora_oauth", output
    subprocess.run(
        ["make", "--no-print-directory", "-s", "_generate_into", f"DIR={output.parent}"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )

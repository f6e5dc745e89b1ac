"""Run the project's generation step the way ``make generate`` does, into a folder of the test's choosing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def generate(spec: Path, config: Path, output: Path) -> None:
    """openapi-python-client with our templates/ and config (ruff hooks from the venv), then the runtime copy."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--config",
            str(config),
            "--custom-template-path",
            str(ROOT / "templates"),
            "--meta",
            "none",
            "--output-path",
            str(output),
            "--overwrite",
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
        env=env,
        cwd=ROOT,
    )


def generate_package(output: Path) -> None:
    """Exactly ``make generate``, into ``output`` (``make _generate_into``)."""
    subprocess.run(
        ["make", "--no-print-directory", "-s", "_generate_into", f"DIR={output}"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )

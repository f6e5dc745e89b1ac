"""``make generate`` wall time, without touching the committed ``generated/`` folder.

``make generate`` is ``zuora-oauth generate ... --output generated`` (plus an up-to-date check of the venv stamp);
the bench runs the same command through ``make _generate_into`` into a temporary folder, as ``make check-generated``
does, so other work in the tree is never disturbed.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, log, median


def measure_generate(*, runs: int) -> dict[str, Any]:
    """Median wall seconds of the generate command (generator, post-hook ruff passes, runtime copy)."""
    walls: list[float] = []
    for index in range(runs):
        with tempfile.TemporaryDirectory(prefix="zuora-bench-gen-") as scratch:
            target = Path(scratch) / "zuora_oauth"
            start = time.perf_counter()
            done = subprocess.run(
                ["make", "-s", "-C", str(ROOT), "_generate_into", f"DIR={scratch}"],
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - start
            if done.returncode != 0 or not (target / "__init__.py").exists():
                tail = (done.stderr or done.stdout).strip().splitlines()[-2:]
                return {"error": f"make exited {done.returncode}: {' | '.join(tail)}"}
        walls.append(wall)
        log(f"make generate: run {index + 1}/{runs}: {wall:.2f} s")
    return {"wall_s": median(walls), "runs": walls}

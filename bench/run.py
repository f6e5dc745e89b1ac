"""``make bench``: build (or reuse) the bench venv, then run the benchmark with it.

Runs with the project's venv (``.venv/bin/python bench/run.py``), which must never get the peers' pins: the
measurements themselves run with ``.bench/venv/bin/python bench/harness.py``. Options other than
``--reinstall`` are passed to the harness (``--quick``, ``--only SECTIONS``, ``--strict``; see ``--help``).
"""

from __future__ import annotations

import subprocess
import sys
import time

from _common import BENCH_DIR, log
from _env import ensure_venv


def main(argv: list[str]) -> int:
    force = "--reinstall" in argv
    passed = [arg for arg in argv if arg != "--reinstall"]
    started = time.perf_counter()
    python = ensure_venv(force=force)
    installed = time.perf_counter()
    done = subprocess.run([str(python), str(BENCH_DIR / "harness.py"), *passed], check=False)
    if "-h" not in passed and "--help" not in passed:
        measured = time.perf_counter() - installed
        log(f"bench venv ready in {installed - started:.0f} s; measurements took {measured:.0f} s")
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

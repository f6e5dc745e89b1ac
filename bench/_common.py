"""Paths, statistics and the child-process plumbing every measurement shares.

Standard library only: this module is imported both by ``run.py`` (the project's venv, before the bench venv
exists) and by the measurement scripts (the bench venv).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
STATE_DIR = ROOT / ".bench"  # gitignored: the bench venv, raw results, profiles
RESULTS_DIR = BENCH_DIR / "results"  # committed: the table and the chart the README embeds
PROFILES_DIR = STATE_DIR / "profiles"
RAW_RESULTS = STATE_DIR / "results.json"

#: The variables run_fake_server prints; children get the credentials this way, never on the command line.
ENV_BASE_URL = "ZUORA_BASE_URL"
ENV_CLIENT_ID = "ZUORA_CLIENT_ID"
ENV_CLIENT_SECRET = "ZUORA_CLIENT_SECRET"


def median(values: Sequence[float]) -> float:
    """Median, the statistic every figure uses: one descheduled round on a shared 2-core box must not move it."""
    return float(statistics.median(values))


def ratio(value: float, floor: float) -> float:
    """``value / floor``, or NaN when the floor is not positive (a figure too small to divide by)."""
    return value / floor if floor > 0 else float("nan")


def child_env() -> dict[str, str]:
    """The environment of every measured child: bytecode cached, as for an installed package.

    A wheel install compiles bytecode, and so did pip for every peer in the bench venv; this project is installed
    editable, so its bytecode is written on first import, unless ``PYTHONDONTWRITEBYTECODE`` is set (some shells
    and CI images set it), in which case every cold import would recompile it from source (~25 ms here) while the
    peers' bytecode is already there. The cache goes to a prefix folder under ``.bench`` so nothing is written
    into the working tree.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(STATE_DIR / "pycache")
    env.setdefault("PYTHONWARNINGS", "ignore")  # peers' deprecation warnings would garble the JSON lines
    return env


def credentials_env(base_url: str, client_id: str, client_secret: str) -> dict[str, str]:
    """The environment of a child that talks to the token server."""
    env = child_env()
    env.update({ENV_BASE_URL: base_url, ENV_CLIENT_ID: client_id, ENV_CLIENT_SECRET: client_secret})
    return env


def read_credentials() -> tuple[str, str, str]:
    """In a child: the token server's base URL, client id and secret."""
    return os.environ[ENV_BASE_URL], os.environ[ENV_CLIENT_ID], os.environ[ENV_CLIENT_SECRET]


def script(name: str) -> str:
    """Absolute path of a script in this folder, for ``python <script>`` children."""
    return str(BENCH_DIR / name)


def run_json(
    argv: Sequence[str], *, env: Mapping[str, str] | None = None, timeout: float = 300.0, stdin: str | None = None
) -> dict[str, Any]:
    """Run a child that prints one JSON object as its last stdout line; raise with its stderr if it fails."""
    done = subprocess.run(
        list(argv),
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise ChildFailed(argv, done.returncode, done.stderr)
    result: dict[str, Any] = json.loads(lines[-1])
    return result


class ChildFailed(RuntimeError):
    """A measurement child exited non-zero; the message keeps the end of its stderr for the report."""

    def __init__(self, argv: Sequence[str], returncode: int, stderr: str) -> None:
        lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
        super().__init__(f"exit {returncode}: {lines[-1][:300] if lines else 'no output'}")
        self.argv = list(argv)
        self.returncode = returncode


def log(message: str) -> None:
    """Progress on stderr, so stdout stays clean for whoever pipes the table."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)

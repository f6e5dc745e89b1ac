"""Cold-import cost: wall time and peak memory of ``python -c "<import>"`` processes, measured from outside.

Each run is a fresh interpreter (bytecode caches already written by one unmeasured run, see
:func:`_common.child_env`; OS page cache warm: the cost of a deployed service's restart, not of a first
install). Wall time is taken by the parent around the whole process, and the median of an empty
``python -c pass`` is subtracted, so the figure is the import alone. Peak memory is the child's whole-process
``ru_maxrss`` from ``os.wait4``. Statements run interleaved (pass, httpx, ours, peers, pass, httpx, ...) so a
burst of load elsewhere hits all of them alike.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

from _common import child_env, log, median

#: (label, statement). The first two are the baseline and the floor; "import zuora_oauth" is the target's
#: literal wording, the two after it are what a caller of create_token or ZuoraAuth really pays.
STATEMENTS: tuple[tuple[str, str], ...] = (
    ("python (empty)", "pass"),
    ("httpx", "import httpx"),
    ("zuora-oauth (bare)", "import zuora_oauth"),
    ("zuora-oauth: OAuthApi", "from zuora_oauth import Client, OAuthApi"),
    ("zuora-oauth: ZuoraAuth", "from zuora_oauth.auth import ZuoraAuth"),
    ("zuora-sdk", "import zuora_sdk"),
    ("zuora-swagger-client", "import swagger_client"),
    ("authlib", "from authlib.integrations.httpx_client import OAuth2Client"),
    ("httpx-auth", "import httpx_auth"),
    # A Zuora-sized generated module (see _bigmodule.py): one API class with our templates, one operation module
    # with the stock ones (stock templates have no API classes; every operation module loads every model).
    ("zuora-sized module: ours", "from zuora_big import AccountsApi"),
    ("zuora-sized module: stock", "import stock_big.api.accounts.get_account"),
)
#: zuora-sdk imports 1,740 modules (seconds per run): it gets fewer runs so the whole bench stays short.
SLOW = {"zuora-sdk"}


def _one(python: str, statement: str, pythonpath: tuple[str, ...] = ()) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB, and stderr (non-empty only when the import failed)."""
    env = child_env()
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(pythonpath)
    start = time.perf_counter()
    child = subprocess.Popen([python, "-c", statement], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode(errors="replace") if child.stderr is not None else ""
    if child.stderr is not None:
        child.stderr.close()
    return wall, usage.ru_maxrss / 1024.0, error if child.returncode != 0 else ""


def measure_imports(python: Path, *, runs: int, slow_runs: int) -> dict[str, Any]:
    """Medians per statement, and their ratios to ``import httpx`` (every statement with the Zuora-sized module's
    folders on PYTHONPATH, so each process starts alike)."""
    from _bigmodule import build

    module = build()
    path = tuple(module["pythonpath"])
    walls: dict[str, list[float]] = {label: [] for label, _ in STATEMENTS}
    rss: dict[str, list[float]] = {label: [] for label, _ in STATEMENTS}
    errors: dict[str, str] = {}
    for label, statement in STATEMENTS:  # writes the bytecode caches; not measured
        _, _, error = _one(str(python), statement, path)
        if error:
            errors[label] = error.strip().splitlines()[-1]
    for index in range(runs):
        for label, statement in STATEMENTS:
            if label in errors or (label in SLOW and index >= slow_runs):
                continue
            wall, peak, _ = _one(str(python), statement, path)
            walls[label].append(wall)
            rss[label].append(peak)
        log(f"imports: round {index + 1}/{runs}")
    baseline = median(walls["python (empty)"])
    rows: dict[str, dict[str, Any]] = {}
    for label, statement in STATEMENTS:
        if label in errors:
            rows[label] = {"statement": statement, "error": errors[label]}
            continue
        rows[label] = {
            "statement": statement,
            "runs": len(walls[label]),
            "process_wall_s": median(walls[label]),
            "import_wall_s": max(median(walls[label]) - baseline, 0.0),
            "peak_rss_mib": median(rss[label]),
        }
    floor = rows["httpx"]
    for row in rows.values():
        if "error" not in row and row is not floor:
            row["wall_ratio"] = row["import_wall_s"] / floor["import_wall_s"]
            row["rss_ratio"] = row["peak_rss_mib"] / floor["peak_rss_mib"]
    return {"baseline_wall_s": baseline, "rows": rows, "zuora_sized_module": module}

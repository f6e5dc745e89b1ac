"""How many token requests a cold start costs: herds of threads or tasks in one process, and fleets of processes.

The token server answers token requests ``TOKEN_DELAY`` seconds late, like a remote endpoint: with an instant
loopback answer a racy client can get lucky, while a real Zuora round trip gives every waiting caller the time to
start its own request. Each figure is the worst of several cold trials (a fresh process, or a fresh fleet and
store directory, each time): the target is "never more than one", so the median would hide a bad trial.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import ChildFailed, log, median, run_json, script
from _server import TokenServer

TOKEN_DELAY = 0.1


def measure_herds(
    python: Path, server: TokenServer, *, mode: str, kinds: Sequence[str], count: int, trials: int
) -> dict[str, Any]:
    """Token requests of ``count`` cold threads (``mode="threads"``) or asyncio tasks (``"tasks"``) per client.

    For tasks, each client also gets a lone cold task: the longest event-loop stall of its first request (token
    fetch included) is what a program's other coroutines suffer on every refresh.
    """
    rows: dict[str, dict[str, Any]] = {}
    server.set_delay(TOKEN_DELAY)
    try:
        for kind in kinds:
            counts: list[int] = []
            stalls: list[float] = []
            notes: list[str] = []
            for _ in range(trials):
                server.reset()
                try:
                    result = run_json([str(python), script("herd_worker.py"), mode, kind, str(count)], env=server.env())
                    counts.append(server.token_requests())
                    if mode == "tasks":
                        probe = run_json([str(python), script("herd_worker.py"), mode, kind, "1"], env=server.env())
                        stalls.append(probe["stall_ms"])
                except ChildFailed as exc:
                    rows[kind] = {"error": str(exc)}
                    break
                if result["ok"] != count:
                    notes.append(f"{count - result['ok']} of {count} failed: {result['statuses']} {result['errors']}")
            else:
                rows[kind] = {"token_requests": max(counts), "trials": counts, "notes": notes[:1]}
                if stalls:  # a wall-clock figure on a shared machine: the median, not the worst, of the trials
                    rows[kind]["stall_ms"] = median(stalls)
            log(f"{mode} x{count}: {kind} -> {rows[kind]}")
    finally:
        server.set_delay(0.0)
        server.reset()
    return {"count": count, "token_delay_s": TOKEN_DELAY, "rows": rows}


def measure_fleet(python: Path, server: TokenServer, *, processes: int, trials: int) -> dict[str, Any]:
    """Token requests of ``processes`` cold processes started together, with and without a shared FileTokenStore."""
    rows: dict[str, dict[str, Any]] = {}
    server.set_delay(TOKEN_DELAY)
    try:
        for store in ("file", "memory"):
            counts: list[int] = []
            notes: list[str] = []
            for _ in range(trials):
                server.reset()
                with tempfile.TemporaryDirectory(prefix="zuora-bench-") as scratch:
                    directory = os.path.join(scratch, "tokens")  # created by the store itself, 0700
                    try:
                        statuses = _run_fleet(python, server, store, directory, processes)
                    except ChildFailed as exc:
                        rows[store] = {"error": str(exc)}
                        break
                counts.append(server.token_requests())
                failed = [status for status in statuses if status != 200]
                if failed:
                    notes.append(f"{len(failed)} of {processes} failed: {failed[:3]}")
            else:
                rows[store] = {"token_requests": max(counts), "trials": counts, "notes": notes[:1]}
            log(f"fleet x{processes}: {store} store -> {rows[store]}")
    finally:
        server.set_delay(0.0)
        server.reset()
    return {"processes": processes, "token_delay_s": TOKEN_DELAY, "rows": rows}


def _run_fleet(python: Path, server: TokenServer, store: str, directory: str, processes: int) -> list[int]:
    """Start every process, wait until all are ready, release them at once, and collect their statuses."""
    argv = [str(python), script("fleet_worker.py"), store, directory]
    children = [
        subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=server.env(), text=True
        )
        for _ in range(processes)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            if child.stdout.readline().strip() != "ready":
                _, stderr = child.communicate(timeout=30)
                raise ChildFailed(argv, child.wait(), stderr)
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        statuses: list[int] = []
        for child in children:
            stdout, stderr = child.communicate(timeout=120)
            if child.returncode != 0 or not stdout.strip():
                raise ChildFailed(argv, child.returncode, stderr)
            statuses.append(json.loads(stdout.strip().splitlines()[-1])["status"])
        return statuses
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()

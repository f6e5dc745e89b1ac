"""Client CPU per call, our client against a floor and the peers, in interleaved rounds.

One long-lived ``cpu_worker.py`` process per client (so the cost of an import, a connection or a token is paid
before timing starts); each round asks every worker, in an order rotated from round to round, for N timed calls.
A figure is the median over rounds of ``CPU of the client / CPU of the floor in the same round``: pairing by
round cancels most of the drift of a machine shared with other work.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from _common import PROFILES_DIR, log, median, ratio, script
from _server import TokenServer


class _Worker:
    """A started ``cpu_worker.py``; ``error`` is set (and the worker unusable) if it failed to get ready."""

    def __init__(self, python: Path, scenario: str, kind: str, server: TokenServer) -> None:
        self.kind = kind
        self._stderr: IO[str] = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in close()
        self._process = subprocess.Popen(
            [str(python), script("cpu_worker.py"), scenario, kind],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=server.env(),
            text=True,
            bufsize=1,
        )
        self.error: str | None = None

    def wait_ready(self) -> None:
        if self._read() is None:
            self.error = self._failure()

    def ask(self, command: str) -> dict[str, Any] | None:
        if self.error is not None or self._process.stdin is None:
            return None
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        answer = self._read()
        if answer is None:
            self.error = self._failure()
        return answer

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr.close()

    def _read(self) -> dict[str, Any] | None:
        line = self._process.stdout.readline() if self._process.stdout is not None else ""
        if not line:
            return None
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _failure(self) -> str:
        self._process.wait()
        self._stderr.seek(0)
        lines = [line for line in self._stderr.read().splitlines() if line.strip()]
        return lines[-1][:300] if lines else f"worker exited with {self._process.returncode}"


def measure_cpu(
    python: Path,
    server: TokenServer,
    *,
    scenario: str,
    kinds: Sequence[str],
    floor: str,
    rounds: int,
    calls: int,
    profile: Sequence[str] = (),
    profile_calls: int = 0,
) -> dict[str, Any]:
    """Per client: median CPU microseconds per call and the median of its per-round ratios to ``floor``."""
    workers = [_Worker(python, scenario, kind, server) for kind in kinds]
    try:
        for worker in workers:
            worker.wait_ready()
        cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
        wall: dict[str, list[float]] = {kind: [] for kind in kinds}
        ratios: dict[str, list[float]] = {kind: [] for kind in kinds}
        for index in range(rounds):
            order = workers[index % len(workers) :] + workers[: index % len(workers)]
            this_round: dict[str, float] = {}
            for worker in order:
                answer = worker.ask(f"run {calls}")
                if answer is not None:
                    this_round[worker.kind] = answer["cpu"] / answer["calls"]
                    cpu[worker.kind].append(this_round[worker.kind])
                    wall[worker.kind].append(answer["wall"] / answer["calls"])
            if floor in this_round:
                for kind, value in this_round.items():
                    ratios[kind].append(ratio(value, this_round[floor]))
            server.reset()
            log(f"{scenario} CPU: round {index + 1}/{rounds}")
        profiles: dict[str, str] = {}
        PROFILES_DIR.mkdir(parents=True, exist_ok=True)
        for worker in workers:
            if worker.kind in profile and profile_calls:
                path = PROFILES_DIR / f"{scenario}-{_slug(worker.kind)}.txt"
                if worker.ask(f"profile {profile_calls} {path}") is not None:
                    profiles[worker.kind] = str(path)
        rows: dict[str, dict[str, Any]] = {}
        for worker in workers:
            if worker.error is not None and not cpu[worker.kind]:
                rows[worker.kind] = {"error": worker.error}
                continue
            rows[worker.kind] = {
                "cpu_us": median(cpu[worker.kind]) * 1e6,
                "wall_us": median(wall[worker.kind]) * 1e6,
                "ratio": median(ratios[worker.kind]) if ratios[worker.kind] else float("nan"),
                "ratio_min": min(ratios[worker.kind], default=float("nan")),
                "ratio_max": max(ratios[worker.kind], default=float("nan")),
                "rounds": len(cpu[worker.kind]),
            }
        return {"floor": floor, "calls_per_round": calls, "rows": rows, "profiles": profiles}
    finally:
        for worker in workers:
            worker.close()


def _slug(kind: str) -> str:
    return "".join(char if char.isalnum() else "-" for char in kind).strip("-")

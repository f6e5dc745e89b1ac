"""Start a fleet of real worker processes (tests/_fleet_worker.py) that cold-start together against a FakeZuora.

Each worker builds its own ZuoraAuth and store, touches a ready file, and waits for the fleet's go file: so every
process has imported everything and is blocked at the same line when the go file appears.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from tests._fleet_worker import SECRET_VARIABLE, token_digest
from zuora_oauth.testing import FakeZuora

WORKER = Path(__file__).with_name("_fleet_worker.py")

__all__ = ["Fleet", "WorkerResult", "token_digest"]


@dataclass(frozen=True)
class WorkerResult:
    """What one worker reported: its exit code, the statuses of its requests and digests of the tokens it sent."""

    returncode: int
    statuses: list[int]
    tokens: list[str]
    stderr: str


class Fleet:
    """``size`` worker processes with ``threads`` threads each, every thread making ``requests`` requests."""

    def __init__(
        self,
        directory: Path,
        fake: FakeZuora,
        secret: str,
        store: dict[str, Any],
        *,
        size: int,
        threads: int = 4,
        requests: int = 3,
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._directory = directory
        self._go = directory / "go"
        self._size = size
        self._env = {**os.environ, SECRET_VARIABLE: secret}
        self._spec = {
            "base_url": fake.base_url,
            "client_id": fake.client_id,
            "store": store,
            "threads": threads,
            "requests": requests,
            "go": str(self._go),
        }
        self._processes: list[subprocess.Popen[str]] = []

    def start(self) -> Self:
        for index in range(self._size):
            spec = {**self._spec, "ready": str(self._directory / f"ready-{index}")}
            self._processes.append(
                subprocess.Popen(
                    [sys.executable, str(WORKER), json.dumps(spec)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=self._env,
                )
            )
        return self

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Block until every worker has built its ZuoraAuth and is waiting for the go file."""
        deadline = time.monotonic() + timeout
        while not all((self._directory / f"ready-{index}").exists() for index in range(self._size)):
            dead = [process for process in self._processes if process.poll() is not None]
            if dead:
                _, stderr = dead[0].communicate()
                raise AssertionError(f"a worker exited before it was ready: {stderr}")
            if time.monotonic() > deadline:
                raise AssertionError("the workers were not ready in time")
            time.sleep(0.01)

    def go(self) -> None:
        self._go.touch()

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self._processes]

    def kill(self) -> None:
        """SIGKILL every worker still running (a worker killed mid-refresh holds whatever lock it took)."""
        for process in self._processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
        for process in self._processes:
            process.wait(10)

    def results(self, timeout: float = 120.0) -> list[WorkerResult]:
        """Wait for every worker and collect what it printed."""
        results = []
        for process in self._processes:
            stdout, stderr = process.communicate(timeout=timeout)
            report = json.loads(stdout) if process.returncode == 0 and stdout else {"statuses": [], "tokens": []}
            results.append(WorkerResult(process.returncode, report["statuses"], report["tokens"], stderr))
        return results

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.kill()
            process.communicate()

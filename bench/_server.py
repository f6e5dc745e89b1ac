"""The harness side of the token server process (``token_server.py``)."""

from __future__ import annotations

import json
import subprocess
import types
from pathlib import Path
from typing import IO, Any, Self

from _common import credentials_env, script


class TokenServer:
    """Starts ``token_server.py`` with the bench python and talks to it over its stdin/stdout pipes."""

    def __init__(self, python: Path | str) -> None:
        self._python = str(python)
        self._process: subprocess.Popen[str] | None = None
        self.base_url = self.client_id = self.client_secret = ""

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(
            [self._python, script("token_server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        hello = json.loads(self._stdout().readline())
        self.base_url, self.client_id = hello["base_url"], hello["client_id"]
        self.client_secret = hello["client_secret"]
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: types.TracebackType | None
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.stdin is not None:
                process.stdin.write("quit\n")
                process.stdin.close()
            process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()

    def env(self) -> dict[str, str]:
        """The environment a client child needs to reach this server."""
        return credentials_env(self.base_url, self.client_id, self.client_secret)

    def token_requests(self) -> int:
        """``POST /oauth/token`` requests received since the last :meth:`reset`."""
        count: int = self._ask("count")
        return count

    def reset(self) -> None:
        """Zero the counter and drop the request log (which otherwise grows with every measured call)."""
        self._ask("reset")

    def set_delay(self, seconds: float) -> None:
        """Answer token requests ``seconds`` late, like a remote endpoint: a race needs a window to show."""
        self._ask(f"delay {seconds}")

    def _ask(self, command: str) -> Any:
        if self._process is None or self._process.stdin is None:
            raise RuntimeError("the token server is not running")
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        return json.loads(self._stdout().readline())

    def _stdout(self) -> IO[str]:
        if self._process is None or self._process.stdout is None:
            raise RuntimeError("the token server is not running")
        return self._process.stdout

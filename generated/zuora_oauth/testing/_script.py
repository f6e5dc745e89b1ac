# Generated from templates/runtime/testing/_script.py by make generate: edit that file, not this copy.
"""Scripted misbehaviour: responses, drops and hangs that replace the normal answer for the next requests."""

import json
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from ._constants import JSON_CONTENT_TYPE

DropWhen: TypeAlias = Literal["before_headers", "mid_body"]
ScriptBody: TypeAlias = bytes | str | Mapping[str, object] | Sequence[object]


@dataclass(frozen=True, slots=True)
class ScriptedResponse:
    """Send this instead of the normal answer.

    ``headers`` override the defaults case-insensitively; a ``None`` value removes a default header
    (e.g. ``Zuora-Request-Id``). A ``Content-Length`` that does not match ``body`` is sent as given and the
    connection is closed afterwards, to simulate truncated responses without desynchronising keep-alive.
    """

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str | None], ...] = ()
    delay: float = 0.0


@dataclass(frozen=True, slots=True)
class ScriptedDrop:
    """Reset the connection before the status line, or after the headers and half of the body."""

    when: DropWhen = "before_headers"


@dataclass(frozen=True, slots=True)
class ScriptedHang:
    """Read the request, stay silent for ``seconds``, then close without answering."""

    seconds: float


ScriptedAction: TypeAlias = ScriptedResponse | ScriptedDrop | ScriptedHang


def _check_header(name: str, value: str | None) -> None:
    if not name or any(c in name for c in "\r\n:") or (value is not None and ("\r" in value or "\n" in value)):
        raise ValueError(f"invalid header {name!r}")


def make_response(
    status: int, body: ScriptBody, headers: Mapping[str, str | None] | None, delay: float
) -> ScriptedResponse:
    """Validate and normalise ``enqueue`` arguments up front, so mistakes fail in the test, not in the server."""
    if not 100 <= status <= 599:
        raise ValueError(f"status must be 100..599, got {status}")
    if delay < 0:
        raise ValueError("delay must be >= 0")
    if isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode("utf-8")
    else:
        payload = dict(body) if isinstance(body, Mapping) else list(body)
        data = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    defaults: list[tuple[str, str | None]] = [("Content-Type", JSON_CONTENT_TYPE)] if data else []
    given = list((headers or {}).items())
    for name, value in given:
        _check_header(name, value)
    return ScriptedResponse(status=status, body=data, headers=tuple(defaults + given), delay=float(delay))


def check_path(path: str) -> str:
    """Scripts match the request path exactly, without the query string."""
    if not path.startswith("/") or "?" in path or "#" in path:
        raise ValueError(f"path must be an absolute path without query, got {path!r}")
    return path


@dataclass(slots=True)
class _Entry:
    action: ScriptedAction
    remaining: int


class Script:
    """Thread-safe FIFO of scripted actions per path; each entry may repeat ``times`` times."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, deque[_Entry]] = {}

    def add(self, path: str, action: ScriptedAction, times: int) -> None:
        """Append ``action`` for the next ``times`` requests to ``path`` after those already queued."""
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._queues.setdefault(check_path(path), deque()).append(_Entry(action, times))

    def pop(self, path: str) -> ScriptedAction | None:
        """Consume one use of the oldest entry for ``path``."""
        with self._lock:
            queue = self._queues.get(path)
            if not queue:
                return None
            entry = queue[0]
            entry.remaining -= 1
            if entry.remaining <= 0:
                queue.popleft()
            return entry.action

    def remaining(self, path: str | None = None) -> int:
        """How many scripted answers are still pending (for one path or all)."""
        with self._lock:
            queues = list(self._queues.values()) if path is None else [self._queues.get(path, deque())]
            return sum(entry.remaining for queue in queues for entry in queue)

    def clear(self) -> None:
        """Drop every pending entry."""
        with self._lock:
            self._queues.clear()

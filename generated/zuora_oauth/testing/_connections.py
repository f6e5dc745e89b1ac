# Generated from templates/runtime/testing/_connections.py by make generate: edit that file, not this copy.
"""Per-server lifetime: open client sockets and a stop signal, so ``stop()`` never waits on idle keep-alives."""

import contextlib
import socket
import struct
import threading
from dataclasses import dataclass, field

from ._state import FakeState


def reset(sock: socket.socket) -> None:
    """Close abruptly: SO_LINGER 0 makes the kernel send RST instead of FIN where supported."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


@dataclass
class ServerContext:
    """What a handler needs beyond the shared state: the stop signal and connection tracking."""

    state: FakeState
    stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _sockets: set[socket.socket] = field(default_factory=set)

    def register(self, sock: socket.socket) -> None:
        """Track a connection; one arriving during shutdown is cut at once so its thread ends."""
        with self._lock:
            if not self.stopping.is_set():
                self._sockets.add(sock)
                return
        _shutdown(sock)

    def unregister(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)

    def close_all(self) -> None:
        """Signal sleeping handlers and unblock reads on every open connection."""
        with self._lock:
            self.stopping.set()
            sockets = list(self._sockets)
            self._sockets.clear()
        for sock in sockets:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)

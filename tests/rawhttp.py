"""A loopback TCP server whose every byte on the wire a test scripts: the faults FakeZuora cannot express.

FakeZuora always speaks well-formed HTTP. The fuzz and fault tests also need servers that send arbitrary bytes
(wrong framing, interim 1xx answers, corrupt gzip), accept and never answer, or close a keep-alive connection
exactly when the next request arrives. ``RawHttpServer`` runs a handler per accepted connection in its own thread;
the handler reads requests and writes whatever it wants through a :class:`RawConnection`.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self

Handler = Callable[["RawConnection"], None]

_MAX_HEAD = 64 * 1024


class RawConnection:
    """One accepted connection: read whole requests, write raw bytes, close, reset or hold it open."""

    def __init__(self, sock: socket.socket, server: RawHttpServer) -> None:
        self.sock = sock
        self._server = server
        self._buffer = b""

    def read_request(self, timeout: float = 10.0) -> bytes | None:
        """The next complete request (head and Content-Length or chunked body), or None once the client left."""
        self.sock.settimeout(timeout)
        try:
            while b"\r\n\r\n" not in self._buffer:
                if len(self._buffer) > _MAX_HEAD or not self._fill():
                    return None
            head, _, rest = self._buffer.partition(b"\r\n\r\n")
            self._buffer = rest
            body = self._read_body(head)
        except OSError:
            return None
        if body is None:
            return None
        self._server.count_request()
        return head + b"\r\n\r\n" + body

    def send(self, data: bytes) -> bool:
        """Write ``data``; False if the client has gone."""
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def close(self) -> None:
        """An orderly close (FIN)."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()

    def reset(self) -> None:
        """An abortive close: SO_LINGER 0 makes the kernel send RST."""
        with contextlib.suppress(OSError):
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def hold(self, seconds: float) -> None:
        """Keep the connection open and silent for ``seconds`` (or until the server stops)."""
        self._server.stopping.wait(seconds)

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        self._buffer += data
        return bool(data)

    def _read_body(self, head: bytes) -> bytes | None:
        fields = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        if b"chunked" in fields.get(b"transfer-encoding", b"").lower():
            return self._read_chunked()
        length = int(fields.get(b"content-length", b"0") or b"0")
        while len(self._buffer) < length:
            if not self._fill():
                return None
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        return body

    def _read_chunked(self) -> bytes | None:
        body = b""
        while True:
            while b"\r\n" not in self._buffer:
                if not self._fill():
                    return None
            line, _, self._buffer = self._buffer.partition(b"\r\n")
            size = int(line.split(b";")[0], 16)
            while len(self._buffer) < size + 2:
                if not self._fill():
                    return None
            body += self._buffer[:size]
            self._buffer = self._buffer[size + 2 :]
            if size == 0:
                return body


def answer_once(reply: bytes) -> Handler:
    """Read one request, send ``reply`` verbatim, close: one response per connection, whatever ``reply`` holds."""

    def handler(connection: RawConnection) -> None:
        if connection.read_request() is not None:
            connection.send(reply)
        connection.close()

    return handler


class RawHttpServer:
    """Serve ``handler`` on a free loopback port, one thread per connection, until ``stop()``."""

    def __init__(self, handler: Handler | None = None) -> None:
        self.handler: Handler = handler or answer_once(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        self.stopping = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._connections = 0
        self._requests = 0
        self._acceptor = threading.Thread(target=self._accept, name=f"RawHttpServer:{self.port}", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def connections(self) -> int:
        """Connections accepted so far."""
        with self._lock:
            return self._connections

    @property
    def requests(self) -> int:
        """Complete requests read so far (by handlers calling ``read_request``)."""
        with self._lock:
            return self._requests

    def count_request(self) -> None:
        with self._lock:
            self._requests += 1

    def start(self) -> Self:
        self._acceptor.start()
        return self

    def stop(self) -> None:
        """Stop accepting, cut every open connection and wait for the handler threads."""
        self.stopping.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            open_sockets = list(self._open)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._acceptor.join(timeout=5)
        for thread in list(self._threads):
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._connections += 1
                self._open.add(sock)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            self.handler(RawConnection(sock, self))
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(sock)
            with contextlib.suppress(OSError):
                sock.close()

# Generated from templates/runtime/testing/_server.py by make generate: edit that file, not this copy.
"""The listening socket: a quiet, highly concurrent ``ThreadingHTTPServer``."""

import socket
import socketserver
import sys
from http.server import ThreadingHTTPServer

from ._connections import ServerContext
from ._handler import FakeZuoraHandler

_CLIENT_GONE = OSError  # resets, broken pipes, timeouts and sockets we cut ourselves


class FakeZuoraHTTPServer(ThreadingHTTPServer):
    """One thread per connection, a backlog deep enough for 1,000 simultaneous clients, no stderr output."""

    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not block stop(); close_all() ends them instead
    allow_reuse_address = True
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], context: ServerContext) -> None:
        self.context = context
        super().__init__(address, FakeZuoraHandler)

    def server_bind(self) -> None:
        """Skip HTTPServer's reverse-DNS lookup of the host, which can stall for seconds in sandboxes."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: object) -> None:
        """Stay silent: clients hanging up mid-request are expected; real bugs are kept for tests to inspect."""
        del request, client_address
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, _CLIENT_GONE):
            self.context.state.record_error(error)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

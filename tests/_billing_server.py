"""A small Zuora-like resource server for the generated ``zuora_billing`` module: scripted answers per path.

FakeZuora issues the tokens; this server plays Zuora's ``/v1`` REST API the way Zuora really answers it (nulls in
optional fields, decimal amounts as JSON numbers, enum values a definition does not list, ``"success": false``
with HTTP 200, 502s, answers slower than the client waits, ``nextPage`` chains). It records every request
(method, path, query, headers, body) and answers each with a ``Zuora-Request-Id`` of its own.

A request is authorised by ``authorize`` (the Authorization header's value, or None); by default it only has to
carry a bearer token. :class:`FakeZuoraTokens` asks a FakeZuora whether the token is one it issued and has not
revoked, by presenting it to the fake's protected ``/v1`` endpoint (its public behaviour).

Scripting: :meth:`BillingServer.script` queues answers for ``(method, path)``; each request takes the next one,
and once they run out the last one keeps answering. An answer is a :class:`Reply`, or a function of the
:class:`Recorded` request returning one (to echo the request, or to build ``nextPage`` URLs on this server).
"""

from __future__ import annotations

import http.client
import http.server
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from zuora_oauth.testing import FakeZuora

#: Zuora's answer to a request without a valid bearer token (the ``/v1`` shape, code 90000011).
UNAUTHORIZED_BODY = {
    "success": False,
    "processId": "3F9A6C1D2B7E4F80",
    "reasons": [{"code": 90000011, "message": "Authentication error"}],
}


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it; ``headers`` has lower-case names."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    #: The Zuora-Request-Id this server answered the request with.
    request_id: str = ""

    def __repr__(self) -> str:
        """Without the headers (the bearer token) and the body (card data): a failing assertion prints it."""
        return f"Recorded({self.method} {self.path}{'?' if self.query else ''}{self.query}, {self.request_id})"

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.query, keep_blank_values=True)

    @property
    def bearer(self) -> str | None:
        """The bearer token the request carried (for comparing, never for printing)."""
        value = self.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        return token.strip() or None if scheme.lower() == "bearer" else None


@dataclass(frozen=True)
class Reply:
    """One scripted answer: ``body`` as JSON (dict or list), text (str, sent as is) or bytes.

    ``delay`` is waited before anything is written (the server stops waiting when it is stopped).
    """

    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json; charset=utf-8"


Responder = Reply | Callable[[Recorded], Reply]
Authorize = Callable[[str | None], bool]


def bearer_present(authorization: str | None) -> bool:
    """The default check: the request carries ``Authorization: Bearer <something>``."""
    scheme, _, token = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


class FakeZuoraTokens:
    """Accept exactly the tokens ``fake`` would accept now: issued by it, not revoked, not expired.

    The token is presented to the fake's protected endpoint (``GET /v1/billing-token-check``), so the fake's own
    counters (``revoked_token_uses`` ...) count the uses this server saw.
    """

    def __init__(self, fake: FakeZuora) -> None:
        self._fake = fake
        self.checks = 0

    def __call__(self, authorization: str | None) -> bool:
        if not bearer_present(authorization):
            return False
        self.checks += 1
        connection = http.client.HTTPConnection(self._fake.host, self._fake.port, timeout=5)
        try:
            connection.request("GET", "/v1/billing-token-check", headers={"Authorization": authorization or ""})
            response = connection.getresponse()
            response.read()
            return response.status == 200
        finally:
            connection.close()


class BillingServer:
    """A ``ThreadingHTTPServer`` on 127.0.0.1 and a free port, HTTP/1.1 keep-alive, until :meth:`stop`."""

    def __init__(self, authorize: Authorize = bearer_present) -> None:
        self.authorize = authorize
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._scripts: dict[tuple[str, str], list[Responder]] = {}
        self._counter = 0
        self.errors: list[str] = []
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"BillingServer:{self.port}"
        )
        self._thread.daemon = True

    # -- lifecycle ----------------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (with its query) on this server."""
        return f"{self.base_url}{path}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    # -- scripting and records ----------------------------------------------------------------------------------

    def script(self, method: str, path: str, *answers: Responder) -> None:
        """Answer the requests ``method path`` (path without query) with ``answers`` in turn, the last one after."""
        if not answers:
            raise ValueError("script() needs at least one answer")
        with self._lock:
            self._scripts[(method.upper(), path)] = list(answers)

    @property
    def requests(self) -> list[Recorded]:
        """Every request received (authorised or not), in order."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method.upper() and r.path == path]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    # -- serving (called by the handler threads) ----------------------------------------------------------------

    def _record(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Recorded:
        parts = urlsplit(target)
        with self._lock:
            self._counter += 1
            recorded = Recorded(method, parts.path, parts.query, dict(headers), body, f"zr-{self._counter:06d}")
            self._requests.append(recorded)
        return recorded

    def _answer(self, recorded: Recorded) -> Reply:
        if not self.authorize(recorded.headers.get("authorization")):
            return Reply(401, UNAUTHORIZED_BODY, headers={"WWW-Authenticate": 'Bearer realm="Zuora"'})
        with self._lock:
            queue = self._scripts.get((recorded.method, recorded.path))
            if not queue:
                responder: Responder = Reply(404, _not_found(recorded.path))
            else:
                responder = queue.pop(0) if len(queue) > 1 else queue[0]
        return responder(recorded) if callable(responder) else responder


def _not_found(path: str) -> dict[str, Any]:
    return {
        "success": False,
        "processId": "5F4C7B9E1A2D3C40",
        "reasons": [{"code": 50000040, "message": f"Nothing scripted for {path}"}],
    }


def encode(reply: Reply) -> tuple[bytes, str | None]:
    """The bytes of ``reply``'s body and its content type (None for an empty body)."""
    body = reply.body
    if body is None:
        return b"", None
    if isinstance(body, bytes):
        return body, reply.content_type
    if isinstance(body, str):
        return body.encode("utf-8"), reply.content_type
    return json.dumps(body).encode("utf-8"), reply.content_type


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[_Handler], owner: BillingServer) -> None:
        self.owner = owner
        super().__init__(address, handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: a test's captured output stays clean."""

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _serve(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers: dict[str, str] = {}
        for name, value in self.headers.items():  # a header sent twice shows as "first, second"
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        recorded = owner._record(self.command, self.path, headers, body)
        try:
            reply = owner._answer(recorded)
        except Exception as error:  # a broken script must show up in the test, not as a hung client
            owner.errors.append(f"{type(error).__name__}: {error}")
            reply = Reply(500, {"message": "the test server's script failed"})
        if reply.delay and owner.stopping.wait(reply.delay):
            self.close_connection = True
            return
        data, content_type = encode(reply)
        try:
            self.send_response(reply.status)
            if content_type is not None:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Zuora-Request-Id", recorded.request_id)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:  # the client gave up waiting (a read timeout) and closed the connection
            self.close_connection = True

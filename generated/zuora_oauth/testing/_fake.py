# Generated from templates/runtime/testing/_fake.py by make generate: edit that file, not this copy.
"""``FakeZuora``: the public face of the fake, owning its server thread and exposing what tests assert on."""

import threading
import types
import uuid
from collections.abc import Mapping
from typing import Self

from ._connections import ServerContext
from ._constants import OAUTH_PATH
from ._recording import RecordedRequest
from ._script import DropWhen, ScriptBody, ScriptedDrop, ScriptedHang, check_path, make_response
from ._server import FakeZuoraHTTPServer
from ._state import Credentials, FakeState, check_seconds, generate_secret
from ._tokens import IssuedToken

_POLL_INTERVAL = 0.05  # how quickly serve_forever notices stop(); cheap enough for a test server


class FakeZuora:
    """A real local HTTP server that behaves like Zuora's ``POST /oauth/token`` and a token-protected ``/v1`` API.

    Use it as a context manager (or ``start()``/``stop()``). Everything is thread-safe; every list returned is
    a copy. The client secret is never stored in records, reprs or output.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        client_id: str | None = None,
        client_secret: str | None = None,
        expires_in: float = 3600,
        token_delay: float = 0.0,
    ) -> None:
        credentials = Credentials(
            str(uuid.uuid4()) if client_id is None else client_id,
            generate_secret() if client_secret is None else client_secret,
        )
        self._state = FakeState(credentials, expires_in, token_delay)
        self._host = host
        self._port = port
        self._lifecycle = threading.Lock()
        self._server: FakeZuoraHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        where = self.base_url if self.running else "stopped"
        return f"FakeZuora({where}, client_id={self.client_id!r}, client_secret='****')"

    # -- lifecycle ------------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind and serve in a daemon thread; no-op if running. A restart reuses the previous port."""
        with self._lifecycle:
            if self._server is not None:
                return self
            server = FakeZuoraHTTPServer((self._host, self._port), ServerContext(self._state))
            self._port = server.port
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": _POLL_INTERVAL},
                name=f"FakeZuora:{self._port}",
                daemon=True,
            )
            thread.start()
            self._server, self._thread = server, thread
            return self

    def stop(self) -> None:
        """Stop serving and cut open connections (including hung and keep-alive ones); idempotent."""
        with self._lifecycle:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        server.context.stopping.set()
        server.shutdown()
        server.context.close_all()
        server.server_close()
        if thread is not None:
            thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: types.TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        with self._lifecycle:
            return self._server is not None

    # -- connection details ---------------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The bound port; raises before the first start when constructed with ``port=0``."""
        if self._port == 0:
            raise RuntimeError("FakeZuora has not been started yet")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def client_id(self) -> str:
        return self._state.credentials.client_id

    @property
    def client_secret(self) -> str:
        """The one valid secret (by default 40 characters including ``+``, ``/`` and ``=``)."""
        return self._state.credentials.client_secret

    def rotate_secret(self, client_secret: str | None = None) -> str:
        """Accept only ``client_secret`` (a new random one by default) from now on, as Zuora does once a secret is
        regenerated, and return it; tokens issued so far stay valid. Every secret ever accepted stays masked."""
        secret = generate_secret() if client_secret is None else client_secret
        self._state.rotate_secret(secret)
        return secret

    # -- settings -------------------------------------------------------------------------------------------

    @property
    def expires_in(self) -> float:
        """Lifetime of new tokens in seconds, returned as ``expires_in`` (an int when integral)."""
        return self._state.expires_in

    @expires_in.setter
    def expires_in(self, value: float) -> None:
        self._state.expires_in = value

    @property
    def token_delay(self) -> float:
        """Seconds to wait before answering a successful token request."""
        return self._state.token_delay

    @token_delay.setter
    def token_delay(self, value: float) -> None:
        self._state.token_delay = value

    # -- records --------------------------------------------------------------------------------------------

    @property
    def token_requests(self) -> int:
        """``POST /oauth/token`` requests received, whatever the outcome, scripted ones included."""
        return self._state.log.token_requests

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, in order."""
        return self._state.log.snapshot()

    @property
    def token_request_log(self) -> list[RecordedRequest]:
        """Requests to ``/oauth/token`` (any method), in order."""
        return self._state.log.snapshot(OAUTH_PATH)

    @property
    def authorization_sent_to_token_endpoint(self) -> bool:
        """True if any ``/oauth/token`` request carried an ``Authorization`` header, which clients must not send."""
        return self._state.log.authorization_on_token

    @property
    def issued_tokens(self) -> list[str]:
        """Access tokens issued, in order."""
        return self._state.tokens.issued()

    def token_info(self, token: str) -> IssuedToken | None:
        """Server-side expiry and ``Zuora-Entity-Ids`` of an issued token."""
        return self._state.tokens.info(token)

    def token_track_id(self, token: str) -> str | None:
        """The ``Zuora-Track-Id`` header of the token request ``token`` was issued to (None without one).

        Tells which caller a token was meant for: a client that reads another caller's answer (a connection shared
        after a fork, say) ends up with a token whose track id is not its own.
        """
        issued = self._state.issued_to(token)
        return None if issued is None else issued[0]

    def token_connection(self, token: str) -> int | None:
        """The client port of the connection the token request of ``token`` came on: one number per connection.

        Requests from two processes on one number mean they share a socket (a keep-alive pool inherited by fork).
        """
        issued = self._state.issued_to(token)
        return None if issued is None else issued[1]

    @property
    def expired_token_uses(self) -> int:
        """Protected requests with an issued token past its server-side expiry; 0 for a correct client."""
        return self._state.tokens.counters()[0]

    @property
    def revoked_token_uses(self) -> int:
        """Protected requests with a revoked token."""
        return self._state.tokens.counters()[1]

    @property
    def unknown_token_uses(self) -> int:
        """Protected requests with a bearer token this fake never issued."""
        return self._state.tokens.counters()[2]

    @property
    def entity_mismatch_uses(self) -> int:
        """Accepted protected requests whose ``Zuora-Entity-Ids`` differs from the one the token was issued for."""
        return self._state.tokens.counters()[3]

    @property
    def handler_errors(self) -> list[str]:
        """Unexpected server-side exceptions (never printed); client disconnects are not included."""
        return self._state.errors

    def wait_for_requests(self, count: int, *, path: str | None = None, timeout: float = 5.0) -> bool:
        """Block until ``count`` requests (to ``path``, if given) were recorded; False on timeout."""
        return self._state.log.wait_for(count, path, timeout)

    def clear_records(self) -> None:
        """Forget recorded requests, counters and the issued list; issued tokens stay valid."""
        self._state.clear()

    # -- tokens ---------------------------------------------------------------------------------------------

    def revoke(self, token: str) -> None:
        """Make ``token`` invalid for the protected endpoint."""
        self._state.tokens.revoke(token)

    def revoke_all(self) -> None:
        """Make every token issued so far invalid for the protected endpoint."""
        self._state.tokens.revoke_all()

    # -- scripting ------------------------------------------------------------------------------------------

    def enqueue(
        self,
        status: int = 503,
        body: ScriptBody = b"",
        *,
        headers: Mapping[str, str | None] | None = None,
        delay: float = 0.0,
        path: str = "/oauth/token",
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests to ``path`` with this response instead of the normal behaviour.

        ``dict``/``list`` bodies are sent as JSON; ``str`` as UTF-8 as-is; non-empty bodies default to
        ``Content-Type: application/json`` unless ``headers`` says otherwise (``None`` removes a header).
        """
        self._state.script.add(path, make_response(status, body, headers, check_seconds("delay", delay)), times)

    def enqueue_drop(self, path: str = "/oauth/token", when: DropWhen = "before_headers", times: int = 1) -> None:
        """Reset the connection (RST) before the status line, or after the headers and half of a 200 body."""
        if when not in ("before_headers", "mid_body"):
            raise ValueError(f"when must be 'before_headers' or 'mid_body', got {when!r}")
        self._state.script.add(check_path(path), ScriptedDrop(when), times)

    def enqueue_hang(self, path: str = "/oauth/token", seconds: float = 30.0, times: int = 1) -> None:
        """Read the request, then stay silent for ``seconds`` (or until ``stop()``) and close."""
        self._state.script.add(check_path(path), ScriptedHang(check_seconds("seconds", seconds)), times)

    def scripted_remaining(self, path: str | None = None) -> int:
        """Scripted answers not yet consumed, for one path or all."""
        return self._state.script.remaining(path)

    def reset_script(self) -> None:
        """Clear all scripted answers."""
        self._state.script.clear()

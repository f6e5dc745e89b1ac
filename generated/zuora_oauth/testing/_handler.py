# Generated from templates/runtime/testing/_handler.py by make generate: edit that file, not this copy.
"""HTTP semantics of the fake: routing, validation and Zuora-shaped answers for one connection."""

import re
import time
import uuid
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from typing import Protocol, cast
from urllib.parse import parse_qsl, unquote, urlsplit

from . import _bodies as bodies
from ._connections import ServerContext, reset
from ._constants import (
    ACCOUNTS_PREFIX,
    CODE_INVALID_GRANT_TYPE,
    CODE_MALFORMED_REQUEST,
    CODE_MISSING_PARAMETER,
    CODE_UNSUPPORTED_CONTENT_TYPE,
    FORM_CONTENT_TYPE,
    GRANT_TYPE,
    HEADER_ENTITY_IDS,
    HEADER_RATE_LIMIT,
    HEADER_RATE_REMAINING,
    HEADER_REQUEST_ID,
    HEADER_TRACK_ID,
    JSON_CONTENT_TYPE,
    MAX_BODY_BYTES,
    MISSING_ACCOUNT_PREFIX,
    OAUTH_PATH,
    PROTECTED_ROOT,
    RATE_LIMIT_PER_MINUTE,
    REQUIRED_FIELDS,
    WWW_AUTHENTICATE,
)
from ._recording import RecordedRequest
from ._script import ScriptedAction, ScriptedDrop, ScriptedHang
from ._state import FakeState
from ._tokens import TokenVerdict

Headers = Iterable[tuple[str, str | None]]

#: A form value counts as given when it has a character other than ASCII whitespace (the spec's ``pattern``).
_FILLED = re.compile(r"[^ \t\n\r\f\v]")


class _HasContext(Protocol):
    context: ServerContext


class _Framing(Exception):
    """The request body could not be delimited; answer 400/413 and close."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status


class FakeZuoraHandler(BaseHTTPRequestHandler):
    """Serves ``/oauth/token``, ``/v1/...`` and scripted answers over keep-alive HTTP/1.1."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeZuora/1.0"
    disable_nagle_algorithm = True  # headers and body are separate writes; Nagle would add 40 ms per keep-alive call

    def version_string(self) -> str:
        """``Server: FakeZuora/1.0`` without the Python version BaseHTTPRequestHandler would append."""
        return self.server_version

    @property
    def _context(self) -> ServerContext:
        return cast(_HasContext, self.server).context

    @property
    def _state(self) -> FakeState:
        return self._context.state

    # -- connection lifecycle -------------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self._aborted = False
        self._context.register(self.connection)

    def finish(self) -> None:
        try:
            if not self._aborted:
                super().finish()
        finally:
            self._context.unregister(self.connection)

    def log_message(self, format: str, *args: object) -> None:
        """Silent by default: a test double must not spam stderr (and must never print request data)."""
        del format, args

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol-level errors (bad request line, unknown method) as JSON, with a request id, then close."""
        del explain
        text = message or self.responses.get(code, ("Error",))[0]
        self.close_connection = True
        self._respond(code, bodies.message(text))

    # -- dispatch -------------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_TRACE = do_QUERY = do_GET

    def _dispatch(self) -> None:
        path, query = _split_target(self.path)
        try:
            body = self._read_body()
        except _Framing as error:
            self.close_connection = True
            self._respond(error.status, bodies.token_error(CODE_MALFORMED_REQUEST, str(error)))
            return
        if body is None:  # client hung up mid-body
            self.close_connection = True
            return
        form_pairs = self._form_pairs(body) if path == OAUTH_PATH else None
        self._record(path, query, body, form_pairs)
        action = self._state.script.pop(path)
        if action is not None:
            self._perform(action, path)
        elif path == OAUTH_PATH:
            self._token(form_pairs)
        elif path == PROTECTED_ROOT or path.startswith(PROTECTED_ROOT + "/"):
            self._protected(path, body)
        else:
            self._respond(404, bodies.message("Not Found"))

    def _read_body(self) -> bytes | None:
        """Read the whole body before answering, so keep-alive stays in sync; None if the client vanished."""
        encoding = self.headers.get("Transfer-Encoding", "")
        if "chunked" in encoding.lower():
            return self._read_chunked()
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b""
        try:
            length = int(raw_length)
        except ValueError:
            raise _Framing(400, "Invalid Content-Length") from None
        if length < 0:
            raise _Framing(400, "Invalid Content-Length")
        if length > MAX_BODY_BYTES:
            raise _Framing(413, "Request body too large")
        data = self.rfile.read(length)
        return data if len(data) == length else None

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            if not line.endswith(b"\n"):
                return None
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _Framing(400, "Invalid chunk size") from None
            total += size
            if total > MAX_BODY_BYTES:
                raise _Framing(413, "Request body too large")
            if size == 0:
                break
            chunk = self.rfile.read(size + 2)
            if len(chunk) < size + 2:
                return None
            chunks.append(chunk[:size])
        while (line := self.rfile.readline(8192)) not in (b"\r\n", b"\n"):  # trailers
            if not line:
                return None
        return b"".join(chunks)

    def _form_pairs(self, body: bytes) -> list[tuple[str, str]] | None:
        """Parsed form fields, or None when the body is not (decodable) form data."""
        if _media_type(self.headers.get("Content-Type")) != FORM_CONTENT_TYPE:
            return None
        try:
            return parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            return None

    def _record(self, path: str, query: str, body: bytes, form_pairs: list[tuple[str, str]] | None) -> None:
        scrub = self._state.scrub
        self._state.log.add(
            RecordedRequest(
                method=self.command,
                path=scrub(path),
                query=scrub.query(query),
                headers=scrub.headers(self.headers.items()),
                form=scrub.form(form_pairs or []),
                body_size=len(body),
                authorization_present="Authorization" in self.headers,
                at=time.monotonic(),
            )
        )

    # -- scripted behaviour ---------------------------------------------------------------------------------

    def _perform(self, action: ScriptedAction, path: str) -> None:
        if isinstance(action, ScriptedHang):
            self._context.stopping.wait(action.seconds)
            self.close_connection = True
        elif isinstance(action, ScriptedDrop):
            if action.when == "before_headers":
                self._abort()
            else:
                self._respond(200, _placeholder_body(path), cut=True)
        elif action.delay > 0 and self._context.stopping.wait(action.delay):
            self.close_connection = True
        else:
            self._respond(action.status, action.body, overrides=action.headers)

    def _abort(self) -> None:
        """Reset the connection now; finish() must then leave the closed socket alone."""
        self.close_connection = True
        self._aborted = True
        self._context.unregister(self.connection)
        self.rfile.close()  # drop the makefile reference so close() releases the descriptor immediately
        reset(self.connection)

    # -- /oauth/token ---------------------------------------------------------------------------------------

    def _token(self, form_pairs: list[tuple[str, str]] | None) -> None:
        rejection = self._token_rejection(form_pairs)
        if rejection is None:
            self._issue_token()
        else:
            status, body, headers = rejection
            self._respond(status, body, headers=headers)

    def _token_rejection(self, form_pairs: list[tuple[str, str]] | None) -> tuple[int, bytes, Headers] | None:
        """The error answer Zuora would give, in Zuora's order of checks, or None to issue a token."""
        if self.command != "POST":
            return 405, bodies.message("Method Not Allowed"), [("Allow", "POST")]
        if _media_type(self.headers.get("Content-Type")) != FORM_CONTENT_TYPE:
            return (
                400,
                bodies.token_error(CODE_UNSUPPORTED_CONTENT_TYPE, f"Content-Type must be {FORM_CONTENT_TYPE}"),
                [],
            )
        problem = _form_problem(form_pairs)
        if problem is not None:
            return 400, bodies.token_error(*problem), []
        form = dict(form_pairs or [])
        if not self._state.credentials.matches(form["client_id"], form["client_secret"]):
            return 401, bodies.token_authentication_error(), [("WWW-Authenticate", WWW_AUTHENTICATE)]
        return None

    def _issue_token(self) -> None:
        state = self._state
        delay = state.token_delay
        if delay > 0 and self._context.stopping.wait(delay):
            self.close_connection = True
            return
        expires_in = state.expires_in
        entity_ids = self.headers.get(HEADER_ENTITY_IDS)
        now = time.monotonic()
        issued = state.tokens.issue(expires_in, entity_ids, now)
        state.note_issue(issued.access_token, self.headers.get(HEADER_TRACK_ID), int(self.client_address[1]))
        remaining = state.rate_remaining(now)
        body = bodies.token_success(issued.access_token, expires_in, state.scope(entity_ids), uuid.uuid4().hex)
        headers = [
            ("Cache-Control", "no-store"),
            ("Pragma", "no-cache"),
            (HEADER_RATE_LIMIT, str(RATE_LIMIT_PER_MINUTE)),
            (HEADER_RATE_REMAINING, str(remaining)),
        ]
        self._respond(200, body, headers=headers)

    # -- /v1 ------------------------------------------------------------------------------------------------

    def _protected(self, path: str, body: bytes) -> None:
        token = _bearer_token(self.headers.get("Authorization"))
        verdict = self._state.tokens.check(token, self.headers.get(HEADER_ENTITY_IDS), time.monotonic())
        if verdict is not TokenVerdict.VALID:
            self._respond(401, bodies.v1_authentication_error(), headers=[("WWW-Authenticate", WWW_AUTHENTICATE)])
            return
        if path.startswith(ACCOUNTS_PREFIX) and "/" not in path[len(ACCOUNTS_PREFIX) :] and self.command == "GET":
            key = unquote(path[len(ACCOUNTS_PREFIX) :])
            if key.startswith(MISSING_ACCOUNT_PREFIX):
                self._respond(404, bodies.account_not_found(key))
            else:
                self._respond(200, bodies.account(key))
            return
        self._respond(200, bodies.echo(self.command, path, body))

    # -- writing --------------------------------------------------------------------------------------------

    def _respond(
        self, status: int, body: bytes, *, headers: Headers = (), overrides: Headers = (), cut: bool = False
    ) -> None:
        """Write one answer with Zuora's standard headers; ``cut`` resets the connection halfway through the body."""
        merged: dict[str, tuple[str, str]] = {}
        removed: set[str] = set()

        def put(name: str, value: str | None) -> None:
            key = name.lower()
            if value is None:
                merged.pop(key, None)
                removed.add(key)
            else:
                merged[key] = (name, value)
                removed.discard(key)

        if body:
            put("Content-Type", JSON_CONTENT_TYPE)
        put(HEADER_REQUEST_ID, str(uuid.uuid4()))
        request_headers = getattr(self, "headers", None)  # absent when the request line itself was bad
        track_id = request_headers.get(HEADER_TRACK_ID) if request_headers is not None else None
        if track_id:
            put(HEADER_TRACK_ID, track_id)
        for name, value in (*headers, *overrides):
            put(name, value)
        length = merged.get("content-length")
        if length is None and "content-length" not in removed:
            put("Content-Length", str(len(body)))
        elif length is None or length[1].strip() != str(len(body)):
            self.close_connection = True  # the framing is deliberately wrong; never reuse this connection
        if self.close_connection and "connection" not in merged:
            put("Connection", "close")
        self.send_response(status)
        for name, value in merged.values():
            self.send_header(name, value)
        self.end_headers()
        if cut:
            self.wfile.write(body[: len(body) // 2])
            self._abort()
        elif body and self.command != "HEAD":
            self.wfile.write(body)


def _split_target(target: str) -> tuple[str, str]:
    """Path and query of origin-form (``/a?b``) or absolute-form (``http://h/a?b``) request targets."""
    if target.startswith("/"):
        path, _, query = target.partition("#")[0].partition("?")
        return path, query
    parts = urlsplit(target)
    return parts.path or "/", parts.query


def _form_problem(form_pairs: list[tuple[str, str]] | None) -> tuple[int, str] | None:
    """(code, message) for a form Zuora would reject with 400, checked field by field; None if acceptable."""
    if form_pairs is None:
        return CODE_MALFORMED_REQUEST, "Malformed form body"
    names = [name for name, _ in form_pairs]
    duplicated = sorted({name for name in names if name in REQUIRED_FIELDS and names.count(name) > 1})
    if duplicated:
        return CODE_MALFORMED_REQUEST, f"Duplicate parameter: {duplicated[0]}"
    form = dict(form_pairs)
    missing = [name for name in REQUIRED_FIELDS if not _FILLED.search(form.get(name, ""))]
    if missing:
        return CODE_MISSING_PARAMETER, f"Missing required parameter: {missing[0]}"
    if form["grant_type"] != GRANT_TYPE:
        return CODE_INVALID_GRANT_TYPE, f"Invalid grant type: {form['grant_type']!r}; only '{GRANT_TYPE}' is supported"
    return None


def _media_type(content_type: str | None) -> str:
    """``application/x-www-form-urlencoded; charset=UTF-8`` -> ``application/x-www-form-urlencoded``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _bearer_token(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _placeholder_body(path: str) -> bytes:
    """A plausible success body for truncated answers; its token is never registered as issued."""
    if path == OAUTH_PATH:
        return bodies.token_success(uuid.uuid4().hex, 3600, "truncated", uuid.uuid4().hex)
    return bodies.echo("GET", path, b"")

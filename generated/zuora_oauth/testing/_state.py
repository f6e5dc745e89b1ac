# Generated from templates/runtime/testing/_state.py by make generate: edit that file, not this copy.
"""State shared by every connection of one fake: credentials, settings, records, script and tokens."""

import hmac
import secrets
import string
import threading
import uuid
from collections import deque

from ._constants import RATE_LIMIT_PER_MINUTE
from ._recording import RequestLog, Scrubber
from ._script import Script
from ._tokens import TokenRegistry

_SECRET_ALPHABET = string.ascii_letters + string.digits
_FORM_SENSITIVE = "+/="
_MAX_ERRORS = 100


def generate_secret(length: int = 40) -> str:
    """Random secret that always contains ``+``, ``/`` and ``=``, like real Zuora secrets.

    Those characters change meaning when a client forgets to form-encode the body, so the default
    credentials catch that bug.
    """
    chars = [secrets.choice(_SECRET_ALPHABET) for _ in range(length - len(_FORM_SENSITIVE))]
    for special in _FORM_SENSITIVE:
        chars.insert(secrets.randbelow(len(chars) + 1), special)
    return "".join(chars)


class Credentials:
    """The one client id/secret pair the fake accepts; the repr never shows the secret."""

    __slots__ = ("client_id", "client_secret")

    def __init__(self, client_id: str, client_secret: str) -> None:
        if not client_id or not client_secret:
            raise ValueError("client_id and client_secret must be non-empty")
        self.client_id = client_id
        self.client_secret = client_secret

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id!r}, client_secret='****')"

    def matches(self, client_id: str, client_secret: str) -> bool:
        """Constant-time comparison of both values."""
        id_ok = hmac.compare_digest(client_id.encode("utf-8"), self.client_id.encode("utf-8"))
        secret_ok = hmac.compare_digest(client_secret.encode("utf-8"), self.client_secret.encode("utf-8"))
        return id_ok and secret_ok


def check_seconds(name: str, value: float) -> float:
    """Reject negative or non-numeric durations early, in the caller's thread."""
    seconds = float(value)
    if not seconds >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    return seconds


class FakeState:
    """Everything the request handlers share; all mutable parts are lock-protected."""

    def __init__(self, credentials: Credentials, expires_in: float, token_delay: float) -> None:
        self.credentials = credentials
        self._secrets = [credentials.client_secret]  # every secret accepted so far, all masked in the records
        self.scrub = Scrubber(*self._secrets)
        self.log = RequestLog()
        self.script = Script()
        self.tokens = TokenRegistry()
        self.user_id = secrets.token_hex(16)
        self.entity_id = str(uuid.uuid4())
        self._lock = threading.Lock()
        self._expires_in = check_seconds("expires_in", expires_in)
        self._token_delay = check_seconds("token_delay", token_delay)
        self._issued_at: deque[float] = deque()
        self._errors: list[str] = []
        # access token -> (Zuora-Track-Id of its token request, client port of the connection it came on)
        self._issued_to: dict[str, tuple[str | None, int]] = {}

    @property
    def expires_in(self) -> float:
        with self._lock:
            return self._expires_in

    @expires_in.setter
    def expires_in(self, value: float) -> None:
        seconds = check_seconds("expires_in", value)
        with self._lock:
            self._expires_in = seconds

    @property
    def token_delay(self) -> float:
        with self._lock:
            return self._token_delay

    @token_delay.setter
    def token_delay(self, value: float) -> None:
        seconds = check_seconds("token_delay", value)
        with self._lock:
            self._token_delay = seconds

    def rotate_secret(self, client_secret: str) -> None:
        """Accept ``client_secret`` instead of the current secret from now on (the client id stays)."""
        credentials = Credentials(self.credentials.client_id, client_secret)
        with self._lock:
            self._secrets.append(client_secret)
            self.scrub = Scrubber(*self._secrets)
            self.credentials = credentials

    def rate_remaining(self, now: float) -> int:
        """Count one issued token in a sliding minute and return Zuora's ``Remaining`` header value."""
        with self._lock:
            while self._issued_at and self._issued_at[0] <= now - 60.0:
                self._issued_at.popleft()
            self._issued_at.append(now)
            return max(0, RATE_LIMIT_PER_MINUTE - len(self._issued_at))

    def scope(self, entity_ids: str | None) -> str:
        """Zuora-like scope naming the entity the token was issued for."""
        entity = (entity_ids or "").split(",")[0].strip() or self.entity_id
        return f"user.{self.user_id} entity.{entity} service.echo.read tenant.19"

    def note_issue(self, access_token: str, track_id: str | None, client_port: int) -> None:
        """Remember who asked for ``access_token``: the request's ``Zuora-Track-Id`` and its connection."""
        with self._lock:
            self._issued_to[access_token] = (track_id, client_port)

    def issued_to(self, access_token: str) -> tuple[str | None, int] | None:
        with self._lock:
            return self._issued_to.get(access_token)

    def record_error(self, error: BaseException) -> None:
        """Keep handler bugs visible to tests without printing anything."""
        with self._lock:
            if len(self._errors) < _MAX_ERRORS:
                self._errors.append(self.scrub(f"{type(error).__name__}: {error}"))

    @property
    def errors(self) -> list[str]:
        with self._lock:
            return list(self._errors)

    def clear(self) -> None:
        """Forget records, counters and errors, keeping tokens, settings and the script."""
        self.log.clear()
        self.tokens.clear_records()
        with self._lock:
            self._errors.clear()

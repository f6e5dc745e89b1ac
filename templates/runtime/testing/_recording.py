"""What the fake saw, stored so that no secret can leak through a record, its repr or a test failure message."""

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

from ._constants import MASK, OAUTH_PATH

_QUERY_SECRET = re.compile(r"(^|[&;])(client_secret=)[^&;]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as received, with credentials masked.

    ``headers`` maps lower-cased header names to values (repeated headers joined with ``", "``); the
    ``Authorization`` value is masked to ``Bearer ****<last4>`` for bearer tokens and ``****`` otherwise.
    ``form`` is the parsed form body of ``/oauth/token`` requests (first value per field) with
    ``client_secret`` replaced by ``****``; it is empty for other paths and non-form bodies.
    ``at`` is ``time.monotonic()`` when the request had been read completely.
    """

    method: str
    path: str
    query: str
    headers: dict[str, str]
    form: dict[str, str]
    body_size: int
    authorization_present: bool
    at: float


def mask_authorization(value: str) -> str:
    """Keep just enough of a bearer token to tell tokens apart; hide every other scheme entirely."""
    scheme, _, credentials = value.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer" and len(credentials) >= 12:
        return f"Bearer {MASK}{credentials[-4:]}"
    return MASK


class Scrubber:
    """Replace every spelling of the configured secrets (the current one and any rotated away), so a client that
    leaks one anywhere cannot leak it here."""

    __slots__ = ("_variants",)

    def __init__(self, *secrets: str) -> None:
        variants = {variant for secret in secrets for variant in (secret, quote(secret, safe=""), quote_plus(secret))}
        self._variants = sorted((v for v in variants if v), key=len, reverse=True)

    def __repr__(self) -> str:
        return "Scrubber(****)"

    def __call__(self, text: str) -> str:
        for variant in self._variants:
            text = text.replace(variant, MASK)
        return text

    def query(self, query: str) -> str:
        """Mask ``client_secret`` query parameters (a client bug) as well as the secret itself."""
        return self(_QUERY_SECRET.sub(rf"\g<1>\g<2>{MASK}", query))

    def headers(self, items: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Lower-case names, join repeats, mask ``Authorization``."""
        result: dict[str, str] = {}
        for name, raw in items:
            key = name.lower()
            value = mask_authorization(raw) if key == "authorization" else self(raw)
            result[key] = f"{result[key]}, {value}" if key in result else value
        return result

    def form(self, pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
        """First value per field, ``client_secret`` always masked whether right or wrong."""
        result: dict[str, str] = {}
        for name, value in pairs:
            key = self(name)
            if key not in result:
                result[key] = MASK if name == "client_secret" else self(value)
        return result


class RequestLog:
    """Thread-safe, ordered record of every request plus the counters tests assert on."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._records: list[RecordedRequest] = []
        self._token_requests = 0
        self._authorization_on_token = False

    def add(self, record: RecordedRequest) -> None:
        """Store a record and wake anyone waiting for it."""
        with self._cond:
            self._records.append(record)
            if record.path == OAUTH_PATH:
                if record.method == "POST":
                    self._token_requests += 1
                if record.authorization_present:
                    self._authorization_on_token = True
            self._cond.notify_all()

    def snapshot(self, path: str | None = None) -> list[RecordedRequest]:
        """A copy, optionally for one path, so callers never observe concurrent appends."""
        with self._cond:
            return [r for r in self._records if path is None or r.path == path]

    @property
    def token_requests(self) -> int:
        """POST requests to ``/oauth/token``, whatever their outcome."""
        with self._cond:
            return self._token_requests

    @property
    def authorization_on_token(self) -> bool:
        """True once any ``/oauth/token`` request carried an ``Authorization`` header."""
        with self._cond:
            return self._authorization_on_token

    def wait_for(self, count: int, path: str | None, timeout: float) -> bool:
        """Block until at least ``count`` matching requests were recorded; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: sum(1 for r in self._records if path is None or r.path == path) >= count, timeout
            )

    def clear(self) -> None:
        """Forget records and counters."""
        with self._cond:
            self._records.clear()
            self._token_requests = 0
            self._authorization_on_token = False

# Generated from templates/runtime/testing/_tokens.py by make generate: edit that file, not this copy.
"""Server-side token bookkeeping, so tests can prove a client never uses a token past its real expiry."""

import enum
import secrets
import threading
from dataclasses import dataclass


class TokenVerdict(enum.Enum):
    """Outcome of checking a bearer token on the protected endpoint."""

    VALID = "valid"
    MISSING = "missing"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True, repr=False)
class IssuedToken:
    """A token handed out by the fake; times are ``time.monotonic()`` values of the server."""

    access_token: str
    issued_at: float
    expires_at: float
    entity_ids: str | None

    def __repr__(self) -> str:
        """The token masked like every token the SDK shows (``****`` and its last four characters)."""
        return (
            f"IssuedToken(access_token={_masked(self.access_token)!r}, issued_at={self.issued_at!r}, "
            f"expires_at={self.expires_at!r}, entity_ids={self.entity_ids!r})"
        )


def _masked(token: str) -> str:
    """zuora_oauth's ``mask``, written out here: the fake server depends on the standard library only."""
    return "****" + token[-4:] if len(token) >= 16 else "****"


def _normalise_entities(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


class TokenRegistry:
    """Thread-safe registry of issued and revoked tokens with misuse counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, IssuedToken] = {}
        self._order: list[str] = []
        self._revoked: set[str] = set()
        self._expired_uses = 0
        self._revoked_uses = 0
        self._unknown_uses = 0
        self._entity_mismatch_uses = 0

    def issue(self, expires_in: float, entity_ids: str | None, now: float) -> IssuedToken:
        """Create a fresh opaque token valid until ``now + expires_in``."""
        issued = IssuedToken(secrets.token_hex(16), now, now + expires_in, _normalise_entities(entity_ids))
        with self._lock:
            self._tokens[issued.access_token] = issued
            self._order.append(issued.access_token)
        return issued

    def check(self, token: str | None, entity_ids: str | None, now: float) -> TokenVerdict:
        """Classify a presented token and count misuse; revocation wins over expiry."""
        if not token:
            return TokenVerdict.MISSING
        with self._lock:
            issued = self._tokens.get(token)
            if token in self._revoked:
                self._revoked_uses += 1
                return TokenVerdict.REVOKED
            if issued is None:
                self._unknown_uses += 1
                return TokenVerdict.UNKNOWN
            if now >= issued.expires_at:
                self._expired_uses += 1
                return TokenVerdict.EXPIRED
            if issued.entity_ids != _normalise_entities(entity_ids):
                self._entity_mismatch_uses += 1
            return TokenVerdict.VALID

    def info(self, token: str) -> IssuedToken | None:
        """Details of a token this fake issued."""
        with self._lock:
            return self._tokens.get(token)

    def revoke(self, token: str) -> None:
        """Invalidate one token for the protected endpoint."""
        with self._lock:
            self._revoked.add(token)

    def revoke_all(self) -> None:
        """Invalidate every token issued so far; later tokens stay valid."""
        with self._lock:
            self._revoked.update(self._tokens)

    def issued(self) -> list[str]:
        """Tokens in issue order since the last ``clear_records``."""
        with self._lock:
            return list(self._order)

    def counters(self) -> tuple[int, int, int, int]:
        """(expired, revoked, unknown, entity mismatch) uses, read atomically."""
        with self._lock:
            return self._expired_uses, self._revoked_uses, self._unknown_uses, self._entity_mismatch_uses

    def clear_records(self) -> None:
        """Reset the issue list and counters; issued tokens keep their server-side validity."""
        with self._lock:
            self._order.clear()
            self._expired_uses = self._revoked_uses = self._unknown_uses = self._entity_mismatch_uses = 0

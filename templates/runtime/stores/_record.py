"""What a token store keeps: one token with its wall-clock lifetime, and the key it is filed under."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from typing import Any, NamedTuple

from .._exceptions import ApiError, error_class_for_status
from .._masking import mask
from .._schedule import CREDENTIAL_BACKOFF_MAX, credential_backoff, is_refusal


class TokenRecord(NamedTuple):
    """An access token and when it expires, in wall-clock epoch seconds (monotonic clocks do not cross processes).

    Never holds the client secret. ``issued_at`` is when the token request was sent, so ``expires_at`` errs early.
    """

    access_token: str
    expires_at: float
    issued_at: float
    token_type: str = "bearer"
    scope: str | None = None

    def __repr__(self) -> str:
        return (
            f"TokenRecord(access_token={mask(self.access_token)!r}, expires_at={self.expires_at!r}, "
            f"issued_at={self.issued_at!r}, token_type={self.token_type!r}, scope={self.scope!r})"
        )

    @property
    def lifetime(self) -> float:
        """Seconds between issue and expiry."""
        return self.expires_at - self.issued_at

    def to_json(self) -> str:
        """The record as the JSON text the shared stores keep."""
        return json.dumps(self._asdict(), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> TokenRecord | None:
        """The record in ``text``, or None when it is not a well-formed record (a corrupt file, a foreign key)."""
        try:
            data: Any = json.loads(text)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict):
            return None
        token, token_type, scope = data.get("access_token"), data.get("token_type", "bearer"), data.get("scope")
        expires_at, issued_at = _time(data.get("expires_at")), _time(data.get("issued_at"))
        if not (isinstance(token, str) and token and isinstance(token_type, str)):
            return None
        if expires_at is None or issued_at is None or expires_at <= issued_at:
            return None
        if scope is not None and not isinstance(scope, str):
            return None
        return cls(access_token=token, expires_at=expires_at, issued_at=issued_at, token_type=token_type, scope=scope)


class Refusal(NamedTuple):
    """The token endpoint refused these credentials (401 or 403): no process of the fleet asks again before ``until``.

    A shared store keeps it under the identity's key in place of a token record, so every process with that identity
    (whose key holds a fingerprint of the secret) backs off together and raises the same error; ``refusals`` counts
    the refusals in a row, so the back-off keeps doubling across the fleet. A token written later replaces it.
    ``until`` is wall-clock epoch seconds, and ``now`` the caller's wall clock; nothing secret is kept (the message
    was already masked in the error).
    """

    code: int
    message: str
    request_id: str | None
    refusals: int
    until: float

    @classmethod
    def after(cls, error: ApiError, previous: Refusal | None, now: float) -> Refusal:
        """The marker to file after ``error`` (a 401 or 403), continuing the count of an expired ``previous``."""
        refusals = previous.refusals + 1 if previous is not None else 1
        return cls(
            code=error.code,
            message=error.message[:_MAX_MESSAGE],
            request_id=error.request_id,
            refusals=refusals,
            until=now + credential_backoff(refusals),
        )

    def active(self, now: float) -> bool:
        """Whether the back-off still runs (bounded, so a clock far ahead on another host cannot extend it)."""
        remaining = self.until - now
        return 0 < remaining <= 2 * CREDENTIAL_BACKOFF_MAX

    def keep_for(self, now: float) -> float:
        """Seconds a store keeps the marker: its back-off, then as long again as the longest one to count repeats."""
        return self.until - now + CREDENTIAL_BACKOFF_MAX

    def error(self) -> ApiError:
        """The typed error to raise, as the process that was refused raised it (same class, code and message)."""
        headers = {"Zuora-Request-Id": self.request_id} if self.request_id else None
        return error_class_for_status(self.code)(self.message, code=self.code, response_headers=headers)

    def to_json(self) -> str:
        """The marker as the JSON text the shared stores keep."""
        return json.dumps({"refused": self._asdict()}, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> Refusal | None:
        """The marker in ``text``, or None when it is not a well-formed one."""
        try:
            data: Any = json.loads(text)
        except (ValueError, RecursionError):
            return None
        fields = data.get("refused") if isinstance(data, dict) else None
        if not isinstance(fields, dict):
            return None
        code, message, request_id = fields.get("code"), fields.get("message"), fields.get("request_id")
        refusals, until = fields.get("refusals"), _time(fields.get("until"))
        if not (isinstance(code, int) and isinstance(message, str) and isinstance(refusals, int) and until):
            return None
        if not is_refusal(code) or isinstance(refusals, bool) or not 0 < refusals <= _MAX_REFUSALS:
            return None
        if request_id is not None and not isinstance(request_id, str):
            return None
        return cls(code, message[:_MAX_MESSAGE], request_id, refusals, until)


#: What a store may hold under a key: a token, a refusal of the credentials, or nothing usable.
Stored = TokenRecord | Refusal | None


def parse_stored(text: str | bytes) -> Stored:
    """The token record or refusal marker in ``text``; None for anything else (a corrupt or foreign value)."""
    return TokenRecord.from_json(text) or Refusal.from_json(text)


_MAX_MESSAGE = 200
_MAX_REFUSALS = 10_000

#: What the secret fingerprint authenticates: a fixed label, so the fingerprint means nothing anywhere else.
_FINGERPRINT_LABEL = b"zuora-oauth token store identity v1"


def secret_fingerprint(client_secret: str) -> str:
    """A keyed hash that tells secrets apart without revealing them: HMAC-SHA256 of a fixed label, keyed with it.

    Never the secret, nor a plain hash of it (which a dictionary of candidate secrets would reverse).
    """
    return hmac.new(client_secret.encode(), _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def store_key(base_url: str, client_id: str, entity_ids: str | None, org_ids: str | None, *, client_secret: str) -> str:
    """The key of the token shared by every worker with this identity: a hash, so it reveals nothing.

    The identity is the base URL, the client id, the entity and org ids, and a fingerprint of the client secret
    (:func:`secret_fingerprint`): a process with another secret (a wrong one, or one rotated since) has another key
    and gets its own token from Zuora, never the fleet's.
    """
    identity = json.dumps(
        [base_url.rstrip("/"), client_id, entity_ids or "", org_ids or "", secret_fingerprint(client_secret)]
    )
    return hashlib.sha256(identity.encode()).hexdigest()


def _time(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None

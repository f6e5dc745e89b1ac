"""What a token store keeps: one token with its wall-clock lifetime, and the key it is filed under."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any, NamedTuple

from .._masking import mask


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


def store_key(base_url: str, client_id: str, entity_ids: str | None, org_ids: str | None) -> str:
    """The key of the token shared by every worker with this identity: a hash, so it reveals nothing."""
    identity = json.dumps([base_url.rstrip("/"), client_id, entity_ids or "", org_ids or ""])
    return hashlib.sha256(identity.encode()).hexdigest()


def _time(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None

# Generated from templates/runtime/_schedule.py by make generate: edit that file, not this copy.
"""When a token is due for refresh: the advisory and mandatory windows before its expiry."""

from __future__ import annotations

import enum
from typing import NamedTuple


class Phase(enum.Enum):
    """Where a token stands in its lifetime."""

    FRESH = "fresh"  # use it
    ADVISORY = "advisory"  # use it, and let one caller refresh it in passing
    MANDATORY = "mandatory"  # too close to expiry (or gone): wait for a new one


class RefreshSchedule(NamedTuple):
    """The refresh windows of a token of a given lifetime.

    The advisory window is the last ``advisory_margin`` seconds (Zuora's guide refreshes 300 s early) and the
    mandatory window the last ``mandatory_margin`` seconds, but never more than half and a quarter of the
    lifetime: a short-lived token is still used for most of its life. A token is "usable" until
    ``expiry_safety`` before its expiry, so an expired token is never sent even as a fallback. (ZuoraAuth checks
    that the margins are not negative.)
    """

    advisory_margin: float = 300.0
    mandatory_margin: float = 30.0

    def advisory(self, lifetime: float) -> float:
        """Seconds before expiry at which the advisory window opens."""
        return min(self.advisory_margin, lifetime / 2)

    def mandatory(self, lifetime: float) -> float:
        """Seconds before expiry at which the mandatory window opens."""
        return min(self.mandatory_margin, self.advisory(lifetime), lifetime / 4)

    @staticmethod
    def expiry_safety(lifetime: float) -> float:
        """Seconds before expiry after which a token is not sent at all, even when no new one can be had."""
        return min(1.0, lifetime / 10)

    def phase(self, remaining: float, lifetime: float) -> Phase:
        """The phase of a token with ``remaining`` of its ``lifetime`` seconds left."""
        if remaining > self.advisory(lifetime):
            return Phase.FRESH
        if remaining > self.mandatory(lifetime):
            return Phase.ADVISORY
        return Phase.MANDATORY


#: After the token endpoint refused the credentials (401 or 403), callers get that error without a new token
#: request for a back-off that starts here and doubles while the refusals repeat...
CREDENTIAL_BACKOFF_FIRST = 1.0

#: ...up to this (Zuora allows 100 token requests a minute per IP address; a wrong secret must not use them up).
CREDENTIAL_BACKOFF_MAX = 300.0


def credential_backoff(refusals: int) -> float:
    """Seconds without a token request after the ``refusals``-th refusal in a row (1 s, 2 s, 4 s... to 5 min)."""
    if refusals <= 0:
        return 0.0
    return min(CREDENTIAL_BACKOFF_FIRST * 2.0 ** min(refusals - 1, 64), CREDENTIAL_BACKOFF_MAX)


def is_refusal(code: int) -> bool:
    """Whether a token endpoint status says the credentials themselves were refused (not a passing fault)."""
    return code in (401, 403)

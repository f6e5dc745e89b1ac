# Generated from templates/runtime/_retry_after.py by make generate: edit that file, not this copy.
"""How long the server asked us to wait: ``Retry-After`` (seconds or HTTP date) or ``RateLimit-Reset``."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait (never negative), or None when no header says or none can be read.

    ``Retry-After`` wins over ``RateLimit-Reset`` (IETF RateLimit draft: seconds until the window resets).
    ``now`` is the wall-clock time an HTTP date is measured from.
    """
    for name in ("retry-after", "ratelimit-reset"):
        value = headers.get(name)
        if value is None:
            continue
        seconds = _seconds(value.strip(), time.time() if now is None else now)
        if seconds is not None:
            return seconds
    return None


def _seconds(value: str, now: float) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        return _seconds_until_date(value, now)
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def _seconds_until_date(value: str, now: float) -> float | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # "-0000": RFC 9110 dates are GMT anyway
        moment = moment.replace(tzinfo=UTC)
    return max(moment.timestamp() - now, 0.0)

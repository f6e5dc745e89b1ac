"""The retry policy of every generated operation and of ZuoraAuth's token requests: one place to change it."""

from __future__ import annotations

import random
from typing import NamedTuple

from ._exceptions import ApiConnectionError, ApiError, ServerError

#: Statuses worth another try: rate limited, timed out at a proxy, and every server or gateway fault.
RETRYABLE_STATUSES = frozenset({408, 429})


class RetryPolicy(NamedTuple):
    """Exponential backoff with jitter that honours the server's ``Retry-After``/``RateLimit-Reset``.

    Retries 408, 429, every 5xx, connection failures and timeouts; never 400, 401, 403 or other statuses, which
    another try cannot fix. A wait asked by the server longer than ``max_retry_after`` is not waited out: the
    error is raised at once (its ``retry_after`` tells the caller). ``max_total_delay`` bounds all the sleeping
    of one call, so a call ends in bounded time whatever the server says.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    max_total_delay: float = 60.0

    def is_retryable(self, error: ApiError) -> bool:
        """Whether another attempt can succeed where this one failed."""
        return isinstance(error, ApiConnectionError | ServerError) or error.code in RETRYABLE_STATUSES

    def delay_before_retry(self, error: ApiError, retries_done: int, slept: float) -> float | None:
        """Seconds to sleep before retry number ``retries_done + 1``, or None when the error must be raised."""
        if retries_done >= self.max_retries or not self.is_retryable(error):
            return None
        if error.retry_after is not None:
            if error.retry_after > self.max_retry_after:
                return None
            delay = error.retry_after
        else:
            backoff = min(self.initial_delay * 2**retries_done, self.max_delay)
            delay = backoff * random.uniform(0.75, 1.0)  # noqa: S311 (jitter, not cryptography)
        if slept + delay > self.max_total_delay:
            return None
        return delay

# Generated from templates/runtime/_retry.py by make generate: edit that file, not this copy.
"""The retry policy of every generated operation and of ZuoraAuth's token requests: one place to change it.

Which failures are retried depends on the method, because a retry must never perform a write twice:

| failure | GET, HEAD, OPTIONS, PUT, DELETE, TRACE | POST, PATCH with an Idempotency-Key | POST, PATCH without one |
|---|---|---|---|
| connection never opened (refused, DNS, connect timeout) | retried | retried | retried |
| 429 | retried | retried | retried |
| 408, 5xx, reset or timeout after sending | retried | retried | **not retried** |
| 409 (Zuora: the first attempt with this key is still running) | not retried | retried | not retried |
| 400, 401, 403, 404, other statuses, a malformed answer | not retried | not retried | not retried |

Generated modules send an Idempotency-Key on every POST and PATCH, so in practice only a caller who removes it
loses the retries after sending. Zuora's token request is marked replay-safe (a second token is harmless).
"""

from __future__ import annotations

import random
from typing import NamedTuple

from ._exceptions import ApiConnectionError, ApiError, ServerError

#: Statuses worth another try: rate limited, timed out at a proxy, and every server or gateway fault.
RETRYABLE_STATUSES = frozenset({408, 429})

#: Methods whose repetition has the effect of one request (RFC 9110 idempotent methods).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})

#: Methods Zuora accepts an ``Idempotency-Key`` on (a key on PUT is answered 400).
KEYED_METHODS = frozenset({"POST", "PATCH"})


def may_repeat(error: ApiError, *, method: str, idempotency_key: bool, replay_safe: bool = False) -> bool:
    """Whether sending the request again after ``error`` cannot perform its effect twice (the table above)."""
    if isinstance(error, ApiConnectionError) and not error.request_sent:
        return True
    if error.code == 429:
        return True
    keyed = idempotency_key and method.upper() in KEYED_METHODS
    if error.code == 409:
        return keyed
    return replay_safe or keyed or method.upper() in IDEMPOTENT_METHODS


class RetryPolicy(NamedTuple):
    """Exponential backoff with jitter that honours the server's ``Retry-After``/``RateLimit-Reset``.

    Retries 408, 429, every 5xx, connection failures and timeouts (and 409 for keyed writes), within what
    :func:`may_repeat` allows for the method; never 400, 401, 403 or other statuses, which another try cannot fix.
    A wait asked by the server longer than ``max_retry_after`` is not waited out: the error is raised at once (its
    ``retry_after`` tells the caller). ``max_total_delay`` bounds all the sleeping of one call, so a call ends in
    bounded time whatever the server says.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    max_total_delay: float = 60.0

    def is_retryable(self, error: ApiError) -> bool:
        """Whether another attempt can succeed where this one failed (before asking whether it is safe)."""
        return isinstance(error, ApiConnectionError | ServerError) or error.code in RETRYABLE_STATUSES

    def delay_before_retry(
        self,
        error: ApiError,
        retries_done: int,
        slept: float,
        *,
        method: str = "GET",
        idempotency_key: bool = False,
        replay_safe: bool = False,
        jitter: float | None = None,
    ) -> float | None:
        """Seconds to sleep before retry number ``retries_done + 1``, or None when the error must be raised.

        ``slept`` is what the call slept already (the total stays within ``max_total_delay``); ``jitter`` (in
        [0, 1], random when None) is the one of :meth:`backoff`.
        """
        if retries_done >= self.max_retries:
            return None
        conflict = error.code == 409 and idempotency_key
        if not (self.is_retryable(error) or conflict):
            return None
        if not may_repeat(error, method=method, idempotency_key=idempotency_key, replay_safe=replay_safe):
            return None
        if error.retry_after is not None:
            if error.retry_after > self.max_retry_after:
                return None
            delay = error.retry_after
        else:
            delay = self.backoff(retries_done, random.random() if jitter is None else jitter)  # noqa: S311
        if slept + delay > self.max_total_delay:
            return None
        return delay

    def backoff(self, retries_done: int, jitter: float) -> float:
        """The wait before retry number ``retries_done + 1`` when the server asks none: ``initial_delay`` doubled
        per retry done, at most ``max_delay``, less up to a quarter (``jitter`` in [0, 1]) so that callers who
        failed together do not retry together."""
        return min(self.initial_delay * 2.0 ** min(retries_done, 64), self.max_delay) * (1.0 - jitter / 4)

"""The pure decisions, table by table: every expected value is written out here, never computed by the code under test.

Retry policy (which failures are retried, the backoff formula, the 60 s budget), the refresh windows, the credential
back-off, Retry-After parsing, the error class of each status, and the refusal markers of the shared stores.
"""

from __future__ import annotations

import httpx
import pytest

from tests._fake_clock import WALL_START
from zuora_oauth import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from zuora_oauth._exceptions import error_class_for_status
from zuora_oauth._retry import RetryPolicy, may_repeat
from zuora_oauth._retry_after import parse_retry_after
from zuora_oauth._schedule import Phase, RefreshSchedule, credential_backoff, is_refusal
from zuora_oauth.stores._flight import Waiting
from zuora_oauth.stores._record import Refusal, TokenRecord
from zuora_oauth.stores._redis_backend import record_ttl_ms


def status(code: int, retry_after: str | None = None) -> ApiError:
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    return error_class_for_status(code)(f"status {code}", code=code, response_headers=headers)


NEVER_SENT = ApiConnectionError("refused", request_sent=False)
RESET_AFTER_SENDING = ApiConnectionError("reset", request_sent=True)
TIMEOUT_AFTER_SENDING = ApiTimeoutError(request_sent=True)


# -- the error class of each status (the README's table) ---------------------------------------------------------

STATUS_CLASSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (429, RateLimitError),
    (500, ServerError),
    (502, ServerError),
    (503, ServerError),
    (504, ServerError),
    (520, ServerError),
    (599, ServerError),
    (100, ApiError),
    (302, ApiError),
    (405, ApiError),
    (408, ApiError),
    (409, ApiError),
    (418, ApiError),
    (422, ApiError),
    (499, ApiError),
    (600, ApiError),
]


@pytest.mark.parametrize(("code", "expected"), STATUS_CLASSES)
def test_the_error_class_of_each_status(code: int, expected: type[ApiError]) -> None:
    assert error_class_for_status(code) is expected


# -- which failures may be sent again (the README's retry table) -------------------------------------------------

#: (error, GET, POST with an Idempotency-Key, POST without one)
REPEAT_TABLE = [
    (NEVER_SENT, True, True, True),
    (status(429), True, True, True),
    (status(408), True, True, False),
    (status(500), True, True, False),
    (status(503), True, True, False),
    (RESET_AFTER_SENDING, True, True, False),
    (TIMEOUT_AFTER_SENDING, True, True, False),
    (status(409), False, True, False),
]


@pytest.mark.parametrize(("error", "get", "keyed_post", "bare_post"), REPEAT_TABLE)
def test_what_may_be_repeated(error: ApiError, get: bool, keyed_post: bool, bare_post: bool) -> None:
    assert may_repeat(error, method="GET", idempotency_key=False) is get
    assert may_repeat(error, method="post", idempotency_key=True) is keyed_post
    assert may_repeat(error, method="POST", idempotency_key=False) is bare_post
    assert may_repeat(error, method="PATCH", idempotency_key=False) is bare_post
    assert may_repeat(error, method="PUT", idempotency_key=True) is get  # no key on PUT: an idempotent method


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"])
def test_idempotent_methods_repeat_after_sending(method: str) -> None:
    assert may_repeat(status(503), method=method, idempotency_key=False)


def test_a_replay_safe_post_repeats_like_a_get() -> None:
    assert may_repeat(status(503), method="POST", idempotency_key=False, replay_safe=True)
    assert not may_repeat(status(409), method="POST", idempotency_key=False, replay_safe=True)


# -- the backoff formula ---------------------------------------------------------------------------------------

#: (retries done, jitter in [0, 1], seconds): 0.5 s doubling to 8 s, less up to a quarter.
BACKOFFS = [
    (0, 0.0, 0.5),
    (0, 1.0, 0.375),
    (0, 0.5, 0.4375),
    (1, 0.0, 1.0),
    (2, 0.0, 2.0),
    (3, 0.0, 4.0),
    (3, 1.0, 3.0),
    (4, 0.0, 8.0),
    (4, 1.0, 6.0),
    (5, 0.0, 8.0),
    (60, 0.0, 8.0),
    (5000, 1.0, 6.0),  # no overflow however many retries a caller allows
]


@pytest.mark.parametrize(("retries_done", "jitter", "seconds"), BACKOFFS)
def test_the_backoff_formula(retries_done: int, jitter: float, seconds: float) -> None:
    assert RetryPolicy().backoff(retries_done, jitter) == seconds


def test_backoff_settings_change_the_formula() -> None:
    policy = RetryPolicy(initial_delay=0.1, max_delay=0.3)
    assert [policy.backoff(n, 0.0) for n in range(4)] == [0.1, 0.2, 0.3, 0.3]


def test_random_jitter_stays_within_a_quarter_below_the_backoff() -> None:
    policy = RetryPolicy(max_retries=5)
    for retries_done, top in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0)]:
        delays = [policy.delay_before_retry(status(503), retries_done, 0.0) for _ in range(200)]
        assert all(delay is not None and top * 0.75 <= delay <= top for delay in delays)
        assert len(set(delays)) > 1  # jittered, not fixed


#: (error, method, keyed, replay safe, retries done, slept, expected delay with jitter 0, or None: raise)
DELAYS = [
    (status(503), "GET", False, False, 0, 0.0, 0.5),
    (status(503), "GET", False, False, 1, 0.5, 1.0),
    (status(503), "GET", False, False, 2, 1.5, None),  # max_retries=2 reached
    (status(503), "POST", False, False, 0, 0.0, None),  # a write without a key is not repeated after sending
    (status(503), "POST", True, False, 0, 0.0, 0.5),
    (status(503), "POST", False, True, 0, 0.0, 0.5),  # the token request
    (status(500), "DELETE", False, False, 0, 0.0, 0.5),
    (status(408), "GET", False, False, 0, 0.0, 0.5),
    (status(429), "POST", False, False, 0, 0.0, 0.5),
    (status(429, "3"), "GET", False, False, 0, 0.0, 3.0),  # the server's wait, exactly, without jitter
    (status(429, "0"), "GET", False, False, 0, 0.0, 0.0),
    (status(503, "60"), "GET", False, False, 0, 0.0, 60.0),  # max_retry_after is allowed...
    (status(503, "61"), "GET", False, False, 0, 0.0, None),  # ...a longer wait is not waited out
    (status(409), "POST", True, False, 0, 0.0, 0.5),  # the first attempt with this key still runs
    (status(409), "POST", False, False, 0, 0.0, None),
    (status(409), "GET", False, False, 0, 0.0, None),
    (status(400), "GET", False, False, 0, 0.0, None),
    (status(401), "GET", False, False, 0, 0.0, None),
    (status(403), "GET", False, False, 0, 0.0, None),
    (status(404), "GET", False, False, 0, 0.0, None),
    (status(422), "GET", False, False, 0, 0.0, None),
    (NEVER_SENT, "POST", False, False, 0, 0.0, 0.5),
    (RESET_AFTER_SENDING, "POST", False, False, 0, 0.0, None),
    (RESET_AFTER_SENDING, "PUT", False, False, 1, 0.5, 1.0),
    (TIMEOUT_AFTER_SENDING, "GET", False, False, 0, 0.0, 0.5),
    (status(503), "GET", False, False, 0, 59.5, 0.5),  # 60 s in all: allowed
    (status(503), "GET", False, False, 0, 59.6, None),  # past the 60 s budget
    (status(429, "30"), "GET", False, False, 1, 30.0, 30.0),
    (status(429, "30"), "GET", False, False, 1, 30.5, None),
]


@pytest.mark.parametrize(("error", "method", "keyed", "replay_safe", "done", "slept", "expected"), DELAYS)
def test_the_delay_before_each_retry(
    error: ApiError, method: str, keyed: bool, replay_safe: bool, done: int, slept: float, expected: float | None
) -> None:
    delay = RetryPolicy().delay_before_retry(
        error, done, slept, method=method, idempotency_key=keyed, replay_safe=replay_safe, jitter=0.0
    )
    assert delay == expected


def test_the_60_s_budget_ends_a_long_run_of_retries() -> None:
    """With retries to spare, the backoffs 0.5, 1, 2, 4, then 8 s each stop where the next one would pass 60 s."""
    policy = RetryPolicy(max_retries=100)
    delays: list[float] = []
    while (delay := policy.delay_before_retry(status(503), len(delays), sum(delays), jitter=0.0)) is not None:
        delays.append(delay)
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0]
    assert sum(delays) == 55.5  # one more 8 s would make 63.5


def test_a_server_asking_30_s_gets_two_retries_within_the_budget() -> None:
    policy = RetryPolicy(max_retries=100)
    delays: list[float] = []
    while (delay := policy.delay_before_retry(status(429, "25"), len(delays), sum(delays))) is not None:
        delays.append(delay)
    assert delays == [25.0, 25.0]


# -- the refresh windows ---------------------------------------------------------------------------------------

#: (advisory margin, mandatory margin, lifetime, advisory, mandatory, expiry safety), in seconds before expiry.
WINDOWS = [
    (300.0, 30.0, 3600.0, 300.0, 30.0, 1.0),
    (300.0, 30.0, 600.0, 300.0, 30.0, 1.0),
    (300.0, 30.0, 100.0, 50.0, 25.0, 1.0),  # half and a quarter of a short lifetime
    (300.0, 30.0, 4.0, 2.0, 1.0, 0.4),  # a tenth of a very short one
    (300.0, 30.0, 2.0, 1.0, 0.5, 0.2),
    (10.0, 30.0, 3600.0, 10.0, 10.0, 1.0),  # mandatory never opens before advisory
    (0.0, 30.0, 3600.0, 0.0, 0.0, 1.0),
    (600.0, 120.0, 3600.0, 600.0, 120.0, 1.0),
]


@pytest.mark.parametrize(
    ("advisory_margin", "mandatory_margin", "lifetime", "advisory", "mandatory", "safety"), WINDOWS
)
def test_the_refresh_windows(
    advisory_margin: float, mandatory_margin: float, lifetime: float, advisory: float, mandatory: float, safety: float
) -> None:
    schedule = RefreshSchedule(advisory_margin=advisory_margin, mandatory_margin=mandatory_margin)
    assert schedule.advisory(lifetime) == advisory
    assert schedule.mandatory(lifetime) == mandatory
    assert schedule.expiry_safety(lifetime) == safety


#: (advisory margin, lifetime, seconds remaining, phase)
PHASES = [
    (300.0, 3600.0, 3600.0, Phase.FRESH),
    (300.0, 3600.0, 300.001, Phase.FRESH),
    (300.0, 3600.0, 300.0, Phase.ADVISORY),  # the window opens at exactly 300 s left
    (300.0, 3600.0, 30.001, Phase.ADVISORY),
    (300.0, 3600.0, 30.0, Phase.MANDATORY),
    (300.0, 3600.0, 0.0, Phase.MANDATORY),
    (300.0, 3600.0, -10.0, Phase.MANDATORY),  # expired
    (300.0, 4.0, 2.001, Phase.FRESH),
    (300.0, 4.0, 2.0, Phase.ADVISORY),
    (300.0, 4.0, 1.0, Phase.MANDATORY),
    (10.0, 3600.0, 10.001, Phase.FRESH),
    (10.0, 3600.0, 10.0, Phase.MANDATORY),  # no advisory window when it would open after the mandatory one
    (0.0, 3600.0, 0.001, Phase.FRESH),
    (0.0, 3600.0, 0.0, Phase.MANDATORY),
]


@pytest.mark.parametrize(("advisory_margin", "lifetime", "remaining", "phase"), PHASES)
def test_the_phase_of_a_token(advisory_margin: float, lifetime: float, remaining: float, phase: Phase) -> None:
    assert RefreshSchedule(advisory_margin=advisory_margin).phase(remaining, lifetime) is phase


# -- credential refusals ---------------------------------------------------------------------------------------

#: (refusals in a row, seconds without a token request): 1 s doubling to 5 min.
CREDENTIAL_BACKOFFS = [(-1, 0.0), (0, 0.0), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (8, 128.0), (9, 256.0)]
CREDENTIAL_BACKOFFS += [(10, 300.0), (11, 300.0), (1000, 300.0), (10**9, 300.0)]


@pytest.mark.parametrize(("refusals", "seconds"), CREDENTIAL_BACKOFFS)
def test_the_credential_backoff(refusals: int, seconds: float) -> None:
    assert credential_backoff(refusals) == seconds


@pytest.mark.parametrize(("code", "refused"), [(401, True), (403, True), (400, False), (404, False), (429, False)])
def test_which_statuses_refuse_the_credentials(code: int, refused: bool) -> None:
    assert is_refusal(code) is refused
    assert is_refusal(500) is False


def test_a_refusal_marker_counts_on_and_runs_out_on_the_wall_clock() -> None:
    now = WALL_START
    first = Refusal.after(status(401), None, now)
    assert (first.code, first.refusals, first.until) == (401, 1, now + 1.0)
    assert first.active(now) and first.active(now + 0.999)
    assert not first.active(now + 1.0)
    assert first.keep_for(now) == 301.0  # its back-off, then 5 min to count a repeat
    third = Refusal.after(status(403), Refusal.after(status(401), first, now + 1), now + 3)
    assert (third.code, third.refusals, third.until) == (403, 3, now + 3 + 4.0)
    assert type(third.error()) is PermissionDeniedError and third.error().code == 403
    far = Refusal(401, "refused", None, 1, now + 601)  # a clock far ahead on another host
    assert not far.active(now)
    assert far.active(now + 1)


def test_a_refusal_marker_reads_back_and_bad_ones_are_none() -> None:
    marker = Refusal(401, "Authentication error", "req-1", 2, WALL_START + 2)
    assert Refusal.from_json(marker.to_json()) == marker
    assert marker.error().request_id == "req-1"
    for text in [
        '{"refused": {"code": 500, "message": "m", "request_id": null, "refusals": 1, "until": 1}}',
        "[]",
        "{",
    ]:
        assert Refusal.from_json(text) is None


def test_a_redis_record_lives_until_just_before_its_token_is_not_sent_any_more() -> None:
    now = WALL_START
    record = TokenRecord(access_token="t" * 32, expires_at=now + 3600, issued_at=now)
    assert record_ttl_ms(record, now) == 3_599_000  # expiry less the 1 s safety margin
    assert record_ttl_ms(record, now + 3599.5) == -500  # not written at all
    assert record_ttl_ms(Refusal(401, "m", None, 1, now + 1), now) == 301_000


def test_the_poll_interval_of_a_shared_store_is_jittered_by_a_fifth() -> None:
    pauses = [Waiting(timeout=1.0, poll_interval=0.05).pause() for _ in range(200)]
    assert all(0.04 <= pause <= 0.06 for pause in pauses)
    assert len(set(pauses)) > 1


# -- Retry-After -----------------------------------------------------------------------------------------------

#: (headers, seconds to wait) with the wall clock at WALL_START, 2023-11-14T22:13:20Z.
RETRY_AFTER = [
    ({"Retry-After": "5"}, 5.0),
    ({"retry-after": " 5 "}, 5.0),
    ({"Retry-After": "1.5"}, 1.5),
    ({"Retry-After": "0"}, 0.0),
    ({"Retry-After": "-3"}, 0.0),
    ({"Retry-After": "Tue, 14 Nov 2023 22:13:50 GMT"}, 30.0),
    ({"Retry-After": "Tue, 14 Nov 2023 22:13:50 -0000"}, 30.0),
    ({"Retry-After": "Tue, 14 Nov 2023 22:14:20 +0100"}, 0.0),  # 21:14:20 GMT: in the past
    ({"Retry-After": "Tue, 14 Nov 2023 22:00:00 GMT"}, 0.0),
    ({"RateLimit-Reset": "7"}, 7.0),
    ({"Retry-After": "2", "RateLimit-Reset": "7"}, 2.0),  # Retry-After wins
    ({"Retry-After": "soon", "RateLimit-Reset": "7"}, 7.0),  # an unreadable one is skipped
    ({"Retry-After": "nan"}, None),
    ({"Retry-After": "inf"}, None),
    ({"Retry-After": ""}, None),
    ({"Retry-After": "Tue, 99 Nov 2023 99:99:99 GMT"}, None),
    ({}, None),
]


@pytest.mark.parametrize(("headers", "seconds"), RETRY_AFTER)
def test_retry_after(headers: dict[str, str], seconds: float | None) -> None:
    assert parse_retry_after(httpx.Headers(headers), now=WALL_START) == seconds


def test_an_error_carries_the_servers_wait() -> None:
    assert status(429, "4").retry_after == 4.0
    assert status(429).retry_after is None

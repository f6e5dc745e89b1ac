"""create_token against FakeZuora over real sockets: every row of the error table, sync and async."""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests._servers import closed_port, self_signed_tls_server
from tests.conftest import CANARY_SECRET
from zuora_oauth import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AsyncOAuthApi,
    AuthenticationError,
    BadRequestError,
    Client,
    InvalidRequestError,
    MalformedResponseError,
    NotFoundError,
    OAuthApi,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from zuora_oauth.api.oauth import create_token
from zuora_oauth.models import GrantType, TokenRequest, TokenResponse
from zuora_oauth.testing import FakeZuora

Call = Callable[..., TokenResponse]


def sync_call(client: Client, *args: Any, **kwargs: Any) -> TokenResponse:
    return OAuthApi(client).create_token(*args, **kwargs)


def async_call(client: Client, *args: Any, **kwargs: Any) -> TokenResponse:
    async def run() -> TokenResponse:
        return await AsyncOAuthApi(client).create_token(*args, **kwargs)

    return asyncio.run(run())


@pytest.fixture(params=[sync_call, async_call], ids=["sync", "async"])
def call(request: pytest.FixtureRequest) -> Call:
    return request.param  # type: ignore[no-any-return]


def raised(call: Call, client: Client, client_id: str, secret: str = CANARY_SECRET, **kwargs: Any) -> ApiError:
    with pytest.raises(ApiError) as info:
        call(client, client_id, secret, **kwargs)
    error = info.value
    assert CANARY_SECRET not in str(error) and CANARY_SECRET not in repr(error)
    assert CANARY_SECRET not in error.response_body
    return error


def test_success_returns_the_token_and_sends_exactly_the_three_form_fields(fake: FakeZuora, call: Call) -> None:
    token = call(Client(base_url=fake.base_url), fake.client_id, CANARY_SECRET)

    assert token.access_token == fake.issued_tokens[-1]
    assert token.token_type == "bearer"
    assert token.expires_in == 3600.0
    (sent,) = fake.token_request_log
    assert set(sent.form) == {"client_id", "client_secret", "grant_type"}
    assert sent.form["grant_type"] == "client_credentials"
    assert sent.form["client_id"] == fake.client_id
    assert sent.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert not sent.authorization_present


def test_the_three_zuora_headers_reach_the_server(fake: FakeZuora, call: Call) -> None:
    call(
        Client(base_url=fake.base_url),
        fake.client_id,
        CANARY_SECRET,
        zuora_track_id="trace-42",
        zuora_entity_ids="1a2b7a37-3e7d-4cb3-b0e2-883de9e766cc",
        zuora_org_ids="org-1,org-2",
    )

    headers = fake.token_request_log[-1].headers
    assert headers["zuora-track-id"] == "trace-42"
    assert headers["zuora-entity-ids"] == "1a2b7a37-3e7d-4cb3-b0e2-883de9e766cc"
    assert headers["zuora-org-ids"] == "org-1,org-2"


def test_with_http_info_gives_status_headers_and_the_parsed_token(fake: FakeZuora) -> None:
    answer = OAuthApi(Client(base_url=fake.base_url)).create_token_with_http_info(
        fake.client_id, CANARY_SECRET, zuora_track_id="t-1"
    )

    assert answer.status_code == 200
    assert answer.headers["zuora-track-id"] == "t-1"
    assert answer.headers["zuora-request-id"]
    assert isinstance(answer.parsed, TokenResponse)
    assert answer.parsed.access_token == fake.issued_tokens[-1]


def test_the_generator_module_functions_keep_working(fake: FakeZuora) -> None:
    client = Client(base_url=fake.base_url)
    body = TokenRequest(client_id=fake.client_id, client_secret=CANARY_SECRET, grant_type=GrantType.CLIENT_CREDENTIALS)

    assert create_token.sync(client=client, body=body).access_token == fake.issued_tokens[-1]
    assert create_token.sync_detailed(client=client, body=body).status_code == 200
    assert asyncio.run(create_token.asyncio(client=client, body=body)).access_token == fake.issued_tokens[-1]
    assert asyncio.run(create_token.asyncio_detailed(client=client, body=body)).status_code == 200
    with pytest.raises(AuthenticationError):
        create_token.sync(client=client, body=TokenRequest(fake.client_id, "wrong", GrantType.CLIENT_CREDENTIALS))


def test_no_authorization_header_even_when_the_client_has_one_or_auth(fake: FakeZuora, call: Call) -> None:
    class StampAuth(httpx.Auth):
        def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
            request.headers["Authorization"] = "Bearer leftover"
            yield request

    client = Client(
        base_url=fake.base_url,
        headers={"Authorization": "Bearer stale", "apiAccessKeyId": "x", "apiSecretAccessKey": "y"},
        httpx_args={"auth": StampAuth()},
    )
    call(client, fake.client_id, CANARY_SECRET)

    assert not fake.authorization_sent_to_token_endpoint
    sent = fake.token_request_log[-1].headers
    assert "apiaccesskeyid" not in sent and "apisecretaccesskey" not in sent


def test_400_is_a_bad_request_error_with_zuoras_code_and_message(fake: FakeZuora, call: Call) -> None:
    error = raised(call, Client(base_url=fake.base_url), "")  # the fake refuses a blank client_id

    assert type(error) is BadRequestError
    assert error.code == 400
    assert error.reasons and isinstance(error.reasons[0].code, int)
    assert error.message == error.reasons[0].message
    assert str(error).startswith("400 Bad Request: ")


def test_401_is_an_authentication_error_with_www_authenticate(fake: FakeZuora, call: Call) -> None:
    error = raised(call, Client(base_url=fake.base_url), fake.client_id, "wrong-secret")

    assert type(error) is AuthenticationError
    assert error.code == 401
    assert error.message == "Authentication error"
    assert "Bearer realm=Zuora API" in error.response_headers["www-authenticate"]
    assert error.request_id == error.response_headers["zuora-request-id"]
    assert str(error) == f"401 Unauthorized: Authentication error (Zuora-Request-Id: {error.request_id})"
    assert fake.token_requests == 1  # 401 is never retried


def test_403_is_a_permission_denied_error(fake: FakeZuora, call: Call) -> None:
    fake.enqueue(status=403, body={"code": 90000030, "message": "Not allowed"})
    error = raised(call, Client(base_url=fake.base_url), fake.client_id)

    assert type(error) is PermissionDeniedError
    assert (error.code, error.message) == (403, "Not allowed")
    assert error.reasons[0].code == 90000030


def test_404_is_a_not_found_error(fake: FakeZuora, call: Call) -> None:
    error = raised(call, Client(base_url=fake.base_url + "/wrong-prefix"), fake.client_id)

    assert type(error) is NotFoundError
    assert error.code == 404


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"RateLimit-Reset": "12"}, 12.0),
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_429_is_a_rate_limit_error_with_retry_after(
    fake: FakeZuora, call: Call, headers: dict[str, str], expected: float | None
) -> None:
    fake.enqueue(status=429, headers=headers)
    error = raised(call, Client(base_url=fake.base_url, max_retries=0), fake.client_id)

    assert type(error) is RateLimitError
    assert error.code == 429
    assert error.retry_after == expected
    assert error.response_body == ""
    assert error.reasons == []


def test_429_retry_after_as_an_http_date(fake: FakeZuora) -> None:
    fake.enqueue(status=429, headers={"Retry-After": email.utils.formatdate(time.time() + 30, usegmt=True)})
    error = raised(sync_call, Client(base_url=fake.base_url, max_retries=0), fake.client_id)

    assert isinstance(error, RateLimitError)
    assert error.retry_after is not None and 27 <= error.retry_after <= 30


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
        (503, "", None),
        (520, "", None),
        (500, '{"success": false, "reasons": [{"code": 50000000, "message": "Internal error"}]}', "application/json"),
    ],
    ids=["html-502", "empty-503", "cloudflare-520", "json-500"],
)
def test_5xx_is_a_server_error(fake: FakeZuora, call: Call, status: int, body: str, content_type: str | None) -> None:
    fake.enqueue(status=status, body=body, headers={"Content-Type": content_type} if content_type else None)
    error = raised(call, Client(base_url=fake.base_url, max_retries=0), fake.client_id)

    assert type(error) is ServerError
    assert error.code == status
    assert error.response_body == body
    if content_type == "application/json":
        assert [(r.code, r.message) for r in error.reasons] == [(50000000, "Internal error")]
    else:
        assert error.reasons == []
        assert error.message == error.reason_phrase


@pytest.mark.parametrize("status", [302, 418, 409])
def test_any_other_status_is_a_plain_api_error(fake: FakeZuora, call: Call, status: int) -> None:
    fake.enqueue(status=status, headers={"Location": "/elsewhere"} if status == 302 else None)
    error = raised(call, Client(base_url=fake.base_url), fake.client_id)

    assert type(error) is ApiError
    assert error.code == status


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('{"access_token": "abc", "expires_in": 36', "not the expected JSON"),
        ("<html>maintenance</html>", "not the expected JSON"),
        ('["access_token", "abc"]', "must be a JSON object"),
        ('{"token_type": "bearer", "expires_in": 3599}', "TokenResponse.access_token: is missing"),
        ('{"access_token": true}', "TokenResponse.access_token: must be a string, not a boolean"),
        ('{"access_token": {"value": "abc"}}', "TokenResponse.access_token: must be a string, not an object"),
        ('{"access_token": "abc", "expires_in": "3600"}', "TokenResponse.expires_in: must be a number"),
        ('{"access_token": "abc", "expires_in": true}', "TokenResponse.expires_in: must be a number"),
        ('"just a string"', "must be a JSON object"),
        ("", "not the expected JSON"),
    ],
    ids=[
        "truncated",
        "html",
        "array",
        "no-token",
        "token-bool",
        "token-object",
        "expires-string",
        "expires-bool",
        "string",
        "empty",
    ],
)
def test_an_unusable_2xx_body_is_a_malformed_response_error(
    fake: FakeZuora, call: Call, body: str, problem: str
) -> None:
    fake.enqueue(status=200, body=body)
    error = raised(call, Client(base_url=fake.base_url), fake.client_id)

    assert type(error) is MalformedResponseError
    assert error.code == 200
    assert problem in error.message
    # The body as answered, but a token's value masked: a refused 2xx may hold a live token (issue 10).
    assert error.response_body == (body.replace('"abc"', '"****"') if '"access_token": ' in body else body)
    assert fake.token_requests == 1  # a malformed answer is not retried


def test_a_non_standard_2xx_with_a_valid_token_succeeds(fake: FakeZuora) -> None:
    fake.enqueue(status=299, body={"access_token": "tok-299-abcdefghijklmnop", "expires_in": 60, "extra": [1]})
    answer = OAuthApi(Client(base_url=fake.base_url)).create_token_with_http_info(fake.client_id, CANARY_SECRET)

    assert answer.status_code == 299
    assert answer.parsed.access_token == "tok-299-abcdefghijklmnop"
    assert answer.parsed.additional_properties == {"extra": [1]}  # unknown fields are kept


def test_a_refused_port_is_a_connection_error(call: Call) -> None:
    error = raised(call, Client(base_url=f"http://127.0.0.1:{closed_port()}", max_retries=0), "id")

    assert type(error) is ApiConnectionError
    assert error.code == 0
    assert error.response_headers == {} and error.response_body == "" and error.request_id is None
    assert error.message.startswith("Connection failed")


def test_a_connection_reset_before_the_answer_is_a_connection_error(fake: FakeZuora, call: Call) -> None:
    fake.enqueue_drop(when="before_headers")
    error = raised(call, Client(base_url=fake.base_url, max_retries=0), fake.client_id)

    assert type(error) is ApiConnectionError and error.code == 0


def test_a_reset_in_the_middle_of_the_body_is_a_connection_error(fake: FakeZuora, call: Call) -> None:
    fake.enqueue_drop(when="mid_body")
    error = raised(call, Client(base_url=fake.base_url, max_retries=0), fake.client_id)

    assert type(error) is ApiConnectionError and error.code == 0


def test_a_server_answering_after_the_timeout_is_a_timeout_error(fake: FakeZuora, call: Call) -> None:
    fake.enqueue(status=200, body={"access_token": "late-token-abcdefghijkl"}, delay=2.0)
    started = time.monotonic()
    error = raised(call, Client(base_url=fake.base_url, timeout=0.3, max_retries=0), fake.client_id)

    assert type(error) is ApiTimeoutError
    assert isinstance(error, ApiConnectionError)
    assert (error.code, error.message, str(error)) == (0, "Connection timed out", "Connection timed out")
    assert time.monotonic() - started < 1.5


def test_tls_failures_are_connection_errors(tmp_path: Path, fake: FakeZuora) -> None:
    plain_port = fake.base_url.rsplit(":", 1)[1]
    error = raised(sync_call, Client(base_url=f"https://127.0.0.1:{plain_port}", max_retries=0), "id")
    assert type(error) is ApiConnectionError

    with self_signed_tls_server(tmp_path) as url:  # TLS verification is on by default
        error = raised(sync_call, Client(base_url=url, max_retries=0), "id")
    assert type(error) is ApiConnectionError
    assert "CERTIFICATE_VERIFY_FAILED" in error.message


def test_a_dns_failure_is_a_connection_error() -> None:
    # Simulated: a real lookup would query the machine's resolver, and these tests stay on loopback.
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    client = Client(
        base_url="https://rest.zuora.invalid", max_retries=0, httpx_args={"transport": httpx.MockTransport(refuse)}
    )
    error = raised(sync_call, client, "id")

    assert type(error) is ApiConnectionError
    assert "Name or service not known" in error.message


def test_an_unknown_grant_type_is_refused_before_sending(fake: FakeZuora, call: Call) -> None:
    error = raised(call, Client(base_url=fake.base_url), fake.client_id, CANARY_SECRET, grant_type="password")

    assert type(error) is InvalidRequestError
    assert error.code == 0
    assert "client_credentials" in error.message
    assert fake.token_requests == 0


@pytest.mark.parametrize("track_id", ["caf\u00e9", "line\r\nInjected: yes"])
def test_header_values_that_cannot_be_sent_are_refused_before_sending(fake: FakeZuora, track_id: str) -> None:
    error = raised(sync_call, Client(base_url=fake.base_url), fake.client_id, CANARY_SECRET, zuora_track_id=track_id)

    assert type(error) is InvalidRequestError
    assert fake.token_requests == 0


def test_a_secret_echoed_by_the_server_is_masked_in_the_error(fake: FakeZuora) -> None:
    fake.enqueue(status=400, body={"code": 1, "message": f"bad secret {CANARY_SECRET}"})
    error = raised(sync_call, Client(base_url=fake.base_url), fake.client_id)

    assert error.message.startswith("bad secret ****")


def test_503_then_200_succeeds_after_one_retry(fake: FakeZuora) -> None:
    fake.enqueue(status=503)
    token = sync_call(Client(base_url=fake.base_url), fake.client_id, CANARY_SECRET)

    assert token.access_token == fake.issued_tokens[-1]
    assert fake.token_requests == 2


def test_retry_after_is_honoured(fake: FakeZuora) -> None:
    fake.enqueue(status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    sync_call(Client(base_url=fake.base_url), fake.client_id, CANARY_SECRET)

    assert time.monotonic() - started >= 1.0
    assert fake.token_requests == 2


def test_retries_are_exhausted_then_the_last_error_is_raised(fake: FakeZuora) -> None:
    fake.enqueue(status=502, times=2)
    fake.enqueue(status=503, times=1)
    error = raised(sync_call, Client(base_url=fake.base_url, max_retries=2), fake.client_id)

    assert (type(error), error.code) == (ServerError, 503)
    assert fake.token_requests == 3


def test_max_retries_zero_makes_a_single_attempt(fake: FakeZuora) -> None:
    fake.enqueue(status=503, times=5)
    raised(sync_call, Client(base_url=fake.base_url, max_retries=0), fake.client_id)

    assert fake.token_requests == 1


@pytest.mark.parametrize(
    ("status", "error_type"), [(400, BadRequestError), (401, AuthenticationError), (403, PermissionDeniedError)]
)
def test_client_errors_are_never_retried(fake: FakeZuora, status: int, error_type: type[ApiError]) -> None:
    fake.enqueue(status=status, body={"message": "no"}, times=3)
    error = raised(sync_call, Client(base_url=fake.base_url, max_retries=2), fake.client_id)

    assert type(error) is error_type
    assert fake.token_requests == 1


def test_a_retry_after_beyond_the_cap_is_not_waited_out(fake: FakeZuora) -> None:
    fake.enqueue(status=429, headers={"Retry-After": "3600"})
    started = time.monotonic()
    error = raised(sync_call, Client(base_url=fake.base_url, max_retries=2), fake.client_id)

    assert isinstance(error, RateLimitError) and error.retry_after == 3600
    assert fake.token_requests == 1
    assert time.monotonic() - started < 1.0

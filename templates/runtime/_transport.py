"""Send one operation's request with the shared retry policy, turning every failure into a typed ApiError.

Generated endpoint modules call :func:`send`/:func:`asend` (through ``zuora_oauth.runtime``) instead of
``httpx.Client.request``; this is what makes every module generated with these templates raise the same errors,
retry the same way (never repeating a write without an Idempotency-Key) and treat Zuora's ``"success": false``
answers as failures.
"""

from __future__ import annotations

import functools
import http.cookiejar
import logging
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, TypeVar

import httpx

from ._business import business_failure
from ._exceptions import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    InvalidRequestError,
    MalformedResponseError,
    error_class_for_status,
    error_from_response,
    malformed_response,
)
from ._masking import is_secret_name
from ._model_fields import FieldError
from ._retry import KEYED_METHODS, RetryPolicy

logger = logging.getLogger("zuora_oauth")

if TYPE_CHECKING:  # protocols for the type checker only: building Protocol classes at import time costs

    class SyncClient(Protocol):
        """What a generated ``Client`` offers the transport."""

        @property
        def max_retries(self) -> int: ...

        def get_httpx_client(self) -> httpx.Client: ...

    class AsyncClient(Protocol):
        """What a generated ``Client`` offers the async transport."""

        @property
        def max_retries(self) -> int: ...

        def get_async_httpx_client(self) -> httpx.AsyncClient: ...


T = TypeVar("T")

#: Headers that carry credentials; an operation whose ``security`` is ``[]`` sends none of them.
CREDENTIAL_HEADERS = ("authorization", "apiaccesskeyid", "apisecretaccesskey")

IDEMPOTENCY_KEY = "Idempotency-Key"


class Operation(NamedTuple, Generic[T]):
    """One generated operation, as its module's ``OPERATION``: what the transport needs besides the request.

    ``build`` turns the operation's arguments into request keyword arguments (the module's ``_get_kwargs``) and
    ``parse`` reads a 2xx answer. ``sends_credentials`` is False for an operation whose spec says
    ``security: []`` (Zuora's token request): no Authorization header or httpx auth goes with it.
    ``replay_safe`` marks a POST that may be repeated without harm (a second OAuth token), so it keeps the
    retries of idempotent methods.
    """

    method: str
    path: str
    build: Callable[..., dict[str, Any]]
    parse: Callable[[httpx.Response], T]
    sends_credentials: bool = True
    replay_safe: bool = False


class _SendableCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Keeps from answers only the cookies httpx can send back.

    httpx stores a ``Set-Cookie`` whose name or value is not ASCII, then cannot encode it into the ``Cookie``
    header of any later request: a single odd answer would make every later call of the client fail.
    """

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        if not (cookie.name.isascii() and (cookie.value or "").isascii()):
            return False
        return bool(super().set_ok(cookie, request))


def cookie_jar(cookies: Mapping[str, str]) -> http.cookiejar.CookieJar:
    """The cookie jar of a generated Client: ``cookies`` to send, and only sendable cookies kept from answers."""
    jar = http.cookiejar.CookieJar(policy=_SendableCookiePolicy())
    httpx.Cookies(jar).update(dict(cookies))  # wraps the jar itself, so the policy stays
    return jar


def send(client: SyncClient, kwargs: Mapping[str, Any], operation: Operation[T]) -> tuple[httpx.Response, T]:
    """Send with retries and parse the 2xx answer, or raise the typed error of the last attempt.

    ``operation.parse`` only ever sees a 2xx response that does not say ``"success": false``; whatever it raises
    on a body of the wrong shape becomes a MalformedResponseError, so no ValueError, KeyError or JSONDecodeError
    reaches the caller.
    """
    secrets = _secrets_of(kwargs)
    _check_headers(kwargs)
    policy = _policy(client.max_retries)
    http = client.get_httpx_client()
    kwargs = _with_idempotency_key(kwargs, operation, http.headers)
    retries = 0
    slept = 0.0
    while True:
        request, auth = _build_request(http, kwargs, operation)
        try:
            response = _raise_for_status(_send_once(http, request, auth, secrets), secrets)
            return response, _parse(response, operation, secrets)
        except ApiError as error:
            # Whether the request went with a key is read off the request itself: the client's default headers
            # are merged into it, and its event hooks (run on this very object) may have added or removed one.
            keyed = IDEMPOTENCY_KEY in request.headers
            delay = policy.delay_before_retry(
                error, retries, slept, method=operation.method, idempotency_key=keyed, replay_safe=operation.replay_safe
            )
            if delay is None:
                raise
            _log_retry(kwargs, error, retries + 1, policy.max_retries, delay)
            time.sleep(delay)
            retries += 1
            slept += delay


async def asend(client: AsyncClient, kwargs: Mapping[str, Any], operation: Operation[T]) -> tuple[httpx.Response, T]:
    """The asyncio twin of :func:`send`; sleeps with ``asyncio.sleep`` so the event loop keeps running."""
    import asyncio  # noqa: PLC0415  (only async programs pay for importing asyncio)

    secrets = _secrets_of(kwargs)
    _check_headers(kwargs)
    policy = _policy(client.max_retries)
    http = client.get_async_httpx_client()
    kwargs = _with_idempotency_key(kwargs, operation, http.headers)
    retries = 0
    slept = 0.0
    while True:
        request, auth = _build_request(http, kwargs, operation)
        try:
            response = _raise_for_status(await _asend_once(http, request, auth, secrets), secrets)
            return response, _parse(response, operation, secrets)
        except ApiError as error:
            # Whether the request went with a key is read off the request itself: the client's default headers
            # are merged into it, and its event hooks (run on this very object) may have added or removed one.
            keyed = IDEMPOTENCY_KEY in request.headers
            delay = policy.delay_before_retry(
                error, retries, slept, method=operation.method, idempotency_key=keyed, replay_safe=operation.replay_safe
            )
            if delay is None:
                raise
            _log_retry(kwargs, error, retries + 1, policy.max_retries, delay)
            await asyncio.sleep(delay)
            retries += 1
            slept += delay


def _with_idempotency_key(
    kwargs: Mapping[str, Any], operation: Operation[Any], client_headers: httpx.Headers
) -> Mapping[str, Any]:
    """``kwargs`` with a fresh Idempotency-Key for a POST or PATCH, the same on every attempt of this call.

    A key the caller set (as an operation parameter or a default header of the client) wins. Zuora keeps the
    first result for a key 24 h, so a retried write is answered from that result instead of being done again.
    """
    if operation.method.upper() not in KEYED_METHODS or operation.replay_safe:
        return kwargs
    headers = kwargs.get("headers") or {}
    if any(name.lower() == "idempotency-key" for name in headers) or IDEMPOTENCY_KEY in client_headers:
        return kwargs
    return {**kwargs, "headers": {**headers, IDEMPOTENCY_KEY: str(uuid.uuid4())}}


def _parse(response: httpx.Response, operation: Operation[T], secrets: Sequence[str]) -> T:
    failure = business_failure(response, secrets)
    try:
        parsed = operation.parse(response)
    except FieldError as exc:
        if failure is not None:
            raise failure from None
        raise malformed_response(response, str(exc), secrets) from exc
    except UnicodeDecodeError as exc:
        raise malformed_response(response, "body is not UTF-8 JSON", secrets) from exc
    except ValueError as exc:  # json.JSONDecodeError among them
        raise malformed_response(response, f"body is not the expected JSON ({type(exc).__name__})", secrets) from exc
    except (TypeError, KeyError, AttributeError, RecursionError) as exc:
        if failure is not None:
            raise failure from None
        raise malformed_response(response, f"body has an unexpected shape ({type(exc).__name__})", secrets) from exc
    if failure is not None:
        failure.parsed = parsed if not secrets else _parse_redacted(failure, operation)
        raise failure
    return parsed


def _parse_redacted(failure: ApiError, operation: Operation[Any]) -> Any:
    """The failure's answer read from its redacted body: a server that echoed the request's card number or password
    must not hand it to every error reporter through ``BusinessError.parsed``."""
    echo = httpx.Response(failure.code, headers=failure.response_headers, content=failure.response_body.encode("utf-8"))
    try:
        return operation.parse(echo)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


_Auth = httpx.Auth | httpx._client.UseClientDefault | None


def _build_request(
    http: httpx.Client | httpx.AsyncClient, kwargs: Mapping[str, Any], operation: Operation[Any]
) -> tuple[httpx.Request, _Auth]:
    """The request, and the auth to send it with: none at all for an operation whose spec sends no credentials."""
    try:
        url = kwargs.get("url")
        if isinstance(url, str) and http.base_url.is_absolute_url:
            kwargs = {**kwargs, "url": _absolute_url(http.base_url, url)}
        request = http.build_request(**kwargs)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError, TypeError, ValueError) as exc:
        raise InvalidRequestError(f"Cannot build the request: {exc}", secrets=_secrets_of(kwargs)) from exc
    if operation.sends_credentials:
        return request, httpx.USE_CLIENT_DEFAULT
    for name in CREDENTIAL_HEADERS:
        if name in request.headers:
            del request.headers[name]
    return request, None


@functools.lru_cache(maxsize=256)
def _absolute_url(base_url: httpx.URL, url: str) -> httpx.URL:
    """``url`` merged with ``base_url`` exactly as httpx merges it, parsed once per distinct URL, not per call."""
    relative = httpx.URL(url)
    if not relative.is_relative_url:
        return relative
    return base_url.copy_with(raw_path=base_url.raw_path + relative.raw_path.lstrip(b"/"))


@functools.lru_cache(maxsize=16)
def _policy(max_retries: int) -> RetryPolicy:
    return RetryPolicy(max_retries=max_retries)


def _send_once(http: httpx.Client, request: httpx.Request, auth: _Auth, secrets: Sequence[str]) -> httpx.Response:
    try:
        response = http.send(request, auth=auth, stream=True)
    except _TRANSPORT_FAILURES as exc:
        raise _connection_error(exc, secrets) from exc
    try:
        response.read()
    except _TRANSPORT_FAILURES as exc:
        raise _body_error(response, exc, secrets) from exc
    finally:
        response.close()
    return response


async def _asend_once(
    http: httpx.AsyncClient, request: httpx.Request, auth: _Auth, secrets: Sequence[str]
) -> httpx.Response:
    try:
        response = await http.send(request, auth=auth, stream=True)
    except _TRANSPORT_FAILURES as exc:
        raise _connection_error(exc, secrets) from exc
    try:
        await response.aread()
    except _TRANSPORT_FAILURES as exc:
        raise _body_error(response, exc, secrets) from exc
    finally:
        await response.aclose()
    return response


#: What a transport raises when a call gets no usable HTTP answer (httpx wraps most of it; OSError is the rest).
_TRANSPORT_FAILURES = (httpx.HTTPError, OSError)


def _raise_for_status(response: httpx.Response, secrets: Sequence[str]) -> httpx.Response:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> %s (Zuora-Request-Id: %s)",
            response.request.method,
            response.request.url.path,
            response.status_code,
            response.headers.get("zuora-request-id"),
        )
    if 200 <= response.status_code <= 299:
        return response
    raise error_from_response(response, secrets)


def _connection_error(exc: Exception, secrets: Sequence[str]) -> ApiError:
    """The error of a call that got no usable answer; the transport's text quotes raw server bytes, so redact it."""
    sent = not isinstance(exc, _NEVER_SENT)
    if isinstance(exc, httpx.TimeoutException):
        return ApiTimeoutError(request_sent=sent)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError | httpx.InvalidURL):
        return InvalidRequestError(f"Cannot send the request: {exc}", secrets=secrets)
    text = f"Connection failed: {exc}" if str(exc) else f"Connection failed ({type(exc).__name__})"
    return ApiConnectionError(text, request_sent=sent, secrets=secrets)


#: Failures before a connection carried any byte of the request: a retry cannot repeat its effect.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _body_error(response: httpx.Response, exc: Exception, secrets: Sequence[str]) -> ApiError:
    """The error of a response whose body could not be read: typed by its status like any other answer."""
    if isinstance(exc, httpx.TimeoutException):
        return ApiTimeoutError()
    if isinstance(exc, httpx.DecodingError):
        status = response.status_code
        text = f"Undecodable response body: {exc}"
        if 200 <= status <= 299:
            return MalformedResponseError(
                f"Malformed response: {text}", code=status, response_headers=response.headers, secrets=secrets
            )
        return error_class_for_status(status)(text, code=status, response_headers=response.headers, secrets=secrets)
    return _connection_error(exc, secrets)


def _check_headers(kwargs: Mapping[str, Any]) -> None:
    """Refuse header values httpx would choke on (non-ASCII) or that would inject lines (CR, LF)."""
    for name, value in (kwargs.get("headers") or {}).items():
        if isinstance(value, str) and value.isascii() and value.isprintable():
            continue  # the common case, checked in C
        if not isinstance(value, str) or not all(" " <= char <= "~" or char == "\t" for char in value):
            raise InvalidRequestError(f"Header {name} must be printable US-ASCII text")


def _secrets_of(kwargs: Mapping[str, Any]) -> tuple[str, ...]:
    """The secret values a request carries (by field name, at any depth of a JSON or form body).

    Error texts are redacted of them, in case a server echoes the request (a card number in a 400's message).
    """
    found: list[str] = []
    _collect_secrets(kwargs.get("data") or kwargs.get("json"), found, depth=0)
    return tuple(found)


def _collect_secrets(value: Any, found: list[str], depth: int) -> None:
    if depth > _MAX_SECRET_DEPTH:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and is_secret_name(key) and isinstance(item, str | int) and item != "":
                found.append(str(item))
            else:
                _collect_secrets(item, found, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_secrets(item, found, depth + 1)


_MAX_SECRET_DEPTH = 8


def _log_retry(kwargs: Mapping[str, Any], error: ApiError, attempt: int, max_retries: int, delay: float) -> None:
    logger.info(
        "Retrying %s %s after %s (retry %d of %d in %.2f s, Zuora-Request-Id: %s)",
        str(kwargs.get("method", "")).upper(),
        kwargs.get("url", ""),
        error.code or type(error).__name__,
        attempt,
        max_retries,
        delay,
        error.request_id,
        extra={"zuora_attempt": attempt, "zuora_delay": delay, "zuora_request_id": error.request_id},
    )

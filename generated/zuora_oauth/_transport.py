"""Send one operation's request with the shared retry policy, turning every failure into a typed ApiError.

Generated endpoint modules call :func:`send`/:func:`asend` instead of ``httpx.Client.request``; this is what
makes every module generated with these templates raise the same errors and retry the same way.
"""

from __future__ import annotations

import functools
import http.cookiejar
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import httpx

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
from ._masking import SECRET_FIELD_NAMES
from ._model_fields import FieldError
from ._retry import RetryPolicy

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

#: Headers that carry credentials; a request that posts client credentials in its body sends none of them.
CREDENTIAL_HEADERS = ("authorization", "apiaccesskeyid", "apisecretaccesskey")


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


def send(
    client: SyncClient, kwargs: Mapping[str, Any], parse: Callable[[httpx.Response], T]
) -> tuple[httpx.Response, T]:
    """Send with retries and parse the 2xx answer, or raise the typed error of the last attempt.

    ``parse`` only ever sees a 2xx response; whatever it raises on a body of the wrong shape becomes a
    MalformedResponseError, so no ValueError, KeyError or JSONDecodeError reaches the caller.
    """
    secrets = _secrets_of(kwargs)
    _check_headers(kwargs)
    policy = _policy(client.max_retries)
    http = client.get_httpx_client()
    retries = 0
    slept = 0.0
    while True:
        try:
            request, auth = _build_request(http, kwargs)
            response = _raise_for_status(_send_once(http, request, auth, secrets), secrets)
        except ApiError as error:
            delay = policy.delay_before_retry(error, retries, slept)
            if delay is None:
                raise
            _log_retry(kwargs, error, retries + 1, policy.max_retries, delay)
            time.sleep(delay)
            retries += 1
            slept += delay
        else:
            return response, _parse(response, parse, secrets)


async def asend(
    client: AsyncClient, kwargs: Mapping[str, Any], parse: Callable[[httpx.Response], T]
) -> tuple[httpx.Response, T]:
    """The asyncio twin of :func:`send`; sleeps with ``asyncio.sleep`` so the event loop keeps running."""
    import asyncio  # noqa: PLC0415  (only async programs pay for importing asyncio)

    secrets = _secrets_of(kwargs)
    _check_headers(kwargs)
    policy = _policy(client.max_retries)
    http = client.get_async_httpx_client()
    retries = 0
    slept = 0.0
    while True:
        try:
            request, auth = _build_request(http, kwargs)
            response = _raise_for_status(await _asend_once(http, request, auth, secrets), secrets)
        except ApiError as error:
            delay = policy.delay_before_retry(error, retries, slept)
            if delay is None:
                raise
            _log_retry(kwargs, error, retries + 1, policy.max_retries, delay)
            await asyncio.sleep(delay)
            retries += 1
            slept += delay
        else:
            return response, _parse(response, parse, secrets)


def _parse(response: httpx.Response, parse: Callable[[httpx.Response], T], secrets: Sequence[str]) -> T:
    try:
        return parse(response)
    except FieldError as exc:
        raise malformed_response(response, str(exc), secrets) from exc
    except UnicodeDecodeError as exc:
        raise malformed_response(response, "body is not UTF-8 JSON", secrets) from exc
    except ValueError as exc:  # json.JSONDecodeError among them
        raise malformed_response(response, f"body is not the expected JSON ({type(exc).__name__})", secrets) from exc
    except (TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise malformed_response(response, f"body has an unexpected shape ({type(exc).__name__})", secrets) from exc


_Auth = httpx.Auth | httpx._client.UseClientDefault | None


def _build_request(http: httpx.Client | httpx.AsyncClient, kwargs: Mapping[str, Any]) -> tuple[httpx.Request, _Auth]:
    """The request, and the auth to send it with: none at all for a request posting client credentials."""
    try:
        url = kwargs.get("url")
        if isinstance(url, str) and http.base_url.is_absolute_url:
            kwargs = {**kwargs, "url": _absolute_url(http.base_url, url)}
        request = http.build_request(**kwargs)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError, TypeError, ValueError) as exc:
        raise InvalidRequestError(f"Cannot build the request: {exc}", secrets=_secrets_of(kwargs)) from exc
    if not _posts_client_credentials(kwargs):
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
    if isinstance(exc, httpx.TimeoutException):
        return ApiTimeoutError()
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError | httpx.InvalidURL):
        return InvalidRequestError(f"Cannot send the request: {exc}", secrets=secrets)
    text = f"Connection failed: {exc}" if str(exc) else f"Connection failed ({type(exc).__name__})"
    return ApiConnectionError(text, secrets=secrets)


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
    body = kwargs.get("data") or kwargs.get("json")
    if not isinstance(body, Mapping):
        return ()
    return tuple(value for key, value in body.items() if key in SECRET_FIELD_NAMES and isinstance(value, str))


def _posts_client_credentials(kwargs: Mapping[str, Any]) -> bool:
    data = kwargs.get("data")
    return isinstance(data, Mapping) and "client_secret" in data


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

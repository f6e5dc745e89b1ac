# Generated from templates/runtime/_exceptions.py by make generate: edit that file, not this copy.
"""The one error hierarchy of every Zuora module generated with these templates.

Every outcome of a call other than a valid 2xx answer raises an :class:`ApiError` subclass, carrying what the Ruby
SDK's ``Zuora::ApiError`` carries (``code``, ``response_headers``, ``response_body``) plus what callers act on:
``message``, ``request_id``, ``reasons`` and ``retry_after``. Texts never contain the secrets of the request, and
the values of secret-named fields in a body (``access_token``, ``client_secret``, card numbers) are masked.

An error holds only these attributes: no httpx request or response, and no ``__cause__`` or ``__context__`` (the
transport raises it outside of any ``except`` block), since error reporters walk exactly those and an httpx request
holds the form body with the client secret.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

import httpx

from ._error_body import ErrorReason, parse_reasons
from ._masking import mask_secret_fields, redact
from ._retry_after import parse_retry_after

#: The error hierarchy, the one list of it: ``zuora_oauth.runtime`` exports these names, every generated ``errors``
#: module re-exports them and the package exports them (``tests/test_layout.py`` checks that each list agrees).
__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BusinessError",
    "ErrorReason",
    "InvalidRequestError",
    "MalformedResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "UnexpectedStatus",
]

_MAX_MESSAGE_IN_TEXT = 500


class ApiError(Exception):
    """A call did not produce a usable answer; ``code`` is the HTTP status, or 0 when there was no response."""

    code: int
    message: str
    response_headers: httpx.Headers
    response_body: str
    request_id: str | None
    reasons: list[ErrorReason]
    retry_after: float | None

    def __init__(
        self,
        message: str | None = None,
        *,
        code: int = 0,
        response_headers: Mapping[str, str] | None = None,
        response_body: str = "",
        reasons: Sequence[ErrorReason] | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        secrets = tuple(secrets)
        self.code = code
        self.response_headers = httpx.Headers(response_headers or {})
        # The request's secrets wherever the server echoed them, then the value of every secret-named field: a
        # refused 2xx token answer still holds a live token, and error reporters keep what errors carry.
        self.response_body = mask_secret_fields(redact(response_body, secrets))
        # Reasons are read from the JSON after redaction of the body, so a secret echoed with JSON escapes
        # ("\u0063anary") is only visible once decoded: redact the decoded texts too.
        parsed = list(reasons) if reasons is not None else parse_reasons(self.response_body)
        self.reasons = [_redacted_reason(reason, secrets) for reason in parsed] if secrets else parsed
        self.request_id = self.response_headers.get("zuora-request-id")
        self.retry_after = parse_retry_after(self.response_headers)
        given = message or "; ".join(reason.message for reason in self.reasons)
        self.message = redact(given, secrets) if given else (reason_phrase(code) if code else "Unknown error")
        super().__init__(self._text())

    @property
    def reason_phrase(self) -> str:
        """The HTTP reason phrase of ``code`` (a class name such as "Server Error" for non-standard codes)."""
        return reason_phrase(self.code) if self.code else ""

    def _text(self) -> str:
        message = self.message
        if len(message) > _MAX_MESSAGE_IN_TEXT:
            message = message[:_MAX_MESSAGE_IN_TEXT] + "…"
        if self.code:
            phrase = self.reason_phrase
            text = f"{self.code} {phrase}" if message == phrase else f"{self.code} {phrase}: {message}"
        else:
            text = message
        if self.request_id:
            text += f" (Zuora-Request-Id: {self.request_id})"
        return text

    def __str__(self) -> str:
        return self._text()

    def __reduce__(self) -> tuple[Any, ...]:
        """Keyword-only constructors do not pickle by default; workers hand errors across processes."""
        return (_rebuild, (type(self), self.__dict__.copy()))


class BadRequestError(ApiError):
    """400: the request was invalid (for the token endpoint: a grant type other than client_credentials)."""


class AuthenticationError(ApiError):
    """401: wrong client credentials, or an expired or revoked bearer token."""


class PermissionDeniedError(ApiError):
    """403: the credentials are valid but not allowed to do this."""


class NotFoundError(ApiError):
    """404: nothing at this URL (often a wrong base URL)."""


class RateLimitError(ApiError):
    """429: too many requests; ``retry_after`` says how long the server asked to wait, when it did."""


class ServerError(ApiError):
    """5xx, including non-standard codes such as Cloudflare's 520: a fault on Zuora's side or a gateway's."""


class MalformedResponseError(ApiError):
    """A 2xx answer whose body is not what the operation promises (not JSON, wrong shape, missing fields)."""


class BusinessError(ApiError):
    """A 2xx answer that says it failed: Zuora's ``{"success": false, "reasons": [...], "processId": ...}``.

    Zuora answers many failures with HTTP 200 ("HTTP 200 doesn't mean your call succeeded"). ``code`` is the HTTP
    status, ``reasons`` Zuora's codes and messages, ``process_id`` its ``processId``, ``request_id`` the
    ``Zuora-Request-Id`` header, and ``parsed`` the answer read into the operation's model (None when the failure
    body does not fit it). ``transient`` tells whether a reason code is one Zuora calls worth retrying.
    """

    process_id: str | None
    parsed: object

    def __init__(self, message: str | None = None, *, process_id: str | None = None, **kwargs: Any) -> None:
        self.process_id = process_id
        self.parsed = None
        super().__init__(message, **kwargs)

    @property
    def transient(self) -> bool:
        """Whether a reason code ends in 50 (lock contention), 61 (temporary error), 70 (limit) or 99 (integration).

        Zuora's reason codes are 8 digits whose last two classify the failure; these four are transient.
        """
        return any(
            isinstance(reason.code, int) and reason.code >= 100 and reason.code % 100 in _TRANSIENT_REASON_SUFFIXES
            for reason in self.reasons
        )

    def _text(self) -> str:
        text = super()._text()
        return f"{text} (processId: {self.process_id})" if self.process_id else text


_TRANSIENT_REASON_SUFFIXES = frozenset({50, 61, 70, 99})


class ApiConnectionError(ApiError):
    """No HTTP response at all: refused, reset, DNS or TLS failure. ``code`` is 0.

    ``request_sent`` is False only when the request cannot have reached the server (the connection never opened),
    which makes a retry safe for any method.
    """

    request_sent: bool

    def __init__(self, message: str | None = None, *, request_sent: bool = True, **kwargs: Any) -> None:
        self.request_sent = request_sent
        super().__init__(message, **kwargs)


class ApiTimeoutError(ApiConnectionError):
    """The server did not answer in time."""

    def __init__(self, message: str = "Connection timed out", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class InvalidRequestError(ApiError):
    """The caller's arguments or configuration are invalid (an unknown enum value, a bad URL); nothing was sent."""


#: Kept for code written against the stock generator, whose unexpected statuses raised ``errors.UnexpectedStatus``.
UnexpectedStatus = ApiError

_STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def error_class_for_status(status: int) -> type[ApiError]:
    """The exception type the table in the README gives for a non-2xx status."""
    if status in _STATUS_ERRORS:
        return _STATUS_ERRORS[status]
    if 500 <= status <= 599:
        return ServerError
    return ApiError


def error_from_response(response: httpx.Response, secrets: Iterable[str] = ()) -> ApiError:
    """The typed error for a non-2xx ``response``, with ``secrets`` masked wherever the server echoed them."""
    status = response.status_code
    return error_class_for_status(status)(
        code=status, response_headers=response.headers, response_body=body_text(response), secrets=secrets
    )


def malformed_response(response: httpx.Response, problem: str, secrets: Iterable[str] = ()) -> MalformedResponseError:
    """The error for a 2xx ``response`` that cannot be used, saying what is wrong with it."""
    return MalformedResponseError(
        f"Malformed response: {problem}",
        code=response.status_code,
        response_headers=response.headers,
        response_body=body_text(response),
        reasons=[],
        secrets=secrets,
    )


def body_text(response: httpx.Response) -> str:
    """The body as text, in the charset it declares when that works, else as UTF-8 with replacement characters.

    httpx's ``Response.text`` raises UnicodeError for ``charset=utf-16`` (or utf-32) bodies without a byte order
    mark, whatever its ``errors="replace"``; an error about a bad answer must not fail on the answer's text.
    """
    try:
        return response.text
    except (UnicodeError, LookupError):
        return response.content.decode("utf-8", errors="replace")


def reason_phrase(status: int) -> str:
    """RFC 9110's phrase for ``status``, or the name of its class for codes outside the standard."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        classes = {1: "Informational", 2: "Success", 3: "Redirection", 4: "Client Error", 5: "Server Error"}
        return classes.get(status // 100, "Unknown Status")


def _redacted_reason(reason: ErrorReason, secrets: Sequence[str]) -> ErrorReason:
    code = redact(reason.code, secrets) if isinstance(reason.code, str) else reason.code
    return ErrorReason(code=code, message=redact(reason.message, secrets))


def _rebuild(cls: type[ApiError], state: dict[str, Any]) -> ApiError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error._text())
    return error

"""A client library for accessing Zuora OAuth"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._retry import RetryPolicy
    from .api.oauth import AsyncOAuthApi, OAuthApi
    from .auth import ZuoraAuth
    from .client import AuthenticatedClient, Client
    from .environments import Environment
    from .errors import (
        ApiConnectionError,
        ApiError,
        ApiTimeoutError,
        AuthenticationError,
        BadRequestError,
        ErrorReason,
        InvalidRequestError,
        MalformedResponseError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ServerError,
    )

_EXPORTS = {
    "ApiConnectionError": ".errors",
    "ApiError": ".errors",
    "ApiTimeoutError": ".errors",
    "AsyncOAuthApi": ".api.oauth",
    "AuthenticatedClient": ".client",
    "AuthenticationError": ".errors",
    "BadRequestError": ".errors",
    "Client": ".client",
    "Environment": ".environments",
    "ErrorReason": ".errors",
    "InvalidRequestError": ".errors",
    "MalformedResponseError": ".errors",
    "NotFoundError": ".errors",
    "OAuthApi": ".api.oauth",
    "PermissionDeniedError": ".errors",
    "RateLimitError": ".errors",
    "RetryPolicy": "._retry",
    "ServerError": ".errors",
    "ZuoraAuth": ".auth",
}

__all__ = (
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AsyncOAuthApi",
    "AuthenticatedClient",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "Environment",
    "ErrorReason",
    "InvalidRequestError",
    "MalformedResponseError",
    "NotFoundError",
    "OAuthApi",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "ZuoraAuth",
)


def __getattr__(name: str) -> Any:
    """Import the module of an exported name on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

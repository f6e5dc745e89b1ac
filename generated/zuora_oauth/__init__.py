"""A client library for accessing Zuora OAuth"""

from typing import TYPE_CHECKING

from zuora_oauth.runtime import lazy_exports

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
        BusinessError,
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
    "BusinessError": ".errors",
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
    "BusinessError",
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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)

"""A client library for accessing Zuora OAuth"""

from typing import TYPE_CHECKING

from zuora_oauth.runtime import lazy_exports

from ._version import __version__ as __version__

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
    from .models.grant_type import GrantType
    from .models.token_request import TokenRequest
    from .models.token_response import TokenResponse
    from .stores import FileTokenStore, InMemoryTokenStore, RedisTokenStore

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
    "FileTokenStore": ".stores",
    "GrantType": ".models.grant_type",
    "InMemoryTokenStore": ".stores",
    "InvalidRequestError": ".errors",
    "MalformedResponseError": ".errors",
    "NotFoundError": ".errors",
    "OAuthApi": ".api.oauth",
    "PermissionDeniedError": ".errors",
    "RateLimitError": ".errors",
    "RedisTokenStore": ".stores",
    "RetryPolicy": "._retry",
    "ServerError": ".errors",
    "TokenRequest": ".models.token_request",
    "TokenResponse": ".models.token_response",
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
    "FileTokenStore",
    "GrantType",
    "InMemoryTokenStore",
    "InvalidRequestError",
    "MalformedResponseError",
    "NotFoundError",
    "OAuthApi",
    "PermissionDeniedError",
    "RateLimitError",
    "RedisTokenStore",
    "RetryPolicy",
    "ServerError",
    "TokenRequest",
    "TokenResponse",
    "ZuoraAuth",
)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)

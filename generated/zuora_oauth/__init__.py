"""A client library for accessing Zuora OAuth"""

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

"""Contains all the data models used in inputs/outputs"""

from .common_error_response import CommonErrorResponse
from .grant_type import GrantType
from .token_request import TokenRequest
from .token_response import TokenResponse
from .unauthorized_response import UnauthorizedResponse

__all__ = (
    "CommonErrorResponse",
    "GrantType",
    "TokenRequest",
    "TokenResponse",
    "UnauthorizedResponse",
)

"""Contains all the data models used in inputs/outputs"""

from typing import TYPE_CHECKING

from zuora_oauth.runtime import lazy_exports

if TYPE_CHECKING:
    from .common_error_response import CommonErrorResponse
    from .grant_type import GrantType
    from .token_request import TokenRequest
    from .token_response import TokenResponse
    from .unauthorized_response import UnauthorizedResponse

_EXPORTS = {
    "CommonErrorResponse": ".common_error_response",
    "GrantType": ".grant_type",
    "TokenRequest": ".token_request",
    "TokenResponse": ".token_response",
    "UnauthorizedResponse": ".unauthorized_response",
}

__all__ = (
    "CommonErrorResponse",
    "GrantType",
    "TokenRequest",
    "TokenResponse",
    "UnauthorizedResponse",
)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)

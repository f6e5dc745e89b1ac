"""Contains all the data models used in inputs/outputs"""

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    """Import the module of a model on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

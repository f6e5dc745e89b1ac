# Generated from templates/runtime/runtime.py by make generate: edit that file, not this copy.
"""The runtime API of every module generated with zuora-oauth's templates: the one module generated code imports.

Its names follow semantic versioning: they change incompatibly only in a new major version of zuora-oauth, so a
module generated with ``zuora-oauth generate`` keeps working for every ``zuora-oauth`` release its
``pyproject.toml`` allows (``>=X.Y,<X+1``). Everything else in ``zuora_oauth`` whose name starts with ``_`` is
private and may change in any release.

- Sending: :class:`Operation`, :func:`send`/:func:`asend` (the shared retry policy, typed errors, Idempotency-Key,
  ``"success": false`` raised), :func:`iter_pages`/:func:`aiter_pages` (Zuora's ``nextPage``),
  :func:`business_failures_allowed`, :func:`cookie_jar`.
- Reading answers: :func:`json_body` (exact decimals), :func:`fields`, :func:`required`, :func:`optional`, the
  ``read_*`` checks, :func:`enum_value`, :func:`is_known`, :class:`FieldError`, ``READ_ERRORS``,
  :func:`field_error`.
- Errors: the one hierarchy, :class:`ApiError` and its subclasses (``BusinessError`` for ``"success": false``),
  :class:`ErrorReason`.
- Arguments: :func:`enum_argument`, :data:`UNSET`/:class:`Unset` (shared by every generated package).
- Secrets: :func:`masked_repr`, :func:`mask`, :func:`is_secret_name`.
- Packaging: :func:`lazy_exports`, :data:`DEFAULT_BASE_URL`, :data:`RUNTIME_API_VERSION`, :func:`user_agent`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

if TYPE_CHECKING:
    from ._arguments import enum_argument
    from ._business import business_failures_allowed, json_body
    from ._cookies import cookie_jar
    from ._error_body import ErrorReason
    from ._exceptions import (
        ApiConnectionError,
        ApiError,
        ApiTimeoutError,
        AuthenticationError,
        BadRequestError,
        BusinessError,
        InvalidRequestError,
        MalformedResponseError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ServerError,
        UnexpectedStatus,
    )
    from ._masking import is_secret_name, mask, masked_repr
    from ._model_fields import (
        READ_ERRORS,
        FieldError,
        JsonNumber,
        enum_value,
        field_error,
        fields,
        is_known,
        optional,
        read_bool,
        read_float,
        read_int,
        read_str,
        required,
    )
    from ._operation import Operation
    from ._pages import aiter_pages, iter_pages, next_page_url
    from ._transport import asend, send
    from ._unset import UNSET, Unset
    from ._version import user_agent
    from .environments import DEFAULT_BASE_URL

#: Where each name lives; importing this module loads none of them until first use (PEP 562), so a generated
#: package that imports it stays cheap to import.
_EXPORTS = {
    "ApiConnectionError": "zuora_oauth._exceptions",
    "ApiError": "zuora_oauth._exceptions",
    "ApiTimeoutError": "zuora_oauth._exceptions",
    "AuthenticationError": "zuora_oauth._exceptions",
    "BadRequestError": "zuora_oauth._exceptions",
    "BusinessError": "zuora_oauth._exceptions",
    "DEFAULT_BASE_URL": "zuora_oauth.environments",
    "ErrorReason": "zuora_oauth._error_body",
    "FieldError": "zuora_oauth._model_fields",
    "InvalidRequestError": "zuora_oauth._exceptions",
    "JsonNumber": "zuora_oauth._model_fields",
    "MalformedResponseError": "zuora_oauth._exceptions",
    "NotFoundError": "zuora_oauth._exceptions",
    "Operation": "zuora_oauth._operation",
    "PermissionDeniedError": "zuora_oauth._exceptions",
    "READ_ERRORS": "zuora_oauth._model_fields",
    "RateLimitError": "zuora_oauth._exceptions",
    "ServerError": "zuora_oauth._exceptions",
    "UNSET": "zuora_oauth._unset",
    "UnexpectedStatus": "zuora_oauth._exceptions",
    "Unset": "zuora_oauth._unset",
    "aiter_pages": "zuora_oauth._pages",
    "asend": "zuora_oauth._transport",
    "business_failures_allowed": "zuora_oauth._business",
    "cookie_jar": "zuora_oauth._cookies",
    "enum_argument": "zuora_oauth._arguments",
    "enum_value": "zuora_oauth._model_fields",
    "field_error": "zuora_oauth._model_fields",
    "fields": "zuora_oauth._model_fields",
    "is_known": "zuora_oauth._model_fields",
    "is_secret_name": "zuora_oauth._masking",
    "iter_pages": "zuora_oauth._pages",
    "json_body": "zuora_oauth._business",
    "mask": "zuora_oauth._masking",
    "masked_repr": "zuora_oauth._masking",
    "next_page_url": "zuora_oauth._pages",
    "optional": "zuora_oauth._model_fields",
    "read_bool": "zuora_oauth._model_fields",
    "read_float": "zuora_oauth._model_fields",
    "read_int": "zuora_oauth._model_fields",
    "read_str": "zuora_oauth._model_fields",
    "required": "zuora_oauth._model_fields",
    "send": "zuora_oauth._transport",
    "user_agent": "zuora_oauth._version",
}

#: The version of this API (not of the package): generated code may check it; bumped with every addition.
RUNTIME_API_VERSION = (1, 2)

__all__ = [
    "DEFAULT_BASE_URL",
    "READ_ERRORS",
    "RUNTIME_API_VERSION",
    "UNSET",
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BusinessError",
    "ErrorReason",
    "FieldError",
    "InvalidRequestError",
    "JsonNumber",
    "MalformedResponseError",
    "NotFoundError",
    "Operation",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "UnexpectedStatus",
    "Unset",
    "aiter_pages",
    "asend",
    "business_failures_allowed",
    "cookie_jar",
    "enum_argument",
    "enum_value",
    "field_error",
    "fields",
    "is_known",
    "is_secret_name",
    "iter_pages",
    "json_body",
    "lazy_exports",
    "mask",
    "masked_repr",
    "next_page_url",
    "optional",
    "read_bool",
    "read_float",
    "read_int",
    "read_str",
    "required",
    "send",
    "user_agent",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)

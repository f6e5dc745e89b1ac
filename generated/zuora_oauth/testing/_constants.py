# Generated from templates/runtime/testing/_constants.py by make generate: edit that file, not this copy.
"""Wire-level constants of the fake, kept in one place so tests and docs can refer to them by name.

Zuora error codes end in a two-digit category (10 access, 11 authentication, 20 invalid value, 22 missing
required field, 40 not found, 90 malformed request). The codes Zuora does not document for ``/oauth/token``
are invented here following that scheme, so a client can be tested against stable numbers.
"""

from typing import Final

OAUTH_PATH: Final = "/oauth/token"
PROTECTED_ROOT: Final = "/v1"
ACCOUNTS_PREFIX: Final = "/v1/accounts/"
MISSING_ACCOUNT_PREFIX: Final = "missing"

FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE: Final = "application/json"
GRANT_TYPE: Final = "client_credentials"
BEARER: Final = "bearer"
REQUIRED_FIELDS: Final = ("client_id", "client_secret", "grant_type")
WWW_AUTHENTICATE: Final = "Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API"
AUTHENTICATION_ERROR: Final = "Authentication error"

RATE_LIMIT_PER_MINUTE: Final = 100
MAX_BODY_BYTES: Final = 1024 * 1024
MASK: Final = "****"

HEADER_REQUEST_ID: Final = "Zuora-Request-Id"
HEADER_TRACK_ID: Final = "Zuora-Track-Id"
HEADER_ENTITY_IDS: Final = "Zuora-Entity-Ids"
HEADER_RATE_LIMIT: Final = "X-RateLimit-Limit-minute"
HEADER_RATE_REMAINING: Final = "X-RateLimit-Remaining-minute"

CODE_UNSUPPORTED_CONTENT_TYPE: Final = 90000010
"""400 on ``/oauth/token``: the body is not ``application/x-www-form-urlencoded``."""
CODE_INVALID_CREDENTIALS: Final = 90000011
"""401 on ``/v1/...``: missing, unknown, revoked or expired bearer token (Zuora's real code)."""
CODE_INVALID_GRANT_TYPE: Final = 90000020
"""400 on ``/oauth/token``: ``grant_type`` is not ``client_credentials``."""
CODE_MISSING_PARAMETER: Final = 90000022
"""400 on ``/oauth/token``: ``client_id``, ``client_secret`` or ``grant_type`` is missing or blank."""
CODE_ENTITY_NOT_FOUND: Final = 50000040
"""404 on ``GET /v1/accounts/{key}`` when the key starts with ``missing`` (Zuora's real code)."""
CODE_MALFORMED_REQUEST: Final = 90000090
"""400/413: undecodable or duplicated form fields, bad framing or an oversized body."""

# Generated from templates/runtime/testing/_bodies.py by make generate: edit that file, not this copy.
"""JSON bodies in Zuora's exact shapes, so clients are tested against what production really sends."""

import hashlib
import json
import secrets

from ._constants import AUTHENTICATION_ERROR, BEARER, CODE_ENTITY_NOT_FOUND, CODE_INVALID_CREDENTIALS


def encode_json(payload: object) -> bytes:
    """Compact UTF-8 JSON, as Zuora sends it."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_number(value: float) -> int | float:
    """Render integral values as JSON integers, as Zuora does for ``expires_in``."""
    return int(value) if float(value).is_integer() else float(value)


def new_process_id() -> str:
    """Zuora's ``processId`` is an opaque upper-case hex string."""
    return secrets.token_hex(8).upper()


def token_success(access_token: str, expires_in: float, scope: str, jti: str) -> bytes:
    """200 body of ``POST /oauth/token``."""
    return encode_json(
        {
            "access_token": access_token,
            "token_type": BEARER,
            "expires_in": json_number(expires_in),
            "scope": scope,
            "jti": jti,
        }
    )


def token_error(code: int, message: str) -> bytes:
    """400/403 body of ``POST /oauth/token``."""
    return encode_json({"code": code, "message": message})


def token_authentication_error() -> bytes:
    """401 body of ``POST /oauth/token`` (no code, unlike the 400s)."""
    return encode_json({"message": AUTHENTICATION_ERROR})


def v1_error(code: int, message: str) -> bytes:
    """Error body of the ``/v1`` REST API."""
    return encode_json(
        {"success": False, "processId": new_process_id(), "reasons": [{"code": code, "message": message}]}
    )


def v1_authentication_error() -> bytes:
    """401 body of the ``/v1`` REST API."""
    return v1_error(CODE_INVALID_CREDENTIALS, AUTHENTICATION_ERROR)


def account(key: str) -> bytes:
    """200 body of ``GET /v1/accounts/{key}``; the id is derived from the key so it is stable across calls."""
    account_id = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return encode_json(
        {
            "success": True,
            "basicInfo": {"id": account_id, "accountNumber": key, "name": f"Account {key}", "status": "Active"},
        }
    )


def account_not_found(key: str) -> bytes:
    """404 body of ``GET /v1/accounts/{key}``."""
    return v1_error(CODE_ENTITY_NOT_FOUND, f"Cannot find entity by key: '{key}'.")


def echo(method: str, path: str, body: bytes) -> bytes:
    """Generic ``/v1`` success that echoes the request, so tests can check a replayed body arrived intact."""
    return encode_json({"success": True, "method": method, "path": path, "body": body.decode("utf-8", "replace")})


def message(text: str) -> bytes:
    """Plain ``{"message": ...}`` body used for 404/405 and framing errors."""
    return encode_json({"message": text})

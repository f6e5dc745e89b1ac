"""Read the reasons out of any of Zuora's error bodies, whatever shape the answering service uses."""

from __future__ import annotations

import json
from typing import Any, NamedTuple


class ErrorReason(NamedTuple):
    """One ``code``/``message`` pair from an error body; ``code`` is None where the shape has none."""

    code: int | str | None
    message: str


def parse_reasons(body: str) -> list[ErrorReason]:
    """The reasons in ``body``, or an empty list when it is empty, HTML, or JSON of no known error shape.

    Understood shapes: ``{"code", "message"}`` (OAuth 400/403), ``{"message"}`` (OAuth 401),
    ``{"success": false, "reasons": [{"code", "message"}]}`` (the /v1 APIs), ``{"Errors": [{"Code", "Message"}]}``
    (the object and action APIs), ``{"FaultCode", "FaultMessage"}`` (the action calls' faults, a malformed ZOQL
    query for one), ``{"error": {"code", "message"}}`` (services with the common nested JSON error) and RFC 6749's
    ``{"error", "error_description"}``.
    """
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return []
    if not isinstance(data, dict):
        return []
    for list_key, code_key, message_key in (("reasons", "code", "message"), ("Errors", "Code", "Message")):
        items = data.get(list_key)
        if isinstance(items, list):
            reasons = [_reason(item.get(code_key), item.get(message_key)) for item in items if isinstance(item, dict)]
            return [reason for reason in reasons if reason is not None]
    error = data.get("error")
    if isinstance(error, dict):
        reason = _reason(error.get("code"), error.get("message"))
    elif "error" in data:
        reason = _reason(error, data.get("error_description") or error)
    elif "FaultCode" in data or "FaultMessage" in data:
        reason = _reason(data.get("FaultCode"), data.get("FaultMessage"))
    else:
        reason = _reason(data.get("code"), data.get("message"))
    return [reason] if reason is not None else []


def _reason(code: Any, message: Any) -> ErrorReason | None:
    if not isinstance(message, str) or not message:
        return None
    if isinstance(code, bool) or not isinstance(code, int | str):
        code = None
    return ErrorReason(code=code, message=message)

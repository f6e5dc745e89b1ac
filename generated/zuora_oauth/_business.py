# Generated from templates/runtime/_business.py by make generate: edit that file, not this copy.
"""Zuora's HTTP-200 failures: a 2xx JSON answer that says ``"success": false`` is raised as a BusinessError.

"HTTP 200 doesn't mean your call succeeded" (Zuora's error-handling guide): many operations answer failures with
200 and ``{"success": false, "processId": "...", "reasons": [{"code": 53100020, "message": "..."}]}``. Every
generated operation raises them by default; :func:`business_failures_allowed` returns them as parsed answers for
the calls made inside it.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from ._error_body import parse_reasons
from ._exceptions import BusinessError, body_text
from ._model_fields import JsonNumber

_ALLOWED: contextvars.ContextVar[bool] = contextvars.ContextVar("zuora_oauth_business_failures_allowed", default=False)

#: Where the decoded JSON of an answer is kept, so the failure check and the parser decode it once.
_JSON_KEY = "zuora_oauth.json"


@contextlib.contextmanager
def business_failures_allowed() -> Iterator[None]:
    """Within this block (this thread or task only), ``"success": false`` answers are returned, not raised.

    >>> with business_failures_allowed():
    ...     answer = api.create_account(body)      # answer.success may be False
    """
    token = _ALLOWED.set(True)
    try:
        yield
    finally:
        _ALLOWED.reset(token)


def json_body(response: httpx.Response) -> Any:
    """The JSON of ``response``, decoded once; numbers with a fraction keep their exact text (:class:`JsonNumber`)."""
    extensions = response.extensions
    if _JSON_KEY not in extensions:
        extensions[_JSON_KEY] = json.loads(response.content, parse_float=JsonNumber, parse_constant=JsonNumber)
    return extensions[_JSON_KEY]


def business_failure(response: httpx.Response, secrets: Sequence[str] = ()) -> BusinessError | None:
    """The BusinessError a 2xx ``response`` amounts to, or None when it does not say ``"success": false``."""
    if _ALLOWED.get() or "json" not in response.headers.get("content-type", "").lower():
        return None
    try:
        data = json_body(response)
    except (ValueError, RecursionError):
        return None  # the parser reports what is wrong with the body
    if not isinstance(data, dict) or data.get("success") is not False:
        return None
    process_id = data.get("processId")
    text = body_text(response)
    return BusinessError(
        None if parse_reasons(text) else 'the answer says "success": false',
        code=response.status_code,
        response_headers=response.headers,
        response_body=text,
        process_id=process_id if isinstance(process_id, str) else None,
        secrets=secrets,
    )

# Generated from templates/runtime/_secret_source.py by make generate: edit that file, not this copy.
"""The client secret as a caller gives it: a string, or a callable that returns the current one.

A callable is read on every token request, so a secret rotated in a secrets manager or a file is used from the next
token request on, without a restart. What it returns, and what it raises, never reaches an error text, a log or a
repr: a failure is reported by the type of the exception alone.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from ._exceptions import InvalidRequestError

#: ``client_secret=``: the secret, or a function of no arguments that returns it.
SecretSource = str | Callable[[], str]


def check_secret_source(source: object) -> None:
    """Refuse what can never give a secret (a non-string, non-callable value, or an empty string)."""
    if isinstance(source, str):
        if not source:
            raise InvalidRequestError("client_id and client_secret must be non-empty strings")
    elif not callable(source):
        raise InvalidRequestError("client_secret must be a non-empty string or a callable that returns one")


def read_secret(source: SecretSource) -> str:
    """The current secret: ``source`` itself, or what calling it returns (checked to be a non-empty string)."""
    if isinstance(source, str):
        return source
    problem: str | None = None
    try:
        value: object = source()
    except Exception as exc:  # noqa: BLE001, RUF100  (its text may quote the secret: only its type is reported)
        problem = f"the client_secret callable raised {type(exc).__name__}"
    if problem is not None:  # raised here, not in the except block: no __context__ holding the exception
        raise InvalidRequestError(problem)
    if isinstance(value, str) and value:
        return value
    if inspect.isawaitable(value):
        close = getattr(value, "close", None)
        if callable(close):
            close()  # no "never awaited" warning for a coroutine function given by mistake
        raise InvalidRequestError("the client_secret callable returned an awaitable: pass a plain function")
    if isinstance(value, str):
        raise InvalidRequestError("the client_secret callable returned an empty string")
    raise InvalidRequestError(f"the client_secret callable returned a {type(value).__name__}, not a string")

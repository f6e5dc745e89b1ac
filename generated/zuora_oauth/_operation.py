# Generated from templates/runtime/_operation.py by make generate: edit that file, not this copy.
"""One generated operation as the runtime sees it: each endpoint module's ``OPERATION``.

Its own small module, so that importing a generated endpoint module (which builds its ``OPERATION``) does not
import the transport: that loads on the first call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

import httpx

T = TypeVar("T")


class Operation(NamedTuple, Generic[T]):
    """One generated operation, as its module's ``OPERATION``: what the transport needs besides the request.

    ``build`` turns the operation's arguments into request keyword arguments (the module's ``_get_kwargs``) and
    ``parse`` reads a 2xx answer. ``sends_credentials`` is False for an operation whose spec says
    ``security: []`` (Zuora's token request): no Authorization header or httpx auth goes with it.
    ``replay_safe`` marks a POST that may be repeated without harm (a second OAuth token), so it keeps the
    retries of idempotent methods.
    """

    method: str
    path: str
    build: Callable[..., dict[str, Any]]
    parse: Callable[[httpx.Response], T]
    sends_credentials: bool = True
    replay_safe: bool = False

# Generated from templates/runtime/_deadline.py by make generate: edit that file, not this copy.
"""The whole-call deadline inside synchronous reads, where httpx's own timeouts cannot put it.

httpx's timeouts apply to each network operation: a server that sends one byte just inside every read timeout (of
the status line and headers as much as of the body) holds a synchronous call for as long as it likes, and httpx
gives a synchronous caller no way to interrupt a read in progress. httpcore reads through a pluggable network
backend, though: :func:`install` wraps the backend of an ``httpx.Client``'s connection pools so that, while
:func:`bounded_by` is active in the calling thread (or context), every connect, read and write waits at most until
the deadline, and one started after it fails at once with httpcore's timeout (an ``httpx.TimeoutException``, so an
``ApiTimeoutError`` for the caller). Outside of a call (any other request through the same pool) nothing changes.

asyncio calls do not need this: the transport cancels them at the deadline. A client whose transport is not
httpx's own (a mock, a custom transport) or whose private layout differs (another httpx version) is left as it
is; its calls keep the deadline between body chunks, before each attempt and before each back-off.
"""

from __future__ import annotations

import contextvars
import ssl
import weakref
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from ._clock import Clock

#: When the current call must end, on the monotonic clock of that call, or None outside of a call.
_ENDS_AT: contextvars.ContextVar[tuple[float, Clock] | None] = contextvars.ContextVar(
    "zuora_oauth_deadline", default=None
)

#: The clients whose pools are wrapped already.
_INSTALLED: weakref.WeakSet[httpx.Client] = weakref.WeakSet()


def bound(ends_at: float, clock: Clock) -> contextvars.Token[tuple[float, Clock] | None]:
    """From now on (in this thread or task only), network operations end by ``ends_at`` (a ``clock.monotonic()``
    time); until :func:`unbind`."""
    return _ENDS_AT.set((ends_at, clock))


def unbind(token: contextvars.Token[tuple[float, Clock] | None]) -> None:
    """Undo the :func:`bound` that returned ``token``."""
    _ENDS_AT.reset(token)


def install(http: httpx.Client) -> None:
    """Wrap the network backend of every connection pool of ``http`` (once per client)."""
    if http in _INSTALLED:
        return
    _INSTALLED.add(http)
    transports = [getattr(http, "_transport", None), *dict(getattr(http, "_mounts", None) or {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, _Backend):
            pool._network_backend = _Backend(backend)  # type: ignore[union-attr]


def _left(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of the current call's deadline; ``expired`` raised once it has passed."""
    bound = _ENDS_AT.get()
    if bound is None:
        return timeout
    ends_at, clock = bound
    left = ends_at - clock.monotonic()
    if left <= 0:
        raise expired("the call's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A connection whose reads and writes end by the deadline of the call using it."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """httpcore's backend, its connections wrapped in :class:`_Stream` and its connects bounded by the deadline."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        options: dict[str, Any] = {"local_address": local_address}
        if socket_options is not None:  # an older httpcore has no socket_options: pass them only when given
            options["socket_options"] = socket_options
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_tcp(host, port, timeout, **options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        options: dict[str, Any] = {} if socket_options is None else {"socket_options": socket_options}
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, timeout, **options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)

# Generated from templates/runtime/stores/_protocol.py by make generate: edit that file, not this copy.
"""The contract between ZuoraAuth and a token store shared by processes or hosts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

from ._record import TokenRecord

#: Says whether a record found in the store can be used instead of fetching a new token.
IsUsable = Callable[[TokenRecord], bool]


@runtime_checkable
class TokenStore(Protocol):
    """Where ZuoraAuth looks for a token before asking Zuora for one, and files the tokens it gets.

    ZuoraAuth keeps its own in-process copy in front of the store, so a store is consulted only when that copy is
    missing, due for refresh or rejected: never on the hot path. ``refresh`` is the fleet-wide single flight: under
    a lock held by one worker of the fleet at a time, it re-reads the store and calls ``fetch`` only if the record
    there is still not usable (double-checked locking). A store that cannot reach its backing engine must still
    return a token (by calling ``fetch`` itself) rather than fail the caller. An ``ApiError`` raised by ``fetch``
    goes to the caller; the shared stores also file a refusal (401, 403) so that the other processes back off too.
    Keys already hold a fingerprint of the client secret: only holders of the same credentials share a key.
    """

    def refresh(self, key: str, is_usable: IsUsable, fetch: Callable[[], TokenRecord]) -> TokenRecord:
        """The usable record of ``key``, fetched and filed if the store has none."""
        ...

    async def arefresh(self, key: str, is_usable: IsUsable, fetch: Callable[[], Awaitable[TokenRecord]]) -> TokenRecord:
        """:meth:`refresh` for asyncio callers; must not block the event loop."""
        ...

    def invalidate(self, key: str, access_token: str) -> None:
        """Forget the record of ``key`` if it still holds ``access_token`` (compare-and-delete)."""
        ...

    async def ainvalidate(self, key: str, access_token: str) -> None:
        """:meth:`invalidate` for asyncio callers."""
        ...

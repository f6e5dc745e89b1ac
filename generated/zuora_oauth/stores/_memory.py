# Generated from templates/runtime/stores/_memory.py by make generate: edit that file, not this copy.
"""The default store: nothing shared, every ZuoraAuth fetches its own tokens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ._protocol import IsUsable
from ._record import TokenRecord


class InMemoryTokenStore:
    """Shares nothing: ZuoraAuth's in-process cache already holds the token, so refresh always fetches."""

    def refresh(self, key: str, is_usable: IsUsable, fetch: Callable[[], TokenRecord]) -> TokenRecord:
        """Fetch a new token."""
        return fetch()

    async def arefresh(self, key: str, is_usable: IsUsable, fetch: Callable[[], Awaitable[TokenRecord]]) -> TokenRecord:
        """Fetch a new token."""
        return await fetch()

    def invalidate(self, key: str, access_token: str) -> None:
        """Nothing to forget."""

    async def ainvalidate(self, key: str, access_token: str) -> None:
        """Nothing to forget."""

    def __repr__(self) -> str:
        return "InMemoryTokenStore()"

"""The four ways the suite asks for a token, each in a fresh client: OAuthApi, AsyncOAuthApi, ZuoraAuth sync/async.

Shared by the hostile-server tests, which run each fault on every path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.conftest import CANARY_SECRET
from zuora_oauth import AsyncOAuthApi, Client, OAuthApi
from zuora_oauth.auth import ZuoraAuth

CLIENT_ID = "5f3c9e0a-6d1b-4c8e-9a27-3b1d0e4f7a62"


def sync_api(base_url: str, **client: Any) -> Any:
    with Client(base_url=base_url, **client) as http:
        return OAuthApi(http).create_token(CLIENT_ID, CANARY_SECRET)


def async_api(base_url: str, **client: Any) -> Any:
    async def run() -> Any:
        async with Client(base_url=base_url, **client) as http:
            return await AsyncOAuthApi(http).create_token(CLIENT_ID, CANARY_SECRET)

    return asyncio.run(run())


def auth_sync(base_url: str, **options: Any) -> Any:
    with ZuoraAuth(CLIENT_ID, CANARY_SECRET, base_url=base_url, **options) as auth:
        return auth.get_token()


def auth_async(base_url: str, **options: Any) -> Any:
    async def run() -> Any:
        with ZuoraAuth(CLIENT_ID, CANARY_SECRET, base_url=base_url, **options) as auth:
            return await auth.aget_token()

    return asyncio.run(run())


PATHS: dict[str, Callable[..., Any]] = {
    "OAuthApi": sync_api,
    "AsyncOAuthApi": async_api,
    "ZuoraAuth.get_token": auth_sync,
    "ZuoraAuth.aget_token": auth_async,
}

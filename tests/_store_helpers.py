"""What the file and Redis store tests share: building ZuoraAuths that are closed after each test, one request."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.conftest import CANARY_SECRET
from zuora_oauth import ZuoraAuth
from zuora_oauth.stores import TokenStore, store_key
from zuora_oauth.testing import FakeZuora

#: Every ZuoraAuth a test built; ``close_open_auths`` closes them after each test.
OPEN_AUTHS: list[ZuoraAuth] = []


def make_auth(fake: FakeZuora, store: TokenStore) -> ZuoraAuth:
    auth = ZuoraAuth(fake.client_id, CANARY_SECRET, base_url=fake.base_url, store=store)
    OPEN_AUTHS.append(auth)
    return auth


def close_open_auths() -> None:
    while OPEN_AUTHS:
        OPEN_AUTHS.pop().close()


def get(auth: ZuoraAuth, fake: FakeZuora) -> int:
    """One authenticated request; its status."""
    with httpx.Client(auth=auth) as client:
        return client.get(fake.base_url + "/v1/accounts/A").status_code


def key_of(fake: FakeZuora, secret: str = CANARY_SECRET) -> str:
    return store_key(fake.base_url, fake.client_id, None, None, client_secret=secret)


def warnings(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and text in r.getMessage()]

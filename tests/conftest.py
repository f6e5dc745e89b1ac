"""Shared fixtures: a FakeZuora on a free loopback port per test, with a canary secret nobody may print."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zuora_oauth.testing import FakeZuora

#: The client secret of every FakeZuora in the suite; no log record, repr, error text or file may contain it.
CANARY_SECRET = "canary+SECRET/8d1f2c9e4b7a6035=="


@pytest.fixture
def fake() -> Iterator[FakeZuora]:
    """A running FakeZuora that accepts the canary secret."""
    with FakeZuora(client_secret=CANARY_SECRET) as server:
        yield server

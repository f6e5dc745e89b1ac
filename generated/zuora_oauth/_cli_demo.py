# Generated from templates/runtime/_cli_demo.py by make generate: edit that file, not this copy.
"""``zuora-oauth demo`` (and ``make demo``): the main job against the built-in FakeZuora, end to end."""

from __future__ import annotations

from ._exceptions import ApiError
from .api.oauth import OAuthApi
from .client import Client
from .testing import FakeZuora


def run_demo() -> int:
    """Get a token from a local FakeZuora with OAuthApi, show it masked, then show the typed error of a bad secret."""
    with FakeZuora() as fake, Client(base_url=fake.base_url) as client:
        api = OAuthApi(client)
        print(f"FakeZuora is serving at {fake.base_url}\n")
        print("api = OAuthApi(Client(base_url=fake.base_url))")
        print("api.create_token(client_id, client_secret)")
        token = api.create_token(fake.client_id, fake.client_secret)
        print(f"  -> {token!r}\n")
        print('api.create_token(client_id, "wrong secret")')
        try:
            api.create_token(fake.client_id, "wrong secret")
        except ApiError as error:
            print(f"  -> raised {type(error).__name__}: {error}")
            print(f"     code={error.code} request_id={error.request_id} reasons={error.reasons}")
            print(f"     response_body={error.response_body!r}")
        else:  # pragma: no cover - the fake refuses a wrong secret
            print("  -> unexpectedly accepted")
            return 1
        print(f"\nFakeZuora received {fake.token_requests} token requests. Done.")
    return 0

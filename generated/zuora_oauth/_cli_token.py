# Generated from templates/runtime/_cli_token.py by make generate: edit that file, not this copy.
"""``zuora-oauth token``: one token request, printed for a person, for ``$(...)``, or as JSON.

Settings come from the flags first, then from the environment as :mod:`._env` reads it for ``ZuoraAuth.from_env``
(the same variables, empty meaning unset), then from a prompt when stdin is a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from urllib.parse import urlsplit

from ._cli_secret import secret_from_file, secret_from_stdin
from ._env import BASE_URL, CLIENT_ID, CLIENT_SECRET, location_from_env
from ._exceptions import InvalidRequestError
from ._masking import mask
from .api.oauth import OAuthApi
from .auth import _checked_base_url
from .client import Client
from .environments import DEFAULT_BASE_URL, is_loopback_url
from .types import UNSET, Unset


def run_token(args: argparse.Namespace) -> int:
    """Create a token and print it as asked; errors propagate to ``cli.main`` for their exit code."""
    client_id = _credential(CLIENT_ID, "Client ID: ", secret=False)
    if args.client_secret_file is not None:
        client_secret = secret_from_file(args.client_secret_file)
    elif args.client_secret_stdin:
        client_secret = secret_from_stdin()
    else:
        client_secret = _credential(CLIENT_SECRET, "Client secret: ", secret=True)
    base_url = _base_url(args)
    client = Client(
        base_url=base_url,
        timeout=args.timeout,
        max_retries=args.max_retries,
        allow_insecure_http=args.allow_insecure_http,
    )
    with client:
        answer = OAuthApi(client).create_token_with_http_info(
            client_id,
            client_secret,
            zuora_track_id=args.track_id,
            zuora_entity_ids=args.entity_id,
            zuora_org_ids=",".join(args.org_id) if args.org_id else None,
        )
    token = answer.parsed
    if args.raw:
        print(token.access_token)
    elif args.json:
        print(json.dumps(token.to_dict(), indent=2, sort_keys=True))
    else:
        expires = "unknown"
        if not isinstance(token.expires_in, Unset):
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + token.expires_in))
            expires = f"{token.expires_in:.0f} s (until {at})"
        rows = [
            ("Token", mask(token.access_token)),
            ("Type", "" if token.token_type is UNSET else str(token.token_type)),
            ("Expires in", expires),
            ("Scope", "" if token.scope is UNSET else str(token.scope)),
            ("Base URL", base_url),
            ("Request id", answer.headers.get("zuora-request-id", "")),
        ]
        for label, value in rows:
            print(f"{label + ':':<12} {value}")
    return 0


def _credential(variable: str, prompt: str, *, secret: bool) -> str:
    value = os.environ.get(variable, "")
    if value:
        return value
    if not sys.stdin.isatty():
        raise InvalidRequestError(f"{variable} is not set (and stdin is not a terminal to ask on)")
    value = getpass.getpass(prompt) if secret else input(prompt)
    if not value:
        raise InvalidRequestError(f"no {variable.lower().replace('_', ' ')} given")
    return value


def _base_url(args: argparse.Namespace) -> str:
    """--env, else --base-url, else ZUORA_ENVIRONMENT (or ZUORA_ENV), else ZUORA_BASE_URL, else US production.

    A flag overrides the environment's location altogether: it is neither read nor checked then.
    """
    if args.env is not None:
        return str(args.env.base_url)
    if args.base_url is not None:
        return _checked(args.base_url, "--base-url", allow_insecure_http=args.allow_insecure_http)
    environment, base_url = location_from_env(os.environ)
    if environment is not None:
        return environment.base_url
    if base_url is not None:
        return _checked(base_url, BASE_URL, allow_insecure_http=args.allow_insecure_http)
    return DEFAULT_BASE_URL


def _checked(given: str, name: str, *, allow_insecure_http: bool) -> str:
    """``given`` as a base URL; the refusal of plain http names the flag, where the Client's names its argument."""
    url = _checked_base_url(given, allow_insecure_http=True, name=name)
    if urlsplit(url).scheme == "http" and not allow_insecure_http and not is_loopback_url(url):
        raise InvalidRequestError(
            f"plain http:// would send the client secret unencrypted ({name} {url}); use https://, a loopback "
            "address, or pass --allow-insecure-http"
        )
    return url

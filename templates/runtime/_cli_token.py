"""``zuora-oauth token``: one token request, printed for a person, for ``$(...)``, or as JSON."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time

from ._exceptions import InvalidRequestError
from ._masking import mask
from .api.oauth import OAuthApi
from .auth import _checked_base_url
from .client import Client
from .environments import DEFAULT_BASE_URL
from .types import UNSET, Unset


def run_token(args: argparse.Namespace) -> int:
    """Create a token and print it as asked; errors propagate to ``cli.main`` for their exit code."""
    client_id = _credential("ZUORA_CLIENT_ID", "Client ID: ", secret=False)
    client_secret = _credential("ZUORA_CLIENT_SECRET", "Client secret: ", secret=True)
    base_url = _base_url(args)
    try:
        client = Client(base_url=base_url, timeout=args.timeout, max_retries=args.max_retries)
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(f"invalid option: {exc}") from None
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
    if args.env is not None:
        return str(args.env.base_url)
    given = args.base_url or os.environ.get("ZUORA_BASE_URL")
    return _checked_base_url(given, allow_insecure_http=False) if given else DEFAULT_BASE_URL

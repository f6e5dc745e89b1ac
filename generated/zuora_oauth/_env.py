# Generated from templates/runtime/_env.py by make generate: edit that file, not this copy.
"""Configuration from environment variables, named as Zuora users already name them.

One reading for ``ZuoraAuth.from_env`` and the ``zuora-oauth`` command line: ``ZUORA_CLIENT_ID``,
``ZUORA_CLIENT_SECRET``, and where to send them, ``ZUORA_ENVIRONMENT`` (or ``ZUORA_ENV``, as users of Zuora's own
SDK write it) or ``ZUORA_BASE_URL``. Empty counts as unset, as it does for a shell user who wrote ``ZUORA_ENV=``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

from ._exceptions import InvalidRequestError
from .environments import Environment, find_environment, known_names, shown_value

CLIENT_ID = "ZUORA_CLIENT_ID"
CLIENT_SECRET = "ZUORA_CLIENT_SECRET"
ENVIRONMENT = "ZUORA_ENVIRONMENT"
#: What users of Zuora's Python SDK write (``ZUORA_ENV=SBX``); read as ZUORA_ENVIRONMENT is.
ENVIRONMENT_ALIAS = "ZUORA_ENV"
BASE_URL = "ZUORA_BASE_URL"


@attrs.frozen
class EnvSettings:
    """What the environment says: the credentials, and the environment *or* base URL (both None: the caller's
    default, US production for ZuoraAuth). The repr masks the secret."""

    client_id: str
    client_secret: str = attrs.field(repr=lambda _: "'****'")
    environment: Environment | None = None
    base_url: str | None = None


def settings_from_env(environ: Mapping[str, str] | None = None) -> EnvSettings:
    """Read the settings from ``environ`` (``os.environ`` by default).

    Raises InvalidRequestError naming the variable that is missing or wrong: an unset or empty credential, an
    unknown environment name (the message lists the known ones), a base URL that is not an absolute http(s) URL,
    or both an environment and a base URL.
    """
    env = _mapping(environ)
    client_id = _required(env, CLIENT_ID)
    client_secret = _required(env, CLIENT_SECRET)
    environment, base_url = location_from_env(env)
    return EnvSettings(client_id, client_secret, environment, base_url)


def location_from_env(environ: Mapping[str, str] | None = None) -> tuple[Environment | None, str | None]:
    """Only the environment and base URL of :func:`settings_from_env` (for a caller that has credentials)."""
    env = _mapping(environ)
    environment = _environment(env)
    base_url = _value(env, BASE_URL)
    if base_url is not None:
        if environment is not None:
            named = ENVIRONMENT if _value(env, ENVIRONMENT) is not None else ENVIRONMENT_ALIAS
            raise InvalidRequestError(f"set either {named} or {BASE_URL}, not both")
        base_url = base_url.strip()
        if not base_url.lower().startswith(("https://", "http://")) or len(base_url) <= len("https://"):
            raise InvalidRequestError(f"{BASE_URL} must be an absolute https:// (or http://) URL")
    return environment, base_url


def _environment(env: Mapping[str, str]) -> Environment | None:
    found: dict[str, Environment] = {}
    for variable in (ENVIRONMENT, ENVIRONMENT_ALIAS):
        value = _value(env, variable)
        if value is None:
            continue
        environment = find_environment(value)
        if environment is None:
            raise InvalidRequestError(f"{variable}={shown_value(value)} is not a Zuora environment; {known_names()}")
        found[variable] = environment
    if len(set(found.values())) > 1:
        raise InvalidRequestError(f"{ENVIRONMENT} and {ENVIRONMENT_ALIAS} name different environments; unset one")
    return next(iter(found.values()), None)


def _mapping(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    if environ is None:
        return os.environ
    if not isinstance(environ, Mapping):
        raise InvalidRequestError("environ must be a mapping of variable names to values, like os.environ")
    return environ


def _value(env: Mapping[str, str], variable: str) -> str | None:
    value = env.get(variable)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidRequestError(f"{variable} must be a string")
    return value


def _required(env: Mapping[str, str], variable: str) -> str:
    value = _value(env, variable)
    if value is None:
        raise InvalidRequestError(f"{variable} is not set")
    return value

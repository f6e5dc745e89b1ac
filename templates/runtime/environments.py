"""Every Zuora data center's REST endpoint, so callers name an environment instead of typing a host."""

from __future__ import annotations

import enum
import ipaddress
from urllib.parse import urlsplit

from ._exceptions import InvalidRequestError


class Environment(enum.Enum):
    """A Zuora environment; ``.base_url`` is its REST base URL (the same list as ``servers`` in openapi.yaml).

    The order is the spec's: US Cloud 2 production (the default) first, then by region, then US Performance Test.
    """

    US_PRODUCTION = "https://rest.zuora.com"
    US_API_SANDBOX = "https://rest.apisandbox.zuora.com"
    US_CLOUD1_PRODUCTION = "https://rest.na.zuora.com"
    US_CLOUD1_API_SANDBOX = "https://rest.sandbox.na.zuora.com"
    US_DEVELOPER_SANDBOX = "https://rest.test.zuora.com"
    EU_PRODUCTION = "https://rest.eu.zuora.com"
    EU_API_SANDBOX = "https://rest.sandbox.eu.zuora.com"
    EU_DEVELOPER_SANDBOX = "https://rest.test.eu.zuora.com"
    APAC_PRODUCTION = "https://rest.ap.zuora.com"
    APAC_DEVELOPER_SANDBOX = "https://rest.test.ap.zuora.com"
    US_PERFORMANCE_TEST = "https://rest.pt1.zuora.com"

    @property
    def base_url(self) -> str:
        """The environment's REST base URL."""
        return self.value

    @property
    def description(self) -> str:
        """Zuora's name for the data center (the ``description`` of its server in openapi.yaml)."""
        return _DESCRIPTIONS[self.name]

    @property
    def sdk_name(self) -> str | None:
        """The name Zuora's own Python SDK gives it (``ZuoraEnvironment.SBX``), None where it has none."""
        return _SDK_NAME_OF.get(self.name)

    @classmethod
    def from_name(cls, name: str) -> Environment:
        """Look an environment up by our name (``us-api-sandbox``, ``US_API_SANDBOX``: any case, ``-`` or ``_``)
        or by the name Zuora's Python SDK uses (``SBX``, ``CSBX_EU``, ``PROD_NA``, ...)."""
        found = find_environment(name)
        if found is None:
            raise InvalidRequestError(f"Unknown Zuora environment {shown_value(name)}; {known_names()}")
        return found

    @property
    def cli_name(self) -> str:
        """The name as written on a command line: ``us-api-sandbox``."""
        return self.name.lower().replace("_", "-")


_DESCRIPTIONS = {
    "US_PRODUCTION": "US Cloud 2 production",
    "US_API_SANDBOX": "US Cloud 2 API sandbox",
    "US_CLOUD1_PRODUCTION": "US Cloud 1 production",
    "US_CLOUD1_API_SANDBOX": "US Cloud 1 API sandbox",
    "US_DEVELOPER_SANDBOX": "US Central Sandbox / Developer Sandbox",
    "EU_PRODUCTION": "EU production",
    "EU_API_SANDBOX": "EU API sandbox",
    "EU_DEVELOPER_SANDBOX": "EU Central Sandbox / Developer Sandbox",
    "APAC_PRODUCTION": "APAC production",
    "APAC_DEVELOPER_SANDBOX": "APAC Central Sandbox / Developer Sandbox",
    "US_PERFORMANCE_TEST": "US Performance Test",
}

#: ``zuora_sdk.zuora_client.ZuoraEnvironment`` (zuora-sdk 3.21): its names, and the member each one's host is.
SDK_NAMES = {
    "SBX": "US_API_SANDBOX",
    "SBX_NA": "US_CLOUD1_API_SANDBOX",
    "SBX_EU": "EU_API_SANDBOX",
    "CSBX": "US_DEVELOPER_SANDBOX",
    "CSBX_EU": "EU_DEVELOPER_SANDBOX",
    "CSBX_AP": "APAC_DEVELOPER_SANDBOX",
    "PROD": "US_PRODUCTION",
    "PROD_NA": "US_CLOUD1_PRODUCTION",
    "PROD_EU": "EU_PRODUCTION",
    "PROD_AP": "APAC_PRODUCTION",
}
_SDK_NAME_OF = {member: sdk for sdk, member in SDK_NAMES.items()}

#: The most of an unknown name an error message repeats (it is not a secret, but it may be anything).
_MAX_SHOWN = 64


def find_environment(name: object) -> Environment | None:
    """The environment ``name`` means (see :meth:`Environment.from_name`), or None."""
    if not isinstance(name, str):
        return None
    key = name.strip().upper().replace("-", "_")
    key = SDK_NAMES.get(key, key)
    return Environment.__members__.get(key)


def known_names() -> str:
    """The names :meth:`Environment.from_name` accepts, for an error message."""
    ours = ", ".join(member.cli_name for member in Environment)
    return f"known: {ours}; or Zuora SDK names: {', '.join(SDK_NAMES)}"


def shown_value(value: object) -> str:
    """``value`` as an error message repeats it: quoted, and cut short when it is long."""
    if not isinstance(value, str):
        return f"of type {type(value).__name__}"
    return repr(value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…")


#: The base URL of a client built without one (the first server of the spec).
DEFAULT_BASE_URL = Environment.US_PRODUCTION.base_url


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this machine (localhost or a loopback address), where plain HTTP is harmless."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

"""Every Zuora data center's REST endpoint, so callers name an environment instead of typing a host."""

from __future__ import annotations

import enum
import ipaddress
from urllib.parse import urlsplit

from ._exceptions import InvalidRequestError


class Environment(enum.Enum):
    """A Zuora environment; ``.base_url`` is its REST base URL (the same list as ``servers`` in openapi.yaml)."""

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

    @property
    def base_url(self) -> str:
        """The environment's REST base URL."""
        return self.value

    @classmethod
    def from_name(cls, name: str) -> Environment:
        """Look an environment up by name, case-insensitively and with ``-`` for ``_`` (``us-api-sandbox``)."""
        try:
            return cls[name.strip().upper().replace("-", "_")]
        except KeyError:
            known = ", ".join(member.cli_name for member in cls)
            raise InvalidRequestError(f"Unknown Zuora environment {name!r}; known: {known}") from None

    @property
    def cli_name(self) -> str:
        """The name as written on a command line: ``us-api-sandbox``."""
        return self.name.lower().replace("_", "-")


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

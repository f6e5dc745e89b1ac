"""Token stores: where ZuoraAuth shares one token among the processes of a host (file) or of a fleet (Redis).

``InMemoryTokenStore`` (the default) shares nothing; ``FileTokenStore`` shares through a private directory on
one host; ``RedisTokenStore`` shares across hosts (the optional extra ``zuora-oauth[redis]``; redis-py is imported
only when one is constructed).
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._file import FileTokenStore
    from ._memory import InMemoryTokenStore
    from ._protocol import IsUsable, TokenStore
    from ._record import TokenRecord, store_key
    from ._redis import RedisTokenStore

#: Loaded on first use (PEP 562), so a ZuoraAuth with the default in-memory store never imports the file and
#: Redis stores (nor asyncio, which they use).
_EXPORTS = {
    "FileTokenStore": "._file",
    "InMemoryTokenStore": "._memory",
    "IsUsable": "._protocol",
    "RedisTokenStore": "._redis",
    "TokenRecord": "._record",
    "TokenStore": "._protocol",
    "store_key": "._record",
}

__all__ = [
    "FileTokenStore",
    "InMemoryTokenStore",
    "IsUsable",
    "RedisTokenStore",
    "TokenRecord",
    "TokenStore",
    "store_key",
]


def __getattr__(name: str) -> Any:
    """Import the module of an exported name on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

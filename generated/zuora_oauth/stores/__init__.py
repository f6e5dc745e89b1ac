# Generated from templates/runtime/stores/__init__.py by make generate: edit that file, not this copy.
"""Token stores: where ZuoraAuth shares one token among the processes of a host (file) or of a fleet (Redis).

``InMemoryTokenStore`` (the default) shares nothing; ``FileTokenStore`` shares through a private directory on
one host; ``RedisTokenStore`` shares across hosts (the optional extra ``zuora-oauth[redis]``; redis-py is imported
only when one is constructed).
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)

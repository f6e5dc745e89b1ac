"""Token stores: where ZuoraAuth shares one token among the processes of a host (file) or of a fleet (Redis).

``InMemoryTokenStore`` (the default) shares nothing; ``FileTokenStore`` shares through a private directory on
one host; ``RedisTokenStore`` shares across hosts (the optional extra ``zuora-oauth[redis]``; redis-py is imported
only when one is constructed).
"""

from ._file import FileTokenStore
from ._memory import InMemoryTokenStore
from ._protocol import IsUsable, TokenStore
from ._record import TokenRecord, store_key
from ._redis import RedisTokenStore

__all__ = [
    "FileTokenStore",
    "InMemoryTokenStore",
    "IsUsable",
    "RedisTokenStore",
    "TokenRecord",
    "TokenStore",
    "store_key",
]

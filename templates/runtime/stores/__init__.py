"""Token stores: where ZuoraAuth shares one token among the processes of a host (file) or of a fleet (Redis)."""

from ._memory import InMemoryTokenStore
from ._protocol import IsUsable, TokenStore
from ._record import TokenRecord, store_key

__all__ = ["InMemoryTokenStore", "IsUsable", "TokenRecord", "TokenStore", "store_key"]

"""One cold process of a fleet: ``python fleet_worker.py memory|file [DIRECTORY]``.

It builds its ZuoraAuth (on a ``FileTokenStore`` in DIRECTORY, or the default in-memory store), prints
``ready``, waits for ``go`` on stdin (the harness releases all processes at once), makes one authenticated
request and prints one JSON line with the status.
"""

from __future__ import annotations

import json
import sys

import httpx
from _clients import ACCOUNT_PATH
from _common import read_credentials


def main() -> int:
    from zuora_oauth.auth import ZuoraAuth

    base_url, client_id, secret = read_credentials()
    store = None
    if sys.argv[1] == "file":
        from zuora_oauth.stores import FileTokenStore  # type: ignore[attr-defined,unused-ignore]

        store = FileTokenStore(sys.argv[2])
    client = httpx.Client(auth=ZuoraAuth(client_id, secret, base_url=base_url, store=store), timeout=60)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 2
    response = client.get(base_url + ACCOUNT_PATH)
    print(json.dumps({"status": response.status_code}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""One process of a fleet test: build a ZuoraAuth on a shared store, wait for the start signal, then make
authenticated requests from several threads at once and print what happened as one JSON line.

Run by tests/_fleet.py as ``python _fleet_worker.py '<json spec>'`` with the client secret in the environment
(``ZUORA_FLEET_SECRET``), never on the command line.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from zuora_oauth.auth import ZuoraAuth
from zuora_oauth.stores import FileTokenStore, InMemoryTokenStore, RedisTokenStore, TokenStore

SECRET_VARIABLE = "ZUORA_FLEET_SECRET"


def token_digest(token: str) -> str:
    """How workers report the tokens they sent: enough to compare, nothing to use."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def build_store(spec: dict[str, Any]) -> TokenStore:
    if spec["kind"] == "memory":
        return InMemoryTokenStore()
    if spec["kind"] == "file":
        return FileTokenStore(spec["directory"], lock_timeout=spec.get("lock_timeout", 30.0))
    if spec["kind"] == "redis":
        return RedisTokenStore(
            spec["url"],
            prefix=spec.get("prefix", "zuora-oauth:"),
            lock_timeout=spec.get("lock_timeout", 30.0),
            wait_timeout=spec.get("wait_timeout"),
        )
    raise ValueError(f"unknown store kind {spec['kind']!r}")


def main() -> int:
    spec = json.loads(sys.argv[1])
    auth = ZuoraAuth(
        spec["client_id"], os.environ[SECRET_VARIABLE], base_url=spec["base_url"], store=build_store(spec["store"])
    )
    url = spec["base_url"] + "/v1/accounts/A"
    threads: int = spec["threads"]
    barrier = threading.Barrier(threads)
    statuses: list[int] = []
    tokens: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        with httpx.Client(auth=auth, timeout=60) as client:
            barrier.wait()
            for _ in range(spec["requests"]):
                response = client.get(url)
                sent = response.request.headers["Authorization"].removeprefix("Bearer ")
                with lock:
                    statuses.append(response.status_code)
                    tokens.append(token_digest(sent))

    Path(spec["ready"]).touch()
    deadline = time.monotonic() + 120
    while not os.path.exists(spec["go"]):
        if time.monotonic() > deadline:
            return 3
        time.sleep(0.002)
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps({"statuses": statuses, "tokens": sorted(set(tokens))}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

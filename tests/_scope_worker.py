"""One process of a token-scope test: build a ZuoraAuth on a shared store, wait for the go file, then either get one
token or hammer ``get_token`` from several threads for some seconds, and print what happened as one JSON line.

Run as ``python -m tests._scope_worker '<json spec>'`` from the repository root, with the client secret in the
environment (``ZUORA_FLEET_SECRET``), never on the command line. Tokens are reported as digests only.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests._fleet_worker import SECRET_VARIABLE, build_store, token_digest
from zuora_oauth import ApiError
from zuora_oauth.auth import ZuoraAuth


def get_one(auth: ZuoraAuth) -> dict[str, Any]:
    """One get_token: the token's digest, or the class and code of the error."""
    try:
        return {"token": token_digest(auth.get_token())}
    except ApiError as error:
        return {"error": type(error).__name__, "code": error.code}


def hammer(auth: ZuoraAuth, threads: int, seconds: float) -> Counter[str]:
    """``threads`` threads calling get_token back to back for ``seconds``: how each call ended, counted."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work() -> None:
        barrier.wait()
        deadline = time.monotonic() + seconds
        mine: Counter[str] = Counter()
        while time.monotonic() < deadline:
            try:
                auth.get_token()
                mine["token"] += 1
            except ApiError as error:
                mine[f"{type(error).__name__} {error.code}"] += 1
            except Exception as error:  # reported, so the test can say no other exception escaped
                mine[f"unexpected {type(error).__name__}"] += 1
        with lock:
            outcomes.update(mine)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes


def main() -> int:
    spec = json.loads(sys.argv[1])
    auth = ZuoraAuth(
        spec["client_id"], os.environ[SECRET_VARIABLE], base_url=spec["base_url"], store=build_store(spec["store"])
    )
    Path(spec["ready"]).touch()
    deadline = time.monotonic() + 120
    while not os.path.exists(spec["go"]):
        if time.monotonic() > deadline:
            return 3
        time.sleep(0.002)
    if spec["mode"] == "one":
        report = get_one(auth)
    else:
        report = {"outcomes": dict(hammer(auth, spec["threads"], spec["seconds"]))}
    auth.close()
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

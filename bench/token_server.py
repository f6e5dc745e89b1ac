"""The token server process: one FakeZuora for the whole run, steered over stdin.

It runs in its own process so its CPU never counts against a client's. It prints one JSON line with
``base_url``, ``client_id`` and ``client_secret`` (a throwaway local credential), then answers one line per
command: ``count`` (token requests since the last reset), ``reset``, ``delay SECONDS`` (answer each token
request that much later, as a remote endpoint would) and ``quit``.

The client id is a UUID and the secret 40 characters because zuora-sdk validates exactly those lengths.
"""

from __future__ import annotations

import json
import sys
import uuid

from zuora_oauth.testing import FakeZuora


def main() -> int:
    fake = FakeZuora(client_id=str(uuid.uuid4()), expires_in=3600)
    with fake:
        print(
            json.dumps({"base_url": fake.base_url, "client_id": fake.client_id, "client_secret": fake.client_secret}),
            flush=True,
        )
        for line in sys.stdin:
            command, _, argument = line.strip().partition(" ")
            if command == "count":
                answer: object = fake.token_requests
            elif command == "reset":
                fake.clear_records()
                answer = "ok"
            elif command == "delay":
                fake.token_delay = float(argument)
                answer = "ok"
            elif command == "quit":
                break
            else:
                answer = f"unknown command {command!r}"
            print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

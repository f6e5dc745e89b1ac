# Generated from templates/runtime/testing/_cli.py by make generate: edit that file, not this copy.
"""Run a fake from the command line, printing credentials a shell can ``eval``."""

import shlex
import signal
import sys
import threading
import types
from typing import TextIO

from ._fake import FakeZuora


def _interrupt(signum: int, frame: types.FrameType | None) -> None:
    """Turn SIGTERM into the same clean shutdown path as Ctrl-C."""
    del signum, frame
    raise KeyboardInterrupt


def run_fake_server(
    port: int = 0,
    *,
    client_id: str | None = None,
    client_secret: str | None = None,
    expires_in: float = 3600,
    out: TextIO | None = None,
    host: str = "127.0.0.1",
    stop: threading.Event | None = None,
) -> None:
    """Serve a fake until Ctrl-C, SIGTERM or ``stop`` is set, after printing three ``KEY=value`` lines.

    The lines are ``ZUORA_BASE_URL``, ``ZUORA_CLIENT_ID`` and ``ZUORA_CLIENT_SECRET`` (shell-quoted when
    needed). Printing the secret is intended: it is a throwaway local test credential. ``out`` defaults to
    the *current* ``sys.stdout``.
    """
    stream = sys.stdout if out is None else out
    fake = FakeZuora(host=host, port=port, client_id=client_id, client_secret=client_secret, expires_in=expires_in)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main_thread else None
    waiter = stop if stop is not None else threading.Event()
    try:
        fake.start()
        stream.write(f"ZUORA_BASE_URL={shlex.quote(fake.base_url)}\n")
        stream.write(f"ZUORA_CLIENT_ID={shlex.quote(fake.client_id)}\n")
        stream.write(f"ZUORA_CLIENT_SECRET={shlex.quote(fake.client_secret)}\n")
        stream.flush()
        while not waiter.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
        fake.stop()

# Generated from templates/runtime/stores/_problems.py by make generate: edit that file, not this copy.
"""Say it once: a store that keeps failing logs one warning when the trouble starts, not one per call."""

from __future__ import annotations

import logging
import threading

from .._fork import reset_in_forked_children

logger = logging.getLogger("zuora_oauth")


class ProblemLog:
    """Logs a warning when a problem starts (with its ``consequence``) and, if ``ended`` is given, an info at its end.

    Every refresh of every ZuoraAuth sharing the store reports the same outage (or waiters polling a corrupt file
    report it every few milliseconds), so only the transitions are worth a log record.
    """

    def __init__(self, *, consequence: str | None = None, ended: str | None = None) -> None:
        self._consequence = consequence
        self._ended = ended
        self._lock = threading.Lock()
        self._active = False
        reset_in_forked_children(self)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()  # another thread of the parent may have held it

    def report(self, problem: str) -> None:
        """Note that ``problem`` happened; logs it only if no problem was already active. No secrets in it."""
        with self._lock:
            first, self._active = not self._active, True
        if first and self._consequence:
            logger.warning("%s; %s", problem, self._consequence)
        elif first:
            logger.warning("%s", problem)

    def clear(self) -> None:
        """Note that things work; logs the ``ended`` message if a problem was active."""
        with self._lock:
            was, self._active = self._active, False
        if was and self._ended is not None:
            logger.info("%s", self._ended)

    @property
    def active(self) -> bool:
        """Whether a problem was reported and not cleared since."""
        return self._active

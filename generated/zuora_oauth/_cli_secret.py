# Generated from templates/runtime/_cli_secret.py by make generate: edit that file, not this copy.
"""Where ``zuora-oauth token`` reads a client secret besides the environment: a private file, or standard input.

A secret never comes from the command line itself (``ps`` and shell histories show it), so the flags name a source.
Every refusal is an :class:`InvalidRequestError` (exit code 2) that names the source and never holds its content.
"""

from __future__ import annotations

import getpass
import os
import stat
import sys

from ._exceptions import InvalidRequestError

#: Far more than any client secret; a bigger source is not one, and is not read into memory.
MAX_SECRET_BYTES = 64 * 1024

_OTHERS = 0o077  # group and other permission bits


def secret_from_file(path: str) -> str:
    """The secret in ``path``, which only its owner may access (as ssh does for keys); one trailing newline dropped.

    The mode is read from the opened file (``fstat``), so the checked file is the one read; a pipe such as bash's
    ``<(vault read ...)`` is 0600 and works.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:  # the path is not echoed: it may be the secret itself, given here by mistake
        raise InvalidRequestError(f"--client-secret-file: cannot open the file ({error.strerror})") from None
    where = f"--client-secret-file {path}"
    try:
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
        if mode & _OTHERS:
            raise InvalidRequestError(
                f"{where} is open to other users (mode {mode:04o}); make it private with: chmod 600 {path}"
            )
        data = _read_bounded(fd, where)
    finally:
        os.close(fd)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # raised below, not here: the decode error's ``object`` is the file's content
        text = None
    if text is None:
        raise InvalidRequestError(f"{where} is not UTF-8 text")
    return _one_line(text, where)


def secret_from_stdin() -> str:
    """The secret on standard input: one line, asked for without echo when standard input is a terminal."""
    where = "--client-secret-stdin"
    if sys.stdin.isatty():
        return _one_line(getpass.getpass("Client secret: "), where)
    return _one_line(sys.stdin.readline(MAX_SECRET_BYTES + 1), where)


def _read_bounded(fd: int, where: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_SECRET_BYTES:
        try:
            chunk = os.read(fd, MAX_SECRET_BYTES + 1 - size)
        except OSError as error:
            raise InvalidRequestError(f"{where}: cannot read it ({error.strerror})") from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise InvalidRequestError(f"{where} is larger than {MAX_SECRET_BYTES} bytes: not a client secret")


def _one_line(text: str, where: str) -> str:
    """``text`` less one trailing newline; refused when empty or when more lines follow."""
    if len(text) > MAX_SECRET_BYTES:
        raise InvalidRequestError(f"{where}: the line is longer than {MAX_SECRET_BYTES} characters")
    secret = text.removesuffix("\n").removesuffix("\r")
    if not secret:
        raise InvalidRequestError(f"{where}: the client secret is empty")
    if "\n" in secret or "\r" in secret:
        raise InvalidRequestError(f"{where}: the client secret must be one line, and this has more")
    return secret

"""Write the thread twin of each runtime module written for asyncio, as httpcore does (its ``unasync.py``).

The single flight of the shared stores and the Redis backend are written once, with ``async``/``await``; the
thread versions are the same code without them, so they are generated, never edited: a fixed list of textual
rewrites (``async def`` to ``def``, ``await`` dropped, ``AsyncX`` to ``X``, ``arefresh`` to ``refresh``...), then
the pinned ruff formats the result. ``make generate`` runs it; ``--check`` (``make check-generated``, and the test
suite) fails, naming the file, when a committed twin differs from what its source gives.

Run it by path (``python templates/runtime/codegen/_unasync.py templates/runtime [--check]``), so that the source
being edited is what runs: it imports nothing but the standard library.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

#: Each asyncio source under ``templates/runtime/`` and the thread twin written from it.
TWINS = {
    "stores/_flight_async.py": "stores/_flight_sync.py",
    "stores/_redis_async.py": "stores/_redis_sync.py",
}

#: Rewrites of text, in order: the syntax of coroutines, then the names of the two flavours.
_SYNTAX = (
    (re.compile(r"\basync (def|with|for) "), r"\1 "),
    (re.compile(r"\bawait "), ""),
    (re.compile(r"\bAwaitable\[(\w+)\]"), r"\1"),
    (re.compile(r"\bAwaitable, "), ""),
    (re.compile(r"\bredis\.asyncio\b"), "redis"),
)

#: Names of the asyncio flavour and their thread twins (whole identifiers only).
_NAMES = {
    "AsyncBackend": "Backend",
    "AsyncDeletingBackend": "DeletingBackend",
    "AsyncRedisBackend": "RedisBackend",
    "arefresh": "refresh",
    "_asettle": "_settle",
    "ainvalidate": "invalidate",
    "asleep": "sleep",
}
_IDENTIFIER = re.compile(r"\b[A-Za-z_]\w*\b")

#: The house format, given explicitly: the same output wherever the tool runs (a copy of the tree has no pyproject).
_RUFF_SETTINGS = ("--isolated", "--line-length=120", "--target-version=py311")


def header(source: str) -> str:
    """The first line of a twin: where it comes from, and where to edit it."""
    return f"# Generated from {source} by codegen/_unasync.py (make generate): edit that file, not this one.\n"


def unasync(text: str) -> str:
    """The thread version of asyncio source ``text`` (before formatting)."""
    for pattern, replacement in _SYNTAX:
        text = pattern.sub(replacement, text)
    return _IDENTIFIER.sub(lambda match: _NAMES.get(match[0], match[0]), text)


def twin_of(runtime: Path, source: str) -> str:
    """The complete thread twin of ``runtime/source``: header, rewritten code, formatted by the pinned ruff."""
    text = header(Path(source).name) + unasync((runtime / source).read_text(encoding="utf-8"))
    formatted = subprocess.run(  # noqa: S603  (this interpreter running the pinned ruff)
        [sys.executable, "-m", "ruff", "format", *_RUFF_SETTINGS, "--stdin-filename", TWINS[source], "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    if formatted.returncode != 0:
        raise SystemExit(f"ruff could not format the twin of {source}: {formatted.stderr.strip()}")
    return formatted.stdout


def stale_twins(runtime: Path) -> list[str]:
    """The twins under ``runtime`` that differ from what their sources give (or are missing)."""
    stale = []
    for source, target in TWINS.items():
        path = runtime / target
        if not path.is_file() or path.read_text(encoding="utf-8") != twin_of(runtime, source):
            stale.append(target)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("runtime", type=Path, help="the templates/runtime folder")
    parser.add_argument("--check", action="store_true", help="write nothing; fail if a twin is out of date")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_twins(args.runtime)
        for target in stale:
            print(f"{args.runtime / target} is out of date: run make generate", file=sys.stderr)
        return 1 if stale else 0
    for source, target in TWINS.items():
        path = args.runtime / target
        text = twin_of(args.runtime, source)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

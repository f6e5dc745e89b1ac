# Generated from templates/runtime/codegen/_diff.py by make generate: edit that file, not this copy.
"""``--check``: what differs between the output on disk and a fresh generation, as a unified diff.

The diff reads from the output as it is (``a/``) to what the sources produce now (``b/``), paths relative to the
output folder, so ``patch -p1`` in it would bring it up to date. ``__pycache__`` folders are ignored (importing the
package writes them), as the Makefile's ``diff -ru -x __pycache__`` did.
"""

from __future__ import annotations

import difflib
from pathlib import Path


def files_under(root: Path, names: list[str]) -> dict[str, Path]:
    """Relative POSIX path -> file, for the given top-level names of ``root`` (files or folders)."""
    found: dict[str, Path] = {}
    for name in names:
        top = root / name
        if top.is_file():
            found[name] = top
        elif top.is_dir():
            for path in sorted(top.rglob("*")):
                if path.is_file() and "__pycache__" not in path.relative_to(root).parts:
                    found[path.relative_to(root).as_posix()] = path
    return found


def diff_trees(current_root: Path, fresh_root: Path, names: list[str]) -> str:
    """The unified diff from ``current_root`` to ``fresh_root`` over ``names``; empty when they are identical."""
    current = files_under(current_root, names)
    fresh = files_under(fresh_root, names)
    chunks: list[str] = []
    for relative in sorted(current.keys() | fresh.keys()):
        old = current[relative].read_bytes() if relative in current else None
        new = fresh[relative].read_bytes() if relative in fresh else None
        if old == new:
            continue
        old_name = f"a/{relative}" if old is not None else "/dev/null"
        new_name = f"b/{relative}" if new is not None else "/dev/null"
        old_text, new_text = _text(old), _text(new)
        if old_text is None or new_text is None:
            chunks.append(f"Binary files {old_name} and {new_name} differ\n")
            continue
        lines = difflib.unified_diff(
            old_text.splitlines(keepends=True), new_text.splitlines(keepends=True), old_name, new_name
        )
        chunks.append(
            "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
        )
    return "".join(chunks)


def _text(data: bytes | None) -> str | None:
    if data is None:
        return ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None

"""Where an import's time goes: ``python -X importtime``, diffed against ``import httpx``.

The figure that matters for the import target is what our import loads *beyond* httpx, which every client here
needs anyway. Self times are medians over several runs, grouped by top-level package, and the modules that only
our import loads are listed with their own self time: those are the candidates for a lazy import.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

from _common import PROFILES_DIR, child_env, median

_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _tree(python: Path, statement: str) -> list[tuple[str, int, int, str | None]]:
    """(module, self us, cumulative us, importing module) for one cold run, in importtime's order."""
    env = child_env()
    done = subprocess.run(
        [str(python), "-X", "importtime", "-c", statement], capture_output=True, text=True, env=env, check=False
    )
    parsed = [
        (match.group(4), int(match.group(1)), int(match.group(2)), len(match.group(3)))
        for match in map(_LINE.match, done.stderr.splitlines())
        if match
    ]
    # importtime prints a module after everything it imported, indented one level less: the parent of a line is
    # the next line below it with a smaller indent.
    rows: list[tuple[str, int, int, str | None]] = []
    for index, (module, self_us, cumulative_us, depth) in enumerate(parsed):
        parent = next((later[0] for later in parsed[index + 1 :] if later[3] < depth), None)
        rows.append((module, self_us, cumulative_us, parent))
    return rows


def _self_times(python: Path, statement: str) -> dict[str, int]:
    """Module -> self microseconds for one cold run."""
    return {module: self_us for module, self_us, _, _ in _tree(python, statement)}


def import_breakdown(python: Path, statement: str, *, runs: int, top: int = 12) -> dict[str, Any]:
    """Median self time of every module loaded by ``statement`` that ``import httpx`` does not load."""
    ours: dict[str, list[int]] = defaultdict(list)
    edges: dict[tuple[str, str], list[int]] = defaultdict(list)
    floor_modules: set[str] = set()
    for _ in range(runs):
        for module, self_us, cumulative_us, parent in _tree(python, statement):
            ours[module].append(self_us)
            # A module loaded through the package's lazy exports (importlib from a module __getattr__) shows up at
            # the top level of importtime's tree, with no importing module.
            importer = parent or "(a lazy export of zuora_oauth)"
            if importer.startswith(("zuora_oauth", "(a lazy")) and not module.startswith("zuora_oauth"):
                edges[(importer, module)].append(cumulative_us)
        floor_modules |= set(_self_times(python, "import httpx"))
    extra = {module: median(values) for module, values in ours.items() if module not in floor_modules}
    # Which of our modules pulls in which dependency httpx does not load, with everything under it: the import
    # a lazy import would move off the path.
    pulled = {
        f"{parent} -> {module}": median(values) / 1000
        for (parent, module), values in edges.items()
        if module not in floor_modules
    }
    by_package: dict[str, float] = defaultdict(float)
    for module, micros in extra.items():
        by_package[module.split(".")[0]] += micros
    slug = re.sub(r"[^a-z0-9]+", "-", statement.lower()).strip("-")
    PROFILES_DIR.mkdir(parents=True, exist_ok=True)
    path = PROFILES_DIR / f"importtime-{slug}.txt"
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"# python -X importtime -c {statement!r}: modules not loaded by 'import httpx'\n")
        out.write(f"# median self time over {runs} runs, microseconds\n")
        for module, micros in sorted(extra.items(), key=lambda item: -item[1]):
            out.write(f"{micros:10.0f}  {module}\n")
        out.write("\n# dependencies beyond httpx, by the module of ours that imports them (cumulative ms)\n")
        for edge, millis in sorted(pulled.items(), key=lambda item: -item[1]):
            out.write(f"{millis:10.1f}  {edge}\n")
    return {
        "statement": statement,
        "extra_modules": len(extra),
        "extra_ms": sum(extra.values()) / 1000,
        "packages_ms": dict(sorted(((k, v / 1000) for k, v in by_package.items()), key=lambda kv: -kv[1])[:top]),
        "modules_ms": dict(sorted(((k, v / 1000) for k, v in extra.items()), key=lambda kv: -kv[1])[:top]),
        "pulled_in_ms": dict(sorted(pulled.items(), key=lambda kv: -kv[1])[:top]),
        "file": str(path),
    }

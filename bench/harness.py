"""The benchmark itself, run by ``run.py`` with the bench venv's python.

It starts one token server process, runs every measurement against it (each client in fresh processes of its
own), writes the raw figures to ``.bench/results.json``, the table to ``bench/results/benchmark.md`` and the
chart to ``bench/results/benchmark.png``, and prints the table. ``--only`` re-runs some sections and keeps the
others from the previous raw results, for working on one figure.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from _common import RAW_RESULTS, RESULTS_DIR, log

SECTIONS = ("imports", "token_cpu", "cached_cpu", "threads", "tasks", "fleet", "generate", "importtime")
PEER_DISTRIBUTIONS = ("zuora-oauth", "httpx", "zuora-sdk", "zuora-swagger-client", "authlib", "httpx-auth")


@dataclass(frozen=True)
class Settings:
    """How much work each figure gets: ``--quick`` trades precision for a run of a minute or two."""

    import_runs: int
    import_slow_runs: int
    importtime_runs: int
    cpu_rounds: int
    token_calls: int
    cached_calls: int
    profile_calls: int
    trials: int
    generate_runs: int
    threads: int = 64
    tasks: int = 1000
    processes: int = 16


FULL = Settings(
    import_runs=15,
    import_slow_runs=3,
    importtime_runs=5,
    cpu_rounds=9,
    token_calls=300,
    cached_calls=600,
    profile_calls=2000,
    trials=3,
    generate_runs=3,
)
QUICK = Settings(
    import_runs=4,
    import_slow_runs=1,
    importtime_runs=1,
    cpu_rounds=3,
    token_calls=50,
    cached_calls=100,
    profile_calls=300,
    trials=1,
    generate_runs=1,
)


def _meta(quick: bool) -> dict[str, Any]:
    versions = {}
    for name in PEER_DISTRIBUTIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "quick": quick,
        "versions": versions,
    }


def run(sections: set[str], settings: Settings, results: dict[str, Any]) -> None:
    """Fill ``results`` section by section; a section that raises is recorded as its error, and the rest go on."""
    from _concurrency import measure_fleet, measure_herds
    from _cpu import measure_cpu
    from _generate import measure_generate
    from _imports import measure_imports
    from _importtime import import_breakdown
    from _server import TokenServer

    python = Path(sys.executable)
    s = settings
    herd_kinds = ("zuora-oauth", "httpx-auth", "authlib")

    def section(name: str, measure: Callable[[], Any]) -> None:
        if name not in sections:
            return
        try:
            results[name] = measure()
        except Exception as exc:  # a broken section must not cost the others their figures
            log(f"{name}: failed: {type(exc).__name__}: {exc}")
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}

    # Imports first, while no server or worker competes for the two cores.
    section("imports", lambda: measure_imports(python, runs=s.import_runs, slow_runs=s.import_slow_runs))
    with TokenServer(python) as server:
        section(
            "token_cpu",
            lambda: measure_cpu(
                python,
                server,
                scenario="token",
                kinds=("zuora-oauth", "httpx (raw)", "zuora-sdk", "zuora-swagger-client", "authlib"),
                floor="httpx (raw)",
                rounds=s.cpu_rounds,
                calls=s.token_calls,
                profile=("zuora-oauth", "httpx (raw)"),
                profile_calls=s.profile_calls,
            ),
        )
        section(
            "cached_cpu",
            lambda: measure_cpu(
                python,
                server,
                scenario="cached",
                kinds=("ZuoraAuth", "static header", "httpx-auth", "authlib"),
                floor="static header",
                rounds=s.cpu_rounds,
                calls=s.cached_calls,
                profile=("ZuoraAuth", "static header"),
                profile_calls=s.profile_calls,
            ),
        )
        section(
            "threads",
            lambda: measure_herds(python, server, mode="threads", kinds=herd_kinds, count=s.threads, trials=s.trials),
        )
        section(
            "tasks",
            lambda: measure_herds(python, server, mode="tasks", kinds=herd_kinds, count=s.tasks, trials=s.trials),
        )
        section("fleet", lambda: measure_fleet(python, server, processes=s.processes, trials=s.trials))
    section("generate", lambda: measure_generate(runs=s.generate_runs))
    section(
        "importtime",
        lambda: [
            import_breakdown(python, statement, runs=s.importtime_runs)
            for statement in ("from zuora_oauth import Client, OAuthApi", "from zuora_oauth.auth import ZuoraAuth")
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="bench/run.py also takes --reinstall: rebuild the bench venv from scratch.",
    )
    parser.add_argument("--quick", action="store_true", help="fewer rounds and trials: a smoke run, noisier figures")
    parser.add_argument("--only", help=f"comma-separated sections to re-run, of: {', '.join(SECTIONS)}")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed or not measured")
    args = parser.parse_args(argv)
    sections = set(SECTIONS) if not args.only else {name.strip() for name in args.only.split(",")}
    unknown = sections - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    results: dict[str, Any] = {}
    if args.only and RAW_RESULTS.exists():
        results = json.loads(RAW_RESULTS.read_text())
    # A table mixing sections of a quick run with a full one is as noisy as its noisiest part: say so.
    quick = args.quick or bool(args.only and results.get("meta", {}).get("quick"))
    started = time.perf_counter()
    run(sections, QUICK if args.quick else FULL, results)
    results["meta"] = _meta(quick) | {"duration_s": time.perf_counter() - started}
    RAW_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RAW_RESULTS.write_text(json.dumps(results, indent=2, default=str))

    from _report import chart, markdown, verdicts

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    table = markdown(results)
    (RESULTS_DIR / "benchmark.md").write_text(table, encoding="utf-8")
    chart(results, RESULTS_DIR / "benchmark.png")
    print(table)
    for breakdown in results.get("importtime", []) if isinstance(results.get("importtime"), list) else []:
        log(
            f"import profile of {breakdown['statement']!r}: {breakdown['extra_ms']:.1f} ms in "
            f"{breakdown['extra_modules']} modules beyond httpx; {breakdown['file']}"
        )
    log(f"raw figures: {RAW_RESULTS}; profiles: {RAW_RESULTS.parent / 'profiles'}")
    log(f"wrote {RESULTS_DIR / 'benchmark.md'} and {RESULTS_DIR / 'benchmark.png'}")
    missed = [v for v in verdicts(results) if v.met is not True]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``make bench``: zuora-oauth and the clients a Zuora user would otherwise pick, measured side by side in one run.

    .venv/bin/python bench/run.py [--quick] [--only SECTION,...] [--publish] [--strict] [--reinstall]

The peers pin versions the project's venv must never get (zuora-sdk 3.21.0 wants ``urllib3<2.1`` and pydantic),
so the measurements (``harness.py``) run with ``.bench/venv`` (gitignored), which has them next to an editable
install of this project, so the bench always measures the working tree; it is rebuilt when the pins or
pyproject.toml change. The raw figures and the table go to ``.bench/results/`` and the table is printed; only
``--publish`` (``make bench-publish``) rewrites the committed ``bench/results/benchmark.md``, from a full run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from harness import STATE, log
from report import markdown, missed

OUT, PUBLISHED, VENV = STATE / "results", Path(__file__).resolve().parent / "results" / "benchmark.md", STATE / "venv"
SECTIONS = ("imports", "token_cpu", "cached_cpu", "threads", "tasks", "fleet", "generate", "importtime")
#: Exact pins: a figure is only comparable with another run made against the same peers. The last is a tool.
PINS = (
    "zuora-sdk==3.21.0",
    "zuora-swagger-client==1.2.0",
    "authlib==1.9.6",
    "httpx-auth==0.23.1",
    "pyinstrument==5.1.3",
)


def _pip(python: Path, *arguments: str) -> bool:
    command = [str(python), "-m", "pip", "--quiet", "--disable-pip-version-check", *arguments]
    return subprocess.run(command, check=False).returncode == 0


def bench_python(reinstall: bool) -> Path:
    """The bench venv's python, made or refreshed first when needed (a stamp holds the hash of what it depends on)."""
    python, stamp, root = VENV / "bin" / "python", VENV / ".bench-installed", STATE.parent
    wanted = hashlib.sha256("\n".join(PINS).encode() + (root / "pyproject.toml").read_bytes()).hexdigest()
    if not reinstall and python.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return python
    if reinstall:
        shutil.rmtree(VENV, ignore_errors=True)
    if not python.exists():
        log(f"creating the bench venv in {VENV.relative_to(root)} (once; later runs reuse it)")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        _pip(python, "install", "--upgrade", "pip")  # an old pip may not do PEP 660 editable installs
    log("installing this project (editable) and the pinned peers into the bench venv")
    if not _pip(python, "install", "-e", str(root), *PINS):
        # A peer that cannot be installed must not cost the others their rows: its own say "not installed".
        if not _pip(python, "install", "-e", str(root), PINS[-1]):
            raise SystemExit("cannot install this project and pyinstrument into the bench venv (see pip above)")
        for peer in PINS[:-1]:
            if not _pip(python, "install", peer):
                log(f"WARNING: {peer} could not be installed; its rows will say so")
    stamp.write_text(wanted + "\n")
    return python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and trials: a smoke run, noisier figures")
    parser.add_argument(
        "--only", help=f"re-run these sections, keep the others from the last run: {','.join(SECTIONS)}"
    )
    parser.add_argument("--publish", action="store_true", help="also write bench/results/benchmark.md (full runs only)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed or not measured")
    parser.add_argument("--reinstall", action="store_true", help="rebuild the bench venv from scratch")
    args = parser.parse_args(argv)
    sections = [name.strip() for name in args.only.split(",")] if args.only else list(SECTIONS)
    if unknown := set(sections) - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    raw, fresh = OUT / "results.json", OUT / "fresh.json"
    results = json.loads(raw.read_text()) if args.only and raw.exists() else {}
    # A table that mixes a quick run's sections with a full one's is as noisy as its noisiest part: say so.
    quick = args.quick or bool(results.get("meta", {}).get("quick"))
    if args.publish and quick:
        parser.error("--publish writes the committed figures: a full run only (no --quick, nor --only over one)")
    started = time.perf_counter()
    python = bench_python(args.reinstall)
    measuring = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    harness = [str(python), str(Path(__file__).with_name("harness.py")), "measure", str(fresh)]
    if subprocess.run([*harness, *(["--quick"] if args.quick else []), *sections], check=False).returncode:
        return 2
    results |= json.loads(fresh.read_text())
    fresh.unlink()
    results["meta"] |= {"quick": quick, "duration_s": time.perf_counter() - measuring}
    raw.write_text(json.dumps(results, indent=1))
    table = markdown(results)
    (OUT / "benchmark.md").write_text(table, encoding="utf-8")
    if args.publish:
        PUBLISHED.write_text(table, encoding="utf-8")
    print(table)
    log(f"bench venv ready in {measuring - started:.0f} s; measurements took {time.perf_counter() - measuring:.0f} s")
    log(f"wrote {OUT}/results.json and benchmark.md" + (f", and {PUBLISHED}" if args.publish else ""))
    log(f"profiles: {STATE / 'profiles'}; publish with `make bench-publish` (bench/run.py --publish)")
    return 1 if args.strict and missed(results) else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The bench virtualenv: the peers pin versions the project's own venv must never see.

``zuora-sdk`` 3.21.0 wants ``urllib3<2.1`` and pydantic; authlib, httpx-auth, matplotlib and pyinstrument are
needed by the benchmark alone. They all go into ``.bench/venv`` (gitignored) next to an editable install of this
project, so the bench always measures the working tree. The venv is reused while the pins and pyproject.toml are
unchanged (a stamp file holds their hash); anything else rebuilds it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from _common import ROOT, STATE_DIR, log

VENV = STATE_DIR / "venv"
STAMP = VENV / ".bench-installed"

#: Exact pins: a figure is only comparable with another run made against the same peers.
PEERS = (
    "zuora-sdk==3.21.0",
    "zuora-swagger-client==1.2.0",
    "authlib==1.9.6",
    "httpx-auth==0.23.1",
)
TOOLS = (
    "matplotlib==3.11.2",
    "pyinstrument==5.1.3",
)


def bench_python() -> Path:
    """The bench venv's interpreter (it may not exist yet)."""
    return VENV / "bin" / "python"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update("\n".join((*PEERS, *TOOLS)).encode())
    digest.update((ROOT / "pyproject.toml").read_bytes())
    return digest.hexdigest()


def ensure_venv(*, force: bool = False) -> Path:
    """Create or refresh the bench venv and return its python; reuse it when nothing it depends on changed."""
    python = bench_python()
    wanted = _fingerprint()
    if not force and python.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return python
    if force and VENV.exists():
        shutil.rmtree(VENV)
    if not python.exists():
        log(f"creating the bench venv in {VENV.relative_to(ROOT)} (once; later runs reuse it)")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        _pip(python, "install", "--upgrade", "pip")  # an old pip may not do PEP 660 editable installs
    log("installing this project (editable) and the pinned peers into the bench venv")
    if not _pip(python, "install", "-e", str(ROOT), *PEERS, *TOOLS):
        # One peer that cannot be installed must not cost the others their rows: the project and the tools are
        # required, each peer is tried alone, and a missing one shows up in the table as "not installed".
        if not _pip(python, "install", "-e", str(ROOT), *TOOLS):
            raise SystemExit("cannot install this project and the bench tools into the bench venv (see pip above)")
        for peer in PEERS:
            if not _pip(python, "install", peer):
                log(f"WARNING: {peer} could not be installed; its rows will say so")
    STAMP.write_text(wanted + "\n")
    return python


def _pip(python: Path, *args: str) -> bool:
    done = subprocess.run([str(python), "-m", "pip", "--quiet", "--disable-pip-version-check", *args], check=False)
    return done.returncode == 0

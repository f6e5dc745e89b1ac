"""The soak (bench/soak.py) in its short mode, as CI runs it: it must pass, and its table must say why.

The soak runs in its own process (it starts FakeZuora in a child of its own), for ``--short`` seconds with 32
threads and 200 asyncio tasks through one ZuoraAuth; see bench/soak.py for what it measures. Its throughput and
latency are printed, never asserted: they depend on the machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SOAK = Path(__file__).resolve().parents[1] / "bench" / "soak.py"


def parse_table(output: str) -> dict[str, str]:
    """The rows of the markdown table the soak prints, by name."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 2 and not set(cells[0]) <= {"-"}:
            rows[cells[0]] = cells[1]
    return rows


def first_int(text: str) -> int:
    match = re.match(r"\d+", text)
    assert match is not None, text
    return int(match.group())


def test_the_short_soak_passes_with_no_failure_and_the_predicted_token_requests() -> None:
    result = subprocess.run(
        [sys.executable, str(SOAK), "--short"], capture_output=True, text=True, timeout=180, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: no failed request, no expired or unknown token" in result.stdout
    table = parse_table(result.stdout)
    assert table["clients"].startswith("32 threads + 200 asyncio tasks")
    assert float(table["duration"].split()[0]) >= 8.0
    assert first_int(table["requests"]) > 1000  # thousands of authenticated calls even on a slow machine
    assert first_int(table["failed requests"]) == 0
    assert first_int(table["requests with an expired token"]) == 0
    assert first_int(table["requests with an unknown token"]) == 0
    revocations = re.fullmatch(r"(\d+) \((\d+) of the token in use\), every 1-3 s", table["revocations"])
    assert revocations is not None and int(revocations.group(2)) >= 1  # a 401 and its replay did happen
    expected = first_int(table["token requests expected"])
    assert 4 <= expected <= 12  # 8 s of 4-second tokens: a refresh every 2 s or at each revocation
    assert abs(first_int(table["token requests"]) - expected) <= 2


def test_the_table_parser_reads_rows_and_skips_the_rule() -> None:
    rows = parse_table("| soak | result |\n|---|---|\n| failed requests | 0 |\nOK\n")
    assert rows == {"soak": "result", "failed requests": "0"}

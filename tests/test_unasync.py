"""The thread twins of the asyncio runtime modules are what their sources give (templates/runtime/codegen/_unasync.py).

The tool is loaded from its source file, as ``make generate`` runs it, so an edit to the rewriter is what is tested.
"""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path
from typing import Any

import pytest

RUNTIME = Path(__file__).resolve().parents[1] / "templates" / "runtime"
UNASYNC: dict[str, Any] = runpy.run_path(str(RUNTIME / "codegen" / "_unasync.py"))


def test_every_committed_twin_matches_its_source() -> None:
    assert UNASYNC["stale_twins"](RUNTIME) == [], "run make generate"


def test_every_twin_says_where_to_edit_it() -> None:
    for source, target in UNASYNC["TWINS"].items():
        first = (RUNTIME / target).read_text(encoding="utf-8").split("\n", 1)[0]
        expected = f"# Generated from {Path(source).name} by codegen/_unasync.py (make generate): edit that file"
        assert first == expected + ", not this one."


#: (asyncio source, its thread version): each rewrite the tool makes, written out.
REWRITES = [
    ("async def arefresh(self) -> None:", "def refresh(self) -> None:"),
    ("    value = await self._client.get(key)", "    value = self._client.get(key)"),
    ("async with pipeline as pipe:", "with pipeline as pipe:"),
    ("async for chunk in body:", "for chunk in body:"),
    ("fetch: Callable[[], Awaitable[TokenRecord]]", "fetch: Callable[[], TokenRecord]"),
    ("from collections.abc import Awaitable, Callable", "from collections.abc import Callable"),
    ("client: redis.asyncio.Redis", "client: redis.Redis"),
    ("    import redis.asyncio", "    import redis"),
    ("class AsyncRedisBackend:", "class RedisBackend:"),
    ("backend: AsyncDeletingBackend[LockT]", "backend: DeletingBackend[LockT]"),
    ("await clock.asleep(waiting.pause())", "clock.sleep(waiting.pause())"),
    ("settled = await _asettle(backend)", "settled = _settle(backend)"),
    ("await ainvalidate(backend)", "invalidate(backend)"),
    ("asleepy = awaiting_list", "asleepy = awaiting_list"),  # only whole names are renamed
    ("asyncio.run(main())", "asyncio.run(main())"),
]


@pytest.mark.parametrize(("source", "twin"), REWRITES)
def test_each_rewrite(source: str, twin: str) -> None:
    assert UNASYNC["unasync"](source) == twin


def test_check_mode_names_a_stale_twin_and_writing_fixes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runtime = tmp_path / "runtime"
    for source, target in UNASYNC["TWINS"].items():
        for name in (source, target):
            (runtime / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(RUNTIME / name, runtime / name)
    stale = next(iter(UNASYNC["TWINS"].values()))
    (runtime / stale).write_text((runtime / stale).read_text() + "# an edit by hand\n")

    assert UNASYNC["main"]([str(runtime), "--check"]) == 1
    assert f"{runtime / stale} is out of date: run make generate" in capsys.readouterr().err
    assert UNASYNC["main"]([str(runtime)]) == 0
    assert UNASYNC["main"]([str(runtime), "--check"]) == 0
    assert (runtime / stale).read_text() == (RUNTIME / stale).read_text()

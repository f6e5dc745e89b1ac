"""The thread twins of the asyncio runtime modules are what their sources give (templates/runtime/codegen/_unasync.py).

The tool is loaded from its source file, as ``make generate`` runs it, so an edit to the rewriter is what is tested;
the rewrites and the CLI are also run on the packaged copy (``zuora_oauth.codegen._unasync``), which a test keeps
equal to the source, so that what coverage measures is the code that runs.
"""

from __future__ import annotations

import os
import runpy
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

import zuora_oauth.codegen._unasync as packaged

RUNTIME = Path(__file__).resolve().parents[1] / "templates" / "runtime"
UNASYNC: dict[str, Any] = runpy.run_path(str(RUNTIME / "codegen" / "_unasync.py"))
#: The tool loaded both ways: from its source by path (as make generate runs it) and as the packaged module.
FLAVOURS = {"source": UNASYNC, "packaged": vars(packaged)}
BOTH = pytest.mark.parametrize("tool", FLAVOURS.values(), ids=list(FLAVOURS))


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


@BOTH
@pytest.mark.parametrize(("source", "twin"), REWRITES)
def test_each_rewrite(tool: dict[str, Any], source: str, twin: str) -> None:
    assert tool["unasync"](source) == twin


def copy_runtime(tmp_path: Path) -> Path:
    """The sources and twins of templates/runtime, copied to a temporary runtime folder."""
    runtime = tmp_path / "runtime"
    for source, target in UNASYNC["TWINS"].items():
        for name in (source, target):
            (runtime / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(RUNTIME / name, runtime / name)
    return runtime


@BOTH
def test_check_mode_names_a_stale_twin_and_writing_fixes_it(
    tool: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = copy_runtime(tmp_path)
    stale = next(iter(UNASYNC["TWINS"].values()))
    (runtime / stale).write_text((runtime / stale).read_text() + "# an edit by hand\n")

    assert tool["main"]([str(runtime), "--check"]) == 1
    assert f"{runtime / stale} is out of date: run make generate" in capsys.readouterr().err
    assert tool["main"]([str(runtime)]) == 0
    assert tool["main"]([str(runtime), "--check"]) == 0
    assert capsys.readouterr().err == ""
    assert (runtime / stale).read_text() == (RUNTIME / stale).read_text()


# -- the packaged copy ---------------------------------------------------------------------------------------------


def test_the_packaged_copy_is_the_source_under_a_header() -> None:
    source = (RUNTIME / "codegen" / "_unasync.py").read_text(encoding="utf-8")
    copy = Path(packaged.__file__).read_text(encoding="utf-8")
    first, rest = copy.split("\n", 1)
    assert first.startswith("# Generated from templates/runtime/codegen/_unasync.py")
    assert rest == source
    assert UNASYNC["TWINS"] == packaged.TWINS


def test_header_names_the_source_and_where_to_edit() -> None:
    assert packaged.header("_redis_async.py") == (
        "# Generated from _redis_async.py by codegen/_unasync.py (make generate): edit that file, not this one.\n"
    )


def test_unasync_applies_every_rule_to_one_module() -> None:
    source = (
        "from collections.abc import Awaitable, Callable\n"
        "import redis.asyncio\n"
        "class AsyncRedisBackend(AsyncDeletingBackend, AsyncBackend):\n"
        "    async def arefresh(self, fetch: Callable[[], Awaitable[int]]) -> int:\n"
        "        async with self._lock:\n"
        "            async for item in self._items:\n"
        "                await asleep(1)\n"
        "        await _asettle(self)\n"
        "        await ainvalidate(self)\n"
        "        return await fetch()\n"
    )
    assert packaged.unasync(source) == (
        "from collections.abc import Callable\n"
        "import redis\n"
        "class RedisBackend(DeletingBackend, Backend):\n"
        "    def refresh(self, fetch: Callable[[], int]) -> int:\n"
        "        with self._lock:\n"
        "            for item in self._items:\n"
        "                sleep(1)\n"
        "        _settle(self)\n"
        "        invalidate(self)\n"
        "        return fetch()\n"
    )


def test_unasync_leaves_sync_code_and_partial_names_alone() -> None:
    source = "def awaiting(asyncness: int) -> int:\n    return asyncness  # await async AsyncRedisBackendX\n"
    assert packaged.unasync(source) == source.replace("# await async", "# async")


def test_twin_of_is_formatted_and_headed(tmp_path: Path) -> None:
    runtime = copy_runtime(tmp_path)
    source = next(iter(packaged.TWINS))
    (runtime / source).write_text("async def  arefresh( ) :\n    await  asleep( 1 )\n", encoding="utf-8")
    assert packaged.twin_of(runtime, source) == (packaged.header(Path(source).name) + "def refresh():\n    sleep(1)\n")


def test_twin_of_a_source_ruff_cannot_format_is_refused_by_name(tmp_path: Path) -> None:
    runtime = copy_runtime(tmp_path)
    source = next(iter(packaged.TWINS))
    (runtime / source).write_text("async def broken(:\n", encoding="utf-8")
    with pytest.raises(SystemExit) as raised:
        packaged.twin_of(runtime, source)
    assert str(raised.value).startswith(f"ruff could not format the twin of {source}: ")


def test_a_missing_twin_is_stale_and_written(tmp_path: Path) -> None:
    runtime = copy_runtime(tmp_path)
    missing = list(packaged.TWINS.values())[-1]
    (runtime / missing).unlink()
    assert packaged.stale_twins(runtime) == [missing]
    assert packaged.main([str(runtime)]) == 0
    assert (runtime / missing).read_text() == (RUNTIME / missing).read_text()
    assert packaged.stale_twins(runtime) == []


def test_writing_leaves_an_up_to_date_twin_untouched(tmp_path: Path) -> None:
    runtime = copy_runtime(tmp_path)
    targets = [runtime / target for target in packaged.TWINS.values()]
    for path in targets:
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert packaged.main([str(runtime)]) == 0
    assert [path.stat().st_mtime_ns for path in targets] == [1_000_000_000] * len(targets)


def test_cli_entry_runs_main_and_exits_with_its_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = copy_runtime(tmp_path)
    target = next(iter(packaged.TWINS.values()))
    (runtime / target).write_text("# stale\n", encoding="utf-8")
    monkeypatch.delitem(sys.modules, "zuora_oauth.codegen._unasync")  # run afresh as __main__ (restored after)
    for argv, status in (([str(runtime), "--check"], 1), ([str(runtime)], 0), ([str(runtime), "--check"], 0)):
        monkeypatch.setattr(sys, "argv", ["_unasync.py", *argv])
        with pytest.raises(SystemExit) as raised:
            runpy.run_module("zuora_oauth.codegen._unasync", run_name="__main__")
        assert raised.value.code == status
    assert f"{runtime / target} is out of date" in capsys.readouterr().err


def test_cli_refuses_a_missing_argument(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        packaged.main([])
    assert raised.value.code == 2
    assert "runtime" in capsys.readouterr().err

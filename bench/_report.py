"""The results as the README shows them: a markdown table of targets and a PNG chart.

Every target row carries the measured figure and a verdict; a figure that could not be measured says why (the
child's error) instead of being left out. matplotlib is imported only here, and only in the bench venv.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _imports import STATEMENTS

OURS = "zuora-oauth"
IMPORT_OURS = ("zuora-oauth (bare)", "zuora-oauth: OAuthApi", "zuora-oauth: ZuoraAuth")
IMPORT_PEERS = ("zuora-sdk", "zuora-swagger-client", "authlib", "httpx-auth")
TOKEN_PEERS = ("zuora-sdk", "zuora-swagger-client", "authlib")


@dataclass(frozen=True)
class Verdict:
    figure: str
    target: str
    measured: str
    met: bool | None  # None: not measured
    peers: str

    def cell(self) -> str:
        return "not measured" if self.met is None else ("**met**" if self.met else "**MISSED**")


def _fmt(value: float, digits: int = 2) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _row(section: dict[str, Any], key: str) -> dict[str, Any]:
    """One client's figures, or an ``error`` saying why there are none (its own, or its whole section's)."""
    if "error" in section:
        return {"error": section["error"]}
    row: dict[str, Any] = section.get("rows", {}).get(key, {"error": "not run"})
    return row


def _err(row: dict[str, Any]) -> str:
    return f"not measured ({row['error']})"


def verdicts(results: dict[str, Any]) -> list[Verdict]:
    """One line per target of issue 6, in the issue's order."""
    out: list[Verdict] = []
    imports = results.get("imports", {})
    peers_import = []
    for label in ("zuora-sdk", "zuora-swagger-client"):
        row = _row(imports, label)
        if "error" in row:
            peers_import.append(f"{label}: {_err(row)}")
        else:
            peers_import.append(f"`{row['statement']}` {row['wall_ratio']:.0f}× time, {row['peak_rss_mib']:.0f} MiB")
    for label in IMPORT_OURS:
        row = _row(imports, label)
        statement = f"`{dict(STATEMENTS)[label]}`"
        if "error" in row:
            out.append(Verdict(f"cold {statement}", "≤ 1.3× `import httpx`", _err(row), None, ""))
            continue
        met = row["wall_ratio"] <= 1.3 and row["rss_ratio"] <= 1.3
        measured = (
            f"{row['wall_ratio']:.2f}× time ({row['import_wall_s'] * 1000:.0f} ms), "
            f"{row['rss_ratio']:.2f}× peak RSS ({row['peak_rss_mib']:.1f} MiB)"
        )
        out.append(
            Verdict(
                f"cold {statement}: wall time and peak memory",
                "≤ 1.3× `import httpx`",
                measured,
                met,
                "; ".join(peers_import) if label == IMPORT_OURS[0] else "",
            )
        )

    row, stock = _row(imports, "zuora-sized module: ours"), _row(imports, "zuora-sized module: stock")
    shape = imports.get("zuora_sized_module", {})
    what = (
        f"{shape.get('operations', '?')} operations, {shape.get('schemas', '?')} schemas, {shape.get('tags', '?')} tags"
    )
    if "error" in row:
        out.append(
            Verdict(
                f"cold `{dict(STATEMENTS)['zuora-sized module: ours']}` ({what})",
                "≤ 1.3× `import httpx`",
                _err(row),
                None,
                "",
            )
        )
    else:
        stock_text = (
            f"stock templates `{stock['statement']}` {stock['wall_ratio']:.2f}×"
            if "error" not in stock
            else _err(stock)
        )
        out.append(
            Verdict(
                f"cold `{row['statement']}` on a generated module of {what}",
                "≤ 1.3× `import httpx`",
                f"{row['wall_ratio']:.2f}× time ({row['import_wall_s'] * 1000:.0f} ms), {row['peak_rss_mib']:.1f} MiB",
                row["wall_ratio"] <= 1.3,
                stock_text,
            )
        )

    token = results.get("token_cpu", {})
    row = _row(token, OURS)
    peers = ", ".join(
        f"{peer} {_fmt(_row(token, peer).get('ratio', float('nan')))}×"
        if "error" not in _row(token, peer)
        else f"{peer}: {_err(_row(token, peer))}"
        for peer in TOKEN_PEERS
    )
    out.append(
        Verdict(
            "client CPU per `create_token`, keep-alive",
            "≤ 1.10× raw httpx",
            _err(row) if "error" in row else f"{row['ratio']:.2f}× ({row['cpu_us']:.0f} µs per call)",
            None if "error" in row else row["ratio"] <= 1.10,
            peers,
        )
    )

    cached = results.get("cached_cpu", {})
    row = _row(cached, "ZuoraAuth")
    peers = ", ".join(
        f"{peer} {_fmt(_row(cached, peer).get('ratio', float('nan')))}×"
        if "error" not in _row(cached, peer)
        else f"{peer}: {_err(_row(cached, peer))}"
        for peer in ("httpx-auth", "authlib")
    )
    out.append(
        Verdict(
            "client CPU per authenticated request, cached token (ZuoraAuth vs a static `Authorization` header)",
            "≤ 1.05×",
            _err(row) if "error" in row else f"{row['ratio']:.2f}× ({row['cpu_us']:.0f} µs per request)",
            None if "error" in row else row["ratio"] <= 1.05,
            peers,
        )
    )

    for key, what in (("threads", "cold threads"), ("tasks", "cold asyncio tasks")):
        herd = results.get(key, {})
        row = _row(herd, OURS)
        count = herd.get("count", "?")
        peers = ", ".join(
            f"{peer} {_row(herd, peer)['token_requests']} of {count}"
            if "error" not in _row(herd, peer)
            else f"{peer}: {_err(_row(herd, peer))}"
            for peer in ("httpx-auth", "authlib")
        )
        out.append(
            Verdict(
                f"token requests, {count} {what}",
                "1",
                _err(row) if "error" in row else _count(row),
                None if "error" in row else row["token_requests"] == 1 and not row["notes"],
                peers,
            )
        )

    fleet = results.get("fleet", {})
    row, memory = _row(fleet, "file"), _row(fleet, "memory")
    out.append(
        Verdict(
            f"token requests, {fleet.get('processes', '?')} cold processes sharing a `FileTokenStore`",
            "1",
            _err(row) if "error" in row else _count(row),
            None if "error" in row else row["token_requests"] == 1 and not row["notes"],
            "default store (nothing shared): "
            + (_err(memory) if "error" in memory else f"{memory['token_requests']} (each process fetches its own)"),
        )
    )

    generate = results.get("generate", {})
    out.append(
        Verdict(
            "`make generate` wall time",
            "≤ 5 s",
            f"not measured ({generate['error']})" if "error" in generate else f"{generate.get('wall_s', 0):.2f} s",
            None if "error" in generate or "wall_s" not in generate else generate["wall_s"] <= 5.0,
            "",
        )
    )
    return out


def _count(row: dict[str, Any]) -> str:
    text = f"{row['token_requests']} (worst of {len(row['trials'])} cold trials)"
    return text + (f"; {row['notes'][0]}" if row["notes"] else "")


def markdown(results: dict[str, Any]) -> str:
    meta = results.get("meta", {})
    lines = [
        "<!-- written by `make bench` (bench/run.py); do not edit by hand -->",
        f"Measured {meta.get('date', '?')} on {meta.get('machine', '?')}, Python {meta.get('python', '?')}"
        f"{' (quick run: fewer rounds, noisier)' if meta.get('quick') else ''}; "
        f"peers: {', '.join(f'{k} {v}' for k, v in meta.get('versions', {}).items())}.",
        "",
        "| figure | target | zuora-oauth (measured) | verdict | peers (measured in the same run) |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {v.figure} | {v.target} | {v.measured} | {v.cell()} | {v.peers or '—'} |" for v in verdicts(results)]
    lines += ["", *_detail_imports(results), *_detail_importtime(results), "", *_detail_cpu(results)]
    lines += ["", *_detail_counts(results)]
    return "\n".join(lines) + "\n"


def _detail_imports(results: dict[str, Any]) -> list[str]:
    imports = results.get("imports", {})
    lines = [
        "Cold imports (median of fresh processes; time is the process minus an empty `python -c pass` of "
        f"{imports.get('baseline_wall_s', 0) * 1000:.0f} ms; memory is the whole process's peak RSS):",
        "",
        "| import | runs | time | × httpx | peak RSS | × httpx |",
        "|---|---|---|---|---|---|",
    ]
    for label, row in imports.get("rows", {}).items():
        if label == "python (empty)":
            continue
        if "error" in row:
            lines.append(f"| `{row['statement']}` | — | {_err(row)} | | | |")
            continue
        lines.append(
            f"| `{row['statement']}` | {row['runs']} | {row['import_wall_s'] * 1000:.0f} ms | "
            f"{row.get('wall_ratio', 1.0):.2f} | {row['peak_rss_mib']:.1f} MiB | {row.get('rss_ratio', 1.0):.2f} |"
        )
    return lines


def _detail_importtime(results: dict[str, Any]) -> list[str]:
    breakdowns = results.get("importtime")
    if not isinstance(breakdowns, list) or not breakdowns:
        return []
    lines = [
        "",
        "Where that time goes (`python -X importtime`, median self times of the modules `import httpx` does not load; "
        "the dependencies are cumulative, each with everything it imports):",
        "",
        "| import | beyond httpx | biggest dependencies pulled in, by the module that imports them |",
        "|---|---|---|",
    ]
    for item in breakdowns:
        pulled = "; ".join(f"{edge} {millis:.1f} ms" for edge, millis in list(item.get("pulled_in_ms", {}).items())[:4])
        lines.append(
            f"| `{item['statement']}` | {item['extra_ms']:.0f} ms in {item['extra_modules']} modules "
            f"({item['packages_ms'].get('zuora_oauth', 0):.0f} ms of it our own modules' code) | {pulled or '—'} |"
        )
    return lines


def _detail_cpu(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key, title in (
        ("token_cpu", "Client CPU per `create_token` on a keep-alive connection"),
        ("cached_cpu", "Client CPU per authenticated `GET` with a cached token"),
    ):
        section = results.get(key, {})
        if not section:
            continue
        lines += [
            f"{title} (median over {_rounds(section)} interleaved rounds of {section.get('calls_per_round')} "
            f"calls; ratio = median of per-round ratios to **{section.get('floor')}**):",
            "",
            "| client | CPU per call | wall per call | × floor | range over rounds |",
            "|---|---|---|---|---|",
        ]
        for kind, row in section.get("rows", {}).items():
            if "error" in row:
                lines.append(f"| {kind} | {_err(row)} | | | |")
                continue
            lines.append(
                f"| {kind} | {row['cpu_us']:.0f} µs | {row['wall_us']:.0f} µs | {row['ratio']:.2f} | "
                f"{row['ratio_min']:.2f}–{row['ratio_max']:.2f} |"
            )
        lines.append("")
    return lines


def _rounds(section: dict[str, Any]) -> int:
    return max((row.get("rounds", 0) for row in section.get("rows", {}).values()), default=0)


def _detail_counts(results: dict[str, Any]) -> list[str]:
    threads, tasks, fleet = results.get("threads", {}), results.get("tasks", {}), results.get("fleet", {})
    delay = threads.get("token_delay_s", 0.1)
    lines = [
        f"Token requests on a cold start (token endpoint answering {delay * 1000:.0f} ms late, like a remote one; "
        "worst of the cold trials):",
        "",
        f"| client | {threads.get('count', '?')} threads | {tasks.get('count', '?')} asyncio tasks "
        "| event loop blocked by a cold token fetch |",
        "|---|---|---|---|",
    ]
    for kind in (OURS, "httpx-auth", "authlib"):
        cells = []
        for section in (threads, tasks):
            row = _row(section, kind)
            cells.append(_err(row) if "error" in row else _count(row))
        stall = _row(tasks, kind).get("stall_ms")
        cells.append("—" if stall is None else f"{stall:.0f} ms")
        lines.append(f"| {kind} | {' | '.join(cells)} |")
    lines += [
        "",
        "Threads share one `httpx.Client` and start together behind a barrier; tasks share one `httpx.AsyncClient` "
        "(pool capped at 20 connections: httpcore's async pool spends CPU quadratic in queued requests, whatever the "
        "auth). The stall column is the longest time the event loop could not run another coroutine while one cold "
        "task made its first request (median of the trials): httpx-auth's flow is synchronous, so its token request "
        "freezes the whole program.",
        "",
        f"| {fleet.get('processes', '?')} cold processes | token requests |",
        "|---|---|",
    ]
    for store, label in (("file", "ZuoraAuth + `FileTokenStore`"), ("memory", "ZuoraAuth, default store")):
        row = _row(fleet, store)
        lines.append(f"| {label} | {_err(row) if 'error' in row else _count(row)} |")
    return lines


# -- chart ---------------------------------------------------------------------------------------------------

_OURS_COLOUR, _FLOOR_COLOUR, _PEER_COLOUR, _TARGET_COLOUR = "#1f77b4", "#8c8c8c", "#ff7f0e", "#d62728"


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib  # type: ignore[import-not-found,unused-ignore]

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # type: ignore[import-not-found,unused-ignore]

    figure, axes = plt.subplots(2, 3, figsize=(16, 9), constrained_layout=True)
    panels: list[Callable[[Any, dict[str, Any]], None]] = [
        _panel_import_time,
        _panel_import_rss,
        _panel_token_cpu,
        _panel_cached_cpu,
        _panel_herds,
        _panel_fleet,
    ]
    for axis, panel in zip(axes.flat, panels, strict=True):
        panel(axis, results)
    meta = results.get("meta", {})
    figure.suptitle(
        f"zuora-oauth vs the clients Zuora users would otherwise pick  ({meta.get('date', '')}, "
        f"{meta.get('machine', '')}{', quick run' if meta.get('quick') else ''})",
        fontsize=13,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)
    plt.close(figure)


def _colour(label: str, floor: str) -> str:
    if label.startswith(OURS) or label == "ZuoraAuth":
        return _OURS_COLOUR
    return _FLOOR_COLOUR if label == floor else _PEER_COLOUR


def _bars(
    axis: Any,
    items: list[tuple[str, float]],
    *,
    floor: str,
    title: str,
    xlabel: str,
    target: float | None = None,
    log: bool = False,
    fmt: str = "{:.2f}",
) -> None:
    """Horizontal bars, ours in blue, the floor in grey, peers in orange, the target as a red line."""
    labels = [label for label, _ in items][::-1]
    values = [value for _, value in items][::-1]
    axis.barh(labels, values, color=[_colour(label, floor) for label in labels])
    if log:
        axis.set_xscale("log")
    for index, value in enumerate(values):
        axis.annotate(
            fmt.format(value),
            (value, index),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.85},
        )
    if target is not None:
        axis.axvline(target, color=_TARGET_COLOUR, linestyle="--", linewidth=1.2, label=f"target {fmt.format(target)}")
        axis.legend(loc="best", fontsize=8, framealpha=0.9)
    axis.set_title(title, fontsize=11)
    axis.set_xlabel(xlabel)
    axis.margins(x=0.25)
    axis.tick_params(axis="y", labelsize=9)


def _import_items(results: dict[str, Any], key: str) -> list[tuple[str, float]]:
    rows = results.get("imports", {}).get("rows", {})
    items = []
    for label in ("httpx", *IMPORT_OURS, *IMPORT_PEERS):
        row = rows.get(label, {})
        if "error" not in row and key in row:
            items.append((label, row[key]))
    return items


def _panel_import_time(axis: Any, results: dict[str, Any]) -> None:
    items = [(label, value * 1000) for label, value in _import_items(results, "import_wall_s")]
    floor = dict(items).get("httpx", float("nan"))
    _bars(
        axis,
        items,
        floor="httpx",
        title="Cold import time (ms, log; target line = 1.3× httpx)",
        xlabel="ms beyond an empty interpreter",
        target=1.3 * floor if not math.isnan(floor) else None,
        log=True,
        fmt="{:.0f}",
    )


def _panel_import_rss(axis: Any, results: dict[str, Any]) -> None:
    items = _import_items(results, "peak_rss_mib")
    floor = dict(items).get("httpx", float("nan"))
    _bars(
        axis,
        items,
        floor="httpx",
        title="Peak memory after the import (MiB, log; target = 1.3× httpx)",
        xlabel="whole-process peak RSS, MiB",
        target=1.3 * floor if not math.isnan(floor) else None,
        log=True,
        fmt="{:.0f}",
    )


def _cpu_items(results: dict[str, Any], key: str) -> list[tuple[str, float]]:
    section = results.get(key, {})
    return [(kind, row["ratio"]) for kind, row in section.get("rows", {}).items() if "error" not in row]


def _panel_token_cpu(axis: Any, results: dict[str, Any]) -> None:
    _bars(
        axis,
        _cpu_items(results, "token_cpu"),
        floor="httpx (raw)",
        title="Client CPU per create_token (× raw httpx)",
        xlabel="× raw httpx.Client.post, same round",
        target=1.10,
    )


def _panel_cached_cpu(axis: Any, results: dict[str, Any]) -> None:
    _bars(
        axis,
        _cpu_items(results, "cached_cpu"),
        floor="static header",
        title="Client CPU per request, cached token (× static header)",
        xlabel="× httpx with a static Authorization header",
        target=1.05,
    )


def _panel_herds(axis: Any, results: dict[str, Any]) -> None:
    items: list[tuple[str, float]] = []
    for key, suffix in (("threads", "threads"), ("tasks", "tasks")):
        section = results.get(key, {})
        for kind in (OURS, "httpx-auth", "authlib"):
            row = section.get("rows", {}).get(kind, {})
            if "token_requests" in row:
                items.append((f"{kind}, {section.get('count')} {suffix}", float(row["token_requests"])))
    _bars(
        axis,
        items,
        floor="",
        title="Token requests on a cold start (log)",
        xlabel="token requests (fewer is better)",
        target=1.0,
        log=True,
        fmt="{:.0f}",
    )


def _panel_fleet(axis: Any, results: dict[str, Any]) -> None:
    fleet = results.get("fleet", {})
    items: list[tuple[str, float]] = []
    for store, label in (("file", "zuora-oauth, FileTokenStore"), ("memory", "default store (no sharing)")):
        row = fleet.get("rows", {}).get(store, {})
        if "token_requests" in row:
            items.append((label, float(row["token_requests"])))
    _bars(
        axis,
        items,
        floor="default store (no sharing)",
        title=f"Token requests, {fleet.get('processes', '?')} cold processes",
        xlabel="token requests (fewer is better)",
        target=1.0,
        fmt="{:.0f}",
    )

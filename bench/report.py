"""The Markdown of ``make bench``: one line per target with its verdict and the peers, then the figures behind it.

Standard library only (it runs in the project's venv). A figure that could not be measured says why.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from harness import CACHED_CLIENTS, HERD_CLIENTS, IMPORTS, TOKEN_CLIENTS

Row = dict[str, Any]
Text = str | Callable[[Row], str]  # a format string over a row's fields, or a function of the row
Target = tuple[str, str, str, bool | None, str]  # figure, target, measured, met (None: not measured), peers
OURS = ("zuora-oauth", "zuora-oauth: OAuthApi", "zuora-oauth: ZuoraAuth")
BIG, STOCK = "zuora-sized module: ours", "zuora-sized module: stock"
IMPORT_TARGET = "≤ 1.3× `import httpx`"
BREAKDOWN = "{extra_ms:.0f} ms in {extra_modules} modules ({own_ms:.0f} ms of it our own modules' code)"
CPU_HOW = (
    "(median over {rounds} interleaved rounds of {calls} calls; ratio = median of per-round ratios to **{floor}**)"
)
HERDS_NOTE = (
    "Threads share one `httpx.Client` and start together behind a barrier; tasks share one `httpx.AsyncClient` (pool "
    "capped at 20 connections: httpcore's async pool spends CPU quadratic in queued requests, whatever the auth). The "
    "stall column is the longest time the event loop could not run another coroutine while one cold task made its "
    "first request (median of the trials): httpx-auth's flow is synchronous, so its token request freezes the whole "
    "program."
)


def _row(results: Row, section: str, key: str | None = None) -> Row:
    """A section, or one client's row of it, or an ``error`` saying why there is none."""
    part: Row = results.get(section) or {"error": "not run"}
    return part if key is None or "error" in part else part.get("rows", {}).get(key) or {"error": "not run"}


def _show(row: Row, text: Text) -> str:
    if "error" in row:
        return f"not measured ({row['error']})"
    return text.format_map(row) if isinstance(text, str) else text(row)


def _cells(row: Row, *texts: Text) -> tuple[str, ...]:
    """A table row's cells; one that was not measured says why once."""
    return (_show(row, texts[0]), *("" if "error" in row else _show(row, text) for text in texts[1:]))


def _count(row: Row) -> str:
    notes = "".join(f"; {note}" for note in row["notes"])
    return f"{row['token_requests']} (worst of {len(row['trials'])} cold trials){notes}"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], section: Row | None = None) -> list[str]:
    """A Markdown table; one with no rows says why its section was not measured."""
    if not rows and section is not None:
        rows = [(_show(section, "—"), *[""] * (len(header) - 1))]
    return [f"| {' | '.join(header)} |", "|" + "---|" * len(header), *(f"| {' | '.join(row)} |" for row in rows)]


def targets(results: Row) -> list[Target]:
    """One line per target, in the order of the README's table."""
    get = partial(_row, results)

    def peers(section: str, kinds: tuple[str, ...], text: str) -> str:
        return ", ".join(f"{kind} {_show(get(section, kind), text)}" for kind in kinds)

    def one_token(row: Row) -> bool:
        return row["token_requests"] == 1 and not row["notes"]

    module = get("imports").get("module") or dict.fromkeys(("operations", "schemas", "tags"), "?")
    size = "{operations} operations, {schemas} schemas, {tags} tags".format_map(module)
    sdk = "{ratio:.0f}× time, {mib:.0f} MiB"
    sdks = "; ".join(f"`{IMPORTS[key]}` {_show(get('imports', key), sdk)}" for key in TOKEN_CLIENTS[2:4])
    herds = [(section, get(section).get("count", "?")) for section in ("threads", "tasks")]
    processes = get("fleet").get("count", "?")
    specs: list[tuple[str, str, Row, Text, Callable[[Row], bool], str]] = [
        *(
            (
                f"cold `{IMPORTS[key]}`: wall time and peak memory",
                IMPORT_TARGET,
                get("imports", key),
                "{ratio:.2f}× time ({ms:.0f} ms), {rss_ratio:.2f}× peak RSS ({mib:.1f} MiB)",
                lambda row: row["ratio"] <= 1.3 and row["rss_ratio"] <= 1.3,
                sdks if key == OURS[0] else "",
            )
            for key in OURS
        ),
        (
            f"cold `{IMPORTS[BIG]}` on a generated module of {size}",
            IMPORT_TARGET,
            get("imports", BIG),
            "{ratio:.2f}× time ({ms:.0f} ms), {mib:.1f} MiB",
            lambda row: row["ratio"] <= 1.3,
            f"stock templates `{IMPORTS[STOCK]}` " + _show(get("imports", STOCK), "{ratio:.2f}×"),
        ),
        (
            "client CPU per `create_token`, keep-alive",
            "≤ 1.10× raw httpx",
            get("token_cpu", OURS[0]),
            "{ratio:.2f}× ({cpu_us:.0f} µs per call)",
            lambda row: row["ratio"] <= 1.10,
            peers("token_cpu", TOKEN_CLIENTS[2:], "{ratio:.2f}×"),
        ),
        (
            "client CPU per authenticated request, cached token (ZuoraAuth vs a static `Authorization` header)",
            "≤ 1.05×",
            get("cached_cpu", "ZuoraAuth"),
            "{ratio:.2f}× ({cpu_us:.0f} µs per request)",
            lambda row: row["ratio"] <= 1.05,
            peers("cached_cpu", CACHED_CLIENTS[2:], "{ratio:.2f}×"),
        ),
        *(
            (
                f"token requests, {count} cold {'threads' if section == 'threads' else 'asyncio tasks'}",
                "1",
                get(section, "ZuoraAuth"),
                _count,
                one_token,
                peers(section, HERD_CLIENTS[1:], f"{{token_requests}} of {count}"),
            )
            for section, count in herds
        ),
        (
            f"token requests, {processes} cold processes sharing a `FileTokenStore`",
            "1",
            get("fleet", "file"),
            _count,
            one_token,
            "default store (nothing shared): "
            + _show(get("fleet", "memory"), "{token_requests} (each process fetches its own)"),
        ),
        ("`make generate` wall time", "≤ 5 s", get("generate"), "{wall_s:.2f} s", lambda row: row["wall_s"] <= 5, ""),
    ]
    return [
        (figure, goal, _show(row, text), None if "error" in row else met(row), others or "—")
        for figure, goal, row, text, met, others in specs
    ]


def missed(results: Row) -> list[str]:
    """The figures whose target is missed or not measured (``--strict`` fails on them)."""
    return [figure for figure, _, _, met, _ in targets(results) if met is not True]


def markdown(results: Row) -> str:
    get = partial(_row, results)
    meta, imports, threads = results.get("meta", {}), get("imports"), get("threads")
    verdict = {None: "not measured", True: "**met**", False: "**MISSED**"}
    versions = ", ".join(f"{name} {version}" for name, version in meta.get("versions", {}).items())
    lines = [
        "<!-- written by `make bench-publish` (bench/run.py --publish); do not edit by hand -->",
        f"Measured {meta.get('date', '?')} on {meta.get('machine', '?')}, Python {meta.get('python', '?')}"
        f"{' (quick run: fewer rounds, noisier)' if meta.get('quick') else ''}; peers: {versions}.",
        "",
        *_table(
            ("figure", "target", "zuora-oauth (measured)", "verdict", "peers (measured in the same run)"),
            [(figure, goal, measured, verdict[met], peers) for figure, goal, measured, met, peers in targets(results)],
        ),
        "",
        "Cold imports (median of fresh processes; time is the process minus an empty `python -c pass` of "
        f"{imports.get('baseline_ms', 0):.0f} ms; memory is the process's own peak RSS, its VmHWM):",
        "",
        *_table(
            ("import", "runs", "time", "× httpx", "peak RSS", "× httpx"),
            [
                (
                    f"`{IMPORTS[key]}`",
                    *_cells(row, "{runs}", "{ms:.0f} ms", "{ratio:.2f}", "{mib:.1f} MiB", "{rss_ratio:.2f}"),
                )
                for key, row in imports.get("rows", {}).items()
            ],
            imports,
        ),
        "",
        "Where that time goes (`python -X importtime`, median self times of the modules `import httpx` does not load; "
        "the dependencies are cumulative, each with everything it imports):",
        "",
        *_table(
            ("import", "beyond httpx", "biggest dependencies pulled in, by the module that imports them"),
            [
                (
                    f"`{row['statement']}`",
                    _show(row, BREAKDOWN),
                    "; ".join(f"{edge} {ms:.1f} ms" for edge, ms in list(row["pulled_in_ms"].items())[:4]) or "—",
                )
                for row in get("importtime").get("rows", [])
            ],
            get("importtime"),
        ),
    ]
    for section, title in (
        ("token_cpu", "Client CPU per `create_token` on a keep-alive connection"),
        ("cached_cpu", "Client CPU per authenticated `GET` with a cached token"),
    ):
        cells = ("{cpu_us:.0f} µs", "{wall_us:.0f} µs", "{ratio:.2f}", "{ratio_min:.2f}–{ratio_max:.2f}")
        figures = get(section)
        rows = [(kind, *_cells(row, *cells)) for kind, row in figures.get("rows", {}).items()]
        lines += ["", title + ("" if "error" in figures else " " + CPU_HOW.format_map(figures)) + ":", ""]
        lines += _table(("client", "CPU per call", "wall per call", "× floor", "range over rounds"), rows, figures)
    herds = [(kind, *(_show(get(section, kind), _count) for section in ("threads", "tasks"))) for kind in HERD_CLIENTS]
    lines += [
        "",
        f"Token requests on a cold start (token endpoint answering {threads.get('delay_ms', 100):.0f} ms late, like a "
        "remote one; worst of the cold trials):",
        "",
        *_table(
            (
                "client",
                f"{threads.get('count', '?')} threads",
                f"{get('tasks').get('count', '?')} asyncio tasks",
                "event loop blocked by a cold token fetch",
            ),
            [(*row, _show(get("tasks", row[0]), "{stall_ms:.0f} ms")) for row in herds],
        ),
        "",
        HERDS_NOTE,
        "",
        *_table(
            (f"{get('fleet').get('count', '?')} cold processes", "token requests"),
            [
                (f"ZuoraAuth, {label}", _show(get("fleet", store), _count))
                for store, label in (("file", "`FileTokenStore`"), ("memory", "default store"))
            ],
        ),
    ]
    return "\n".join(lines) + "\n"

"""Every measurement of ``make bench``, run by ``run.py`` with the bench venv's python.

``python harness.py measure OUT.json [--quick] SECTION...`` writes the raw figures of the sections to OUT.json.
The same file is each child process, named by its first argument, so a client's CPU and imports are its own:

- ``server``: the token server (one FakeZuora for the run), steered over stdin: ``count``, ``reset``, ``delay S``
  (answer token requests S seconds late, like a remote endpoint), ``quit``; each answers the token-request count.
- ``cpu token|cached CLIENT``: one warmed-up client that answers ``run N`` / ``profile N PATH`` with its CPU and wall
  seconds for N calls (``time.process_time``: this process only; the server's CPU is another process's).
- ``herd threads|tasks CLIENT COUNT``: COUNT cold threads (behind a barrier) or asyncio tasks share one client with
  no token yet; each makes one request. For tasks, also the longest time the event loop could not run.
- ``fleet file|memory DIR``: one cold process of a fleet, released by ``go`` on stdin.

Children get the token server's address and throwaway credentials in the environment, never on the command line.
Peers are used the way their documentation shows (read from their installed source): zuora-sdk 3.21.0 and
zuora-swagger-client 1.2.0 ``OAuthApi(ApiClient(...)).create_token``; authlib 1.9.6 ``OAuth2Client`` with
``client_secret_post``, given an already expired token for authenticated requests so that its own auto-refresh
fetches; httpx-auth 0.23.1 ``OAuth2ClientCredentials``, which always sends HTTP Basic, with the credentials moved
into the form body as Zuora requires (the smallest change a Zuora user would have to make).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import IO, Any

STATE = Path(__file__).resolve().parents[1] / ".bench"
SERVER_ENV = "BENCH_TOKEN_SERVER"
ACCOUNT, GRANT = "/v1/accounts/A00000001", "client_credentials"
TOKEN_DELAY = 0.1  # a loopback answer would let a racy client get lucky; a real round trip gives every caller time
ASYNC_CONNECTIONS = 20  # httpcore's async pool spends CPU quadratic in queued requests, whatever the auth
TOKEN_CLIENTS = ("zuora-oauth", "httpx (raw)", "zuora-sdk", "zuora-swagger-client", "authlib")  # ours, floor, peers
CACHED_CLIENTS = ("ZuoraAuth", "static header", "httpx-auth", "authlib")
HERD_CLIENTS = ("ZuoraAuth", "httpx-auth", "authlib")
PEERS = ("zuora-oauth", "httpx", "zuora-sdk", "zuora-swagger-client", "authlib", "httpx-auth")
IMPORTS = {  # label: statement; the first two are the baseline and the floor
    "python (empty)": "pass",
    "httpx": "import httpx",
    "zuora-oauth": "import zuora_oauth",  # the target's wording; the next two are what callers really pay
    "zuora-oauth: OAuthApi": "from zuora_oauth import Client, OAuthApi",
    "zuora-oauth: ZuoraAuth": "from zuora_oauth.auth import ZuoraAuth",
    "zuora-sdk": "import zuora_sdk",
    "zuora-swagger-client": "import swagger_client",
    "authlib": "from authlib.integrations.httpx_client import OAuth2Client",
    "httpx-auth": "import httpx_auth",
    "zuora-sized module: ours": "from zuora_big import AccountsApi",  # see bigmodule.py
    "zuora-sized module: stock": "import stock_big.api.accounts.get_account",
}
SLOW_IMPORTS = {"zuora-sdk"}  # 1,740 modules, seconds per run: fewer runs
IMPORTTIME = ("from zuora_oauth import Client, OAuthApi", "from zuora_oauth.auth import ZuoraAuth")


@dataclass(frozen=True)
class Settings:
    """How much work each figure gets; ``--quick`` trades precision for a run of a minute or two."""

    import_runs: int = 15
    slow_import_runs: int = 3
    importtime_runs: int = 5
    rounds: int = 9
    token_calls: int = 300
    cached_calls: int = 600
    profile_calls: int = 2000
    trials: int = 3
    generate_runs: int = 3
    threads: int = 64
    tasks: int = 1000
    processes: int = 16


QUICK = Settings(4, 1, 1, 3, 50, 100, 300, 1, 1)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    """The statistic of every figure: one descheduled round on a shared 2-core box must not move it."""
    return float(statistics.median(values))


def child_env(server: TokenServer | None = None) -> dict[str, str]:
    """Bytecode cached, as for an installed package (this project is editable and some shells set
    PYTHONDONTWRITEBYTECODE), under .bench so nothing is written into the tree; no peer warning on stdout."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env |= {"PYTHONPYCACHEPREFIX": str(STATE / "pycache"), "PYTHONWARNINGS": env.get("PYTHONWARNINGS", "ignore")}
    return env | ({SERVER_ENV: json.dumps(server.credentials)} if server else {})


def me(*arguments: str) -> list[str]:
    return [sys.executable, __file__, *arguments]


class ChildFailed(Exception):
    def __init__(self, returncode: int | None, stderr: str) -> None:
        lines = [line.strip() for line in stderr.splitlines() if line.strip()]
        super().__init__(f"exit {returncode}: {lines[-1][:300] if lines else 'no output'}")


def run_json(argv: list[str], server: TokenServer) -> dict[str, Any]:
    """Run a child that prints one JSON object as its last line."""
    done = subprocess.run(argv, env=child_env(server), capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise ChildFailed(done.returncode, done.stderr)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the clients (in children) -----------------------------------------------------------------------------------


def credentials() -> tuple[str, str, str]:
    base_url, client_id, secret = json.loads(os.environ[SERVER_ENV])
    return base_url, client_id, secret


def token_call(kind: str, base_url: str, client_id: str, secret: str) -> Callable[[], object]:
    """One ``create_token`` call on a keep-alive connection; the floor posts the form and decodes the JSON."""
    url, form = base_url + "/oauth/token", {"grant_type": GRANT, "client_id": client_id, "client_secret": secret}
    if kind == "zuora-oauth":
        from zuora_oauth import Client, OAuthApi

        ours = OAuthApi(Client(base_url=base_url))
        return lambda: ours.create_token(client_id, secret)
    if kind == "httpx (raw)":
        import httpx

        http = httpx.Client()
        return lambda: http.post(url, data=form).json()
    if kind == "zuora-sdk":  # pydantic validates a 36-character client id and a secret of at most 42
        from zuora_sdk import ApiClient, Configuration  # type: ignore[import-not-found,attr-defined,unused-ignore]
        from zuora_sdk.api.o_auth_api import OAuthApi as SdkApi  # type: ignore[import-not-found,unused-ignore]

        sdk = SdkApi(ApiClient(Configuration(host=base_url)))
        return lambda: sdk.create_token(client_id, secret, GRANT)
    if kind == "zuora-swagger-client":
        import swagger_client  # type: ignore[import-not-found,import-untyped,unused-ignore]

        configuration = swagger_client.Configuration()
        configuration.host = base_url
        swagger = swagger_client.OAuthApi(swagger_client.ApiClient(configuration))
        return lambda: swagger.create_token(client_id, secret, GRANT)
    if kind == "authlib":
        from authlib.integrations.httpx_client import OAuth2Client  # type: ignore[import-not-found,unused-ignore]

        authlib = OAuth2Client(client_id, secret, token_endpoint_auth_method="client_secret_post")
        return lambda: authlib.fetch_token(url, grant_type=GRANT)
    raise ValueError(kind)


def session(kind: str, base_url: str, client_id: str, secret: str, asynchronous: bool = False, **options: Any) -> Any:
    """An authenticated client whose ``get`` makes one request; the floor is a token pasted into a header."""
    import httpx

    client_class: Any = httpx.AsyncClient if asynchronous else httpx.Client
    token_url = base_url + "/oauth/token"
    if kind == "authlib":  # the async client's refresh holds an anyio lock
        from authlib.integrations import httpx_client  # type: ignore[import-not-found,unused-ignore]

        expired = {"access_token": "expired", "token_type": "bearer", "expires_at": 1}
        authlib_class = httpx_client.AsyncOAuth2Client if asynchronous else httpx_client.OAuth2Client
        options |= {"token_endpoint_auth_method": "client_secret_post", "token_endpoint": token_url}
        return authlib_class(client_id, secret, grant_type=GRANT, token=expired, timeout=60, **options)
    if kind == "static header":
        form = {"grant_type": GRANT, "client_id": client_id, "client_secret": secret}
        token = httpx.post(token_url, data=form).json()["access_token"]
        return client_class(headers={"Authorization": f"Bearer {token}"}, timeout=60, **options)
    if kind == "httpx-auth":  # its flow is sync only: under asyncio its token request blocks the event loop
        import httpx_auth  # type: ignore[import-not-found,import-untyped,unused-ignore]

        class BodyCredentials(httpx_auth.OAuth2ClientCredentials):  # type: ignore[misc,unused-ignore]
            def _configure_client(self, client: object) -> None:
                """httpx-auth sets HTTP Basic here; the credentials are in ``self.data`` instead."""

        auth: Any = BodyCredentials(token_url, client_id=client_id, client_secret=secret)
        auth.data.update(client_id=client_id, client_secret=secret)
    elif kind == "ZuoraAuth":
        from zuora_oauth.auth import ZuoraAuth

        auth = ZuoraAuth(client_id, secret, base_url=base_url, store=options.pop("store", None))
    else:
        raise ValueError(kind)
    return client_class(auth=auth, timeout=60, **options)


# -- the children ------------------------------------------------------------------------------------------------


def server_child() -> None:
    from zuora_oauth.testing import FakeZuora

    with FakeZuora(client_id=str(uuid.uuid4()), expires_in=3600) as fake:  # zuora-sdk wants a UUID client id
        print(json.dumps([fake.base_url, fake.client_id, fake.client_secret]), flush=True)
        for line in sys.stdin:
            command, _, argument = line.strip().partition(" ")
            if command == "quit":
                break
            if command == "reset":  # also drops the request log, which otherwise grows with every call
                fake.clear_records()
            elif command == "delay":
                fake.token_delay = float(argument)
            print(json.dumps(fake.token_requests), flush=True)


def cpu_child(scenario: str, kind: str) -> None:
    base_url, client_id, secret = credentials()
    if scenario == "token":
        call = token_call(kind, base_url, client_id, secret)
    else:
        get, url = session(kind, base_url, client_id, secret).get, base_url + ACCOUNT
        call = lambda: get(url)  # noqa: E731
    for _ in range(30):  # connection open, token cached, lazy imports done
        call()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command, count, *path = line.split(maxsplit=2)  # PATH may hold spaces
        if command == "profile":
            from pyinstrument import Profiler  # type: ignore[import-not-found,unused-ignore]

            profiler = Profiler(interval=0.0002)
            profiler.start()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(int(count)):
            call()
        answer = {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}
        if command == "profile":
            profiler.stop()
            text = profiler.output_text(unicode=False, color=False)
            flat = profiler.output_text(unicode=False, color=False, flat=True, flat_time="self")
            Path(path[0]).write_text(f"{text}\n\n=== flat, self time ===\n{flat}", encoding="utf-8")
        print(json.dumps(answer), flush=True)


def herd_child(mode: str, kind: str, count: int) -> None:
    base_url, client_id, secret = credentials()
    url, outcome, errors, lock = base_url + ACCOUNT, Counter[str](), list[str](), threading.Lock()

    def record(response: Any) -> None:
        with lock:
            failed = isinstance(response, Exception)
            outcome["error" if failed else str(response.status_code)] += 1
            if failed and len(errors) < 3:
                errors.append(f"{type(response).__name__}: {response}"[:200])

    def one(get: Callable[[str], Any], barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            record(get(url))
        except Exception as exc:
            record(exc)

    async def tasks() -> float:
        import httpx

        # httpx loads its async backend on the first async request: not part of the client's stall.
        async with httpx.AsyncClient() as warm_up:
            await warm_up.get(base_url + "/v1/accounts/warm-up")
        limits = httpx.Limits(max_connections=ASYNC_CONNECTIONS)
        client = session(kind, base_url, client_id, secret, asynchronous=True, limits=limits)
        stall, done = 0.0, asyncio.Event()

        async def watch() -> None:  # a late tick is time the loop was blocked
            nonlocal stall
            while not done.is_set():
                before = time.perf_counter()
                await asyncio.sleep(0.001)
                stall = max(stall, time.perf_counter() - before - 0.001)

        async def one_task() -> None:
            try:
                record(await client.get(url))
            except Exception as exc:
                record(exc)

        watcher = asyncio.create_task(watch())
        await asyncio.sleep(0)
        await asyncio.gather(*(one_task() for _ in range(count)))
        done.set()
        await watcher
        return stall * 1000

    result: dict[str, Any] = {}
    if mode == "threads":
        get, barrier = session(kind, base_url, client_id, secret).get, threading.Barrier(count)
        threads = [threading.Thread(target=one, args=(get, barrier)) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        result["stall_ms"] = asyncio.run(tasks())
    ok = sum(number for status, number in outcome.items() if status.startswith("2"))
    print(json.dumps(result | {"ok": ok, "statuses": dict(outcome), "errors": errors}))


def fleet_child(store_kind: str, directory: str) -> None:
    base_url, client_id, secret = credentials()
    store = None
    if store_kind == "file":
        from zuora_oauth.stores import FileTokenStore  # type: ignore[attr-defined,unused-ignore]

        store = FileTokenStore(directory)
    client = session("ZuoraAuth", base_url, client_id, secret, store=store)
    print("ready", flush=True)
    if sys.stdin.readline().strip() == "go":
        print(json.dumps({"status": client.get(base_url + ACCOUNT).status_code}), flush=True)


# -- the measurements (in the harness) ---------------------------------------------------------------------------


class TokenServer:
    """The token server child: its CPU never counts against a client's."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(me("server"), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.credentials = json.loads(self.process.stdout.readline())

    def ask(self, command: str) -> int:
        """Send a command; the answer is the token requests received since the last reset."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return int(json.loads(self.process.stdout.readline()))

    def close(self) -> None:
        try:
            self.process.communicate("quit\n", timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _cold_import(statement: str, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds of a whole ``python -c`` process, its peak RSS in MiB, and its error if any.

    The peak is the child's own VmHWM: ``wait4``'s ``ru_maxrss`` also counts the parent's memory that the child
    held until its ``exec``, so it never reads less than the harness itself (about 30 MiB, more than httpx).
    """
    command = [
        sys.executable,
        "-c",
        f"{statement}\nprint(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])",
    ]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    if done.returncode:
        return wall, 0.0, (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
    return wall, int(done.stdout.split()[-1]) / 1024, ""


def measure_imports(settings: Settings) -> dict[str, Any]:
    """Fresh interpreters, run interleaved (pass, httpx, ours, peers, pass, ...) so a burst of load hits all alike;
    the median of an empty ``python -c pass`` is subtracted, so the time is the import alone."""
    from bigmodule import build

    module = build()
    env = child_env()
    env["PYTHONPATH"] = os.pathsep.join([*module.pop("pythonpath"), *filter(None, [env.get("PYTHONPATH")])])
    errors = {label: error for label, statement in IMPORTS.items() if (error := _cold_import(statement, env)[2])}
    walls: dict[str, list[float]] = defaultdict(list)
    peaks: dict[str, list[float]] = defaultdict(list)
    for index in range(settings.import_runs):  # the run above wrote the bytecode caches and is not measured
        for label, statement in IMPORTS.items():
            if label not in errors and (label not in SLOW_IMPORTS or index < settings.slow_import_runs):
                wall, peak, _ = _cold_import(statement, env)
                walls[label].append(wall)
                peaks[label].append(peak)
        log(f"imports: round {index + 1}/{settings.import_runs}")
    baseline = median(walls["python (empty)"])
    httpx_ms, httpx_mib = (median(walls["httpx"]) - baseline) * 1000, median(peaks["httpx"])
    rows: dict[str, Any] = {}
    for label, statement in list(IMPORTS.items())[1:]:
        if label in errors:
            rows[label] = {"statement": statement, "error": errors[label]}
            continue
        ms, mib = max(median(walls[label]) - baseline, 0.0) * 1000, median(peaks[label])
        rows[label] = {"statement": statement, "runs": len(walls[label]), "ms": ms, "mib": mib}
        rows[label] |= {"ratio": ms / httpx_ms, "rss_ratio": mib / httpx_mib}
    return {"baseline_ms": baseline * 1000, "module": module, "rows": rows}


def _import_tree(statement: str) -> list[tuple[str, int, int, str]]:
    """(module, self µs, cumulative µs, importing module) from one ``python -X importtime`` run."""
    command = [sys.executable, "-X", "importtime", "-c", statement]
    done = subprocess.run(command, capture_output=True, text=True, env=child_env(), check=False)
    pattern = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
    lines = [(m[4], int(m[1]), int(m[2]), len(m[3])) for m in map(pattern.match, done.stderr.splitlines()) if m]
    # A module is printed after all it imported, one level less indented. One loaded through a lazy export
    # (importlib, from the package's __getattr__) is at the top level, with no importing module.
    return [
        (
            name,
            own,
            total,
            next((later[0] for later in lines[i + 1 :] if later[3] < depth), "(a lazy export of zuora_oauth)"),
        )
        for i, (name, own, total, depth) in enumerate(lines)
    ]


def import_breakdown(statement: str, runs: int) -> dict[str, Any]:
    """What ``statement`` loads beyond ``import httpx``: median self times, and which of our modules pulls in
    which outside dependency (with everything under it): the candidates for a lazy import."""
    floor = {name for name, *_ in _import_tree("import httpx")}
    own: dict[str, list[int]] = defaultdict(list)
    pulled: dict[str, list[int]] = defaultdict(list)
    for _ in range(runs):
        for name, self_us, total_us, importer in _import_tree(statement):
            own[name].append(self_us)
            if importer.startswith(("zuora_oauth", "(a lazy")) and not name.startswith("zuora_oauth"):
                pulled[f"{importer} -> {name}"].append(total_us)
    extra = {name: median(values) / 1000 for name, values in own.items() if name not in floor}
    edges = {edge: median(values) / 1000 for edge, values in pulled.items() if edge.split(" -> ")[1] not in floor}
    top = sorted(extra.items(), key=lambda item: -item[1])[:12]
    return {
        "statement": statement,
        "extra_ms": sum(extra.values()),
        "extra_modules": len(extra),
        "own_ms": sum(ms for name, ms in extra.items() if name.startswith("zuora_oauth")),
        "pulled_in_ms": dict(sorted(edges.items(), key=lambda item: -item[1])[:8]),
        "modules_ms": dict(top),
    }


class Worker:
    """A ``cpu`` child; ``error`` says why it gave no (more) figures."""

    def __init__(self, server: TokenServer, scenario: str, kind: str) -> None:
        self.kind, self.error = kind, ""
        self.stderr: IO[str] = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in close()
        pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": self.stderr}
        self.process = subprocess.Popen(me("cpu", scenario, kind), env=child_env(server), text=True, **pipes)

    def ask(self, command: str = "") -> dict[str, Any] | None:
        assert self.process.stdin is not None and self.process.stdout is not None
        if self.error:
            return None
        if command:
            try:
                self.process.stdin.write(command + "\n")
                self.process.stdin.flush()
            except OSError:  # it died: readline says so below
                pass
        line = self.process.stdout.readline()
        if not line:
            self.error = str(ChildFailed(self.process.wait(), self._stderr()))
            return None
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _stderr(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()

    def close(self) -> None:
        try:
            self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.stderr.close()


def measure_cpu(server: TokenServer, scenario: str, kinds: tuple[str, ...], calls: int, s: Settings) -> dict[str, Any]:
    """Interleaved rounds, in an order rotated each round; a figure is the median over rounds of the client's CPU
    over the floor's (``kinds[1]``) in the same round: pairing by round cancels most of a shared machine's drift."""
    workers = [Worker(server, scenario, kind) for kind in kinds]
    cpu: dict[str, list[float]] = defaultdict(list)
    wall: dict[str, list[float]] = defaultdict(list)
    ratios: dict[str, list[float]] = defaultdict(list)
    try:
        for worker in workers:
            worker.ask()  # {"ready": true}
        for index in range(s.rounds):
            this_round = {}
            for worker in workers[index % len(workers) :] + workers[: index % len(workers)]:
                if answer := worker.ask(f"run {calls}"):
                    this_round[worker.kind] = answer["cpu"] / calls
                    cpu[worker.kind].append(answer["cpu"] / calls * 1e6)
                    wall[worker.kind].append(answer["wall"] / calls * 1e6)
            for kind, value in this_round.items():
                if kinds[1] in this_round:
                    ratios[kind].append(value / this_round[kinds[1]])
            server.ask("reset")
            log(f"{scenario} CPU: round {index + 1}/{s.rounds}")
        (STATE / "profiles").mkdir(parents=True, exist_ok=True)
        for worker in workers[:2]:  # pyinstrument (wall-clock samples) for ours and the floor
            slug = re.sub(r"[^A-Za-z0-9]+", "-", worker.kind).strip("-")
            worker.ask(f"profile {s.profile_calls} {STATE / 'profiles' / f'{scenario}-{slug}.txt'}")
    finally:
        for worker in workers:
            worker.close()
    rows: dict[str, Any] = {}
    for worker in workers:
        if not (values := ratios[worker.kind]):
            rows[worker.kind] = {"error": worker.error or "no round with the floor"}
            continue
        rows[worker.kind] = {"cpu_us": median(cpu[worker.kind]), "wall_us": median(wall[worker.kind])}
        rows[worker.kind] |= {"ratio": median(values), "ratio_min": min(values), "ratio_max": max(values)}
    return {"floor": kinds[1], "calls": calls, "rounds": s.rounds, "rows": rows}


def cold_trials(server: TokenServer, trials: int, start: Callable[[], str], stall: Callable[[], float] | None) -> Any:
    """The worst token count of ``trials`` cold starts (the target is "never more than one": a median would hide a
    bad trial); ``start`` returns a note on failed requests, ``stall`` (tasks) probes one lone cold task."""
    counts, notes, stalls = [], [], []
    try:
        for _ in range(trials):
            server.ask("reset")
            notes.append(start())
            counts.append(server.ask("count"))
            if stall is not None:
                stalls.append(stall())
    except ChildFailed as exc:
        return {"error": str(exc)}
    row = {"token_requests": max(counts), "trials": counts, "notes": [note for note in notes if note][:1]}
    return row | ({"stall_ms": median(stalls)} if stalls else {})  # wall time on a shared box: the median


def measure_herd(server: TokenServer, mode: str, count: int, trials: int) -> dict[str, Any]:
    def herd(kind: str, size: int) -> dict[str, Any]:
        return run_json(me("herd", mode, kind, str(size)), server)

    def start(kind: str) -> str:
        result = herd(kind, count)
        failed = f"{count - result['ok']} of {count} failed: {result['statuses']} {result['errors']}"
        return failed if result["ok"] != count else ""

    def stall(kind: str) -> float:
        stall_ms: float = herd(kind, 1)["stall_ms"]
        return stall_ms

    rows = {}
    for kind in HERD_CLIENTS:
        probe = partial(stall, kind) if mode == "tasks" else None
        rows[kind] = cold_trials(server, trials, partial(start, kind), probe)
        log(f"{mode} x{count}: {kind} -> {rows[kind]}")
    return {"count": count, "delay_ms": TOKEN_DELAY * 1000, "rows": rows}


def measure_fleet(server: TokenServer, processes: int, trials: int) -> dict[str, Any]:
    """Cold processes sharing a ``FileTokenStore``, and with the default store (nothing shared)."""
    start = {store: partial(start_fleet, server, store, processes) for store in ("file", "memory")}
    rows = {store: cold_trials(server, trials, fleet, None) for store, fleet in start.items()}
    return {"count": processes, "delay_ms": TOKEN_DELAY * 1000, "rows": rows}


def start_fleet(server: TokenServer, store: str, processes: int) -> str:
    """Start every process, release them together once all are ready, and note the failed requests."""
    with tempfile.TemporaryDirectory(prefix="zuora-bench-") as scratch:
        argv = me("fleet", store, os.path.join(scratch, "tokens"))  # the store creates it, 0700
        pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
        children = [subprocess.Popen(argv, env=child_env(server), text=True, **pipes) for _ in range(processes)]
        try:
            for child in children:
                assert child.stdout is not None
                if child.stdout.readline().strip() != "ready":
                    _, stderr = child.communicate(timeout=30)
                    raise ChildFailed(child.returncode, stderr)
            for child in children:
                assert child.stdin is not None
                child.stdin.write("go\n")
                child.stdin.flush()
            outputs = [child.communicate(timeout=120) for child in children]
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
    for child, (out, err) in zip(children, outputs, strict=True):
        if child.returncode or not out.strip():
            raise ChildFailed(child.returncode, err)
    failed = [status for out, _ in outputs if (status := json.loads(out.strip().splitlines()[-1])["status"]) != 200]
    return f"{len(failed)} of {processes} failed: {failed[:3]}" if failed else ""


def measure_generate(runs: int) -> dict[str, Any]:
    """``make generate``'s command (``make _generate_into``, as ``make check-generated`` does), into a scratch
    folder so the committed ``generated/`` is never touched."""
    walls = []
    for index in range(runs):
        with tempfile.TemporaryDirectory(prefix="zuora-bench-gen-") as scratch:
            start = time.perf_counter()
            command = ["make", "-s", "-C", str(STATE.parent), "_generate_into", f"DIR={scratch}"]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            walls.append(time.perf_counter() - start)
            if done.returncode or not (Path(scratch) / "zuora_oauth" / "__init__.py").exists():
                raise ChildFailed(done.returncode, done.stderr or done.stdout)
        log(f"make generate: run {index + 1}/{runs}: {walls[-1]:.2f} s")
    return {"wall_s": median(walls), "runs": walls}


def measure(sections: list[str], s: Settings) -> dict[str, Any]:
    """The sections asked for, imports first while nothing else competes for the cores; a section that raises
    is recorded as its error, and the others go on."""
    results: dict[str, Any] = {}

    def section(name: str, figures: Callable[[], Any]) -> None:
        if name in sections:
            try:
                results[name] = figures()
            except Exception as exc:
                log(f"{name}: failed: {type(exc).__name__}: {exc}")
                results[name] = {"error": f"{type(exc).__name__}: {exc}"}

    section("imports", lambda: measure_imports(s))
    server = TokenServer()
    try:
        section("token_cpu", lambda: measure_cpu(server, "token", TOKEN_CLIENTS, s.token_calls, s))
        section("cached_cpu", lambda: measure_cpu(server, "cached", CACHED_CLIENTS, s.cached_calls, s))
        server.ask(f"delay {TOKEN_DELAY}")
        section("threads", lambda: measure_herd(server, "threads", s.threads, s.trials))
        section("tasks", lambda: measure_herd(server, "tasks", s.tasks, s.trials))
        section("fleet", lambda: measure_fleet(server, s.processes, s.trials))
    finally:
        server.close()
    section("generate", lambda: measure_generate(s.generate_runs))
    section("importtime", lambda: {"rows": [import_breakdown(line, s.importtime_runs) for line in IMPORTTIME]})
    return results


def versions() -> dict[str, str]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {name: version(name) for name in PEERS}


def main(argv: list[str]) -> None:
    role, *arguments = argv
    if role == "measure":
        out, quick, sections = Path(arguments[0]), "--quick" in arguments, arguments[1:]
        settings = QUICK if quick else Settings()
        results = measure([name for name in sections if name != "--quick"], settings)
        results["meta"] = {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
            "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}",
            "python": platform.python_version(),
            "versions": versions(),
            "settings": asdict(settings),
        }
        out.write_text(json.dumps(results, indent=1))
    elif role == "server":
        server_child()
    elif role == "cpu":
        cpu_child(*arguments)
    elif role == "herd":
        herd_child(arguments[0], arguments[1], int(arguments[2]))
    elif role == "fleet":
        fleet_child(*arguments)


if __name__ == "__main__":
    main(sys.argv[1:])

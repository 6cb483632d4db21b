"""`laborsign bench api`: latency of GET /api/v1/contracts/{id} under concurrent clients.

The real server as production starts it (`laborsign serve`, its default number of worker
processes unless `--workers` says otherwise) on a PostgreSQL database made for the run,
with one organisation, worker, API key and contract; then `--clients` concurrent HTTP/1.1
keep-alive clients on loopback, each sending its next request when the previous answer has
been read (a closed loop), `--requests` timed requests in all once every client is
connected (`closed_loop`). Every request is a full one: API-key authentication, the
tenant-scoped read and the access event recorded in the same transaction.

The load comes from a small client written for this bench over asyncio streams (see
docs/adr/0012-api-serving-and-its-benchmark.md): a general HTTP client spends about a
millisecond of CPU per request, which on a small machine is taken from the server being
measured. It still checks every status and reads every body in full.

Prints p50/p95/p99, requests per second, the CPU each request cost the server processes,
the database's backends and the load generator, and the load average.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine, create_engine, text

from laborsign.bench import bench
from laborsign.web.serving import default_workers

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class BadAnswer(Exception):
    """The server answered something other than 200 with a complete body."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def _prepare(home: Path, url: str) -> tuple[str, str]:
    """An initialised platform with one contract; returns (API key, contract id)."""
    from laborsign.bootstrap import Container
    from laborsign.contracts.examples import example_contract
    from laborsign.db.tenancy import Scope
    from laborsign.parties.organisations import NewOrganisation
    from laborsign.parties.roles import Role
    from laborsign.parties.workers import NewWorker
    from laborsign.settings import Settings

    now = datetime.now(UTC)
    c = Container(Settings(home=home, database_url=url))
    c.init()
    data = example_contract()
    e = data.employer
    org = c.parties.organisations.create(
        Scope.system(),
        NewOrganisation(
            "employer", e.name, e.credit_code, e.legal_representative, e.registered_address, e.phone
        ),
        now,
    )
    org_id = str(org["id"])
    hr = Scope.employer(org_id, "bench-hr", [Role.HR])
    worker = c.parties.workers.register(hr, NewWorker(data.worker.name, data.worker.id_number), now)
    admin = Scope.employer(org_id, "bench-admin", [Role.EMPLOYER_ADMIN])
    key = c.parties.api_keys.create(admin, "bench", ["contracts:read"], now)
    made = c.contracts.create_draft(hr, data, now=now, worker_id=str(worker["id"]))
    c.engine.dispose()
    return str(key["token"]), made.contract.id


# -- the load generator -----------------------------------------------------------------------


def request_bytes(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """One HTTP/1.1 response: (status, whole body, whether the server keeps the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head[:-4].split(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise BadAnswer(f"not an HTTP/1.1 answer: {status_line[:80]!r}")
    status = int(parts[1])
    length: int | None = None
    chunked, keep = False, True
    for line in header_lines:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            keep = value != b"close"
    if chunked:
        body = bytearray()
        while size := int((await reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16):
            body += await reader.readexactly(size)
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")  # no trailers are sent; the last empty line
        return status, bytes(body), keep
    if length is None:
        return status, await reader.read(), False  # the body ends with the connection
    return status, await reader.readexactly(length), keep


@dataclass
class Load:
    latencies: list[float]
    seconds: float
    client_cpu: float  # seconds of CPU this process spent
    spread: list[int]  # what `when_connected` returned (the server's connections per process)


async def closed_loop(
    port: int,
    request: bytes,
    clients: int,
    count: int,
    when_connected: Callable[[], list[int]] | None = None,
) -> Load:
    """`clients` keep-alive connections sending `count` requests in all, each the next as soon
    as the previous answer is read.

    The clients connect one after another, each once the one before has had an answer, as a
    connection pool fills while load rises: twenty connections opened in the same instant
    would all be accepted by whichever server worker woke first. Only then do the `count`
    timed requests start, and `when_connected` is called at that moment (the answers while
    connecting are not counted)."""
    remaining = count
    latencies: list[float] = []
    spread: list[int] = []
    turns = [asyncio.Event() for _ in range(clients + 1)]
    turns[0].set()
    go = asyncio.Event()
    began: tuple[float, float] = (0.0, 0.0)

    async def exchange(writer: asyncio.StreamWriter, reader: asyncio.StreamReader) -> bool:
        writer.write(request)
        status, body, keep = await read_answer(reader)
        if status != 200:
            raise BadAnswer(f"HTTP {status}: {body[:300]!r}")
        return keep

    async def client(turn: int) -> None:
        nonlocal remaining
        await turns[turn].wait()
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            keep = await exchange(writer, reader)
            turns[turn + 1].set()
            await go.wait()
            while remaining > 0:
                if not keep:
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                remaining -= 1
                start = time.perf_counter()
                keep = await exchange(writer, reader)
                latencies.append((time.perf_counter() - start) * 1000)
        finally:
            writer.close()

    async def starter() -> None:
        nonlocal began
        await turns[clients].wait()
        if when_connected is not None:
            spread.extend(when_connected())
        began = (time.process_time(), time.perf_counter())
        go.set()

    await asyncio.gather(starter(), *(client(turn) for turn in range(clients)))
    cpu, wall = time.process_time() - began[0], time.perf_counter() - began[1]
    return Load(latencies, wall, cpu, spread)


def _run(factory: Callable[[], Coroutine[Any, Any, Load]]) -> Load:
    try:
        import uvloop
    except ImportError:  # the bench still runs, with a slower loop of its own
        return asyncio.run(factory())
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(factory())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- CPU of the processes under test ----------------------------------------------------------


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU of one live process, from /proc (None where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found.extend(frontier)
    return found


def _cpu_of(pids: list[int]) -> dict[int, float]:
    return {pid: cpu for pid in pids if (cpu := _cpu_seconds(pid)) is not None}


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent meanwhile by the processes alive at both ends."""
    return sum(after[pid] - before[pid] for pid in after.keys() & before.keys())


def _connections(pids: list[int], port: int) -> list[int]:
    """How many established connections to `port` each process holds (from /proc), for the
    processes holding any: the kernel hands a new connection to whichever worker accepts
    first, and with few long-lived connections the split can be far from even."""
    sockets: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                sockets.add(f"socket:[{fields[9]}]")
    counts = []
    for pid in pids:
        try:
            links = [os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        if held := sum(link in sockets for link in links):
            counts.append(held)
    return sorted(counts, reverse=True)


def _backends(admin: Engine, database: str) -> list[int]:
    """Process ids of the PostgreSQL backends connected to the bench database."""
    with admin.connect() as connection:
        rows = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": database}
        )
        return [int(pid) for (pid,) in rows]


def _wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    request = request_bytes("/healthz", {"Connection": "close"})

    async def probe() -> int:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(request)
            return (await read_answer(reader))[0]
        finally:
            writer.close()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _, err = process.communicate()
            raise click.ClickException(f"the server exited before it was ready: {err[-2000:]!r}")
        try:
            if asyncio.run(probe()) == 200:
                return
        except (OSError, BadAnswer, asyncio.IncompleteReadError):
            pass
        time.sleep(0.2)
    raise click.ClickException("the server did not become ready within 60 s")


@bench.command("api")
@click.option("--clients", default=20, show_default=True, help="concurrent clients")
@click.option("--requests", "count", default=2000, show_default=True, help="requests in all")
@click.option("--warmup", default=200, show_default=True, help="untimed requests first")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="server processes (default: what `laborsign serve` chooses, one per core)",
)
@click.option(
    "--admin-url",
    default=lambda: os.environ.get("LABORSIGN_BENCH_POSTGRES_URL", ADMIN_URL),
    help="PostgreSQL URL allowed to create the bench database",
)
def bench_api(clients: int, count: int, warmup: int, workers: int | None, admin_url: str) -> None:
    """GET /api/v1/contracts/{id} latency on PostgreSQL, 20 clients on loopback."""
    name = f"laborsign_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    port = _free_port()
    load_before = os.getloadavg()
    try:
        with tempfile.TemporaryDirectory() as home:
            token, contract_id = _prepare(Path(home), url)
            env = {
                **os.environ,
                "LABORSIGN_HOME": home,
                "LABORSIGN_DATABASE_URL": url,
                "LABORSIGN_LOG_LEVEL": "WARNING",
                "LABORSIGN_JOBS_EMBEDDED_WORKERS": "0",
            }
            command = [
                *(sys.executable, "-c", "from laborsign.cli import main; main()"),
                *("serve", "--port", str(port)),
            ]
            if workers is not None:
                command += ["--workers", str(workers)]
            process = subprocess.Popen(  # noqa: S603 - our own command
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            try:
                _wait_ready(port, process)
                request = request_bytes(
                    f"/api/v1/contracts/{contract_id}", {"Authorization": f"Bearer {token}"}
                )
                try:
                    _run(lambda: closed_loop(port, request, clients, warmup))
                    server = _descendants(process.pid)
                    database = _backends(admin, name)
                    before: list[dict[int, float]] = []

                    def connected() -> list[int]:
                        before.extend((_cpu_of(server), _cpu_of(database)))
                        return _connections(server, port)

                    load = _run(lambda: closed_loop(port, request, clients, count, connected))
                    after = _cpu_of(server), _cpu_of(database)
                except (BadAnswer, OSError, asyncio.IncompleteReadError) as exc:
                    raise click.ClickException(f"the load failed: {exc!r}") from exc
                load_after = os.getloadavg()
            finally:
                process.terminate()
                process.wait(timeout=30)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    done = len(load.latencies)
    processes = workers or default_workers()
    served_by = f"{processes} worker processes" if processes > 1 else "1 process"
    click.echo(
        f"GET /api/v1/contracts/{{id}}: {done} requests, {clients} clients, server in "
        f"{served_by}, PostgreSQL, loopback"
    )
    click.echo(
        f"  p50 {percentile(load.latencies, 0.50):.1f} ms"
        f"  p95 {percentile(load.latencies, 0.95):.1f} ms"
        f"  p99 {percentile(load.latencies, 0.99):.1f} ms"
        f"  mean {statistics.fmean(load.latencies):.1f} ms  {done / load.seconds:.0f} req/s"
    )
    per = 1000 / done
    click.echo(
        f"  CPU per request: server {_spent(before[0], after[0]) * per:.2f} ms, "
        f"PostgreSQL backends {_spent(before[1], after[1]) * per:.2f} ms, "
        f"load generator {load.client_cpu * per:.2f} ms"
    )
    if load.spread:
        click.echo(f"  connections per server process: {', '.join(map(str, load.spread))}")
    click.echo(
        "  load average (1/5/15 min) before "
        + " ".join(f"{v:.2f}" for v in load_before)
        + ", after "
        + " ".join(f"{v:.2f}" for v in load_after)
    )

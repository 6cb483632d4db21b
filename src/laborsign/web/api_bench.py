"""`laborsign bench api`: latency of GET /api/v1/contracts/{id} under concurrent clients.

The real app in its own process (`laborsign serve`, uvicorn) on a PostgreSQL database made
for the run, one organisation, worker, API key and contract; then `--clients` concurrent
HTTP/1.1 keep-alive clients on loopback for `--requests` requests in all. Every request is a
full one: API-key authentication, the tenant-scoped read and the access event appended to
the evidence log. Prints p50/p95/p99 and requests per second.
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
from datetime import UTC, datetime
from pathlib import Path

import click
import httpx
from sqlalchemy import create_engine, text

from laborsign.bench import bench

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
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


async def _load(url: str, token: str, clients: int, requests: int) -> tuple[list[float], float]:
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    remaining = [requests]

    async def client() -> None:
        async with httpx.AsyncClient(headers=headers, timeout=30) as session:
            while remaining[0] > 0:
                remaining[0] -= 1
                start = time.perf_counter()
                answer = await session.get(url)
                latencies.append((time.perf_counter() - start) * 1000)
                answer.raise_for_status()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, time.perf_counter() - began


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise click.ClickException("the server exited before it was ready")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise click.ClickException("the server did not become ready within 60 s")


@bench.command("api")
@click.option("--clients", default=20, show_default=True, help="concurrent clients")
@click.option("--requests", "count", default=2000, show_default=True, help="requests in all")
@click.option("--warmup", default=200, show_default=True, help="untimed requests first")
@click.option(
    "--admin-url",
    default=lambda: os.environ.get("LABORSIGN_BENCH_POSTGRES_URL", ADMIN_URL),
    help="PostgreSQL URL allowed to create the bench database",
)
def bench_api(clients: int, count: int, warmup: int, admin_url: str) -> None:
    """GET /api/v1/contracts/{id} latency on PostgreSQL, 20 clients on loopback."""
    name = f"laborsign_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
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
            process = subprocess.Popen(  # noqa: S603 - our own command
                [
                    sys.executable,
                    "-c",
                    "from laborsign.cli import main; main()",
                    "serve",
                    "--port",
                    str(port),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            try:
                _wait_ready(base, process)
                target = f"{base}/api/v1/contracts/{contract_id}"
                asyncio.run(_load(target, token, clients, warmup))
                latencies, elapsed = asyncio.run(_load(target, token, clients, count))
            finally:
                process.terminate()
                process.wait(timeout=30)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    click.echo(
        f"GET /api/v1/contracts/{{id}}: {len(latencies)} requests, {clients} clients, "
        f"PostgreSQL, loopback"
    )
    click.echo(
        f"  p50 {_percentile(latencies, 0.50):.1f} ms  p95 {_percentile(latencies, 0.95):.1f} ms"
        f"  p99 {_percentile(latencies, 0.99):.1f} ms  mean {statistics.fmean(latencies):.1f} ms"
        f"  {len(latencies) / elapsed:.0f} req/s"
    )

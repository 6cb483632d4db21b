"""`laborsign serve --workers N` as an operator runs it: N worker processes on one port,
each answering with the whole app, the views they record integrated into the evidence log by
the parent process, and a clean stop on SIGTERM."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select
from tests.integration.helpers import draft_with_read_key
from tests.integration.servers import free_port, wait_until_listening

from laborsign.bootstrap import Container
from laborsign.cli import main
from laborsign.db.tenancy import Scope
from laborsign.evidence.events import Event, EventType
from laborsign.evidence.pending import add_pending, pending_count
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.settings import Settings
from laborsign.web.serving import integrating

LAUNCHER = str(Path(sys.executable).parent / "laborsign")
NOW = datetime.now(UTC)


def _children(pid: int) -> list[str]:
    """Command lines of a process's children (Linux /proc)."""
    found: list[str] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            found.append(cmdline.decode())
    return found


def _views(container: Container, contract_id: str) -> list[Event]:
    with container.uow(Scope.system()) as uow:
        entries = uow.session.scalars(
            select(EvidenceLeafRow.entry).where(EvidenceLeafRow.contract_id == contract_id)
        ).all()
    return [e for e in map(Event.from_entry, entries) if e.type is EventType.VIEWED]


def _prepared(home: Path) -> tuple[Container, str, str]:
    """The embedded defaults in `home` with one contract; (container, API key, contract id)."""
    container = Container(Settings(home=home))
    container.init()
    _, key, contract_id = draft_with_read_key(container, NOW)
    return container, str(key["token"]), contract_id


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_two_workers_serve_the_app_and_stop_on_sigterm(tmp_path: Path) -> None:
    container, token, contract_id = _prepared(tmp_path / "home")
    port = free_port()
    # The embedded defaults (SQLite, jobs on threads of the parent) in that data home.
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABORSIGN_")}
    env |= {"LABORSIGN_HOME": str(tmp_path / "home"), "LABORSIGN_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [LAUNCHER, "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_listening(process, port, "laborsign serve")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(6):
                assert client.get("/healthz").json()["status"] == "ok"
            bearer = {"Authorization": f"Bearer {token}"}
            for _ in range(4):
                read = client.get(f"/api/v1/contracts/{contract_id}", headers=bearer)
                assert read.status_code == 200 and read.json()["id"] == contract_id
            assert client.get("/api/v1/contracts").status_code == 401
        workers = [c for c in _children(process.pid) if "multiprocessing.spawn" in c]
        assert len(workers) == 2, _children(process.pid)
        # The workers only record the views; the parent integrates them within seconds.
        deadline = time.monotonic() + 60  # a bound for a slow machine, not an assertion
        while len(_views(container, contract_id)) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_views(container, contract_id)) == 4
    finally:
        process.terminate()
        _, err = process.communicate(timeout=60)
        container.engine.dispose()
    assert process.returncode == 0, err.decode()[-2000:]
    assert b"Traceback" not in err


def test_integrating_takes_what_is_pending_while_the_block_runs(tmp_path: Path) -> None:
    container = Container(Settings(home=tmp_path / "home"))
    container.init()
    view = Event(EventType.VIEWED, "c-1", "staff:x", NOW, {}, {"access": "summary"})
    with container.uow() as uow:
        add_pending(uow.session, view)
        uow.commit()
    with integrating(container, every=0.05):
        deadline = time.monotonic() + 30  # a bound for a slow machine, not an assertion
        while _views(container, "c-1") == [] and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [(e.actor, e.extra["access"]) for e in _views(container, "c-1")] == [
        ("staff:x", "summary")
    ]
    with container.uow() as uow:
        assert pending_count(uow.session) == 0
    container.engine.dispose()


def test_workers_must_be_at_least_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABORSIGN_HOME", str(tmp_path / "home"))
    refused = CliRunner().invoke(main, ["serve", "--workers", "0"])
    assert refused.exit_code == 2
    assert "--workers" in refused.output

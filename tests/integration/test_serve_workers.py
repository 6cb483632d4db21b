"""`laborsign serve --workers N` as an operator runs it: N worker processes on one port,
each answering with the whole app, and a clean stop on SIGTERM."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from tests.integration.servers import free_port, wait_until_listening

from laborsign.cli import main

LAUNCHER = str(Path(sys.executable).parent / "laborsign")


def _children(pid: int) -> list[str]:
    """Command lines of a process's children (Linux /proc)."""
    found: list[str] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            found.append(cmdline.decode())
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_two_workers_serve_the_app_and_stop_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    # The embedded defaults (SQLite, jobs on threads of the parent) in a fresh data home.
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
            # The whole app, not only the health check: an API route asks for a login.
            assert client.get("/api/v1/contracts").status_code == 401
        workers = [c for c in _children(process.pid) if "multiprocessing.spawn" in c]
        assert len(workers) == 2, _children(process.pid)
    finally:
        process.terminate()
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err.decode()[-2000:]
    assert b"Traceback" not in err


def test_workers_must_be_at_least_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABORSIGN_HOME", str(tmp_path / "home"))
    refused = CliRunner().invoke(main, ["serve", "--workers", "0"])
    assert refused.exit_code == 2
    assert "--workers" in refused.output

"""Servers the integration tests start in a process of their own: a free port to give one,
and waiting until it listens."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_listening(process: subprocess.Popen[bytes], port: int, name: str) -> None:
    """Fails the test with the server's own error output if it exits or never listens."""
    deadline = time.monotonic() + 60  # a bound for a slow machine, not an assertion
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                _, err = process.communicate(timeout=5)
                pytest.fail(f"{name} did not start: {err.decode()[-2000:]}")
            time.sleep(0.1)

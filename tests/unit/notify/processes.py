"""Start a fake provider (`fake_providers.py`) as a separate process for one test."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("fake_providers.py")


@contextmanager
def fake_provider(kind: str, config: dict[str, Any]) -> Iterator[int]:
    """Run the fake and yield its port; the process is stopped afterwards."""
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), kind, json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            _, err = process.communicate(timeout=10)
            raise RuntimeError(f"fake {kind} did not start: {line!r} {err}")
        yield int(line.split()[1])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

"""How `laborsign serve` hands the app to uvicorn, and the limits each worker sets itself."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from anyio import to_thread
from fastapi import FastAPI
from fastapi.testclient import TestClient

from laborsign.bootstrap import Container
from laborsign.settings import Settings
from laborsign.web import serving
from laborsign.web.app import create_app

INTEGRATE = "LABORSIGN_EVIDENCE_INTEGRATE_AFTER_COMMIT"


class Recorder:
    """Stands in for `uvicorn.run`: remembers what it was asked to serve."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, dict[str, Any]]] = []

    def __call__(self, app: object, **options: Any) -> None:
        self.calls.append((app, options))


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    found = Recorder()
    monkeypatch.setattr(uvicorn, "run", found)
    return found


def test_one_worker_serves_the_app_in_this_process(recorder: Recorder, tmp_path: Path) -> None:
    container = Container(Settings(home=tmp_path, log_level="WARNING"))
    serving.run(container, "127.0.0.1", 8123, 1)
    [(app, options)] = recorder.calls
    assert isinstance(app, FastAPI)
    assert app.state.container is container
    assert options == {"host": "127.0.0.1", "port": 8123, "log_level": "warning"}


def test_several_workers_each_build_the_app_from_settings(
    recorder: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(INTEGRATE, "true")  # restored after the test
    serving.run(Container(Settings(home=tmp_path)), "0.0.0.0", 8124, 3)  # noqa: S104
    [(app, options)] = recorder.calls
    # uvicorn starts processes of its own: it needs something to import, not an object.
    assert app == serving.WORKER_APP == "laborsign.web.serving:worker_app"
    assert options["workers"] == 3 and options["factory"] is True
    assert (options["host"], options["port"]) == ("0.0.0.0", 8124)  # noqa: S104
    # The workers inherit the environment: they leave integration to this process.
    assert os.environ[INTEGRATE] == "false"
    assert Settings(home=tmp_path).evidence_integrate_after_commit is False


def test_one_worker_integrates_after_its_own_commits(
    recorder: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(INTEGRATE, raising=False)
    serving.run(Container(Settings(home=tmp_path)), "127.0.0.1", 8125, 1)
    assert INTEGRATE not in os.environ
    assert Settings(home=tmp_path).evidence_integrate_after_commit is True


def test_a_worker_app_reads_the_same_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LABORSIGN_HOME", str(tmp_path))
    monkeypatch.setenv("LABORSIGN_DATABASE_POOL_SIZE", "4")
    module, _, name = serving.WORKER_APP.partition(":")
    assert module == serving.__name__
    app = getattr(serving, name)()
    assert isinstance(app, FastAPI)
    assert app.state.container.settings.home == tmp_path
    assert app.state.container.settings.database_pool_size == 4


def test_default_is_one_worker_per_usable_core() -> None:
    assert serving.default_workers() == len(os.sched_getaffinity(0))


def test_worker_threads_are_no_more_than_pooled_connections(tmp_path: Path) -> None:
    app = create_app(Container(Settings(home=tmp_path, database_pool_size=7)))

    async def tokens() -> float:
        return to_thread.current_default_thread_limiter().total_tokens

    with TestClient(app) as client:
        assert client.portal is not None
        assert client.portal.call(tokens) == 7


def test_the_pool_keeps_as_many_connections(tmp_path: Path) -> None:
    container = Container(Settings(home=tmp_path, database_pool_size=7))
    assert container.engine.pool.size() == 7  # type: ignore[attr-defined]

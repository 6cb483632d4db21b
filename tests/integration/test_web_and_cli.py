"""The web app's operational endpoints and the top-level commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from laborsign.bootstrap import Container
from laborsign.cli import main
from laborsign.web.app import create_app


def test_healthz_and_openapi(container: Container) -> None:
    client = TestClient(create_app(container))
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/healthz" in spec["paths"]


def test_init_command_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABORSIGN_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    first = runner.invoke(main, ["init"])
    assert first.exit_code == 0, first.output
    assert "generated development secret key" in first.output
    second = runner.invoke(main, ["init"])
    assert second.exit_code == 0, second.output
    assert "generated development secret key" not in second.output
    assert (tmp_path / "home" / "laborsign.db").exists()
    assert (tmp_path / "home" / "secret.key").stat().st_mode & 0o077 == 0


def test_configuration_error_is_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABORSIGN_HOME", str(tmp_path))
    monkeypatch.setenv("LABORSIGN_MODE", "production")
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 1
    assert "LABORSIGN_SECRET_KEY" in result.output
    assert "Traceback" not in result.output

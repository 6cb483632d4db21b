"""Settings: environment, defaults and the production guard."""

from __future__ import annotations

from pathlib import Path

import pytest

from laborsign.errors import ConfigurationError
from laborsign.settings import DEV_SECRET_PREFIX, Settings, load_settings


def test_reads_laborsign_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LABORSIGN_HOME", str(tmp_path))
    monkeypatch.setenv("LABORSIGN_PORT", "8123")
    settings = Settings()
    assert settings.home == tmp_path
    assert settings.port == 8123
    assert settings.database == f"sqlite:///{tmp_path / 'laborsign.db'}"
    assert settings.base_url == "http://127.0.0.1:8123"


def test_reads_dotenv_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("LABORSIGN_PORT=9001\n")
    assert Settings().port == 9001


@pytest.mark.parametrize(
    "secret",
    [None, "short", DEV_SECRET_PREFIX + "x" * 40],
)
def test_production_refuses_development_secrets(secret: str | None) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(mode="production", secret_key=secret, public_url="https://hr.example")
    assert caught.value.field == "secret_key"


def test_production_requires_https_public_url() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(mode="production", secret_key="s" * 40, public_url="http://hr.example")
    assert caught.value.field == "public_url"


def test_production_accepts_proper_configuration() -> None:
    settings = load_settings(mode="production", secret_key="s" * 40, public_url="https://x.cn")
    assert settings.is_production


def test_rejects_unknown_key_algorithm() -> None:
    with pytest.raises(ValueError, match="key_algorithm"):
        Settings(key_algorithm="dsa-1024")

"""docs/configuration.md lists every setting, as generated from the Settings model."""

from __future__ import annotations

from pathlib import Path

from laborsign.settings_reference import reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_configuration_reference_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == reference(), (
        "docs/configuration.md is stale: python -m laborsign.settings_reference > "
        "docs/configuration.md"
    )

"""The published JSON Schema is the models' own; the XML form round-trips; every data-item
code used is documented."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema

from laborsign.contracts.examples import example_contract
from laborsign.filing import build
from laborsign.filing.codes import ITEMS, code_records
from laborsign.filing.schema import FilingBatch, SignatureInfo, SignatureKind, json_schema
from laborsign.filing.xml_format import from_xml, to_xml

DOCS = Path(__file__).resolve().parents[3] / "docs"
AT = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)


def sample() -> FilingBatch:
    data = example_contract()
    signature = SignatureInfo(
        kind=SignatureKind.SIGNATURE,
        field="LaborSign-Worker",
        signer=data.worker.name,
        certificate_serial="1f",
        certificate_issuer="Common Name: LaborSign CA",
        certificate_sha256="ab" * 32,
        signing_time=AT,
        timestamp_time=AT,
        timestamp_authority="LaborSign TSA",
    )
    stored = build.StoredContract(
        "c-1", data.number, "effective", data, AT, "cd" * 32, 1234, [signature], [0, 1, 2]
    )
    log = build.LogState("laborsign.example/evidence", 3, "AAAA")
    return build.batch("b-1", data.employer, [stored], log, AT)


def test_the_published_schema_is_in_sync() -> None:
    published = json.loads((DOCS / "filing.schema.json").read_text())
    assert published == json_schema(), "regenerate docs/filing.schema.json (see docs/filing.md)"


def test_a_batch_validates_and_round_trips_through_xml() -> None:
    batch = sample()
    jsonschema.Draft202012Validator(json_schema()).validate(batch.model_dump(mode="json"))
    xml = to_xml(batch)
    assert from_xml(xml) == batch
    assert b'<contracts list="true">' in xml and b"<item>" in xml


def test_every_code_is_documented() -> None:
    text = (DOCS / "filing.md").read_text()
    for item in ITEMS:
        assert f"`{item.code}`" in text, item.code
    [record] = code_records(sample())
    assert record["aac003"] == example_contract().worker.name

"""Publishing checkpoints and the read API, on SQLite and PostgreSQL, with the built-in TSA."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import cms, tsp
from fastapi.testclient import TestClient
from tests.integration.test_evidence_log import append, event

from laborsign.bootstrap import Container
from laborsign.errors import ConfigurationError, ServiceUnavailable
from laborsign.evidence.checkpoint import Checkpoint, open_checkpoint
from laborsign.evidence.cosignature import CosignatureSigner
from laborsign.evidence.keys import load_log_signer
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.merkle import (
    MemoryHashes,
    MerkleTree,
    hash_leaf,
    verify_consistency,
    verify_inclusion,
)
from laborsign.evidence.note import Ed25519Verifier, Note, open_note
from laborsign.evidence.publish import checkpoint_due, latest_checkpoint
from laborsign.evidence.service import EvidenceService
from laborsign.evidence.tiles import split_entry_bundle
from laborsign.evidence.witness import HttpWitness, WitnessState, create_witness_app
from laborsign.web.app import create_app

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _imprint(token: bytes) -> bytes:
    info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
    assert isinstance(info, tsp.TSTInfo)
    return bytes(info["message_imprint"]["hashed_message"].native)


def _size(container: Container) -> int:
    with container.uow() as uow:
        return EvidenceLog().size(uow.session)


def _log_verifier(container: Container) -> Ed25519Verifier:
    return load_log_signer(container.settings.home, container.settings.evidence_origin).verifier


def test_publishing_fails_closed_without_a_time_stamping_authority(container: Container) -> None:
    append(container, [event(0)])
    service = EvidenceService(
        container.uow,
        lambda: load_log_signer(container.settings.home, container.settings.evidence_origin),
        lambda: None,
        [],
    )
    with pytest.raises(ConfigurationError):
        service.publish(NOW)
    with container.uow() as uow:
        assert latest_checkpoint(uow.session) is None


def test_published_checkpoints_are_signed_timestamped_and_consistent(container: Container) -> None:
    service = container.evidence
    append(container, [event(i) for i in range(5)])
    first = service.publish(NOW)
    checkpoint, _note = open_checkpoint(
        first.note_bytes, container.settings.evidence_origin, [_log_verifier(container)]
    )
    assert checkpoint.size == 5
    assert first.timestamp_token is not None
    # RFC 3161 imprint over the whole checkpoint file, signatures included.
    assert _imprint(first.timestamp_token) == hashlib.sha256(first.note_bytes).digest()
    assert service.publish(NOW + timedelta(minutes=1)).note == first.note  # nothing new
    append(container, [event(i) for i in range(5, 12)])
    second = service.publish(NOW + timedelta(minutes=2))
    proof = service.consistency(5, 12)["proof"]
    assert isinstance(proof, list)
    verify_consistency(
        5,
        12,
        [base64.b64decode(p) for p in proof],
        checkpoint.root_hash,
        second.checkpoint.root_hash,
    )


def test_checkpoint_schedule() -> None:
    every = timedelta(seconds=60)
    assert not checkpoint_due(None, 0, NOW, every=every, every_events=10)
    assert checkpoint_due(None, 1, NOW, every=every, every_events=10)


def test_read_api_and_tiles(container: Container) -> None:
    events = [event(i) for i in range(300)]
    append(container, events)
    container.evidence.publish(NOW)
    client = TestClient(create_app(container))
    response = client.get("/evidence/checkpoint")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    checkpoint, _ = open_checkpoint(
        response.content, container.settings.evidence_origin, [_log_verifier(container)]
    )
    assert checkpoint.size == 300

    proof = client.get("/evidence/proof/inclusion", params={"index": 123, "size": 300}).json()
    entry = base64.b64decode(proof["entry"])
    assert entry == events[123].entry()
    verify_inclusion(
        hash_leaf(entry),
        123,
        300,
        [base64.b64decode(p) for p in proof["proof"]],
        checkpoint.root_hash,
    )
    assert (
        client.get("/evidence/proof/inclusion", params={"index": 1, "size": 299}).status_code == 404
    )

    reference = MemoryHashes()
    for e in events:
        reference.append(e.entry())
    full = client.get("/evidence/tile/0/000")
    assert full.content == b"".join(hash_leaf(e.entry()) for e in events[:256])
    partial = client.get("/evidence/tile/0/001.p/44").content
    assert partial == b"".join(hash_leaf(e.entry()) for e in events[256:])
    # Level 1 holds MTHs of 256-leaf subtrees: the partial tile of width 1.
    level1 = client.get("/evidence/tile/1/000.p/1").content
    assert level1 == MerkleTree(reference).root(256)
    bundle = client.get("/evidence/tile/entries/001.p/44").content
    assert split_entry_bundle(bundle) == [e.entry() for e in events[256:]]
    assert client.get("/evidence/tile/0/001").status_code == 404  # not full yet
    assert client.get("/evidence/tile/0/001.p/45").status_code == 404  # beyond the checkpoint
    assert client.get("/evidence/tile/0/1").status_code == 422  # not the canonical spelling


def test_checkpoints_carry_the_cosignatures_of_configured_witnesses(
    container: Container, tmp_path: Path
) -> None:
    signer = CosignatureSigner.generate("witness.example/w1")
    app = create_witness_app(
        signer, [_log_verifier(container)], WitnessState(tmp_path / "w.json"), clock=lambda: 1.7e9
    )
    witness = HttpWitness(
        "http://witness", signer.verifier, TestClient(app, base_url="http://witness")
    )
    service = EvidenceService(
        container.uow,
        lambda: load_log_signer(container.settings.home, container.settings.evidence_origin),
        lambda: container.timestamper,
        [witness],
    )
    for size in (3, 9):
        append(container, [event(i) for i in range(size - _size(container))])
        published = service.publish(NOW)
        note = Note.parse(published.note_bytes)
        assert open_note(note, [signer.verifier]).verified[0].name == "witness.example/w1"
        assert Checkpoint.parse(note.text).size == size
    # A configured witness that does not cosign (here: it does not know this log) stops
    # publishing: fail closed, no checkpoint without the cosignatures the operator requires.
    other = create_witness_app(
        CosignatureSigner.generate("witness.example/w2"),
        [],
        WitnessState(tmp_path / "w2.json"),
    )
    stranger = HttpWitness("http://w2", signer.verifier, TestClient(other, base_url="http://w2"))
    append(container, [event(99)])
    failing = EvidenceService(container.uow, service._signer, service._stamper, [stranger])
    with pytest.raises(ServiceUnavailable):
        failing.publish(NOW)

"""Signed notes, checkpoints and cosignatures against the C2SP formats and known answers."""

from __future__ import annotations

import pytest

from laborsign.evidence.checkpoint import Checkpoint, open_checkpoint
from laborsign.evidence.cosignature import CosignatureSigner, CosignatureVerifier, timestamp_of
from laborsign.evidence.merkle import hash_leaf
from laborsign.evidence.note import (
    Ed25519Signer,
    Ed25519Verifier,
    InvalidNote,
    Note,
    Signature,
    open_note,
    sign_note,
)

# The example key pair and note of the Go signed-note implementation's documentation.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNATURE = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngot"
    "pRZb6KE6RyyBwJnAM=\n"
)


def test_known_answer_signed_note() -> None:
    signer = Ed25519Signer.from_skey(GO_SKEY)
    assert signer.key_id == 0xC74F20A3
    assert signer.verifier.vkey == GO_VKEY
    assert signer.skey == GO_SKEY
    note = sign_note(GO_TEXT, [signer])
    assert str(note) == GO_TEXT + "\n" + GO_SIGNATURE
    opened = open_note(Note.parse(str(note)), [Ed25519Verifier.from_vkey(GO_VKEY)])
    assert opened.text == GO_TEXT


def test_cosignature_example_of_the_specification_parses() -> None:
    # c2sp.org/tlog-cosignature's example line: key ID, then the u64 timestamp.
    line = (
        "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dl"
        "rDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA=="
    )
    signature = Signature.parse_line(line)
    assert signature.name == "witness.example.com/w1"
    assert len(signature.blob) == 8 + 64
    assert timestamp_of(signature) == 1679315147
    assert signature.line() == line + "\n"


def test_tampered_text_or_unknown_keys_are_rejected() -> None:
    signer = Ed25519Signer.from_skey(GO_SKEY)
    note = sign_note(GO_TEXT, [signer])
    tampered = Note(GO_TEXT.replace("problem,", "problem;"), note.signatures)
    with pytest.raises(InvalidNote, match="does not verify"):
        open_note(tampered, [signer.verifier])
    stranger = Ed25519Signer.generate("PeterNeumann")  # same name, other key ID: ignored
    with pytest.raises(InvalidNote, match="no signature by a trusted key"):
        open_note(note, [stranger.verifier])
    both = note.with_signatures([Signature(stranger.name, stranger.key_id, b"x" * 64)])
    assert open_note(both, [signer.verifier]).verified == note.signatures


@pytest.mark.parametrize(
    "data",
    [
        GO_TEXT,  # no signature block
        GO_TEXT + "\n",  # blank line but no signatures
        GO_TEXT + "\n" + GO_SIGNATURE.rstrip("\n"),  # signature line without newline
        GO_TEXT + "\n" + GO_SIGNATURE.replace("—", "-"),
        GO_TEXT + "\n" + GO_SIGNATURE.replace("x08go", "x08g!"),
        "tab\there\n\n" + GO_SIGNATURE,
    ],
)
def test_malformed_notes_are_refused(data: str) -> None:
    with pytest.raises(InvalidNote):
        Note.parse(data)


def test_note_text_may_contain_blank_lines() -> None:
    signer = Ed25519Signer.generate("example.com/log")
    text = "first\n\nsecond\n"
    parsed = Note.parse(str(sign_note(text, [signer])))
    assert parsed.text == text
    open_note(parsed, [signer.verifier])


@pytest.mark.parametrize(
    "vkey",
    [
        GO_VKEY.replace("c74f20a3", "c74f20a4"),  # key ID does not match
        GO_VKEY.replace("+ARpc", "+AhpC"),  # wrong type byte
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_bad_vkeys_are_refused(vkey: str) -> None:
    with pytest.raises(InvalidNote):
        Ed25519Verifier.from_vkey(vkey)


ROOT = hash_leaf(b"root")


def test_checkpoint_round_trip() -> None:
    checkpoint = Checkpoint("laborsign.example/evidence", 20852163, ROOT)
    text = checkpoint.text()
    assert text.splitlines()[:2] == ["laborsign.example/evidence", "20852163"]
    assert Checkpoint.parse(text) == checkpoint
    assert Checkpoint.parse(text + "ext\n").extensions == ("ext",)
    assert Checkpoint("o", 0, ROOT).text().split("\n")[1] == "0"


@pytest.mark.parametrize(
    "text",
    [
        "origin\n012\nAAAA\n",  # leading zero
        "origin\n12\n",  # no root
        "origin\n12\nAAAA\n",  # root of the wrong length
        "origin\n-1\n" + "A" * 43 + "=\n",
        "\n12\n" + "A" * 43 + "=\n",
        "origin\n12\n" + "A" * 43 + "=",  # no final newline
        "origin\n12\n" + "A" * 43 + "=\n\n",  # empty extension line
    ],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(InvalidNote):
        Checkpoint.parse(text)


def test_open_checkpoint_checks_origin_and_signature() -> None:
    log = Ed25519Signer.generate("laborsign.example/evidence")
    note = sign_note(Checkpoint(log.name, 5, ROOT).text(), [log])
    checkpoint, _ = open_checkpoint(note.encode(), log.name, [log.verifier])
    assert checkpoint.size == 5
    with pytest.raises(InvalidNote, match="another log"):
        open_checkpoint(note.encode(), "other.example/log", [log.verifier])


def test_cosignature_round_trip_and_domain_separation() -> None:
    log = Ed25519Signer.generate("laborsign.example/evidence")
    witness = CosignatureSigner.generate("witness.example/w1")
    note = sign_note(Checkpoint(log.name, 5, ROOT).text(), [log])
    body = note.text.encode()
    cosignature = witness.cosign(body, 1_700_000_000)
    assert timestamp_of(cosignature) == 1_700_000_000
    cosigned = note.with_signatures([cosignature])
    verifier = CosignatureVerifier.from_vkey(witness.verifier.vkey)
    assert open_note(Note.parse(str(cosigned)), [verifier]).verified == (cosignature,)
    # The same key as a plain note key has another key ID (type 0x01, not 0x04).
    plain = Ed25519Verifier(witness.name, witness.private_key.public_key())
    assert plain.key_id != verifier.key_id
    # The timestamp is signed: changing it breaks the signature.
    moved = Signature(
        cosignature.name, cosignature.key_id, (1).to_bytes(8, "big") + cosignature.blob[8:]
    )
    with pytest.raises(InvalidNote):
        open_note(note.with_signatures([moved]), [verifier])
    assert CosignatureSigner.from_skey(witness.skey).key_id == witness.key_id

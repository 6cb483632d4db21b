"""The witness as its own process: `laborsign witness serve`, spoken to over HTTP."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.integration.servers import free_port, wait_until_listening

from laborsign.errors import ServiceUnavailable
from laborsign.evidence.checkpoint import Checkpoint
from laborsign.evidence.cosignature import CosignatureVerifier, timestamp_of
from laborsign.evidence.merkle import MemoryHashes, MerkleTree
from laborsign.evidence.note import Ed25519Signer, Note, b64, open_note, sign_note
from laborsign.evidence.publish import WitnessConflict
from laborsign.evidence.witness import HttpWitness

LAUNCHER = [str(Path(sys.executable).parent / "laborsign")]
ORIGIN = "laborsign.test/evidence"


@pytest.fixture(scope="module")
def log_key() -> Ed25519Signer:
    return Ed25519Signer.generate(ORIGIN)


@pytest.fixture(scope="module")
def witness(
    tmp_path_factory: pytest.TempPathFactory, log_key: Ed25519Signer
) -> Iterator[tuple[str, CosignatureVerifier]]:
    data = tmp_path_factory.mktemp("witness")
    vkey = subprocess.run(
        [*LAUNCHER, "witness", "init", "--data", str(data), "--name", "witness.test/w1"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = free_port()
    process = subprocess.Popen(
        [
            *LAUNCHER,
            "witness",
            "serve",
            "--data",
            str(data),
            "--name",
            "witness.test/w1",
            "--log-vkey",
            log_key.verifier.vkey,
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_listening(process, port, "witness")
        yield url, CosignatureVerifier.from_vkey(vkey)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _checkpoint(log_key: Ed25519Signer, tree: MemoryHashes, size: int) -> Note:
    root = MerkleTree(tree).root(size)
    return sign_note(Checkpoint(ORIGIN, size, root).text(), [log_key])


def _tree(prefix: str, size: int) -> MemoryHashes:
    tree = MemoryHashes()
    for i in range(size):
        tree.append(f"{prefix}{i}".encode())
    return tree


def test_witness_cosigns_consistent_checkpoints_and_refuses_the_rest(
    witness: tuple[str, CosignatureVerifier], log_key: Ed25519Signer
) -> None:
    url, verifier = witness
    with httpx.Client(timeout=10) as client:
        port = HttpWitness(url, verifier, client)
        tree = _tree("leaf ", 20)

        first = _checkpoint(log_key, tree, 5)
        lines = port.add_checkpoint(0, [], first)
        opened = open_note(first.with_signatures(lines), [verifier])
        assert timestamp_of(opened.verified[0]) > 1_600_000_000

        second = _checkpoint(log_key, tree, 12)
        proof = MerkleTree(tree).consistency_proof(5, 12)
        open_note(second.with_signatures(port.add_checkpoint(5, proof, second)), [verifier])

        # The witness remembers: a stale old size gets 409 and the size it is at.
        with pytest.raises(WitnessConflict) as conflict:
            port.add_checkpoint(5, proof, second)
        assert conflict.value.size == 12

        # A fork: same size range, other history. The proof cannot verify: 422.
        fork = _tree("forged ", 20)
        forged = _checkpoint(log_key, fork, 16)
        forged_proof = MerkleTree(fork).consistency_proof(12, 16)
        response = client.post(url + "/add-checkpoint", content=_body(12, forged_proof, forged))
        assert response.status_code == 422
        with pytest.raises(ServiceUnavailable):
            port.add_checkpoint(12, forged_proof, forged)

        # A rollback (old size above the checkpoint's) is a bad request: 400.
        rollback = _checkpoint(log_key, tree, 8)
        assert (
            client.post(url + "/add-checkpoint", content=_body(12, [], rollback)).status_code == 400
        )

        # A checkpoint signed by another key: 403; of an unknown log: 404.
        impostor = sign_note(
            Checkpoint(ORIGIN, 13, MerkleTree(tree).root(13)).text(),
            [Ed25519Signer.generate(ORIGIN)],
        )
        assert (
            client.post(url + "/add-checkpoint", content=_body(12, [], impostor)).status_code == 403
        )
        other_key = Ed25519Signer.generate("other.test/log")
        other = sign_note(
            Checkpoint("other.test/log", 1, MerkleTree(tree).root(1)).text(), [other_key]
        )
        assert client.post(url + "/add-checkpoint", content=_body(0, [], other)).status_code == 404

        # Still at 12, and the honest log moves on.
        third = _checkpoint(log_key, tree, 20)
        proof = MerkleTree(tree).consistency_proof(12, 20)
        open_note(third.with_signatures(port.add_checkpoint(12, proof, third)), [verifier])


def _body(old: int, proof: list[bytes], note: Note) -> bytes:
    return (f"old {old}\n" + "".join(b64(h) + "\n" for h in proof) + "\n" + str(note)).encode()

"""RFC 9162 Merkle proofs: public vectors, an independent implementation, and properties."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymerkle import InmemoryTree
from tests.conftest import SHARED

from laborsign.evidence.merkle import (
    EMPTY_ROOT,
    InvalidProof,
    MemoryHashes,
    MerkleTree,
    complete_subtrees,
    hash_leaf,
    verify_consistency,
    verify_inclusion,
)

VECTORS = SHARED / "testdata" / "merkle-vectors"
MAX_SIZE = 300


def _vector_files(kind: str) -> list[Path]:
    folder = VECTORS / kind
    return sorted(folder.glob("*/*.json")) if folder.is_dir() else []


def _b64(values: list[str] | None) -> list[bytes]:
    return [base64.b64decode(v) for v in values or []]


def _skip_without(files: list[Path]) -> None:
    if not files:
        pytest.skip(f"public Merkle test vectors not found under {VECTORS}")


INCLUSION_FILES = _vector_files("inclusion")
CONSISTENCY_FILES = _vector_files("consistency")


@pytest.mark.parametrize("path", INCLUSION_FILES or [None], ids=lambda p: str(p and p.stem))
def test_inclusion_vectors(path: Path | None) -> None:
    _skip_without(INCLUSION_FILES)
    assert path is not None
    v: dict[str, Any] = json.loads(path.read_text())
    args = (
        base64.b64decode(v["leafHash"]),
        v["leafIdx"],
        v["treeSize"],
        _b64(v["proof"]),
        base64.b64decode(v["root"]),
    )
    if v["wantErr"]:
        with pytest.raises(InvalidProof):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY_FILES or [None], ids=lambda p: str(p and p.stem))
def test_consistency_vectors(path: Path | None) -> None:
    _skip_without(CONSISTENCY_FILES)
    assert path is not None
    v: dict[str, Any] = json.loads(path.read_text())
    args = (
        v["size1"],
        v["size2"],
        _b64(v["proof"]),
        base64.b64decode(v["root1"]),
        base64.b64decode(v["root2"]),
    )
    if v["wantErr"]:
        with pytest.raises(InvalidProof):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_the_vector_sets_are_not_trivially_small() -> None:
    _skip_without(INCLUSION_FILES)
    # Both outcomes must be exercised, or the parametrised tests above prove little.
    wants = {json.loads(p.read_text())["wantErr"] for p in INCLUSION_FILES + CONSISTENCY_FILES}
    assert wants == {True, False}
    assert len(INCLUSION_FILES) > 50 and len(CONSISTENCY_FILES) > 50


def _entry(i: int) -> bytes:
    return f"entry-{i}".encode()


@pytest.fixture(scope="module")
def trees() -> tuple[MemoryHashes, Any]:
    ours = MemoryHashes()
    reference = InmemoryTree(algorithm="sha256")  # security on: RFC 9162's 0x00/0x01 prefixes
    for i in range(MAX_SIZE):
        ours.append(_entry(i))
        reference.append_entry(_entry(i))
    return ours, reference


def test_empty_tree_root_is_the_hash_of_nothing() -> None:
    assert MerkleTree(MemoryHashes()).root(0) == EMPTY_ROOT
    assert EMPTY_ROOT.hex().startswith("e3b0c442")


def test_leaf_hashes_agree_with_the_reference(trees: tuple[MemoryHashes, Any]) -> None:
    _, reference = trees
    for i in (0, 1, 7, MAX_SIZE - 1):
        assert reference.get_leaf(i + 1) == hash_leaf(_entry(i))


def test_roots_and_inclusion_proofs_agree_with_the_reference(
    trees: tuple[MemoryHashes, Any],
) -> None:
    ours, reference = trees
    tree = MerkleTree(ours)
    for size in range(1, MAX_SIZE + 1):
        root = tree.root(size)
        assert root == reference.get_root(size), size
        # Every leaf of the smaller trees; a spread of leaves (both edges included) beyond.
        indices = range(size) if size <= 64 else {*range(0, size, 7), 1, size // 2, size - 1}
        for index in sorted(indices):
            proof = tree.inclusion_proof(index, size)
            # pymerkle's path starts with the leaf itself, then the RFC's sibling hashes.
            expected = [
                bytes.fromhex(h)
                for h in reference.prove_inclusion(index + 1, size).serialize()["path"]
            ]
            assert proof == expected[1:], (index, size)
            verify_inclusion(hash_leaf(_entry(index)), index, size, proof, root)


def test_consistency_proofs_verify_for_every_pair_of_sizes(
    trees: tuple[MemoryHashes, Any],
) -> None:
    ours, reference = trees
    tree = MerkleTree(ours)
    # Roots come from the independent implementation, so a shared bug cannot hide.
    roots = [b""] + [reference.get_root(n) for n in range(1, MAX_SIZE + 1)]
    for second in range(1, MAX_SIZE + 1):
        for first in range(1, second + 1):
            proof = tree.consistency_proof(first, second)
            verify_consistency(first, second, proof, roots[first], roots[second])
            if first not in (second, 1) and proof:
                with pytest.raises(InvalidProof):
                    verify_consistency(first, second, proof, roots[first - 1], roots[second])


def test_complete_subtrees_tile_the_range_exactly() -> None:
    for start in range(0, 40):
        for end in range(start, 70):
            pieces = complete_subtrees(start, end)
            covered = [i for s in pieces for i in range(s.start, s.end)]
            assert covered == list(range(start, end))
            assert all(s.start % (1 << s.level) == 0 for s in pieces)


def _flip(data: bytes, bit: int) -> bytes:
    flipped = bytearray(data)
    flipped[(bit // 8) % len(flipped)] ^= 1 << (bit % 8)
    return bytes(flipped)


SIZES = st.integers(min_value=2, max_value=MAX_SIZE)


@given(data=st.data(), size=SIZES, bit=st.integers(min_value=0, max_value=255))
def test_a_flipped_bit_breaks_an_inclusion_proof(
    trees: tuple[MemoryHashes, Any], data: st.DataObject, size: int, bit: int
) -> None:
    tree = MerkleTree(trees[0])
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    leaf, root = hash_leaf(_entry(index)), tree.root(size)
    proof = tree.inclusion_proof(index, size)
    verify_inclusion(leaf, index, size, proof, root)
    where = data.draw(st.sampled_from(["leaf", "root", "proof"]))
    if where == "leaf":
        leaf = _flip(leaf, bit)
    elif where == "root":
        root = _flip(root, bit)
    else:
        node = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        proof[node] = _flip(proof[node], bit)
    with pytest.raises(InvalidProof):
        verify_inclusion(leaf, index, size, proof, root)


@given(data=st.data(), second=SIZES, bit=st.integers(min_value=0, max_value=255))
def test_a_flipped_bit_breaks_a_consistency_proof(
    trees: tuple[MemoryHashes, Any], data: st.DataObject, second: int, bit: int
) -> None:
    tree = MerkleTree(trees[0])
    first = data.draw(st.integers(min_value=1, max_value=second - 1))
    first_root, second_root = tree.root(first), tree.root(second)
    proof = tree.consistency_proof(first, second)
    where = data.draw(st.sampled_from(["first", "second", "proof"]))
    if where == "first":
        first_root = _flip(first_root, bit)
    elif where == "second":
        second_root = _flip(second_root, bit)
    else:
        node = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        proof[node] = _flip(proof[node], bit)
    with pytest.raises(InvalidProof):
        verify_consistency(first, second, proof, first_root, second_root)

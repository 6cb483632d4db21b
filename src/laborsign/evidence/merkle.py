"""Merkle tree hashing, inclusion and consistency proofs of RFC 9162, section 2.1.

Pure code, no I/O. Proofs are assembled from the hashes of *complete* subtrees, read
through a `HashReader`, so that a proof over a stored tree costs one batch of O(log n) reads
and nothing is ever recomputed from the leaves. Every proof node of the RFC is the Merkle
Tree Hash of a range of leaves whose start is aligned to a power of two at least as large
as the range; such a range decomposes into at most log2(n) complete subtrees.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from laborsign.errors import InvalidInput
from laborsign.i18n import Text

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


class InvalidProof(InvalidInput):
    """A Merkle proof that does not verify, or that was asked for impossible sizes."""

    code = "invalid-proof"


def _fail(zh: str, en: str) -> InvalidProof:
    return InvalidProof(Text(zh, en))


def hash_leaf(entry: bytes) -> bytes:
    """RFC 9162 §2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0))."""
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1: SHA-256(0x01 || MTH(left) || MTH(right))."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class Subtree(NamedTuple):
    """The complete subtree of 2**level leaves starting at leaf position * 2**level."""

    level: int
    position: int

    @property
    def start(self) -> int:
        return self.position << self.level

    @property
    def end(self) -> int:
        return (self.position + 1) << self.level


class HashReader(Protocol):
    """Reads stored hashes of complete subtrees (level 0: leaf hashes), in the order asked.

    Raises if a subtree is not stored: a proof must never be built from a guess.
    """

    def read_hashes(self, subtrees: Sequence[Subtree]) -> Sequence[bytes]: ...


def largest_power_of_two_below(n: int) -> int:
    """k of RFC 9162: the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def complete_subtrees(start: int, end: int) -> list[Subtree]:
    """The maximal complete subtrees covering [start, end), left to right."""
    found: list[Subtree] = []
    while start < end:
        # The largest aligned block starting here that does not overshoot the range.
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while start + (1 << level) > end:
            level -= 1
        found.append(Subtree(level, start >> level))
        start += 1 << level
    return found


def fold(hashes: Sequence[bytes]) -> bytes:
    """MTH of an aligned range from its complete subtrees (left to right): fold from the right.

    For a range [a, b) with a aligned, RFC 9162's split point is the first (largest)
    complete subtree, and the rest recurses the same way.
    """
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = hash_children(left, result)
    return result


Range = tuple[int, int]


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The leaf ranges whose MTHs form PATH(index, D[size]) (RFC 9162 §2.1.3.1), leaf first."""
    if not 0 <= index < size:
        raise _fail("叶子序号超出树的大小", f"leaf index {index} is not below tree size {size}")
    top_down: list[Range] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = largest_power_of_two_below(hi - lo)
        if index < lo + k:
            top_down.append((lo + k, hi))
            hi = lo + k
        else:
            top_down.append((lo, lo + k))
            lo = lo + k
    return top_down[::-1]


def consistency_ranges(first: int, second: int) -> list[Range]:
    """The leaf ranges whose MTHs form PROOF(first, D[second]) (RFC 9162 §2.1.4.1)."""
    if not 0 < first <= second:
        raise _fail(
            "一致性证明需要 0 < 旧大小 ≤ 新大小",
            f"a consistency proof needs 0 < first <= second (got {first}, {second})",
        )
    top_down: list[Range] = []
    m, lo, hi, whole = first, 0, second, True  # whole: b of SUBPROOF(m, D[n], b)
    while m != hi - lo:
        k = largest_power_of_two_below(hi - lo)
        if m <= k:
            top_down.append((lo + k, hi))
            hi = lo + k
        else:
            top_down.append((lo, lo + k))
            m, lo, whole = m - k, lo + k, False
    if not whole:
        top_down.append((lo, hi))
    return top_down[::-1]


class MerkleTree:
    """Roots and proofs of a stored log, read through a `HashReader` in one batch each."""

    def __init__(self, reader: HashReader) -> None:
        self._reader = reader

    def _hashes_of(self, ranges: Sequence[Range]) -> list[bytes]:
        pieces = [complete_subtrees(lo, hi) for lo, hi in ranges]
        wanted = sorted({subtree for piece in pieces for subtree in piece})
        known = dict(zip(wanted, self._reader.read_hashes(wanted), strict=True))
        return [fold([known[s] for s in piece]) for piece in pieces]

    def root(self, size: int) -> bytes:
        if size < 0:
            raise _fail("树的大小不能为负", "tree size must not be negative")
        return self._hashes_of([(0, size)])[0] if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return self._hashes_of(inclusion_ranges(index, size))

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        return self._hashes_of(consistency_ranges(first, second))


def _check_hashes(proof: Iterable[bytes]) -> list[bytes]:
    checked = list(proof)
    if any(len(node) != HASH_SIZE for node in checked):
        raise _fail("证明中有长度不对的哈希", "a proof node is not a SHA-256 hash")
    return checked


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes:
    """The root implied by an inclusion proof; RFC 9162 §2.1.3.2 steps 1–5 without the compare."""
    path = _check_hashes(proof)
    if len(leaf_hash) != HASH_SIZE:
        raise _fail("叶子哈希长度不对", "the leaf hash is not a SHA-256 hash")
    # 1. leaf_index must be below tree_size.
    if not 0 <= index < size:
        raise _fail("叶子序号超出树的大小", f"leaf index {index} is not below tree size {size}")
    # 2. fn = leaf_index, sn = tree_size - 1; 3. r = hash.
    fn, sn, r = index, size - 1, leaf_hash
    # 4. For each p in inclusion_path:
    for p in path:
        # a. If sn is 0, the path is longer than the tree is high.
        if sn == 0:
            raise _fail("包含证明太长", "the inclusion proof is too long")
        # b. p is a left sibling if fn is odd or fn is the last node of its level.
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = hash_children(r, p)
        # c. Move one level up.
        fn >>= 1
        sn >>= 1
    # 5. sn must be 0 (the path reached the root).
    if sn != 0:
        raise _fail("包含证明太短", "the inclusion proof is too short")
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2. Returns nothing; raises `InvalidProof` if the proof fails."""
    if root_from_inclusion_proof(leaf_hash, index, size, proof) != root:
        raise _fail("包含证明与根哈希不符", "the inclusion proof does not lead to the root hash")


def verify_consistency(
    first: int, second: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes
) -> None:
    """RFC 9162 §2.1.4.2. Returns nothing; raises `InvalidProof` if the proof fails.

    An empty first tree is refused: every tree is trivially "consistent" with it, so a
    check from size 0 proves nothing and usually means the caller lost its state.
    """
    if first < 1 or first > second:
        raise _fail(
            "一致性证明需要 0 < 旧大小 ≤ 新大小",
            f"a consistency proof needs 0 < first <= second (got {first}, {second})",
        )
    path = _check_hashes(proof)
    if first == second:
        if path or first_root != second_root:
            raise _fail("相同大小的树根哈希不同", "trees of the same size have different roots")
        return
    # 1. An empty consistency path fails.
    if not path:
        raise _fail("一致性证明为空", "the consistency proof is empty")
    # 2. If first is an exact power of 2, prepend first_hash.
    if first & (first - 1) == 0:
        path = [first_root, *path]
    # 3. fn = first - 1, sn = second - 1.
    fn, sn = first - 1, second - 1
    # 4. If LSB(fn) is set, shift both right until it is not.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. fr = sr = the first node.
    fr = sr = path[0]
    # 6. For each subsequent node c:
    for c in path[1:]:
        # a. If sn is 0, the path is too long.
        if sn == 0:
            raise _fail("一致性证明太长", "the consistency proof is too long")
        # b. c is a left sibling of both paths, or a right sibling of the new tree's only.
        if fn & 1 or fn == sn:
            fr = hash_children(c, fr)
            sr = hash_children(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = hash_children(sr, c)
        # c. Move one level up.
        fn >>= 1
        sn >>= 1
    # 7. Both roots must match and sn must be 0.
    if sn != 0 or fr != first_root or sr != second_root:
        raise _fail("一致性证明不成立", "the consistency proof does not verify")


@dataclass
class CompactRange:
    """The right edge of a tree: the complete subtrees of [0, size), with their hashes.

    Appending a leaf merges equal-sized subtrees at the edge; each merge is a newly complete
    subtree that the log stores, so that nothing is ever recomputed later.
    """

    size: int
    nodes: list[tuple[Subtree, bytes]]

    @classmethod
    def empty(cls) -> CompactRange:
        return cls(0, [])

    @classmethod
    def load(cls, size: int, reader: HashReader) -> CompactRange:
        edge = complete_subtrees(0, size)
        return cls(size, list(zip(edge, reader.read_hashes(edge), strict=True)))

    def append(self, leaf_hash: bytes) -> list[tuple[Subtree, bytes]]:
        """Add one leaf; returns the subtrees of level >= 1 that this leaf completes."""
        completed: list[tuple[Subtree, bytes]] = []
        self.nodes.append((Subtree(0, self.size), leaf_hash))
        self.size += 1
        while len(self.nodes) >= 2 and self.nodes[-1][0].level == self.nodes[-2][0].level:
            (_, right_hash), (left, left_hash) = self.nodes.pop(), self.nodes.pop()
            merged = (
                Subtree(left.level + 1, left.position >> 1),
                hash_children(left_hash, right_hash),
            )
            self.nodes.append(merged)
            completed.append(merged)
        return completed

    def root(self) -> bytes:
        return fold([h for _, h in self.nodes])


class MemoryHashes:
    """A `HashReader` over hashes kept in memory: for tests, tools and the witness."""

    def __init__(self) -> None:
        self._hashes: dict[Subtree, bytes] = {}
        self._edge = CompactRange.empty()

    @property
    def size(self) -> int:
        return self._edge.size

    def append(self, entry: bytes) -> None:
        leaf = hash_leaf(entry)
        self._hashes[Subtree(0, self._edge.size)] = leaf
        self._hashes.update(self._edge.append(leaf))

    def read_hashes(self, subtrees: Sequence[Subtree]) -> list[bytes]:
        return [self._hashes[s] for s in subtrees]

    @property
    def stored(self) -> Mapping[Subtree, bytes]:
        return self._hashes

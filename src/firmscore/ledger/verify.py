"""Verification of RFC 9162 inclusion and consistency proofs, independent of how they were built.

This module only needs the hash function: a client that holds a signed root and a proof can check
it without any part of the log's storage or construction code. It follows the decomposition of
RFC 9162 §2.1.3.2 / §2.1.4.2 as written in transparency-dev/merkle ``proof/verify.go``:

* a path from a leaf to the root splits into an **inner** part (the levels where the leaf's path
  and the tree's right border diverge, ``bit_length(index ^ (size - 1))`` hashes) and a **border**
  part (one hash per set bit of ``index`` above the inner levels, all of them left siblings);
* the proof's exact length is derived from the sizes alone and checked **before any hashing**, so
  a proof that is too short, too long or padded is rejected without being processed;
* three small chain functions fold a seed with the proof: :func:`chain_inner` (sibling side chosen
  by the index bit), :func:`chain_inner_right` (only the left siblings, for the old root of a
  consistency proof) and :func:`chain_border_right` (every hash a left sibling);
* a root that differs raises :class:`RootMismatchError`, which carries both roots.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from firmscore.ledger.hasher import HASH_SIZE, hash_children


class ProofError(ValueError):
    """A proof that does not verify, or whose inputs are malformed."""


class RootMismatchError(ProofError):
    """The root a proof leads to is not the expected one; both roots are kept for the report."""

    def __init__(self, expected: bytes, calculated: bytes, what: str = "root") -> None:
        self.expected_root = bytes(expected)
        self.calculated_root = bytes(calculated)
        super().__init__(f"{what} mismatch: calculated {calculated.hex()}, expected {expected.hex()}")


# ---------------------------------------------------------------------- decomposition
def inner_proof_size(index: int, size: int) -> int:
    """Number of levels where the path of leaf ``index`` differs from the right border of ``size``."""
    return (index ^ (size - 1)).bit_length()


def decompose_inclusion_proof(index: int, size: int) -> tuple[int, int]:
    """(inner, border) lengths of the inclusion proof of leaf ``index`` in a tree of ``size``."""
    inner = inner_proof_size(index, size)
    border = (index >> inner).bit_count()
    return inner, border


# ---------------------------------------------------------------------- chains
def chain_inner(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    """Fold ``proof`` into ``seed`` level by level; bit ``i`` of ``index`` says on which side the sibling is."""
    for i, h in enumerate(proof):
        seed = hash_children(seed, h) if (index >> i) & 1 == 0 else hash_children(h, seed)
    return seed


def chain_inner_right(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    """Like :func:`chain_inner` but only the left siblings count (the right ones lie beyond the old tree)."""
    for i, h in enumerate(proof):
        if (index >> i) & 1 == 1:
            seed = hash_children(h, seed)
    return seed


def chain_border_right(seed: bytes, proof: Sequence[bytes]) -> bytes:
    """Fold the border part: every hash is a left sibling."""
    for h in proof:
        seed = hash_children(h, seed)
    return seed


# ---------------------------------------------------------------------- checks
def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")


def _check_hashes(proof: Sequence[bytes]) -> None:
    for i, p in enumerate(proof):
        _check_hash(p, f"proof[{i}]")


def _check_length(proof: Sequence[bytes], want: int) -> None:
    if len(proof) != want:
        raise ProofError(f"wrong proof size {len(proof)}, want {want}")


def verify_match(calculated: bytes, expected: bytes, what: str = "root") -> None:
    """Raise :class:`RootMismatchError` unless the two roots are equal (compared in constant time)."""
    if not hmac.compare_digest(calculated, expected):
        raise RootMismatchError(expected, calculated, what)


# ---------------------------------------------------------------------- inclusion
def root_from_inclusion_proof(leaf_index: int, tree_size: int, leaf_hash: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` implies for ``leaf_hash`` at ``leaf_index`` in a tree of ``tree_size``.

    Raises :class:`ProofError` when the proof cannot belong to such a tree (wrong length, index out
    of range, malformed hashes) — all checked before anything is hashed.
    """
    if leaf_index < 0 or tree_size <= 0 or leaf_index >= tree_size:
        raise ProofError(f"leaf index {leaf_index} is outside a tree of size {tree_size}")
    _check_hash(leaf_hash, "leaf hash")
    inner, border = decompose_inclusion_proof(leaf_index, tree_size)
    _check_length(proof, inner + border)
    _check_hashes(proof)
    seed = chain_inner(leaf_hash, proof[:inner], leaf_index)
    return chain_border_right(seed, proof[inner:])


def verify_inclusion(leaf_index: int, tree_size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows ``leaf_hash`` at ``leaf_index`` under ``root``."""
    _check_hash(root, "root")
    verify_match(root_from_inclusion_proof(leaf_index, tree_size, leaf_hash, proof), root)


# ---------------------------------------------------------------------- consistency
def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows the tree ``root1`` (size1) is a prefix of ``root2``.

    A consistency proof from the empty tree proves nothing and is rejected, as are proofs with
    ``size1 > size2``. Equal sizes need an empty proof and equal roots.
    """
    if size1 < 0 or size2 < 0:
        raise ProofError("tree sizes must not be negative")
    if size1 > size2:
        raise ProofError(f"size1 ({size1}) is greater than size2 ({size2})")
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if size1 == size2:
        if proof:
            raise ProofError("equal sizes need an empty proof")
        verify_match(root1, root2, "root2")
        return
    _check_hash(root1, "root1")
    _check_hash(root2, "root2")
    if not proof:
        raise ProofError("empty consistency proof for different sizes")
    # The proof is a suffix of the inclusion proof of leaf size1 - 1 in the tree of size2, starting
    # at level `shift`, where the subtree of size 2**shift holding that leaf is complete in both trees.
    inner, border = decompose_inclusion_proof(size1 - 1, size2)
    shift = (size1 & -size1).bit_length() - 1  # trailing zeros of size1; shift < inner since size1 < size2
    inner -= shift
    if size1 == 1 << shift:  # size1 is that very subtree: its root is the seed, not sent in the proof
        seed, start = root1, 0
    else:
        seed, start = proof[0], 1
    _check_length(proof, start + inner + border)
    _check_hashes(proof)
    rest = proof[start:]
    mask = (size1 - 1) >> shift
    hash1 = chain_border_right(chain_inner_right(seed, rest[:inner], mask), rest[inner:])
    verify_match(hash1, root1, "root1")
    hash2 = chain_border_right(chain_inner(seed, rest[:inner], mask), rest[inner:])
    verify_match(hash2, root2, "root2")

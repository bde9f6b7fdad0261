"""Verification of RFC 9162 inclusion and consistency proofs, independent of how they were built.

This module only needs the hash function: a client that holds a signed root and a proof can check
it without any part of the log's storage or construction code. The algorithms are the ones of
RFC 9162 sections 2.1.3.2 and 2.1.4.2, written out step by step; every hash is length-checked so
that truncated or padded input fails instead of being hashed.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from firmscore.ledger.hasher import HASH_SIZE, hash_children


class ProofError(ValueError):
    """A proof that does not verify, or whose inputs are malformed."""


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")


def root_from_inclusion_proof(leaf_index: int, tree_size: int, leaf_hash: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` implies for ``leaf_hash`` at ``leaf_index`` in a tree of ``tree_size``.

    Raises :class:`ProofError` when the proof cannot belong to such a tree (wrong length, index out
    of range, malformed hashes).
    """
    if leaf_index < 0 or tree_size <= 0 or leaf_index >= tree_size:
        raise ProofError(f"leaf index {leaf_index} is outside a tree of size {tree_size}")
    _check_hash(leaf_hash, "leaf hash")
    fn, sn = leaf_index, tree_size - 1
    r = leaf_hash
    for i, p in enumerate(proof):
        _check_hash(p, f"proof[{i}]")
        if sn == 0:
            raise ProofError("proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hash_children(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof is shorter than the path to the root")
    return r


def verify_inclusion(leaf_index: int, tree_size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows ``leaf_hash`` at ``leaf_index`` under ``root``."""
    _check_hash(root, "root")
    got = root_from_inclusion_proof(leaf_index, tree_size, leaf_hash, proof)
    if not hmac.compare_digest(got, root):
        raise ProofError("inclusion proof leads to a different root")


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
        if not hmac.compare_digest(root1, root2):
            raise ProofError("equal sizes but different roots")
        return
    _check_hash(root1, "root1")
    _check_hash(root2, "root2")
    if not proof:
        raise ProofError("empty consistency proof for different sizes")
    for i, p in enumerate(proof):
        _check_hash(p, f"proof[{i}]")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # size1 is an exact power of two: its root is the first node
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = hash_children(c, fr)
            sr = hash_children(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hash_children(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if not hmac.compare_digest(fr, root1):
        raise ProofError("consistency proof does not lead to root1")
    if not hmac.compare_digest(sr, root2):
        raise ProofError("consistency proof does not lead to root2")

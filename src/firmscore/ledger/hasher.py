"""RFC 9162 Merkle tree hashing (section 2.1.1), the one place that knows the prefixes.

Leaf and interior hashes use different one-byte prefixes (``0x00`` and ``0x01``) so that a leaf can
never be passed off as an interior node (second-preimage resistance of the tree).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"

#: Root of the empty tree: SHA-256 of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def hash_leaf(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``."""
    return _sha256(LEAF_PREFIX + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return _sha256(NODE_PREFIX + left + right).digest()


def hash_leaves(datas: Sequence[bytes]) -> list[bytes]:
    """Leaf hashes of many entries; a tight loop because it is on the ingestion hot path."""
    sha, prefix = _sha256, LEAF_PREFIX
    return [sha(prefix + d).digest() for d in datas]


def hash_level(hashes: Sequence[bytes]) -> list[bytes]:
    """The parents of consecutive pairs of ``hashes`` (an odd last hash has no parent yet)."""
    sha, prefix = _sha256, NODE_PREFIX
    return [sha(prefix + hashes[i] + hashes[i + 1]).digest() for i in range(0, len(hashes) - 1, 2)]

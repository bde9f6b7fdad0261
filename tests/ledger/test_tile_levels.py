"""A tree large enough to use three tile levels (> 65,536 leaves), built in uneven batches."""

from __future__ import annotations

import random
from pathlib import Path

from firmscore.ledger.audit import audit_log
from firmscore.ledger.hasher import hash_children, hash_leaf, hash_leaves
from firmscore.ledger.log import MerkleLog
from firmscore.ledger.storage.sqlite import SqliteStorage
from firmscore.ledger.verify import verify_consistency, verify_inclusion


def mth(hashes: list[bytes]) -> bytes:
    """RFC 9162 MTH over leaf hashes, bottom-up (independent of the tiled construction)."""
    stack: list[tuple[int, bytes]] = []  # compact range: (height, hash)
    for h in hashes:
        node, height = h, 0
        while stack and stack[-1][0] == height:
            node = hash_children(stack.pop()[1], node)
            height += 1
        stack.append((height, node))
    root = stack.pop()[1]
    while stack:
        root = hash_children(stack.pop()[1], root)
    return root


def test_three_tile_levels(tmp_path: Path) -> None:
    rnd = random.Random(7)
    leaves = [i.to_bytes(4, "big") for i in range(70_001)]
    hashes = hash_leaves(leaves)
    log = MerkleLog(SqliteStorage(tmp_path / "big.db"))
    pos, sizes = 0, []
    while pos < len(leaves):
        n = min(rnd.choice([1, 255, 257, 4096, 30_000]), len(leaves) - pos)
        log.append(leaves[pos : pos + n])
        pos += n
        sizes.append(pos)
    reopened = MerkleLog(SqliteStorage(tmp_path / "big.db"))
    assert reopened.size == 70_001 and reopened.root == mth(hashes) == log.root
    for s in [*rnd.sample(sizes, 5), 65_536, 65_537, 70_001]:
        root = reopened.root_at(s)
        assert root == mth(hashes[:s])
        for i in {0, s - 1, min(s - 1, 65_535), rnd.randrange(s)}:
            verify_inclusion(i, s, hash_leaf(leaves[i]), reopened.inclusion_proof(i, s), root)
        verify_consistency(s, 70_001, root, reopened.root, reopened.consistency_proof(s))
    assert audit_log(reopened.storage).ok

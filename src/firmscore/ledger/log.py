"""The Merkle log: batched appends, persisted tiles, O(1) restart, O(log n) proofs.

State that matters lives in the database and is written in one transaction per batch: the leaf
data, every tile the batch completed or grew, and the new (size, root). A process killed in the
middle of a batch therefore leaves either the whole batch or none of it. In memory the log keeps
only the right edge of the tree (one partial tile per tile level), which a restart reads back with
one query per tile level: about four queries whatever the size of the log.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from firmscore.ledger import proofs
from firmscore.ledger.hasher import EMPTY_ROOT, HASH_SIZE, hash_children, hash_leaves
from firmscore.ledger.storage.base import SqlStorage, TileRow
from firmscore.ledger.tiles import TILE_HEIGHT, TILE_WIDTH, build_rows, locate, node_in_blob, rows_blob, split_hashes


class LedgerCorrupted(RuntimeError):
    """The stored tree is not in the shape its state row says (tampering or a broken database)."""


@dataclass
class _EdgeTile:
    """The partial (rightmost, not yet full) tile of one tile level, with all its rows."""

    index: int
    rows: list[list[bytes]]


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class MerkleLog:
    """An append-only RFC 9162 Merkle tree over a :class:`~firmscore.ledger.storage.base.SqlStorage`.

    Parameters
    ----------
    storage:
        Where leaves, tiles and tree states live.
    tile_cache:
        How many full tiles (16 KiB each) to keep in memory for proofs; full tiles never change, so
        the cache needs no invalidation.
    """

    def __init__(self, storage: SqlStorage, tile_cache: int = 2048) -> None:
        self.storage = storage
        self.tile_cache = tile_cache
        self._cache: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        self.size = 0
        self.root = EMPTY_ROOT
        self._edge: list[_EdgeTile] = []
        self.reload()

    # ------------------------------------------------------------------ state
    def reload(self) -> None:
        """Read the latest state and the right edge of the tree (a few queries, independent of size)."""
        self._load_state()
        self.storage.end_read()

    def _load_state(self) -> None:
        """:meth:`reload` without ending the read transaction (safe inside a write transaction)."""
        state = self.storage.latest_state()
        size, root = state if state else (0, EMPTY_ROOT)
        edge: list[_EdgeTile] = []
        level = 0
        while (size >> (TILE_HEIGHT * level)) > 0 or level == 0:
            count = size >> (TILE_HEIGHT * level)
            index, width = divmod(count, TILE_WIDTH)
            bottom: list[bytes] = []
            if width:
                tile = self.storage.read_tile(level, index)
                if tile is None or tile[0] < width:
                    raise LedgerCorrupted(f"tile {level}/{index} with {width} hashes is missing for size {size}")
                bottom = split_hashes(tile[1][: width * HASH_SIZE])  # the bottom row leads the blob
            edge.append(_EdgeTile(index, build_rows(bottom)))
            level += 1
            if count < TILE_WIDTH:
                break
        self.size, self.root, self._edge = size, root, edge

    def refresh(self) -> None:
        """Reload if another process or connection appended since we last looked.

        The same catch-up as :meth:`refresh_in_transaction`, then the read ends so that the next
        look sees later commits; state and edge are read in one snapshot.
        """
        self.refresh_in_transaction()
        self.storage.end_read()

    # ------------------------------------------------------------------ append
    def append(self, datas: Sequence[bytes], before_commit: Callable[[int, int, bytes], None] | None = None) -> int:
        """Append leaves in one transaction; returns the index of the first one.

        ``before_commit(first_index, new_size, new_root)`` runs inside the same transaction, so that records written by
        the caller (index of record ids, sealed content) commit or vanish together with the leaves.
        """
        with self.storage.transaction():
            self.refresh_in_transaction()
            first = self.size
            if not datas:
                return first
            edge = [_EdgeTile(t.index, [list(r) for r in t.rows]) for t in self._edge]
            tile_rows = self._grow(edge, hash_leaves(datas))
            new_size = first + len(datas)
            new_root = self._root_from_edge(edge, new_size)
            self.storage.insert_leaves(first, datas)
            self.storage.insert_tiles(tile_rows)
            self.storage.insert_state(new_size, new_root, utc_now())
            if before_commit is not None:
                before_commit(first, new_size, new_root)
        self.size, self.root, self._edge = new_size, new_root, edge
        return first

    def refresh_in_transaction(self) -> None:
        """Catch up with other writers after taking the write lock, without ending the transaction."""
        state = self.storage.latest_state()
        if (state[0] if state else 0) != self.size:
            self._load_state()

    def _grow(self, edge: list[_EdgeTile], new_hashes: list[bytes]) -> list[TileRow]:
        """Push new level-0 hashes through the tile levels; returns the tile rows to store."""
        out: list[TileRow] = []
        carry = new_hashes
        level = 0
        while carry:
            if level == len(edge):
                edge.append(_EdgeTile(0, build_rows([])))
            tile = edge[level]
            bottom = tile.rows[0] + carry
            carry = []
            start = 0
            index = tile.index
            while len(bottom) - start >= TILE_WIDTH:
                rows = build_rows(bottom[start : start + TILE_WIDTH])
                out.append((level, index, TILE_WIDTH, rows_blob(rows)))
                self._remember(level, index, out[-1][3])
                carry.append(hash_children(rows[-1][0], rows[-1][1]))
                start += TILE_WIDTH
                index += 1
            rest = bottom[start:]
            tile.index, tile.rows = index, build_rows(rest)
            if rest:
                out.append((level, index, len(rest), rows_blob(tile.rows)))
            level += 1
        return out

    def _root_from_edge(self, edge: list[_EdgeTile], size: int) -> bytes:
        def node(level: int, index: int) -> bytes:
            return self._node(level, index, edge)

        return proofs.tree_root(node, size)

    # ------------------------------------------------------------------ reading nodes
    def _remember(self, level: int, index: int, blob: bytes) -> None:
        self._cache[(level, index)] = blob
        self._cache.move_to_end((level, index))
        while len(self._cache) > self.tile_cache:
            self._cache.popitem(last=False)

    def _full_tile(self, level: int, index: int) -> bytes:
        key = (level, index)
        blob = self._cache.get(key)
        if blob is not None:
            self._cache.move_to_end(key)
            return blob
        tile = self.storage.read_tile(level, index)
        if tile is None or tile[0] != TILE_WIDTH:
            raise LedgerCorrupted(f"full tile {level}/{index} is missing")
        self._remember(level, index, tile[1])
        return tile[1]

    def _node(self, level: int, index: int, edge: list[_EdgeTile] | None = None) -> bytes:
        edge = self._edge if edge is None else edge
        tile_level, tile_index, row, pos = locate(level, index)
        if tile_level < len(edge) and edge[tile_level].index == tile_index:
            return edge[tile_level].rows[row][pos]
        node = node_in_blob(self._full_tile(tile_level, tile_index), TILE_WIDTH, row, pos)
        if node is None:  # cannot happen: locate() keeps pos inside the row of a full tile
            raise LedgerCorrupted(f"node {level}/{index} is not in full tile {tile_level}/{tile_index}")
        return node

    def leaf_hash(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise IndexError(f"leaf {index} is outside the log of size {self.size}")
        return self._node(0, index)

    # ------------------------------------------------------------------ roots and proofs
    def root_at(self, size: int) -> bytes:
        """Root of the tree of the first ``size`` leaves (any size up to the current one)."""
        self._check_size(size)
        return self.root if size == self.size else proofs.tree_root(self._node, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self.size if size is None else size
        self._check_size(size)
        return proofs.inclusion_proof(self._node, index, size)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        size2 = self.size if size2 is None else size2
        self._check_size(size2)
        return proofs.consistency_proof(self._node, size1, size2)

    def _check_size(self, size: int) -> None:
        if size > self.size:
            self.refresh()
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} is beyond the log's size {self.size}")

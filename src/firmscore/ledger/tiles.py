"""Tile geometry: how interior nodes are grouped into blobs so that appends and proofs touch few rows.

Like the tlog tiles of Go's checksum database, a tile of tile-level ``L`` and index ``k`` holds a
subtree of height :data:`TILE_HEIGHT` (8): its bottom row is the tree level ``8 L`` nodes
``[256 k, 256 k + width)`` and it also keeps every complete node above them up to level ``8 L + 7``.
The level ``8 L + 8`` node made from a full tile's two top nodes is the bottom of tile-level
``L + 1``. A proof at ten million leaves therefore reads about three tiles, and an append of a
batch writes one row per 256 new level nodes.

A tile that is not yet full is stored again each time it grows (one row per width), so the tables
stay append-only; the widest row of a tile is the current one and every narrower row is a prefix
of it.
"""

from __future__ import annotations

from collections.abc import Sequence

from firmscore.ledger.hasher import HASH_SIZE, hash_level

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT


def split_hashes(blob: bytes) -> list[bytes]:
    """The consecutive hashes of a blob (a tile, or a slice of one)."""
    return [blob[i : i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE)]


def row_lengths(width: int) -> list[int]:
    """Number of complete nodes in each of a tile's rows (bottom first) for a bottom row of ``width``."""
    return [width >> r for r in range(TILE_HEIGHT)]


def row_offsets(width: int) -> list[int]:
    """Index (in hashes) at which each row starts inside the tile blob."""
    out, acc = [], 0
    for n in row_lengths(width):
        out.append(acc)
        acc += n
    return out


def blob_size(width: int) -> int:
    """Size in bytes of the blob of a tile whose bottom row has ``width`` hashes."""
    return HASH_SIZE * sum(row_lengths(width))


def build_rows(bottom: Sequence[bytes]) -> list[list[bytes]]:
    """All rows of a tile from its bottom row (at most 256 hashes)."""
    rows = [list(bottom)]
    for _ in range(TILE_HEIGHT - 1):
        rows.append(hash_level(rows[-1]))
    return rows


def rows_blob(rows: Sequence[Sequence[bytes]]) -> bytes:
    """Concatenate tile rows into the stored blob."""
    return b"".join(b"".join(r) for r in rows)


def node_in_blob(blob: bytes, width: int, row: int, pos: int) -> bytes | None:
    """Hash at ``row``/``pos`` of a tile blob, or ``None`` when that node is not complete in it."""
    if pos >= width >> row:
        return None
    off = (row_offsets(width)[row] + pos) * HASH_SIZE
    return blob[off : off + HASH_SIZE]


def locate(level: int, index: int) -> tuple[int, int, int, int]:
    """Tile coordinates of tree node (``level``, ``index``): (tile level, tile index, row, position)."""
    tile_level, row = divmod(level, TILE_HEIGHT)
    per_tile = TILE_WIDTH >> row
    tile_index, pos = divmod(index, per_tile)
    return tile_level, tile_index, row, pos

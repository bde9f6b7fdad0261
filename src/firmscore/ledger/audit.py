"""Full re-verification of a stored ledger: re-hash everything and name what was tampered with.

The audit trusts nothing in the database. It checks the framing of every leaf bundle version,
re-hashes every leaf's data and compares it with the
leaf hash stored in the level-0 tiles (naming modified, removed and reordered leaves), recomputes
every tile's interior rows and the links between tile levels (naming modified nodes and missing
tiles), recomputes the root at every recorded tree size and compares it with the state rows and
with every checkpoint whose Ed25519 signature it checks. A consistent forgery of leaves, tiles
and states together still fails on the signed checkpoints, whose private key is not in the
database.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from firmscore.i18n import both
from firmscore.ledger import proofs
from firmscore.ledger.bundles import BundleError, split_bundle
from firmscore.ledger.checkpoint import CheckpointError, Keyring, verify_checkpoint
from firmscore.ledger.cosignature import CosignerVerifier
from firmscore.ledger.hasher import HASH_SIZE, hash_children, hash_leaves
from firmscore.ledger.storage.base import SqlStorage, TileRow
from firmscore.ledger.tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    blob_size,
    build_rows,
    locate,
    node_in_blob,
    row_lengths,
    row_offsets,
    split_hashes,
)
from firmscore.ledger.verify import ProofError, verify_consistency

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Problem:
    """One finding: a machine-readable kind, where it is, and the sentence in Chinese and English."""

    kind: str
    where: str
    zh: str
    en: str


@dataclass
class LedgerVerifyReport:
    """Outcome of :func:`audit_ledger`."""

    tree_size: int
    root: bytes
    leaves_checked: int = 0
    tiles_checked: int = 0
    checkpoints_checked: int = 0
    records_checked: int = 0
    trusted_checked: int = 0
    witnesses: list[str] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: str, where: str, key: str, **kwargs: object) -> None:
        zh, en = both(key, **kwargs)
        self.problems.append(Problem(kind, where, zh, en))

    def kinds(self) -> dict[str, list[str]]:
        """Problems grouped by kind: kind → list of places (for tests and summaries)."""
        out: dict[str, list[str]] = {}
        for p in self.problems:
            out.setdefault(p.kind, []).append(p.where)
        return out


def _tile_rows(blob: bytes, width: int) -> list[list[bytes]]:
    hashes = split_hashes(blob)
    return [hashes[o : o + n] for o, n in zip(row_offsets(width), row_lengths(width), strict=True)]


class _StoredTree:
    """Read access to the widest stored version of each tile, for roots at past sizes."""

    def __init__(self, storage: SqlStorage) -> None:
        self.storage = storage
        self.cache: dict[tuple[int, int], tuple[int, bytes]] = {}

    def node(self, level: int, index: int) -> bytes:
        """The stored node (``level``, ``index``); ``KeyError`` when its tile or the node is missing."""
        tile_level, tile_index, row, pos = locate(level, index)
        key = (tile_level, tile_index)
        if key not in self.cache:
            got = self.storage.read_tile(tile_level, tile_index)
            if got is None:
                raise KeyError(key)
            self.cache[key] = got
        width, blob = self.cache[key]
        node = node_in_blob(blob, width, row, pos)
        if node is None:
            raise KeyError((level, index))
        return node


def _expected_tiles(size: int) -> Iterator[tuple[int, int, int]]:
    """(tile level, tile index, width of its widest version) of every tile a tree of ``size`` has."""
    level = 0
    while True:
        count = size >> (TILE_HEIGHT * level)
        full, width = divmod(count, TILE_WIDTH)
        for k in range(full):
            yield level, k, TILE_WIDTH
        if width:
            yield level, full, width
        if count < TILE_WIDTH:
            return
        level += 1


def _check_leaves(storage: SqlStorage, size: int, report: LedgerVerifyReport, progress: Progress | None) -> None:
    """Re-hash leaf data and compare with the stored level-0 hashes, window by window."""
    chunk = TILE_WIDTH * 256
    wrong: dict[int, bytes] = {}  # index → recomputed hash, where it differs from the stored one
    stored_at: dict[bytes, int] = {}  # stored hash → index, for the positions that differ
    for lo in range(0, size, chunk):
        hi = min(lo + chunk, size)
        batch = storage.read_leaves(lo, hi)
        indexes = [i for i, _ in batch]
        computed = dict(zip(indexes, hash_leaves([d for _, d in batch]), strict=True))
        for k in range(lo // TILE_WIDTH, (hi + TILE_WIDTH - 1) // TILE_WIDTH):
            tile = storage.read_tile(0, k)
            bottom = split_hashes(tile[1][: tile[0] * HASH_SIZE]) if tile else []  # the bottom row leads the blob
            for p, stored in enumerate(bottom):
                i = k * TILE_WIDTH + p
                if i >= hi:
                    break
                got = computed.get(i)
                if got is None:
                    report.add("leaf_removed", str(i), "ledger.leaf_removed", index=i)
                elif got != stored:
                    wrong[i] = got
                    stored_at[stored] = i
        report.leaves_checked += len(batch)
        if progress:
            progress(hi - lo)
    for i, got in sorted(wrong.items()):
        other = stored_at.get(got)
        if other is not None and other != i:
            report.add("leaf_reordered", str(i), "ledger.leaf_reordered", index=i, other=other)
        else:
            report.add("leaf_modified", str(i), "ledger.leaf_modified", index=i)
    extra = storage.count_leaves_from(size)
    for j in range(extra):
        report.add("leaf_unexpected", str(size + j), "ledger.leaf_unexpected", index=size + j)


def _check_bundles(storage: SqlStorage, report: LedgerVerifyReport) -> None:
    """Every stored bundle version is well framed, holds ``width`` entries and is a prefix of the widest."""
    for index, group in groupby(storage.iter_bundles(), key=lambda r: r[0]):
        versions = list(group)
        _, widest_width, widest = versions[-1]
        try:
            entries = split_bundle(widest)
        except BundleError:
            entries = []
        if len(entries) != widest_width:
            report.add("bundle_malformed", str(index), "ledger.bundle_malformed", index=index)
            continue
        for _, width, blob in versions[:-1]:
            try:
                ok = widest.startswith(blob) and len(split_bundle(blob)) == width
            except BundleError:
                ok = False
            if not ok:
                report.add("bundle_malformed", f"{index}@{width}", "ledger.bundle_malformed", index=f"{index}@{width}")


def _check_tiles(storage: SqlStorage, size: int, report: LedgerVerifyReport) -> None:
    """Recompute each tile's rows from its bottom row and check the links between tile levels."""
    expected = {(lv, ix): w for lv, ix, w in _expected_tiles(size)}
    tops: dict[tuple[int, int], bytes] = {}  # (tile level, index) → the node above a full tile
    seen: set[tuple[int, int]] = set()
    # Tiles stream in (level, index, width) order, so only one tile's versions are in memory at a time.
    for (lv, ix), group in groupby(storage.iter_tiles(), key=lambda r: (r[0], r[1])):
        rows: list[TileRow] = list(group)
        seen.add((lv, ix))
        report.tiles_checked += 1
        widest = rows[-1]
        width, blob = widest[2], widest[3]
        if len(blob) != blob_size(width) or width > TILE_WIDTH:
            report.add("tile_malformed", f"{lv}/{ix}", "ledger.tile_malformed", level=lv, index=ix)
            continue
        stored = _tile_rows(blob, width)
        rebuilt = build_rows(stored[0])
        for r in range(1, TILE_HEIGHT):
            for p, (a, b) in enumerate(zip(stored[r], rebuilt[r], strict=True)):
                if a != b:
                    level, index = lv * TILE_HEIGHT + r, ix * (TILE_WIDTH >> r) + p
                    report.add("node_modified", f"{level}/{index}", "ledger.node_modified", level=level, index=index)
        for _, _, w, b in rows[:-1]:
            older = _tile_rows(b, w) if len(b) == blob_size(w) else None
            if older is None or any(o != s[: len(o)] for o, s in zip(older, stored, strict=True)):
                report.add("tile_malformed", f"{lv}/{ix}@{w}", "ledger.tile_malformed", level=lv, index=f"{ix}@{w}")
        if width == TILE_WIDTH:
            tops[(lv, ix)] = hash_children(rebuilt[-1][0], rebuilt[-1][1])
        if lv > 0:
            for p, h in enumerate(stored[0]):
                below = tops.get((lv - 1, ix * TILE_WIDTH + p))
                if below is not None and below != h:
                    level, index = lv * TILE_HEIGHT, ix * TILE_WIDTH + p
                    report.add("node_modified", f"{level}/{index}", "ledger.node_modified", level=level, index=index)
        if (lv, ix) in expected and expected[(lv, ix)] > width:
            report.add("tile_removed", f"{lv}/{ix}", "ledger.tile_removed", level=lv, index=ix)
    for lv, ix in sorted(set(expected) - seen):
        report.add("tile_removed", f"{lv}/{ix}", "ledger.tile_removed", level=lv, index=ix)


def _check_roots(
    storage: SqlStorage, verifier: Keyring | None, states: list[tuple[int, bytes]], report: LedgerVerifyReport
) -> None:
    """Recompute the root at every recorded size; compare with states and signed checkpoints."""
    tree = _StoredTree(storage)
    roots: dict[int, bytes | None] = {}

    def root_at(n: int) -> bytes | None:
        if n not in roots:
            try:
                roots[n] = proofs.tree_root(tree.node, n)
            except KeyError:
                roots[n] = None
        return roots[n]

    for n, root in states:
        if root_at(n) != root:
            report.add("root_mismatch", f"state@{n}", "ledger.root_mismatch", size=n)
    state_sizes = {n for n, _ in states}
    signed_sizes: set[int] = set()
    for n, note in storage.iter_checkpoints():
        signed_sizes.add(n)
        report.checkpoints_checked += 1
        if n not in state_sizes:
            report.add("state_removed", str(n), "ledger.state_removed", size=n)
        if verifier is None:
            continue
        try:
            cp = verify_checkpoint(note, verifier)
        except CheckpointError as exc:
            report.add("checkpoint_invalid", str(n), "ledger.checkpoint_invalid", size=n, detail=str(exc))
            continue
        if cp.size != n:
            report.add("checkpoint_invalid", str(n), "ledger.checkpoint_invalid", size=n, detail="size differs")
        elif root_at(n) != cp.root:
            report.add("root_mismatch", f"checkpoint@{n}", "ledger.root_mismatch", size=n)
    # every batch of a signed ledger commits its state with its checkpoint (a bare Merkle log has none)
    for n in sorted(state_sizes - signed_sizes) if verifier is not None else []:
        report.add("checkpoint_removed", str(n), "ledger.checkpoint_removed", size=n)


def check_trusted(
    storage: SqlStorage,
    verifier: Keyring,
    note: str,
    report: LedgerVerifyReport,
    source: str = "trusted",
    cosigner: CosignerVerifier | None = None,
) -> None:
    """Check that the stored log extends a checkpoint kept outside the database (witness, client, receipt).

    The note must carry the log's signature (and ``cosigner``'s, for a witness's copy); then a
    consistency proof from its size to the current tree, built from the stored nodes, must verify
    against its root and the recomputed current root. Only this catches an attacker who truncated,
    forked or rewrote the log *and* deleted or re-signed the newer states and checkpoints, since what
    remains is a consistent log of its own.
    """
    report.trusted_checked += 1
    try:
        cp = verify_checkpoint(note, verifier)
    except CheckpointError as exc:  # kept by a witness or a client, yet no published key signed it: keys swapped
        report.add("checkpoint_invalid", source, "ledger.kept_checkpoint_invalid", source=source, detail=str(exc))
        return
    if cosigner is not None:
        try:
            cosigner.verify(note)
        except CheckpointError as exc:
            report.add("cosignature_invalid", f"{source}@{cp.size}", "ledger.checkpoint_invalid", size=cp.size,
                       detail=str(exc))
            return
    where = f"{source}@{cp.size}"
    if cp.size == 0:
        return  # the empty tree is a prefix of every log
    if cp.size > report.tree_size:
        report.add("log_truncated", where, "ledger.log_truncated", size=report.tree_size, trusted=cp.size,
                   source=source)
        return
    tree = _StoredTree(storage)
    try:
        current = proofs.tree_root(tree.node, report.tree_size)
        path = proofs.consistency_proof(tree.node, cp.size, report.tree_size) if cp.size < report.tree_size else []
        verify_consistency(cp.size, report.tree_size, cp.root, current, path)
    except (KeyError, ProofError):
        report.add("log_forked", where, "ledger.log_forked", size=cp.size, now=report.tree_size, source=source)


def audit_log(
    storage: SqlStorage, verifier: Keyring | None = None, progress: Progress | None = None
) -> LedgerVerifyReport:
    """Re-hash the whole Merkle log (leaves, tiles, roots, checkpoints) and report every problem."""
    started = time.perf_counter()
    states = storage.states()
    size, root = states[-1] if states else (0, b"")
    checkpoints = list(storage.iter_checkpoints())
    if checkpoints and checkpoints[-1][0] > size:
        # The newest states were deleted: audit up to the newest signed size instead.
        size = checkpoints[-1][0]
        report_root = b""
    else:
        report_root = root
    report = LedgerVerifyReport(tree_size=size, root=report_root)
    _check_leaves(storage, size, report, progress)
    _check_bundles(storage, report)
    _check_tiles(storage, size, report)
    _check_roots(storage, verifier, states, report)
    storage.end_read()
    report.seconds = time.perf_counter() - started
    return report

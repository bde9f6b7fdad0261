"""The batch log (``batches.jsonl``) as a commit protocol: a batch is pending before its parts move, committed after.

An ingestion batch is written completely under ``.staging/<batch_id>/`` first; then:

1. :func:`begin_batch` syncs every staged part and logs the batch as ``pending``, naming each
   part's staged and final path and the batch summary;
2. the ingestion logs the parts' records in the evidence ledger, then :meth:`PendingBatch.logged`
   records ``logged`` (batches without a ledger skip this);
3. :meth:`PendingBatch.move` renames the parts into the home (each rename atomic, folders synced);
4. :meth:`PendingBatch.commit` logs the summary as ``committed``: only now is the batch acknowledged.

Recovery (:mod:`firmscore.store.recovery`) reads the lines of a batch that has no final state and
*completes* it: once ``pending`` is logged every part is complete and synced, so the remaining
steps can always be redone, and redoing them is idempotent (the ledger skips record ids it
holds; a part already at its final path is not moved again). A batch is never rolled back after
its leaves may have been logged, because a leaf names a record by content and ingestion time: the
same input stored again later would not match it. A batch killed before ``pending`` stored and
logged nothing; recovery removes its staging and logs it ``rolled_back`` so that its id is accounted for.

Every change of the log replaces the file whole and durably (:func:`firmscore.store.atomic.write_bytes`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from firmscore.store.atomic import fsync_dir, fsync_file
from firmscore.store.home import DataHome

PENDING, LOGGED, COMMITTED, ROLLED_BACK = "pending", "logged", "committed", "rolled_back"
FINAL_STATES = frozenset({COMMITTED, ROLLED_BACK})
QUARANTINE = "quarantine"  # the record type of quarantine parts in a batch's part list


def entries(home: DataHome) -> Iterator[dict[str, Any]]:
    """Every line of the log in order (lines written before the protocol count as committed)."""
    path = home.batches_file
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            entry.setdefault("state", COMMITTED)
            yield entry


def open_batches(home: DataHome) -> list[dict[str, Any]]:
    """Batches logged ``pending`` with no final state yet, each its pending line plus ``logged`` (bool)."""
    open_: dict[str, dict[str, Any]] = {}
    for e in entries(home):
        state, bid = e["state"], e["batch_id"]
        if state == PENDING:
            open_[bid] = {**e, "logged": not e["ledger"]}
        elif state == LOGGED and bid in open_:
            open_[bid]["logged"] = True
        elif state in FINAL_STATES:
            open_.pop(bid, None)
    return list(open_.values())


@dataclass(frozen=True)
class Part:
    """One file of a batch: its record type (or ``quarantine``), staged and final path (relative to the home)."""

    record_type: str
    staged: str
    final: str


@dataclass(frozen=True)
class PendingBatch:
    """A batch logged as pending: the handle that moves its parts and commits it."""

    home: DataHome
    batch_id: str
    parts: tuple[Part, ...]
    ledger: bool

    @classmethod
    def from_entry(cls, home: DataHome, entry: dict[str, Any]) -> PendingBatch:
        parts = tuple(Part(p["type"], p["src"], p["dst"]) for p in entry["parts"])
        return cls(home, entry["batch_id"], parts, bool(entry["ledger"]))

    def staged_parts(self, record_types_only: bool = True) -> list[tuple[str, Path]]:
        """(record type, path) of the parts, where they are now (staging, or the home once moved), in order."""
        out = []
        for p in self.parts:
            if record_types_only and p.record_type == QUARANTINE:
                continue
            src = self.home.root / p.staged
            out.append((p.record_type, src if src.exists() else self.home.root / p.final))
        return out

    def logged(self) -> None:
        """Record that every record of the batch is in the ledger."""
        self.home.log_batch({"batch_id": self.batch_id, "state": LOGGED})

    def move(self) -> int:
        """Rename every part still in staging to its final path (durably); return how many moved."""
        moved = 0
        dirs: set[Path] = set()
        for p in self.parts:
            src, dst = self.home.root / p.staged, self.home.root / p.final
            if dst.exists() and not src.exists():
                continue  # moved before a kill
            if not src.exists():
                raise FileNotFoundError(f"part {p.staged} of batch {self.batch_id} is neither staged nor stored")
            dst.parent.mkdir(parents=True, exist_ok=True)
            src.replace(dst)
            dirs.update((dst.parent, src.parent))
            moved += 1
        for d in dirs:
            fsync_dir(d)
        return moved

    def commit(self, summary: dict[str, Any]) -> None:
        """Log the batch as committed with its summary: from now on it is acknowledged."""
        self.home.log_batch({**summary, "batch_id": self.batch_id, "state": COMMITTED})


def begin_batch(home: DataHome, batch_id: str, parts: list[tuple[str, Path, Path]], *, ledger: bool,
                summary: dict[str, Any]) -> PendingBatch:
    """Sync the staged ``parts`` ((record type, staged path, final path)) and log the batch as pending."""
    synced: set[Path] = set()
    for _, src, _ in parts:
        fsync_file(src)
        synced.add(src.parent)
    for d in synced:
        fsync_dir(d)
    rel = [Part(rt, str(src.relative_to(home.root)), str(dst.relative_to(home.root))) for rt, src, dst in parts]
    home.log_batch({"batch_id": batch_id, "state": PENDING, "ledger": ledger,
                    "parts": [{"type": p.record_type, "src": p.staged, "dst": p.final} for p in rel],
                    "summary": summary})
    return PendingBatch(home, batch_id, tuple(rel), ledger)


def roll_back(home: DataHome, batch_id: str, reason: str) -> None:
    """Log that a batch killed before it was pending was dropped (nothing of it was stored or logged)."""
    home.log_batch({"batch_id": batch_id, "state": ROLLED_BACK, "reason": reason})


__all__ = [
    "COMMITTED",
    "LOGGED",
    "PENDING",
    "QUARANTINE",
    "ROLLED_BACK",
    "Part",
    "PendingBatch",
    "begin_batch",
    "entries",
    "open_batches",
    "roll_back",
]

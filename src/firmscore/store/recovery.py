"""Recovery: the first writer after a crash puts the home back into a state some run acknowledged.

Run by :func:`firmscore.store.lock.writer` when a process first takes the writer lock, so no
other writer can race it. In order:

1. leftovers of killed atomic writes are resolved (:func:`firmscore.store.atomic.remove_leftovers`):
   every artifact is its last complete version;
2. every batch the log names as pending is completed (:mod:`firmscore.store.batches`): its
   records are logged in the ledger where that step was interrupted, its parts moved, and it is
   logged committed with ``"recovered": true``;
3. every other folder under ``.staging/`` belongs to a batch killed before it was pending: it is
   removed and the batch logged ``rolled_back``;
4. the DuckDB catalog is rebuilt when a batch was completed.

Logging leaves needs the ledger, which sits above this package: the ledger registers how it
logs the records of some Parquet parts (:func:`register_leaf_logger`) when it is imported. A
process that never imported it leaves a batch interrupted in its ledger step pending (the home
reads as before it; its staging is kept) for the next writer that has it; the firmscore command
line always has it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from firmscore.store.atomic import remove_leftovers
from firmscore.store.batches import PendingBatch, entries, open_batches, roll_back
from firmscore.store.home import DataHome

STAGING = ".staging"
_SKIP = frozenset({STAGING, ".duckdb_tmp"})  # scratch of runs, not artifacts

#: ``log_leaves(home, parts)``: log, in order, every record of the Parquet ``parts`` ((record type, path))
#: that the home's ledger does not hold yet; return how many leaves were appended.
LeafLogger = Callable[[DataHome, list[tuple[str, Path]]], int]
_leaf_logger: list[LeafLogger] = []


def register_leaf_logger(fn: LeafLogger) -> None:
    """Called by the ledger package: how recovery completes a batch's ledger step."""
    _leaf_logger[:] = [fn]


@dataclass
class RecoveryReport:
    """What recovery did (all empty on a home that was not interrupted)."""

    leftovers: list[Path] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    waiting_for_ledger: list[str] = field(default_factory=list)
    rolled_back: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.leftovers or self.completed or self.rolled_back)


def _complete(home: DataHome, entry: dict[str, Any], report: RecoveryReport) -> None:
    """Redo the steps of a pending batch that a kill interrupted (each step is idempotent)."""
    batch = PendingBatch.from_entry(home, entry)
    summary = dict(entry["summary"])
    if not entry["logged"]:
        if not _leaf_logger:
            report.waiting_for_ledger.append(batch.batch_id)
            return
        _leaf_logger[0](home, batch.staged_parts())
        batch.logged()
    batch.move()
    summary["recovered"] = True
    summary["checkpoint"] = None  # the next writer that signs a checkpoint covers the batch
    batch.commit(summary)
    report.completed.append(batch.batch_id)


def recover(home: DataHome) -> RecoveryReport:
    """Complete or roll back what a crash interrupted; a no-op on a home that was not interrupted."""
    report = RecoveryReport()
    if not home.root.is_dir():
        return report
    report.leftovers = remove_leftovers(home.root, skip=_SKIP)
    pending = open_batches(home)
    for entry in pending:
        _complete(home, entry, report)
    keep = set(report.waiting_for_ledger)
    staging = home.root / STAGING
    if staging.is_dir():
        known = {e["batch_id"] for e in entries(home)}
        for d in sorted(staging.iterdir()):
            if d.name in keep:
                continue
            shutil.rmtree(d, ignore_errors=True)
            if d.name not in known:
                roll_back(home, d.name, "interrupted before its parts were complete: nothing of it was stored "
                                        "or logged in the ledger; its staging was removed")
                report.rolled_back.append(d.name)
        if not any(staging.iterdir()):
            staging.rmdir()
    if report.completed:
        home.refresh_catalog()
    return report

"""Erasure that erases everywhere: the ledger's secrets, the Parquet rows, and what was computed from them.

An erasure (legal expiry, a subject's request, a withdrawn authorization) of sealed records runs in
this order, each step idempotent so that an interrupted erasure completes when run again:

1. the ledger destroys each record's wrapped key, salt and ciphertext and writes a tombstone
   (:meth:`EvidenceLedger.erase`; deleted pages zeroed, WAL truncated); the leaf — a salted commitment —
   stays, so the log and every checkpoint still verify;
2. the data home's Parquet parts that hold the records are rewritten without them
   (:func:`firmscore.store.erasure.remove_records`); the DuckDB catalog is refreshed;
3. the outputs computed from the records are recomputed from what remains: every stored feature
   matrix, label set and score set (re-scored with the model that produced it), so that no aggregate
   (a maximum amount, a count) keeps a trace of the erased values and no score cites them.

Models are statistical summaries of many records and are not retrained here; the next training run
no longer sees the erased records.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from firmscore.datamodel import RecordType
from firmscore.features import build_labels, compute_features, write_features, write_labels
from firmscore.ledger import EvidenceLedger
from firmscore.ledger.evidence import Erasure
from firmscore.ledger.ledger import LedgerError
from firmscore.scoring import score_enterprises
from firmscore.store.erasure import remove_records
from firmscore.store.home import DataHome
from firmscore.store.lock import holds_writer_lock

Say = Callable[[str], None]


@dataclass(kw_only=True)
class ErasureReport:
    """What one erasure did, record by record and output by output."""

    erasures: dict[str, Erasure] = field(default_factory=dict)
    rows_removed: int = 0
    parts_rewritten: list[Path] = field(default_factory=list)
    parts_deleted: list[Path] = field(default_factory=list)
    recomputed: list[str] = field(default_factory=list)


def _as_of_dirs(folder: Path) -> list[dt.date]:
    if not folder.is_dir():
        return []
    return sorted(dt.date.fromisoformat(p.name.split("=", 1)[1]) for p in folder.glob("as_of=*") if p.is_dir())


def recompute_outputs(home: DataHome, say: Say | None = None) -> list[str]:
    """Recompute every stored feature matrix, label set and score set from the records the home holds now."""
    done: list[str] = []
    for as_of in _as_of_dirs(home.root / "features"):
        if say:
            say(f"features / 特征 {as_of}")
        write_features(home, compute_features(home, as_of))
        done.append(f"features as_of={as_of}")
    for as_of in _as_of_dirs(home.root / "labels"):
        for hdir in sorted((home.root / "labels" / f"as_of={as_of}").glob("horizon=*")):
            horizon = hdir.name.split("=", 1)[1]
            if say:
                say(f"labels / 标签 {as_of} {horizon}")
            write_labels(home, as_of, horizon, build_labels(home, as_of, horizon))
            done.append(f"labels as_of={as_of} horizon={horizon}")
    for as_of in _as_of_dirs(home.root / "scores"):
        receipt = home.root / "scores" / f"as_of={as_of}" / "receipt.json"
        model_id = json.loads(receipt.read_text(encoding="utf-8")).get("model_id") if receipt.exists() else None
        if say:
            say(f"scores / 评分 {as_of}")
        score_enterprises(home, as_of, model_id=model_id)
        done.append(f"scores as_of={as_of}")
    return done


@holds_writer_lock("erase")
def erase_records(
    home: DataHome, record_ids: Sequence[str], rule: str, on_date: dt.date | str, *, recompute: bool = True,
    say: Say | None = None,
) -> ErasureReport:
    """Erase sealed records from the ledger, the Parquet parts and every output computed from them.

    Raises :class:`~firmscore.ledger.ledger.LedgerError` (before changing anything) when a record is
    unknown or was logged in clear (only personal and negative records are sealed and erasable).
    """
    report = ErasureReport()
    by_type: dict[str, list[str]] = {}
    with EvidenceLedger.for_home(home) as ledger:
        for rid in record_ids:
            row = ledger.storage.read_record(rid)
            ledger.storage.end_read()
            if row is None:
                raise LedgerError("ledger.not_found", record_id=rid)
            if not row[3]:
                raise LedgerError("ledger.not_sealed", record_id=rid)
            by_type.setdefault(row[2], []).append(rid)
        for rid in record_ids:
            report.erasures[rid] = ledger.erase(rid, rule, on_date)
    for rt, rids in by_type.items():
        if say:
            say(f"parts / 数据分片 {rt}")
        removed = remove_records(home, RecordType(rt), rids)
        report.rows_removed += removed.rows_removed
        report.parts_rewritten.extend(removed.rewritten)
        report.parts_deleted.extend(removed.deleted)
    home.refresh_catalog()
    if recompute:
        report.recomputed = recompute_outputs(home, say)
    return report

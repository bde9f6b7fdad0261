"""Physical removal of erased records from the data home's Parquet parts.

Features read events through DuckDB straight from the Parquet parts, so negative and personal events are
stored there in clear (person names and contacts are encrypted field by field, ID numbers are keyed
hashes). Decrypting every event on every feature query would be slow; instead an erasure rewrites
each part that holds an erased record without it: a new file (mode 0600) is written beside the part,
fsynced and renamed over it, so a reader sees the old part or the new one, never a partial file, and the
old bytes are unlinked. Parquet metadata (statistics, dictionaries) is rebuilt with the rows, so no
value of the erased record survives in the footer either. The evidence ledger keeps the record's leaf
(a salted commitment) and its tombstone, so the log still verifies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from firmscore.datamodel import RecordType
from firmscore.store.atomic import fsync_dir, write_parquet
from firmscore.store.home import DataHome


@dataclass(kw_only=True)
class RemovedRecords:
    """What :func:`remove_records` did: parts rewritten (or deleted when emptied) and rows removed."""

    rewritten: list[Path] = field(default_factory=list)
    deleted: list[Path] = field(default_factory=list)
    rows_removed: int = 0


def parts_holding(home: DataHome, record_type: RecordType | str, record_ids: list[str]) -> dict[Path, int]:
    """The parts of ``record_type`` that hold any of ``record_ids``, with how many rows each holds."""
    files = home.parquet_files(record_type)
    if not files or not record_ids:
        return {}
    con = duckdb.connect(":memory:")
    try:
        con.register("wanted", pa.table({"record_id": pa.array(record_ids, pa.string())}))
        rows = con.execute(
            "SELECT filename, count(*) FROM read_parquet(?, filename = true, union_by_name = true) p "
            "JOIN wanted w USING (record_id) GROUP BY filename",
            [[str(f) for f in files]],
        ).fetchall()
    finally:
        con.close()
    return {Path(name): int(n) for name, n in rows}


def _replace_part(path: Path, table: pa.Table) -> None:
    """Write ``table`` over ``path`` atomically (:mod:`firmscore.store.atomic`: temporary file, fsync, rename)."""
    write_parquet(path, table, compression="zstd")


def remove_records(home: DataHome, record_type: RecordType | str, record_ids: list[str]) -> RemovedRecords:
    """Rewrite every part of ``record_type`` that holds one of ``record_ids`` without those rows.

    A part left empty is deleted. Idempotent: ids no longer stored are simply not found. The DuckDB
    catalog holds only views over the parts, so it needs no change.
    """
    out = RemovedRecords()
    wanted = pa.array(sorted(set(record_ids)), pa.string())
    for path in sorted(parts_holding(home, record_type, record_ids)):
        table = pq.read_table(path)
        keep = pc.invert(pc.is_in(table.column("record_id"), value_set=wanted))
        kept = table.filter(keep)
        out.rows_removed += table.num_rows - kept.num_rows
        if kept.num_rows == 0:
            path.unlink()
            fsync_dir(path.parent)
            out.deleted.append(path)
        else:
            _replace_part(path, kept)
            out.rewritten.append(path)
    return out

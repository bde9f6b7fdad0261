"""Scratch files between conversion and deduplication: hashed, bucketed, appended block by block.

A converter (one per worker process) turns each block of converted rows into an Arrow table and
hands it here. Everything that depends on a row alone is computed now, in parallel, so that the
single deduplication pass afterwards only touches narrow key columns:

* ``content_hash``: SHA-256 over the content columns in schema order (NULL-safe), the value the
  data model documents;
* ``record_id``: the first 32 hex digits of SHA-256(source, source record id, content hash);
* ``__pos``: the row's input position (file << 44 | output << 40 | line), which orders the
  versions of a key and names the line in the reconciliation;
* the key-hash **bucket**: every version of a (source, source record id) lands in the same one of
  :data:`N_BUCKETS` buckets, so buckets are deduplicated independently and memory stays bounded.

Scratch files are Arrow IPC (LZ4): writing one is several times cheaper than Parquet, and a
converter keeps one file open per (record type, mapping output, bucket) and appends to it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from firmscore.datamodel import RecordType, content_columns

N_BUCKETS = 16
POS_FILE_SHIFT = 44  # __pos = file << 44 | output << 40 | line
POS_OUT_SHIFT = 40
POS_LINE_MASK = (1 << POS_OUT_SHIFT) - 1
SCRATCH_SUFFIX = ".arrow"


def positions(file_ids: np.ndarray, out_index: int, lines: np.ndarray) -> np.ndarray:
    """Input positions of rows: unique per (file, mapping output, line), ordered like the input."""
    return (file_ids.astype(np.int64) << POS_FILE_SHIFT) | (np.int64(out_index) << POS_OUT_SHIFT) | lines.astype(
        np.int64
    )


def content_hash_sql(rt: RecordType, columns: set[str]) -> str:
    """SQL for the content hash: SHA-256 over the content columns in schema order, NULL-safe.

    Encrypted fields are hashed through their keyed-hash shadow (``__h_<name>``): a ciphertext is
    randomised, the plaintext's keyed hash is not, so re-ingesting the same person is a duplicate.
    """
    parts = []
    for c in content_columns(rt):
        src = f"__h_{c}" if f"__h_{c}" in columns else c
        parts.append(f"coalesce(CAST({src} AS VARCHAR), '\\N')")
    return "sha256(concat_ws(chr(31), " + ", ".join(parts) + "))"


class ScratchWriter:
    """Appends converted blocks to bucketed scratch files under ``stage/<record type>/bNN/``."""

    def __init__(self, stage: Path, prefix: int) -> None:
        self.stage = stage
        self.prefix = prefix  # names this converter's files apart from other workers'
        self.rows: dict[str, int] = {}  # scratch file → rows written
        self._writers: dict[tuple[str, int, int], tuple[ipc.RecordBatchFileWriter, pa.Schema, str]] = {}
        self._con: duckdb.DuckDBPyConnection | None = None
        self._part = 0

    def add(self, rt: RecordType, out_index: int, table: pa.Table) -> None:
        """Hash, bucket and append one block (``table`` holds the canonical columns and ``__pos``)."""
        con = self._duckdb()
        ch = content_hash_sql(rt, set(table.column_names))
        extra = (
            con.from_arrow(table)
            .select(f"{ch} AS content_hash, source, source_record_id")
            .select(
                "content_hash, substr(sha256(source || chr(31) || source_record_id || chr(31) || content_hash), 1, 32) "
                f"AS record_id, CAST(hash(source_record_id) % {N_BUCKETS} AS TINYINT) AS bucket"
            )
            .to_arrow_table()
        )
        table = table.append_column("content_hash", extra.column("content_hash").cast(pa.string()))
        table = table.append_column("record_id", extra.column("record_id").cast(pa.string()))
        buckets = extra.column("bucket").to_numpy().astype(np.int64)
        order = np.argsort(buckets, kind="stable")  # stable: input order within a bucket
        table = table.take(pa.array(order))
        bounds = np.searchsorted(buckets[order], np.arange(N_BUCKETS + 1))
        for b in range(N_BUCKETS):
            lo, hi = int(bounds[b]), int(bounds[b + 1])
            if hi > lo:
                self._append(rt, out_index, b, table.slice(lo, hi - lo))

    def close(self) -> dict[str, int]:
        """Close every scratch file (complete only once closed); return rows per file."""
        for w, _, _ in self._writers.values():
            w.close()
        self._writers.clear()
        if self._con is not None:
            self._con.close()
            self._con = None
        return dict(self.rows)

    def _duckdb(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = duckdb.connect()
            self._con.execute("SET threads = 1")  # converters already run one per CPU
        return self._con

    def _append(self, rt: RecordType, out_index: int, bucket: int, part: pa.Table) -> None:
        key = (rt.value, out_index, bucket)
        open_ = self._writers.get(key)
        if open_ is not None and not open_[1].equals(part.schema):
            open_[0].close()  # an output whose columns changed: start another file
            open_ = None
        if open_ is None:
            d = self.stage / rt.value / f"b{bucket:02d}"
            d.mkdir(parents=True, exist_ok=True)
            path = str(d / f"{self.prefix:05d}-{out_index:02d}-{self._part:06d}{SCRATCH_SUFFIX}")
            self._part += 1
            w = ipc.new_file(path, part.schema, options=ipc.IpcWriteOptions(compression="lz4"))
            open_ = (w, part.schema, path)
            self._writers[key] = open_
            self.rows[path] = 0
        open_[0].write_table(part)
        self.rows[open_[2]] += part.num_rows

"""The data home: one folder that holds everything a firmscore installation knows.

Layout (all paths relative to the home)::

    data/<record_type>/<batch_id>-<part>.parquet   canonical records, append-only
    quarantine/<batch_id>-<part>.parquet           rejected input rows with file, line, field, reason (raw row sealed)
    batches.jsonl                                  one line per ingestion batch (reconciliation)
    catalog.duckdb                                 views over the Parquet datasets, for any DuckDB client
    features/, models/, scores/, ledger/           written by later stages

Keys (person-id hashing, field encryption, key-encryption keys) live outside the home, in
:func:`firmscore.config.key_dir`. Folders are created 0700 and files 0600 under the private umask the
CLI sets (:mod:`firmscore.store.permissions`).

Parquet files are never rewritten in place, except that an erasure rewrites the parts holding the
erased records without them (:mod:`firmscore.store.erasure`); a new batch adds files. That keeps ingestion cheap,
lets the evidence ledger point at immutable records, and lets Spark read the same folders.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from firmscore.config import Secrets, default_home
from firmscore.datamodel import RecordType, schema_for
from firmscore.store.quarantine import QUARANTINE_SCHEMA

__all__ = ["QUARANTINE_SCHEMA", "DataHome"]

@dataclass(frozen=True)
class DataHome:
    """A data home folder. Cheap to construct; folders are created when first written."""

    root: Path

    @classmethod
    def open(cls, root: Path | str | None = None) -> DataHome:
        """Open (without creating) the home at ``root`` or at the configured default."""
        return cls(Path(root) if root is not None else default_home())

    # ----------------------------------------------------------------- paths
    def table_dir(self, record_type: RecordType | str) -> Path:
        return self.root / "data" / RecordType(record_type).value

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    @property
    def batches_file(self) -> Path:
        return self.root / "batches.jsonl"

    @property
    def catalog_file(self) -> Path:
        return self.root / "catalog.duckdb"

    def subdir(self, name: str) -> Path:
        """A stage's own folder (``features``, ``models``, ``scores``, ``ledger`` ...), created."""
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def secrets(self) -> Secrets:
        """The home's keys, from the environment or its key folder (never from inside the home)."""
        return Secrets.for_home(self.root)

    def parquet_files(self, record_type: RecordType | str) -> list[Path]:
        d = self.table_dir(record_type)
        return sorted(d.glob("*.parquet")) if d.exists() else []

    # ----------------------------------------------------------------- writing
    def append(self, record_type: RecordType | str, table: pa.Table, batch_id: str, part: int = 0) -> Path:
        """Write ``table`` (cast to the canonical schema) as a new immutable Parquet part."""
        schema = schema_for(record_type)
        table = table.select(schema.names).cast(schema)
        d = self.table_dir(record_type)
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"{batch_id}-{part:05d}.parquet"
        pq.write_table(table, path, compression="zstd")
        return path

    def append_quarantine(self, table: pa.Table, batch_id: str, part: int = 0) -> Path:
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        path = self.quarantine_dir / f"{batch_id}-{part:05d}.parquet"
        pq.write_table(table.select(QUARANTINE_SCHEMA.names).cast(QUARANTINE_SCHEMA), path)
        return path

    def log_batch(self, entry: dict[str, Any]) -> None:
        """Append one ingestion batch summary to ``batches.jsonl``."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self.batches_file.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    def batches(self) -> Iterator[dict[str, Any]]:
        if self.batches_file.exists():
            with self.batches_file.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        yield json.loads(line)

    # ----------------------------------------------------------------- reading
    def _view_sql(self, record_type: RecordType) -> str:
        files = self.parquet_files(record_type)
        if files:
            glob = str(self.table_dir(record_type).resolve() / "*.parquet")
            return f"SELECT * FROM read_parquet('{glob}', union_by_name = true)"
        # An empty home still has every table, with the right columns, so queries never fail on absence.
        cols = ", ".join(
            f"CAST(NULL AS {_duck_type(f.type)}) AS {f.name}" for f in schema_for(record_type)
        )
        return f"SELECT {cols} WHERE false"

    def connect(self, memory_limit: str | None = None, threads: int | None = None) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per record type (and ``quarantine``).

        Views for events also expose ``event_date`` (= ``effective_from``) and ``end_date``
        (= ``effective_to``) so that feature SQL reads naturally.
        """
        con = duckdb.connect(":memory:")
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        spill = self.root / ".duckdb_tmp"
        con.execute(f"SET temp_directory = '{spill.resolve()}'")
        self._create_views(con)
        return con

    def _create_views(self, con: duckdb.DuckDBPyConnection) -> None:
        for rt in RecordType:
            sql = self._view_sql(rt)
            if rt is RecordType.EVENT:
                sql = f"SELECT *, effective_from AS event_date, effective_to AS end_date FROM ({sql})"
            con.execute(f"CREATE OR REPLACE VIEW {rt.value} AS {sql}")
        qfiles = sorted(self.quarantine_dir.glob("*.parquet")) if self.quarantine_dir.exists() else []
        if qfiles:
            qglob = str(self.quarantine_dir.resolve() / "*.parquet")
            con.execute(
                f"CREATE OR REPLACE VIEW quarantine AS SELECT * FROM read_parquet('{qglob}', union_by_name = true)"
            )
        else:
            cols = ", ".join(f"CAST(NULL AS {_duck_type(f.type)}) AS {f.name}" for f in QUARANTINE_SCHEMA)
            con.execute(f"CREATE OR REPLACE VIEW quarantine AS SELECT {cols} WHERE false")

    def refresh_catalog(self) -> Path:
        """(Re)write ``catalog.duckdb`` with views over the current Parquet files."""
        self.root.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.catalog_file))
        try:
            self._create_views(con)
        finally:
            con.close()
        return self.catalog_file

    def counts(self) -> dict[str, int]:
        """Row counts per record type and of the quarantine."""
        con = self.connect()
        try:
            out = {}
            for name in [*(rt.value for rt in RecordType), "quarantine"]:
                out[name] = int(con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])
            return out
        finally:
            con.close()


def _duck_type(t: pa.DataType) -> str:
    if pa.types.is_string(t):
        return "VARCHAR"
    if pa.types.is_binary(t):
        return "BLOB"
    if pa.types.is_int16(t):
        return "SMALLINT"
    if pa.types.is_int32(t):
        return "INTEGER"
    if pa.types.is_int64(t):
        return "BIGINT"
    if pa.types.is_floating(t):
        return "DOUBLE"
    if pa.types.is_date(t):
        return "DATE"
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    raise TypeError(f"no DuckDB type for {t}")

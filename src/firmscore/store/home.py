"""The data home: one folder that holds everything a firmscore installation knows.

Layout (all paths relative to the home)::

    data/<record_type>/<batch_id>-<part>.parquet   canonical records, append-only
    quarantine/<batch_id>-<part>.parquet           rejected input rows with file, line, field, reason (raw row sealed)
    batches.jsonl                                  the batch log: pending → logged → committed (reconciliation)
    .staging/<batch_id>/                           a batch being built; moved into place when it commits
    .writer.lock                                   the one-writer lock (who holds it)
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

from firmscore.config import Secrets, default_home
from firmscore.datamodel import RecordType, schema_for
from firmscore.store.atomic import atomic_path, write_bytes, write_parquet
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
        """The committed parts of ``record_type`` (see :meth:`uncommitted_parts`)."""
        d = self.table_dir(record_type)
        files = sorted(d.glob("*.parquet")) if d.exists() else []
        hidden = self.uncommitted_parts()
        return [f for f in files if str(f.relative_to(self.root)) not in hidden] if hidden else files

    def uncommitted_parts(self) -> frozenset[str]:
        """Paths (relative to the home) of parts whose batch the log names pending but not committed.

        Only a kill during a batch's renames leaves some of them in place, until the next writer's
        recovery completes the batch; readers leave them out meanwhile and see the home as before it.
        """
        if not self.batches_file.exists():
            return frozenset()
        open_: dict[str, list[str]] = {}
        with self.batches_file.open(encoding="utf-8") as fh:
            for line in fh:
                if '"state": "pending"' in line:
                    entry = json.loads(line)
                    open_[entry["batch_id"]] = [p["dst"] for p in entry["parts"]]
                elif open_ and ('"state": "committed"' in line or '"state": "rolled_back"' in line):
                    open_.pop(json.loads(line)["batch_id"], None)
        return frozenset(p for parts in open_.values() for p in parts)

    # ----------------------------------------------------------------- writing
    def append(self, record_type: RecordType | str, table: pa.Table, batch_id: str, part: int = 0) -> Path:
        """Write ``table`` (cast to the canonical schema) as a new immutable Parquet part."""
        schema = schema_for(record_type)
        table = table.select(schema.names).cast(schema)
        path = self.table_dir(record_type) / f"{batch_id}-{part:05d}.parquet"
        return write_parquet(path, table, compression="zstd")

    def append_quarantine(self, table: pa.Table, batch_id: str, part: int = 0) -> Path:
        path = self.quarantine_dir / f"{batch_id}-{part:05d}.parquet"
        return write_parquet(path, table.select(QUARANTINE_SCHEMA.names).cast(QUARANTINE_SCHEMA))

    def log_batch(self, entry: dict[str, Any]) -> None:
        """Add one ingestion batch summary to ``batches.jsonl`` (the file is replaced whole, durably)."""
        old = self.batches_file.read_bytes() if self.batches_file.exists() else b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        write_bytes(self.batches_file, old + line.encode("utf-8"))

    def batches(self) -> Iterator[dict[str, Any]]:
        """The committed ingestion batches (pending and rolled-back lines: :mod:`firmscore.store.batches`)."""
        if self.batches_file.exists():
            with self.batches_file.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        entry = json.loads(line)
                        if entry.get("state", "committed") == "committed":
                            yield entry

    # ----------------------------------------------------------------- reading
    def _view_sql(self, record_type: RecordType) -> str:
        files = self.parquet_files(record_type)
        if files:
            if len(files) != len(list(self.table_dir(record_type).glob("*.parquet"))):  # a batch is being completed
                listed = ", ".join(f"'{f.resolve()}'" for f in files)
                return f"SELECT * FROM read_parquet([{listed}], union_by_name = true)"
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
        con.execute("SET enable_progress_bar = false")  # DuckDB's own bar would mix into our rich progress and logs
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
        with atomic_path(self.catalog_file) as tmp:  # built aside, then renamed: readers never see half of it
            con = duckdb.connect(str(tmp))
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

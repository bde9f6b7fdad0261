"""Deduplication and versioning of a batch's staged rows, and the writing of its new records.

Runs after every converter has finished, one record type at a time, in groups of whole key-hash
buckets (every version of a key is in one bucket, so groups are independent and memory stays
bounded). For each group, DuckDB works on the narrow key columns only (source, source record id,
content hash, input position):

* rows whose (source, source record id, content hash) is already stored, or appeared earlier in
  the batch, are duplicates;
* the novel ones are versioned: after the highest stored version of their key, in input order.

The wide rows are then read once, from the scratch files, filtered by the novel positions and
written as Parquet parts of the data home by :func:`write_output`, which runs in the worker
processes so that writing one group overlaps deduplicating the next. In the common case (no key
seen before and none repeated in the group) every row is new at version 1 and no position list is
needed at all.

A row whose record id has a tombstone in the ledger (an erased record) is **erased**: it never
enters the key table, is not stored, and is counted apart, so that re-ingesting the export a record
was erased from does not bring it back.

The reconciliation counts (accepted, duplicate and erased lines per file) come from the same key tables.
A line of a mapping with several outputs is accepted when any of its records is new, so those
files' (file, line) pairs are kept and OR-ed across outputs and record types.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from firmscore.datamodel import RecordType, schema_for
from firmscore.ingest.staging import POS_FILE_SHIFT, POS_LINE_MASK, SCRATCH_SUFFIX
from firmscore.store.home import DataHome

STORE_PART_ROWS = 1_000_000  # rows per Parquet part of the data home
ROW_GROUP_ROWS = 262_144  # rows per row group: also the unit the ledger's leaves are prepared in
GROUP_ROWS = 4_000_000  # at most this many staged rows are deduplicated in one pass (whole buckets)
PARALLEL_GROUP_ROWS = 1_000_000  # above this, a record type is split into one group per worker


@dataclass(frozen=True)
class OutputJob:
    """Write the new records of one bucket group (runs in a worker process)."""

    record_type: RecordType
    files: tuple[str, ...]  # scratch files, bucket by bucket, each in input order
    out_prefix: str  # parts are written to f"{out_prefix}-{k:04d}.parquet"
    batch_id: str
    versions: str | None  # prefix of the sorted (position, version) arrays; None: every row is new, version 1


def bucket_groups(rt_dir: Path, rows: dict[str, int], workers: int) -> list[list[str]]:
    """Scratch files of one record type in groups of whole buckets, in bucket order.

    Groups hold at most ``GROUP_ROWS`` rows when possible; with several workers a record type is
    split into at least one group per worker, so that writing its records runs in parallel.
    """
    buckets: list[tuple[list[str], int]] = []
    for bucket_dir in sorted(d for d in rt_dir.iterdir() if d.is_dir()):
        files = sorted(str(f) for f in bucket_dir.glob(f"*{SCRATCH_SUFFIX}"))
        if files:
            buckets.append((files, sum(rows.get(f, 0) for f in files)))
    total = sum(n for _, n in buckets)
    n_groups = max(1, math.ceil(total / GROUP_ROWS))
    if workers > 1 and total > PARALLEL_GROUP_ROWS:
        n_groups = max(n_groups, workers)
    target = total / n_groups
    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for files, n in buckets:
        if current and (size + n > GROUP_ROWS or size + n / 2 > target):
            groups.append(current)
            current, size = [], 0
        current.extend(files)
        size += n
    if current:
        groups.append(current)
    return groups


def _scratch_dataset(files: list[str]) -> pads.Dataset:
    """Scratch files as one dataset (an output lacking a column reads it as null)."""
    schemas = []
    for f in files:
        with ipc.open_file(f) as r:
            schemas.append(r.schema)
    return pads.dataset(files, format="ipc", schema=pa.unify_schemas(schemas))


class Deduplicator:
    """The batch's DuckDB session: dedupes and versions bucket groups, counts lines per file."""

    def __init__(self, home: DataHome, work: Path, batch_id: str, multi_output_files: set[int],
                 memory_limit: str = "4GB", erased: set[str] | frozenset[str] = frozenset()) -> None:
        self.home = home
        self.work = work
        self.batch_id = batch_id
        self.multi = sorted(multi_output_files)
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        self.con.execute(f"SET memory_limit = '{memory_limit}'")  # bounded memory: DuckDB spills beyond it
        self.con.execute(f"SET temp_directory = '{(home.root / '.duckdb_tmp').resolve()}'")
        self.con.execute("CREATE TEMP TABLE file_counts (file INTEGER, staged BIGINT, accepted BIGINT, "
                         "erased BIGINT)")
        self.con.execute("CREATE TEMP TABLE line_flags (file INTEGER, line BIGINT, accepted BOOLEAN, erased BOOLEAN)")
        self.erased = bool(erased)
        if erased:
            ids = pa.table({"record_id": pa.array(sorted(erased), type=pa.string())})
            self.con.register("erased_ids", ids)
            self.con.execute("CREATE TEMP TABLE erased AS SELECT record_id FROM erased_ids")
            self.con.unregister("erased_ids")
        self._groups = 0

    def close(self) -> None:
        self.con.close()

    def group(self, rt: RecordType, files: list[str]) -> tuple[OutputJob, int, int]:
        """Dedupe and version one bucket group; return its output job, new records and new versions."""
        con = self.con
        k = self._groups
        self._groups += 1
        con.register("staged", _scratch_dataset(files))
        n_erased = 0
        if self.erased:  # erased records stay erased: their rows never become keys
            con.execute("CREATE OR REPLACE TEMP TABLE suppressed AS SELECT __pos FROM staged "
                        "SEMI JOIN erased USING (record_id)")
            n_erased = int(con.execute("SELECT count(*) FROM suppressed").fetchall()[0][0])
        if n_erased:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE keys AS SELECT source, source_record_id, content_hash, __pos "
                "FROM staged ANTI JOIN erased USING (record_id)"
            )
        else:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE keys AS SELECT source, source_record_id, content_hash, __pos FROM staged"
            )
            con.execute("CREATE OR REPLACE TEMP TABLE suppressed (__pos BIGINT)")
        con.unregister("staged")
        existing = self._load_existing(rt)
        versions_prefix: str | None = None
        if not existing and not n_erased and _each_key_once(con):
            # every key once and none stored: every row is a new record at version 1
            accepted_table = "keys"
            n_new = con.execute("SELECT count(*) FROM keys").fetchall()[0][0]
            n_versions = 0
        else:
            self._version()
            accepted_table = "versioned"
            n_new, n_versions = con.execute(
                "SELECT count(*), count(*) FILTER (WHERE version > 1) FROM versioned"
            ).fetchall()[0]
            versions_prefix = str(self.work / f"{rt.value}-{k:04d}")
            pos, ver = _sorted_versions(con)
            np.save(versions_prefix + ".pos.npy", pos)
            np.save(versions_prefix + ".ver.npy", ver)
        self._count(accepted_table)
        con.execute("DROP TABLE keys; DROP TABLE existing; DROP TABLE suppressed; DROP TABLE IF EXISTS versioned")
        out_dir = self.work / "_out" / rt.value
        out_dir.mkdir(parents=True, exist_ok=True)
        job = OutputJob(rt, tuple(files), str(out_dir / f"{self.batch_id}-{k:04d}"), self.batch_id, versions_prefix)
        return job, int(n_new), int(n_versions)

    def _load_existing(self, rt: RecordType) -> int:
        """Table ``existing``: the stored (key, content hash, version) rows of the group's keys; their count."""
        if self.home.parquet_files(rt):
            glob = str(self.home.table_dir(rt).resolve() / "*.parquet")
            self.con.execute(
                "CREATE OR REPLACE TEMP TABLE existing AS SELECT e.source, e.source_record_id, e.content_hash, "
                f"e.version FROM read_parquet('{glob}') e "
                "SEMI JOIN (SELECT DISTINCT source, source_record_id FROM keys) k USING (source, source_record_id)"
            )
        else:
            self.con.execute(
                "CREATE OR REPLACE TEMP TABLE existing (source VARCHAR, source_record_id VARCHAR, "
                "content_hash VARCHAR, version INTEGER)"
            )
        return int(self.con.execute("SELECT count(*) FROM existing").fetchall()[0][0])

    def _version(self) -> None:
        """``versioned``: position and version of each novel content, in input order per key."""
        self.con.execute(
            """
            CREATE OR REPLACE TEMP TABLE versioned AS
            WITH firsts AS (
                SELECT source, source_record_id, content_hash, min(__pos) AS __pos FROM keys GROUP BY ALL
            ),
            novel AS (SELECT f.* FROM firsts f ANTI JOIN existing e USING (source, source_record_id, content_hash)),
            maxv AS (SELECT source, source_record_id, max(version) AS v FROM existing GROUP BY ALL)
            SELECT n.__pos,
                   CAST(coalesce(m.v, 0) + row_number() OVER (PARTITION BY n.source, n.source_record_id
                                                               ORDER BY n.__pos) AS INTEGER) AS version
            FROM novel n LEFT JOIN maxv m USING (source, source_record_id)
            """
        )

    def _count(self, accepted_table: str) -> None:
        """Fold the group into the per-file counts (and the line flags of multi-output files)."""
        f = f"CAST(__pos >> {POS_FILE_SHIFT} AS INTEGER)"
        line = f"__pos & {POS_LINE_MASK}"
        single = f"{f} NOT IN ({', '.join(map(str, self.multi))})" if self.multi else "true"
        self.con.execute(
            f"INSERT INTO file_counts SELECT {f}, count(*), 0, 0 FROM keys WHERE {single} GROUP BY 1 "
            f"UNION ALL SELECT {f}, 0, count(*), 0 FROM {accepted_table} WHERE {single} GROUP BY 1 "
            f"UNION ALL SELECT {f}, 0, 0, count(*) FROM suppressed WHERE {single} GROUP BY 1"
        )
        if self.multi:
            multi = f"{f} IN ({', '.join(map(str, self.multi))})"
            self.con.execute(f"INSERT INTO line_flags SELECT DISTINCT {f}, {line}, true, false FROM {accepted_table} "
                             f"WHERE {multi}")
            self.con.execute(f"INSERT INTO line_flags SELECT DISTINCT {f}, {line}, false, false FROM keys "
                             f"WHERE {multi}")
            self.con.execute(f"INSERT INTO line_flags SELECT DISTINCT {f}, {line}, false, true FROM suppressed "
                             f"WHERE {multi}")

    def line_counts(self) -> dict[int, tuple[int, int, int]]:
        """Per file id: (accepted lines, duplicate lines, erased lines) over the whole batch.

        A line of a several-output mapping is accepted when any of its records is new, erased when
        every record it gave was erased, and a duplicate otherwise.
        """
        rows = self.con.execute(
            """
            SELECT file, sum(accepted), sum(staged) - sum(accepted), sum(erased) FROM (
                SELECT file, staged, accepted, erased FROM file_counts
                UNION ALL
                SELECT file, CAST(NOT era AS BIGINT), CAST(acc AS BIGINT), CAST(era AS BIGINT) FROM (
                    SELECT file, line, bool_or(accepted) AS acc, bool_and(erased) AS era
                    FROM line_flags GROUP BY ALL)
            ) GROUP BY file
            """
        ).fetchall()
        return {int(fid): (int(acc), int(dup), int(era)) for fid, acc, dup, era in rows}


def _each_key_once(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether no (source, source record id) repeats in ``keys`` (so no content can be a duplicate or a version)."""
    rows, keys = con.execute(
        "SELECT (SELECT count(*) FROM keys), "
        "(SELECT count(*) FROM (SELECT 1 FROM keys GROUP BY source, source_record_id))"
    ).fetchall()[0]
    return bool(rows == keys)


def _sorted_versions(con: duckdb.DuckDBPyConnection) -> tuple[np.ndarray, np.ndarray]:
    got = con.execute("SELECT __pos, version FROM versioned ORDER BY __pos").fetchnumpy()
    return np.asarray(got["__pos"], dtype=np.int64), np.asarray(got["version"], dtype=np.int32)


def write_output(job: OutputJob) -> list[str]:
    """Write a group's new records as data-home parts (schema order, ``STORE_PART_ROWS`` each).

    Rows come out bucket by bucket and, within a bucket, in input order: deterministic for a given
    input, whatever the number of workers. The group's scratch files are removed once written.
    """
    schema = schema_for(job.record_type)
    pos_sorted: np.ndarray | None = None
    ver_sorted: np.ndarray | None = None
    if job.versions is not None:
        pos_sorted = np.load(job.versions + ".pos.npy", mmap_mode="r")
        ver_sorted = np.load(job.versions + ".ver.npy", mmap_mode="r")
    written: list[str] = []
    pending: list[pa.Table] = []
    n_pending = 0

    def flush() -> None:
        nonlocal pending, n_pending
        if not pending:
            return
        path = f"{job.out_prefix}-{len(written):04d}.parquet"
        pq.write_table(pa.concat_tables(pending), path, compression="zstd", row_group_size=ROW_GROUP_ROWS)
        written.append(path)
        pending, n_pending = [], 0

    for path in job.files:
        with ipc.open_file(path) as reader:
            for i in range(reader.num_record_batches):
                batch = reader.get_record_batch(i)
                if pos_sorted is not None and ver_sorted is not None:
                    pos = batch.column("__pos").to_numpy()
                    idx = np.minimum(np.searchsorted(pos_sorted, pos), max(len(pos_sorted) - 1, 0))
                    hit = (pos_sorted[idx] == pos) if len(pos_sorted) else np.zeros(len(pos), dtype=bool)
                    if not hit.any():
                        continue
                    batch = batch.filter(pa.array(hit))
                    version = np.asarray(ver_sorted[idx[hit]], dtype=np.int32)
                else:
                    version = np.ones(batch.num_rows, dtype=np.int32)
                pending.append(_canonical(batch, schema, version, job.batch_id))
                n_pending += batch.num_rows
                if n_pending >= STORE_PART_ROWS:
                    flush()
    flush()
    # the group's scratch is spent: free the disk now rather than at the end of the batch
    for path in job.files:
        Path(path).unlink()
    if job.versions is not None:
        del pos_sorted, ver_sorted  # release the memory maps before removing their files
        for suffix in (".pos.npy", ".ver.npy"):
            Path(job.versions + suffix).unlink()
    return written


def _canonical(batch: pa.RecordBatch, schema: pa.Schema, version: np.ndarray, batch_id: str) -> pa.Table:
    """A scratch batch as a table of the record type's canonical schema."""
    n = batch.num_rows
    names = set(batch.schema.names)
    cols: list[pa.Array] = []
    for f in schema:
        if f.name == "version":
            cols.append(pa.array(version, type=pa.int32()))
        elif f.name == "batch_id":
            cols.append(pa.array(np.full(n, batch_id, dtype=object), type=pa.string()))
        elif f.name in names:
            cols.append(batch.column(f.name).cast(f.type))
        else:
            cols.append(pa.nulls(n, type=f.type))
    return pa.Table.from_arrays(cols, schema=schema)

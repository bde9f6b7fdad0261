"""The ingestion run: read → convert → quarantine → stage → dedupe and version → store.

Every input row ends in exactly one of four places, and the run proves it with a
reconciliation (``read = accepted + filtered + quarantined + duplicates + erased``, per file, and
``read + skipped = physical`` against an independent count of the file's lines, see
:mod:`firmscore.ingest.reconcile`):

* **quarantined**: unreadable, or a field failed conversion or a domain rule
  (``datamodel/rules.py``); stored with file, line, field and reason in the data home's quarantine
  table (a field with ``on_error: null`` is dropped instead, and counted);
* **filtered**: no output of the mapping takes the row (its ``only_if`` rules): not an error;
* **duplicate**: every record it maps to already exists with the same content (same source,
  source record id and content hash), in the store or earlier in the same run;
* **accepted**: at least one of its records is new, or a new version of a known record (same
  source record id, different content: the old version is kept).

Converted rows are staged as Parquet, then deduplicated and versioned in DuckDB against the
keys already stored, so memory stays bounded however large the input is.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import secrets as pysecrets
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from firmscore.datamodel import (
    EnterpriseType,
    EventType,
    RecordType,
    RegistryStatus,
    RelationType,
    SubjectType,
    schema_for,
)
from firmscore.datamodel.pii import FieldCipher, PersonIdHasher
from firmscore.i18n import t
from firmscore.ingest.convert import Crypto, FieldResult, convert_field
from firmscore.ingest.finalize import Deduplicator, bucket_groups, write_output
from firmscore.ingest.mapping import Mapping, MappingError, OutputSpec
from firmscore.ingest.one_sided import FACT_OUTPUT, one_sided_facts
from firmscore.ingest.one_sided import one_sided_rows as _one_sided
from firmscore.ingest.pieces import Piece, cut
from firmscore.ingest.readers import count_physical, excerpt, read_chunks
from firmscore.ingest.reconcile import FileCounts, Tally
from firmscore.ingest.rules import check_domain
from firmscore.ingest.sources import Plan
from firmscore.ingest.staging import ScratchWriter, positions
from firmscore.ledger import EvidenceLedger, PreparedLeaves, erased_in_home, prepare_leaves
from firmscore.store.batches import QUARANTINE, PendingBatch, begin_batch
from firmscore.store.home import DataHome
from firmscore.store.lock import holds_writer_lock
from firmscore.store.quarantine import write_quarantine

#: ``progress(phase, advance, total)``: phases "read" (rows; total unknown), "dedupe" (staged rows)
#: and "ledger" (new records); ``advance`` 0 announces a phase with its total.
ProgressFn = Callable[[str, int, int | None], None]


@dataclass
class FileReport:
    """Reconciliation of one input file (see :mod:`firmscore.ingest.reconcile`)."""

    file: str
    mapping: str
    read: int = 0
    accepted: int = 0
    filtered: int = 0
    quarantined: int = 0
    duplicates: int = 0
    erased: int = 0  # rows of records erased earlier (a tombstone in the ledger): not stored again
    physical: int = 0  # lines (text) or rows (Parquet) counted from the file itself
    skipped: int = 0  # header, blank and continuation lines
    reasons: Tally = field(default_factory=Tally)  # quarantine reasons by field
    nulled: Tally = field(default_factory=Tally)  # values dropped under on_error: null, by field

    @property
    def unaccounted(self) -> int:
        """Physical lines the readers did not account for (0 when reconciled)."""
        return self.physical - self.read - self.skipped

    @property
    def reconciled(self) -> bool:
        outcomes = self.accepted + self.filtered + self.quarantined + self.duplicates + self.erased
        return self.read == outcomes and not self.unaccounted

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "mapping": self.mapping, "read": self.read, "accepted": self.accepted,
            "filtered": self.filtered, "quarantined": self.quarantined, "duplicates": self.duplicates,
            "erased": self.erased,
            "physical": self.physical, "skipped": self.skipped, "reconciled": self.reconciled,
            "nulled": self.nulled.total(), "quarantine_reasons": self.reasons.as_list(),
            "nulled_fields": self.nulled.as_list(),
        }


@dataclass
class IngestReport:
    """What one ingestion batch did."""

    batch_id: str
    source: str
    files: list[FileReport] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    new_records: dict[str, int] = field(default_factory=dict)
    new_versions: dict[str, int] = field(default_factory=dict)
    leaves: dict[str, int] = field(default_factory=dict)  # record type → leaves appended to the ledger
    checkpoint: str | None = None  # signed checkpoint note after the batch
    elapsed_s: float = 0.0

    def total(self, name: str) -> int:
        return int(sum(getattr(f, name) for f in self.files))

    @property
    def reconciled(self) -> bool:
        return all(f.reconciled for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "source": self.source,
            "read": self.total("read"),
            "accepted": self.total("accepted"),
            "filtered": self.total("filtered"),
            "quarantined": self.total("quarantined"),
            "duplicates": self.total("duplicates"),
            "erased": self.total("erased"),
            "reconciled": self.reconciled,
            "new_records": self.new_records,
            "new_versions": self.new_versions,
            "nulled": int(sum(f.nulled.total() for f in self.files)),
            "files": [f.as_dict() for f in self.files],
            "unmatched": self.unmatched,
            "ledger_leaves": self.leaves,
            "checkpoint": self.checkpoint,
            "elapsed_s": round(self.elapsed_s, 3),
        }


def new_batch_id() -> str:
    """Sortable, unique batch id: UTC time plus randomness."""
    return datetime.now(UTC).strftime("b%Y%m%dT%H%M%S%f") + "-" + pysecrets.token_hex(3)


def _arrow_column(values: pd.Series | None, typ: pa.DataType, n: int) -> pa.Array:
    if values is None:
        return pa.nulls(n, type=typ)
    if pa.types.is_date32(typ):
        v = pd.to_datetime(values, errors="coerce")
        if getattr(v.dt, "tz", None) is not None:
            v = v.dt.tz_convert("UTC").dt.tz_localize(None)
        return pa.array(v.astype("datetime64[us]"), type=pa.timestamp("us")).cast(pa.date32())
    if pa.types.is_timestamp(typ):
        v = pd.to_datetime(values, errors="coerce", utc=True)
        return pa.array(v, type=typ)
    if pa.types.is_binary(typ):
        return pa.array(values.astype(object).where(values.notna(), None).tolist(), type=typ)
    if pa.types.is_string(typ):
        # pandas' string dtype is Arrow-backed: hand the array over without a detour through objects
        return pa.array(values.astype("string"), type=typ, from_pandas=True)
    if pa.types.is_integer(typ):
        num = pd.to_numeric(values, errors="coerce")
        return pa.array(num.astype("Int64"), type=pa.int64()).cast(typ)
    if pa.types.is_floating(typ):
        return pa.array(pd.to_numeric(values, errors="coerce").astype("float64"), type=typ, from_pandas=True)
    return pa.array(values, type=typ)


@dataclass
class _Block:
    """Rows gathered from one or more files of the same mapping, converted together."""

    frames: list[pd.DataFrame] = field(default_factory=list)
    lines: list[np.ndarray] = field(default_factory=list)
    file_ids: list[np.ndarray] = field(default_factory=list)
    rows: int = 0

    def add(self, frame: pd.DataFrame, lines: list[int], file_id: int) -> None:
        if len(frame):
            self.frames.append(frame)
            self.lines.append(np.asarray(lines, dtype=np.int64))
            self.file_ids.append(np.full(len(frame), file_id, dtype=np.int32))
            self.rows += len(frame)


class _Run:
    """State of one batch: staging folder, reports, quarantine writer."""

    def __init__(self, home: DataHome, batch_id: str, crypto: Crypto, now: datetime, prefix: int = 0) -> None:
        self.home = home
        self.batch_id = batch_id
        self.crypto = crypto
        self.now = now
        self.stage = home.root / ".staging" / batch_id
        self.stage.mkdir(parents=True, exist_ok=True)
        self.q_rows: list[dict[str, Any]] = []
        self.q_part = 0
        self.counts: dict[int, FileCounts] = {}  # this task's counts per file id (see _convert_task)
        self.prefix = prefix  # names this converter's scratch files apart from other workers'
        self.scratch = ScratchWriter(self.stage, prefix)

    def file_counts(self, file_id: int) -> FileCounts:
        return self.counts.setdefault(file_id, FileCounts())

    # ------------------------------------------------------------ quarantine
    def quarantine(
        self, file_id: int, file: str, source: str, line: int, fld: str, reason: str, raw: str | None
    ) -> None:
        """The one writer of quarantined rows (``raw``: the line's text, or its fields as JSON)."""
        self.q_rows.append(
            {"batch_id": self.batch_id, "source": source, "file": file, "line": line, "field": fld,
             "reason": reason, "raw": raw}
        )
        self.file_counts(file_id).quarantined += 1
        if len(self.q_rows) >= 100_000:
            self.flush_quarantine()

    def flush_quarantine(self) -> None:
        """Stage quarantined rows (raw content sealed); they join the home's quarantine when the batch commits."""
        if self.q_rows:
            d = self.stage / "_quarantine"
            d.mkdir(parents=True, exist_ok=True)
            write_quarantine(d / f"{self.prefix:05d}-{self.q_part:05d}.parquet", self.q_rows, self.crypto.cipher)
            self.q_part += 1
            self.q_rows = []

    def quarantine_parts(self) -> list[tuple[str, Path, Path]]:
        """The staged quarantine files and where they go in the home when the batch commits."""
        return [(QUARANTINE, path, self.home.quarantine_dir / f"{self.batch_id}-{k:05d}.parquet")
                for k, path in enumerate(sorted((self.stage / "_quarantine").glob("*.parquet")))]

    # ------------------------------------------------------------ conversion
    def convert_block(self, block: _Block, mapping: Mapping, file_names: list[str]) -> None:
        """Convert a block of rows (possibly from several small files of one mapping) at once."""
        frame = pd.concat(block.frames, ignore_index=True) if len(block.frames) > 1 else block.frames[0]
        n = len(frame)
        if n == 0:
            return
        frame = frame.reset_index(drop=True)
        lines = np.concatenate(block.lines).astype(np.int64)
        file_ids = np.concatenate(block.file_ids).astype(np.int32)
        row_bad = np.zeros(n, dtype=bool)
        failures: dict[int, list[tuple[str, str, str]]] = {}  # row → (field, reason, code), only rows that fail
        nulled: list[tuple[str, np.ndarray, pd.Series]] = []  # (field, rows, codes) dropped under on_error: null
        produced = np.zeros(n, dtype=bool)
        staged: list[tuple[OutputSpec, np.ndarray, dict[str, FieldResult]]] = []
        for out in mapping.outputs:
            take = _only_if(out, frame)
            results: dict[str, FieldResult] = {}
            context: dict[str, pd.Series] = {}
            ordered = sorted(out.fields.values(), key=lambda s: s.person_if is not None)
            for spec in ordered:
                res = convert_field(spec, frame, self.crypto, context)
                _check_vocabulary(spec.target, res)
                results[spec.target] = res
                context[spec.target] = res.values
            check_domain(out.record_type, results, self.now, mapping.future_tolerance_days)
            one_sided = _one_sided(out, results) & take
            for spec in ordered:
                res = results[spec.target]
                hit = res.bad & take
                if not hit.any():
                    continue
                name = spec.column or spec.target
                if spec.on_error == "null" and not spec.required:
                    _drop_values(res, hit)
                    nulled.append((name, hit, res.codes))
                    continue
                for i in np.flatnonzero(hit).tolist():
                    failures.setdefault(i, []).append(
                        (name, f"{spec.target}: {res.reasons.iat[i]}", str(res.codes.iat[i])))
                row_bad |= hit
            produced |= take
            staged.append((out, take & ~one_sided, results))
            if one_sided.any():
                staged.append((FACT_OUTPUT, one_sided, one_sided_facts(results)))
        filtered = ~produced & ~row_bad
        if filtered.any():
            for fid, k in zip(*np.unique(file_ids[filtered], return_counts=True), strict=True):
                self.file_counts(int(fid)).filtered += int(k)
        if row_bad.any():
            bad_rows = np.flatnonzero(row_bad)
            raw_records = frame.iloc[bad_rows].astype(str).to_dict("records")
            for k, i in enumerate(bad_rows.tolist()):
                fid = int(file_ids[i])
                fails = failures[i]
                for name, _, code in fails:
                    self.file_counts(fid).reasons.add(name, code, int(lines[i]))
                raw = excerpt(json.dumps(raw_records[k], ensure_ascii=False))
                self.quarantine(fid, file_names[fid], mapping.source, int(lines[i]), ";".join(f[0] for f in fails),
                                " | ".join(f[1] for f in fails), raw)
        good = ~row_bad
        for name, hit, codes in nulled:
            kept = np.flatnonzero(hit & good)
            for i in kept.tolist():
                self.file_counts(int(file_ids[i])).nulled.add(name, str(codes.iat[i]), int(lines[i]))
        for out_index, (out, take, results) in enumerate(staged):
            keep = good & take
            if not keep.any():
                continue
            self._stage(out, results, keep, lines, file_ids, mapping.source, out_index)  # < 16 outputs (positions)

    def _stage(self, out: OutputSpec, results: dict[str, FieldResult], keep: np.ndarray, lines: np.ndarray,
               file_ids: np.ndarray, source: str, out_index: int) -> None:
        rt = out.record_type
        schema = schema_for(rt)
        n = int(keep.sum())
        cols: dict[str, pa.Array] = {}
        for f in schema:
            if f.name in {"record_id", "content_hash", "version", "batch_id"}:
                continue
            if f.name == "source":
                cols[f.name] = pa.array([source] * n, type=pa.string())
                continue
            res = results.get(f.name)
            vals = res.values[keep].reset_index(drop=True) if res is not None else None
            if f.name == "observed_at" and vals is None:
                cols[f.name] = pa.array([self.now] * n, type=f.type)
                continue
            cols[f.name] = _arrow_column(vals, f.type, n)
            if res is not None and res.hash_shadow is not None:
                cols[f"__h_{f.name}"] = pa.array(res.hash_shadow[keep].astype(object).tolist(), type=pa.string())
        cols["__pos"] = pa.array(positions(file_ids[keep], out_index, lines[keep]))
        self.scratch.add(rt, out_index, pa.table(cols))


#: Canonical columns whose values must come from a closed vocabulary.
VOCABULARIES: dict[str, frozenset[str]] = {
    "event_type": frozenset(e.value for e in EventType),
    "relation_type": frozenset(r.value for r in RelationType),
    "subject_type": frozenset(s.value for s in SubjectType),
    "src_type": frozenset(s.value for s in SubjectType),
    "dst_type": frozenset(s.value for s in SubjectType),
    "enterprise_type": frozenset(e.value for e in EnterpriseType),
    "status": frozenset(s.value for s in RegistryStatus),
}


def _check_vocabulary(target: str, res: FieldResult) -> None:
    """Reject values of enumerated canonical columns that the data model does not know."""
    vocab = VOCABULARIES.get(target)
    if vocab is None:
        return
    vals = res.values.astype("string")
    unknown = (vals.notna() & ~vals.isin(vocab)).to_numpy(dtype=bool) & ~res.bad
    for i in np.flatnonzero(unknown).tolist():
        res.reasons.iat[i] = t("reason.bad_code", value=vals.iat[i])
    res.bad |= unknown


def _drop_values(res: FieldResult, rows: np.ndarray) -> None:
    """``on_error: null``: the field's failing values become missing (the rows stay)."""
    mask = pd.Series(rows, index=res.values.index)
    res.values = res.values.mask(mask)
    if res.hash_shadow is not None:
        res.hash_shadow = res.hash_shadow.mask(mask)
    res.bad = res.bad & ~rows


def _only_if(out: OutputSpec, frame: pd.DataFrame) -> np.ndarray:
    if not out.only_if:
        return np.ones(len(frame), dtype=bool)
    col = frame[str(out.only_if["column"])].astype("string").str.strip()
    if "in" in out.only_if:
        return col.isin([str(v) for v in out.only_if["in"]]).fillna(False).to_numpy(dtype=bool)
    if "not_in" in out.only_if:
        return (~col.isin([str(v) for v in out.only_if["not_in"]])).fillna(True).to_numpy(dtype=bool)
    raise MappingError("only_if needs 'in' or 'not_in'")


@holds_writer_lock("ingest")
def ingest(
    home: DataHome,
    plan: Plan,
    source: str,
    *,
    progress: ProgressFn | None = None,
    on_store: Callable[[RecordType, pa.Table], Any] | None = None,
    batch_id: str | None = None,
    chunk_rows: int = 200_000,
    memory_limit: str = "4GB",
    workers: int | None = None,
    ledger: EvidenceLedger | None = None,
) -> IngestReport:
    """Ingest the planned files into ``home`` as one batch and return its reconciliation.

    With a ``ledger``, every new record becomes one of its leaves before it is stored (see
    :func:`_commit`). ``on_store`` is called with every table of new records as it is stored.
    With ``workers`` > 1 and more than ``PARALLEL_MIN_BYTES`` of input, files are read and
    converted, new records written and their leaves prepared in that many worker processes
    (``spawn``: a calling script needs the usual ``if __name__ == "__main__":`` guard); the result
    is the same as with one. Unusable input (a mapping that names columns the file lacks) raises
    :class:`MappingError`; bad rows never raise.
    """
    started = time.perf_counter()
    workers = workers if workers else 1
    batch_id = batch_id or new_batch_id()
    keys = home.secrets()
    crypto = Crypto(PersonIdHasher(keys.hmac_key), FieldCipher(keys.data_key))
    now = datetime.now(UTC)
    run = _Run(home, batch_id, crypto, now)
    report = IngestReport(batch_id=batch_id, source=source, unmatched=[str(p) for p in plan.unmatched])
    batch: PendingBatch | None = None
    committed = False
    try:
        file_names = [str(pf.path) for pf in plan.files]
        report.files.extend(FileReport(file=str(pf.path), mapping=pf.mapping.name) for pf in plan.files)
        tasks = _tasks(plan)
        keys_ = (keys.hmac_key, keys.data_key)
        use_workers = workers > 1 and len(tasks) > 1 and _input_bytes(plan) >= PARALLEL_MIN_BYTES
        staged: dict[str, int] = {}
        with contextlib.ExitStack() as stack:
            pool: ProcessPoolExecutor | None = None
            if use_workers:
                ctx = multiprocessing.get_context("spawn")
                pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, mp_context=ctx))
                futures = [
                    pool.submit(_convert_task, home.root, batch_id, keys_, now, k + 1, plan, pieces, file_names,
                                chunk_rows)
                    for k, pieces in enumerate(tasks)
                ]
                for fut in futures:
                    _merge(report, fut.result(), progress, staged)
            else:
                for k, pieces in enumerate(tasks):
                    res = _convert_task(home.root, batch_id, keys_, now, k + 1, plan, pieces, file_names,
                                        chunk_rows, run)
                    _merge(report, res, progress, staged)
            run.flush_quarantine()
            erased = ledger.storage.erased_record_ids() if ledger is not None else erased_in_home(home)
            _deduplicate(run, report, plan, staged, pool, workers if use_workers else 1, memory_limit, progress,
                         erased)
            batch = _commit(run, report, on_store, ledger, pool, workers, progress)
        report.elapsed_s = time.perf_counter() - started
        batch.commit(report.as_dict())
        committed = True
    finally:
        # a batch that failed once pending keeps its staging: the next writer's recovery completes it
        if batch is None or committed:
            shutil.rmtree(run.stage, ignore_errors=True)
    home.refresh_catalog()
    return report


def _deduplicate(run: _Run, report: IngestReport, plan: Plan, staged: dict[str, int],
                 pool: ProcessPoolExecutor | None, workers: int, memory_limit: str,
                 progress: ProgressFn | None = None, erased: set[str] | frozenset[str] = frozenset()) -> None:
    """Dedupe and version every record type's staged rows; write the new records (in the pool if any).

    The main process dedupes bucket group after bucket group while the workers write the groups
    already done, so the two overlap.
    """
    multi = {i for i, pf in enumerate(plan.files) if len(pf.mapping.outputs) > 1}
    dedup = Deduplicator(run.home, run.stage, run.batch_id, multi, memory_limit, erased)
    writes: list[Future[list[str]]] = []
    total = sum(staged.values())
    if progress:
        progress("dedupe", 0, total)
    try:
        for rt in RecordType:
            rt_dir = run.stage / rt.value
            if not rt_dir.exists():
                continue
            n_new = n_ver = 0
            for files in bucket_groups(rt_dir, staged, workers):
                job, new, ver = dedup.group(rt, files)
                n_new += new
                n_ver += ver
                if progress:
                    progress("dedupe", sum(staged.get(f, 0) for f in files), total)
                if pool is not None:
                    writes.append(pool.submit(write_output, job))
                else:
                    write_output(job)
            report.new_records[rt.value] = n_new
            report.new_versions[rt.value] = n_ver
        for w in writes:
            w.result()
        for fid, (acc, dup, era) in dedup.line_counts().items():
            report.files[fid].accepted = acc
            report.files[fid].duplicates = dup
            report.files[fid].erased = era
    finally:
        dedup.close()


PARALLEL_MIN_BYTES = 64 * 1024 * 1024  # below this, worker start-up costs more than it saves
TASK_BYTES = 32 * 1024 * 1024  # consecutive small files of one mapping are converted together


def _input_bytes(plan: Plan) -> int:
    return sum(pf.path.stat().st_size for pf in plan.files)


def _tasks(plan: Plan) -> list[list[Piece]]:
    """Runs of consecutive small files of one mapping, about ``TASK_BYTES`` each; large files cut in pieces.

    The tasks depend only on the files (not on the number of workers), so every worker count
    stores the same records in the same order.
    """
    tasks: list[list[Piece]] = []
    current: list[Piece] = []
    size = 0
    for i, pf in enumerate(plan.files):
        n = pf.path.stat().st_size
        pieces = cut(pf.path, pf.mapping.format, i, TASK_BYTES, multiline=bool(pf.mapping.multiline_columns()))
        if current and (len(pieces) > 1 or plan.files[current[0].file_id].mapping is not pf.mapping
                        or size + n > TASK_BYTES):
            tasks.append(current)
            current, size = [], 0
        if len(pieces) > 1:
            tasks.extend([p] for p in pieces)
            continue
        current.append(pieces[0])
        size += n
    if current:
        tasks.append(current)
    return tasks


@dataclass
class _TaskResult:
    """What converting some files produced: counts per file, rows per scratch file."""

    counts: dict[int, FileCounts]
    staged: dict[str, int]  # scratch file → rows


def _convert_task(
    root: Path, batch_id: str, keys: tuple[bytes, bytes], now: datetime, prefix: int, plan: Plan,
    pieces: list[Piece], file_names: list[str], chunk_rows: int, run: _Run | None = None,
) -> _TaskResult:
    """Read, convert and stage some files or pieces of files (in this process or a worker).

    Scratch files carry ``prefix``.
    """
    if run is None:
        crypto = Crypto(PersonIdHasher(keys[0]), FieldCipher(keys[1]))
        run = _Run(DataHome(root), batch_id, crypto, now)
    run.counts = {}
    run.prefix = prefix
    run.scratch = ScratchWriter(run.stage, prefix)
    block, block_mapping = _Block(), None
    for piece in pieces:
        file_id = piece.file_id
        pf = plan.files[file_id]
        m = pf.mapping
        if block_mapping is not None and m is not block_mapping and block.rows:
            run.convert_block(block, block_mapping, file_names)
            block = _Block()
        block_mapping = m
        counts = run.file_counts(file_id)
        first = True
        for chunk in read_chunks(pf.path, m.format, m.encoding, m.delimiter, chunk_rows, piece,
                                 m.multiline_columns()):
            chunk.frame.columns = [str(c) for c in chunk.frame.columns]
            if first and len(chunk.frame.columns):
                missing = m.required_source_columns() - set(chunk.frame.columns)
                if missing:
                    raise MappingError(
                        f"{pf.path}: mapping {m.name!r} needs columns {sorted(missing)} that the file lacks "
                        f"(it has {list(chunk.frame.columns)})"
                    )
                first = False
            if m.drop_columns:
                chunk.frame = chunk.frame.drop(columns=[c for c in m.drop_columns if c in chunk.frame.columns])
            counts.read += chunk.n_read
            counts.skipped += chunk.skipped
            for err in chunk.errors:
                counts.reasons.add(err.field, err.code, err.line)
                run.quarantine(file_id, str(pf.path), m.source, err.line, err.field, err.reason, err.raw)
            block.add(chunk.frame, chunk.lines, file_id)
            if block.rows >= chunk_rows:
                run.convert_block(block, m, file_names)
                block = _Block()
        counts.physical += count_physical(pf.path, m.format, piece)  # the oracle: without the reader
    if block.rows and block_mapping is not None:
        run.convert_block(block, block_mapping, file_names)
    staged = run.scratch.close()
    run.flush_quarantine()
    return _TaskResult(run.counts, staged)


def _merge(report: IngestReport, res: _TaskResult, progress: ProgressFn | None, staged: dict[str, int]) -> None:
    """Fold a task's counts into the batch's reconciliation."""
    staged.update(res.staged)
    for fid, c in res.counts.items():
        fr = report.files[fid]
        fr.read += c.read
        fr.physical += c.physical
        fr.skipped += c.skipped
        fr.filtered += c.filtered
        fr.quarantined += c.quarantined
        fr.reasons.merge(c.reasons)
        fr.nulled.merge(c.nulled)
        if progress:
            progress("read", c.read, None)


def _commit(run: _Run, report: IngestReport, on_store: Callable[[RecordType, pa.Table], Any] | None,
            ledger: EvidenceLedger | None, pool: ProcessPoolExecutor | None, workers: int,
            progress: ProgressFn | None = None) -> PendingBatch:
    """Log the batch as pending, its new records in the ledger (and hand them to ``on_store``), then move them.

    Nothing of a batch reaches the home before every record type has been deduplicated and the
    batch is logged pending (:mod:`firmscore.store.batches`): a kill before that leaves the home
    and the ledger as they were; a kill after it is completed by recovery on the next start. The
    ledger sees the records first: a record in the store is then always provable. Leaves are
    encoded and sealed by the workers, a few row groups ahead, and appended here in stored order.
    """
    parts: list[tuple[RecordType, Path]] = []
    for rt in RecordType:
        src = run.stage / "_out" / rt.value
        if src.exists():
            parts.extend((rt, path) for path in sorted(src.glob("*.parquet")))
    moves = [(rt.value, path, run.home.table_dir(rt) / path.name) for rt, path in parts]
    batch = begin_batch(run.home, run.batch_id, moves + run.quarantine_parts(), ledger=ledger is not None,
                        summary=report.as_dict())
    if ledger is not None:
        metas = [pq.ParquetFile(path).metadata for _, path in parts]
        slices = [(rt, str(path), g)
                  for (rt, path), m in zip(parts, metas, strict=True) for g in range(m.num_row_groups)]
        total = sum(m.num_rows for m in metas)
        if progress:
            progress("ledger", 0, total)
        first_load = ledger.size == 0  # then no record id of the batch can be logged yet: skip the look-ups
        for (rt, _, _), prepared in zip(slices, _prepared_in_order(slices, pool, workers + 2), strict=True):
            ledger.append_prepared(prepared, assume_new=first_load)
            report.leaves[rt.value] = report.leaves.get(rt.value, 0) + prepared.table.num_rows
            if progress:
                progress("ledger", prepared.table.num_rows, total)
        batch.logged()
    if on_store is not None:
        for rt, path in parts:
            on_store(rt, pq.read_table(path))
    batch.move()
    return batch


def _prepare_slice(rt: RecordType, path: str, row_group: int) -> PreparedLeaves:
    """Leaves of one row group of a new part (runs in a worker)."""
    return prepare_leaves(rt.value, pq.ParquetFile(path).read_row_group(row_group))


def _prepared_in_order(slices: list[tuple[RecordType, str, int]], pool: ProcessPoolExecutor | None,
                       window: int) -> Iterator[PreparedLeaves]:
    """Prepared leaves of each slice, in order; with a pool, at most ``window`` slices in flight (bounded memory)."""
    if pool is None:
        for rt, path, g in slices:
            yield _prepare_slice(rt, path, g)
        return
    pending: deque[Future[PreparedLeaves]] = deque()
    todo = iter(slices)
    for rt, path, g in itertools.islice(todo, window):
        pending.append(pool.submit(_prepare_slice, rt, path, g))
    while pending:
        fut = pending.popleft()
        nxt = next(todo, None)
        if nxt is not None:
            pending.append(pool.submit(_prepare_slice, *nxt))
        yield fut.result()

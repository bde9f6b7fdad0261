"""``generate``: stream a synthetic universe to Parquet, block by block, with flat memory."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from firmscore.synth.assemble import MAX_ENTERPRISES, RECORD_TYPES, generate_block
from firmscore.synth.config import BLOCK_SIZE, GENERATOR_VERSION, SynthConfig
from firmscore.synth.schema import output_schema, truth_schema

#: columns with few distinct values: dictionary-encoded in Parquet
_DICTIONARY_COLUMNS = ["event_type", "subject_type", "code", "relation_type", "src_type", "dst_type", "source",
                       "industry", "region", "enterprise_type", "status", "grantee", "purpose", "scope"]


@dataclass
class SynthSummary:
    """What :func:`generate` wrote: counts per record type, event type and relation type, and timing."""

    out_dir: Path
    n_enterprises: int
    seed: int
    as_of: date
    horizon_months: int
    records: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    defaults: int = 0
    active: int = 0
    elapsed_seconds: float = 0.0
    files: int = 0

    @property
    def default_rate(self) -> float:
        """Share of firms in business at the as-of date that default within the horizon."""
        return self.defaults / self.active if self.active else 0.0

    @property
    def enterprises_per_second(self) -> float:
        return self.n_enterprises / self.elapsed_seconds if self.elapsed_seconds else 0.0

    @property
    def events_per_second(self) -> float:
        return self.records.get("event", 0) / self.elapsed_seconds if self.elapsed_seconds else 0.0

    def manifest(self) -> dict[str, object]:
        return {
            "generator_version": GENERATOR_VERSION,
            "seed": self.seed,
            "n_enterprises": self.n_enterprises,
            "as_of": self.as_of.isoformat(),
            "horizon_months": self.horizon_months,
            "block_size": BLOCK_SIZE,
            "records": dict(sorted(self.records.items())),
            "events": dict(sorted(self.events.items())),
            "relations": dict(sorted(self.relations.items())),
            "active_at_as_of": self.active,
            "defaults_12m": self.defaults,
            "default_rate": round(self.default_rate, 6),
            "files": self.files,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
        }


class _PartWriters:
    """One Parquet writer per record type for the current part file."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.files = 0

    def write(self, part: int, record_type: str, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        schema = output_schema(record_type)
        writer = self.writers.get(record_type)
        if writer is None:
            path = self.out_dir / record_type / f"part-{part:05d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            dictionary = [c for c in _DICTIONARY_COLUMNS if c in schema.names]
            writer = pq.ParquetWriter(path, schema, compression="snappy", use_dictionary=dictionary)
            self.writers[record_type] = writer
            self.files += 1
        writer.write_table(table.select(schema.names).cast(schema))

    def close(self) -> None:
        for w in self.writers.values():
            w.close()
        self.writers = {}


def generate(
    out_dir: str | Path,
    n_enterprises: int,
    seed: int,
    as_of: date = date(2025, 6, 30),
    horizon_months: int = 12,
    chunk_size: int = 16 * BLOCK_SIZE,
    progress: bool = True,
) -> SynthSummary:
    """Generate a synthetic SME universe of ``n_enterprises`` firms into ``out_dir``.

    Parameters
    ----------
    out_dir : path
        Target folder; ``<record_type>/part-NNNNN.parquet``, ``truth/enterprise_truth.parquet`` and
        ``manifest.json`` are written there (existing part files are replaced).
    n_enterprises, seed, as_of, horizon_months
        See :class:`~firmscore.synth.config.SynthConfig`.
    chunk_size : int
        Firms per part file, rounded up to whole blocks of :data:`BLOCK_SIZE`. Only the file
        split depends on it: the concatenated content is the same for every chunk size.
    progress : bool
        Show a rich progress bar.

    Returns
    -------
    SynthSummary
        Counts per record type, event type and relation type, default rate and elapsed seconds.
    """
    if n_enterprises < 1:
        raise ValueError("n_enterprises must be at least 1")
    if n_enterprises > MAX_ENTERPRISES:
        raise ValueError(f"n_enterprises must be at most {MAX_ENTERPRISES:,} (identifier space)")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    if horizon_months < 3:
        raise ValueError("horizon_months must be at least 3")
    cfg = SynthConfig(n_enterprises=n_enterprises, seed=seed, as_of=as_of, horizon_months=horizon_months)
    out = Path(out_dir)
    for rt in (*RECORD_TYPES, "truth"):
        for old in (out / rt).glob("*.parquet"):
            old.unlink()
    out.mkdir(parents=True, exist_ok=True)
    blocks_per_part = max(1, -(-chunk_size // BLOCK_SIZE))
    summary = SynthSummary(out_dir=out, n_enterprises=n_enterprises, seed=seed, as_of=as_of,
                           horizon_months=horizon_months)
    started = time.perf_counter()
    (out / "truth").mkdir(exist_ok=True)
    truth_writer = pq.ParquetWriter(out / "truth" / "enterprise_truth.parquet", truth_schema(), compression="snappy")
    writers = _PartWriters(out)
    bar = Progress(TextColumn("[bold]synth[/bold] 合成企业 / enterprises"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TimeRemainingColumn(), disable=not progress)
    try:
        with bar:
            task = bar.add_task("synth", total=n_enterprises)
            for block in range(cfg.n_blocks):
                part = block // blocks_per_part
                if block % blocks_per_part == 0:
                    writers.close()
                bt = generate_block(cfg, block)
                for rt, table in bt.tables.items():
                    writers.write(part, rt, table)
                    summary.records[rt] = summary.records.get(rt, 0) + table.num_rows
                for k, v in bt.event_counts.items():
                    summary.events[k] = summary.events.get(k, 0) + v
                for k, v in bt.relation_counts.items():
                    summary.relations[k] = summary.relations.get(k, 0) + v
                truth_writer.write_table(bt.truth.cast(truth_schema()))
                active = bt.truth.column("active_at_as_of").to_numpy(zero_copy_only=False)
                summary.active += int(active.sum())
                summary.defaults += int(bt.truth.column("default_12m").to_numpy(zero_copy_only=False).sum())
                bar.advance(task, bt.truth.num_rows)
    finally:
        writers.close()
        truth_writer.close()
    summary.files = writers.files + 1
    summary.elapsed_seconds = time.perf_counter() - started
    (out / "manifest.json").write_text(json.dumps(summary.manifest(), indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    return summary

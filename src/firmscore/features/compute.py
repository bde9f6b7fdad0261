"""Compute the feature matrix as of a date and write it to the data home.

Steps: install the point-in-time prelude views, list the enterprises that exist on D, run one
query per block (all of a block's features at once), align the results on the enterprise ids,
fill "no row" with each feature's ``fill`` where its source exists, and leave NaN where the data
home has no source for it (coverage is then reported as 0 instead of inventing zeros).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from firmscore.datamodel.specials import NOT_AUTHORIZED, SPECIAL_CODES, SPECIAL_VALUES
from firmscore.engines import DuckDBEngine, Engine, open_engine
from firmscore.features.blocks import MATERIALIZED_HELPERS, event_family
from firmscore.features.catalog import all_features, catalog_version, external_groups
from firmscore.features.compile import block_query, event_type_filter, prelude_views
from firmscore.features.spec import FeatureSpec
from firmscore.store.atomic import atomic_dir, write_json, write_parquet
from firmscore.store.home import DataHome
from firmscore.store.lock import holds_writer_lock

#: progress(step label, steps done, steps total)
Progress = Callable[[str, int, int], None]


@dataclass
class SourceInventory:
    """Which sources the snapshot holds: decides between "0 / fill" and "missing (no source)"."""

    event_counts: dict[str, int]
    relation_types: set[str]
    record_counts: dict[str, int]

    @property
    def events(self) -> int:
        return sum(self.event_counts.values())

    def has_source(self, spec: FeatureSpec) -> bool:
        """True when the feature's primary source exists on D.

        The first listed event type is the primary one (the numerator of a ratio): a loan-to-sales
        ratio is "no source" where loans are not reported, even if invoices are.
        """
        if spec.event_types:
            return self.event_counts.get(spec.event_types[0], 0) > 0
        if spec.relation_types:
            return bool(set(spec.relation_types) & self.relation_types)
        return all(self.record_counts.get(rt, 0) > 0 for rt in spec.record_types if rt != "event")


@dataclass
class FeatureMatrix:
    """The matrix (``enterprise_id`` + one float64 column per feature) and its metadata."""

    as_of: dt.date
    table: pa.Table
    metadata: dict[str, Any] = field(default_factory=dict)


def install_prelude(engine: Engine, as_of: dt.date, materialize: bool = False) -> None:
    """Create the point-in-time snapshot and helper views for ``as_of`` on ``engine``.

    With ``materialize``, the small shared helpers (:data:`MATERIALIZED_HELPERS`) are computed
    once as temporary tables: worth it for a full matrix, not for a one-enterprise evidence query.
    """
    for name, sql in prelude_views(as_of):
        if materialize and name in MATERIALIZED_HELPERS:
            engine.materialize(name, sql)
        else:
            engine.create_view(name, sql)


def inventory(engine: Engine) -> SourceInventory:
    """Count what the installed snapshot holds (one pass over events, one over relations)."""
    ev = engine.query("SELECT event_type, count(*) AS n FROM pit_event GROUP BY event_type").to_pylist()
    rel = engine.query("SELECT DISTINCT relation_type FROM pit_relation").to_pylist()
    records: dict[str, int] = {}
    for rt in ("enterprise", "person", "authorization_grant"):
        row = engine.query(f"SELECT count(*) AS n FROM pit_{rt}").to_pylist()[0]
        records[rt] = int(row["n"])
    records["relation"] = len(rel)
    return SourceInventory(
        event_counts={str(r["event_type"]): int(r["n"]) for r in ev},
        relation_types={str(r["relation_type"]) for r in rel},
        record_counts=records,
    )


def _align(ids: pd.Index, result: pa.Table, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Values of ``column`` in the order of ``ids`` and a mask of ids that had a row."""
    keys = pd.Index(result.column("enterprise_id").to_pandas())
    pos = keys.get_indexer(ids)
    present = pos >= 0
    values = np.asarray(result.column(column).to_numpy(zero_copy_only=False), dtype=np.float64)
    out = np.full(len(ids), np.nan, dtype=np.float64)
    out[present] = values[pos[present]]
    return out, present


def _blocks(specs: Sequence[FeatureSpec]) -> dict[str, list[FeatureSpec]]:
    """Queries to run: one per block, the event block split by event family (``event:<family>``)."""
    grouped: dict[str, list[FeatureSpec]] = {}
    for spec in specs:
        if not spec.is_sql:
            continue
        key = spec.block
        if spec.block == "event" and spec.event_types:
            key = f"event:{event_family(spec.event_types[0])}"
        grouped.setdefault(key, []).append(spec)
    return grouped


def _block_sql(key: str, specs: Sequence[FeatureSpec], as_of: dt.date) -> str:
    block_name, _, family = key.partition(":")
    return block_query(block_name, specs, as_of, event_type_filter(specs) if family else None)


def regular_mask(values: np.ndarray) -> np.ndarray:
    """Values that are neither missing nor a declared special code (those are reported apart)."""
    return ~np.isnan(values) & ~np.isin(values, SPECIAL_CODES)


def value_coverage(values: np.ndarray) -> dict[str, Any]:
    """Fill rate, not-authorized count and distinct regular values of one feature column.

    One definition for the matrix metadata and the coverage report, so the two never disagree.
    """
    n = len(values)
    usable = regular_mask(values)
    return {
        "fill_rate": float(usable.sum() / n) if n else 0.0,
        "not_authorized": int((values == NOT_AUTHORIZED).sum()),
        "distinct": len(np.unique(values[usable])),
    }


def compute_features(
    source: DataHome | Engine,
    as_of: dt.date,
    features: Sequence[FeatureSpec] | None = None,
    progress: Progress | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> FeatureMatrix:
    """The feature matrix of every enterprise existing on ``as_of``, from records known on ``as_of``.

    Parameters
    ----------
    source : DataHome or Engine
        A data home (a :class:`DuckDBEngine` is opened with ``memory_limit``/``threads``) or an
        engine already bound to one.
    as_of : datetime.date
    features : sequence of FeatureSpec, optional
        Subset of the catalog (default: all, including registered graph features).
    progress : callable, optional
        Called as ``progress(label, done, total)`` after each step.
    """
    started = time.perf_counter()
    specs = list(features) if features is not None else all_features()
    blocks = _blocks(specs)
    groups = [g for g in external_groups() if any(s in specs for s in g.specs)]
    total = 2 + len(blocks) + len(groups)
    timings: dict[str, float] = {}

    def step(label: str, done: int, t0: float) -> None:
        timings[label] = round(time.perf_counter() - t0, 3)
        if progress is not None:
            progress(label, done, total)

    with open_engine(source, memory_limit, threads) as engine:
        t0 = time.perf_counter()
        install_prelude(engine, as_of, materialize=True)
        inv = inventory(engine)
        base = engine.query("SELECT enterprise_id, coalesce(registered_capital > 0, false) AS has_capital "
                            "FROM pit_base ORDER BY enterprise_id")
        ids = pd.Index(base.column("enterprise_id").to_pandas())
        has_capital = np.asarray(base.column("has_capital").to_numpy(zero_copy_only=False), dtype=bool)
        del base
        step("snapshot", 1, t0)
        coverage: dict[str, dict[str, Any]] = {}
        finished: dict[str, pa.Array] = {}

        def finish(spec: FeatureSpec, result: pa.Table) -> None:
            # finalise each column as soon as its block returns: no second full copy of the matrix
            values, present = _align(ids, result, spec.id)
            sourced = inv.has_source(spec) if spec.is_sql else True
            if not sourced:
                values = np.full(len(ids), np.nan)
            elif spec.fill is not None:
                fillable = ~present & has_capital if spec.fill_needs_capital else ~present
                values = np.where(fillable, spec.fill, values)
            coverage[spec.id] = {"source_present": sourced, **value_coverage(values)}
            finished[spec.id] = pa.array(values, type=pa.float64())

        for i, (block_name, block_specs) in enumerate(blocks.items(), start=2):
            t0 = time.perf_counter()
            result = engine.query(_block_sql(block_name, block_specs, as_of))
            for spec in block_specs:
                finish(spec, result)
            del result
            step(f"block:{block_name}", i, t0)
        done = 1 + len(blocks)
        for group in groups:
            t0 = time.perf_counter()
            if not isinstance(engine, DuckDBEngine):
                raise TypeError(f"{group.origin} features need a DuckDB connection")
            result = group.compute(engine.con, as_of)
            for spec in group.specs:
                if spec in specs:
                    finish(spec, result)
            done += 1
            step(f"external:{group.origin}", done, t0)

    t0 = time.perf_counter()
    table = pa.Table.from_arrays(
        [pa.array(ids.to_numpy(), type=pa.string()), *(finished[s.id] for s in specs)],
        names=["enterprise_id", *(s.id for s in specs)],
    )
    step("assemble", total, t0)
    elapsed = time.perf_counter() - started
    metadata = {
        "catalog_version": catalog_version(specs),
        "as_of": as_of.isoformat(),
        "rows": table.num_rows,
        "features": [s.id for s in specs],
        "events_in_snapshot": inv.events,
        "event_counts": inv.event_counts,
        "coverage": coverage,
        "special_values": {
            str(code): {"reason": reason, "zh": zh, "en": en} for code, (reason, zh, en) in SPECIAL_VALUES.items()
        },
        "timings_s": timings,
        "elapsed_s": round(elapsed, 3),
    }
    return FeatureMatrix(as_of=as_of, table=table, metadata=metadata)


def features_dir(home: DataHome, as_of: dt.date) -> Path:
    """``<home>/features/as_of=YYYY-MM-DD``."""
    return home.root / "features" / f"as_of={as_of.isoformat()}"


@holds_writer_lock("features")
def write_features(home: DataHome, matrix: FeatureMatrix) -> Path:
    """Write ``features.parquet`` and ``features.json`` (metadata); return the parquet path."""
    out = features_dir(home, matrix.as_of)
    with atomic_dir(out) as tmp:  # matrix and metadata are replaced together
        write_parquet(tmp / "features.parquet", matrix.table, compression="zstd")
        write_json(tmp / "features.json", matrix.metadata, indent=2)
    return out / "features.parquet"


def read_features(home: DataHome, as_of: dt.date) -> tuple[pa.Table, dict[str, Any]]:
    """The stored matrix and metadata of ``as_of``; ``FileNotFoundError`` names the missing file."""
    out = features_dir(home, as_of)
    path = out / "features.parquet"
    if not path.exists():
        raise FileNotFoundError(f"no feature matrix at {path} (run: firmscore features --as-of {as_of})")
    meta_path = out / "features.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return pq.read_table(path), meta

"""Compute the feature matrix as of a date and write it to the data home.

Steps: install the point-in-time prelude views, list the enterprises that exist on D, run one
query per block (all of a block's features at once), read the graph features' columns from the
graph stage's artifact (:mod:`firmscore.graph.artifact`), align the results on the enterprise ids,
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
from firmscore.features.catalog import all_features, catalog_version
from firmscore.features.compile import block_query, event_type_filter, graph_query, prelude_views
from firmscore.features.spec import FeatureSpec
from firmscore.graph.artifact import GraphArtifact, ensure_graph_artifact, read_graph_rows
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


def _only(sql: str, enterprise_ids: Sequence[str] | None) -> str:
    """``sql`` restricted to the requested firms *after* it ran on the whole snapshot (window features such as
    industry failure rates keep their full-population values; aggregate blocks get the filter pushed down)."""
    if enterprise_ids is None:
        return sql
    return f"SELECT * FROM (\n{sql}\n) AS full_rows WHERE enterprise_id IN (SELECT enterprise_id FROM {FIRM_FILTER})"


#: Name of the registered table of requested enterprise ids (``compute_features(..., enterprise_ids=...)``).
FIRM_FILTER = "requested_firms"


def compute_features(
    source: DataHome | Engine,
    as_of: dt.date,
    *,
    features: Sequence[FeatureSpec] | None = None,
    enterprise_ids: Sequence[str] | None = None,
    graph_artifact_id: str | None = None,
    build_graph: bool = True,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
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
        Subset of the catalog (default: all, the graph artifact's columns included).
    enterprise_ids : sequence of str, optional
        Only these firms' rows (those existing on ``as_of``), with exactly the values of the full
        matrix: every query runs on the whole snapshot and is filtered afterwards; graph columns
        are read from the artifact's row groups that hold the firms.
    graph_artifact_id : str, optional
        Read exactly this graph artifact (``verify-score`` passes the receipt's); a different,
        missing or altered one raises :class:`~firmscore.graph.artifact.GraphArtifactError`.
    build_graph : bool
        When no ``graph_artifact_id`` is pinned and the artifact of ``as_of`` is missing, or was built
        from other records than the home holds now, build it once with the graph stage's code (and the
        stale artifact's contagion model) — said through ``notice`` — instead of failing.
    progress : callable, optional
        Called as ``progress(label, done, total)`` after each step.
    notice : callable, optional
        Receives what the user must know (a graph artifact built or rebuilt, and why), bilingual.
    """
    started = time.perf_counter()
    specs = list(features) if features is not None else all_features()
    blocks = _blocks(specs)
    graph_specs = [s for s in specs if not s.is_sql]
    total = 2 + len(blocks) + bool(graph_specs)
    timings: dict[str, float] = {}
    artifact: GraphArtifact | None = None
    graph_home: DataHome | None = None

    def step(label: str, done: int, t0: float) -> None:
        timings[label] = round(time.perf_counter() - t0, 3)
        if progress is not None:
            progress(label, done, total)

    if graph_specs:
        t0 = time.perf_counter()
        graph_home = source if isinstance(source, DataHome) else getattr(source, "home", None)
        if not isinstance(graph_home, DataHome):
            raise TypeError("graph features are read from a data home's graph artifact: pass a DataHome")
        artifact = ensure_graph_artifact(graph_home, as_of, expected_id=graph_artifact_id, build=build_graph,
                                         say=notice)
        step("graph artifact", 1, t0)

    with open_engine(source, memory_limit, threads) as engine:
        t0 = time.perf_counter()
        if enterprise_ids is not None:
            if not isinstance(engine, DuckDBEngine):
                raise TypeError("enterprise_ids needs a DuckDB engine")
            engine.con.register(FIRM_FILTER, pa.table({"enterprise_id": pa.array(list(enterprise_ids), pa.string())}))
        install_prelude(engine, as_of, materialize=True)
        inv = inventory(engine)
        base = engine.query(_only("SELECT enterprise_id, coalesce(registered_capital > 0, false) AS has_capital "
                                  "FROM pit_base", enterprise_ids) + " ORDER BY enterprise_id")
        ids = pd.Index(base.column("enterprise_id").to_pandas())
        has_capital = np.asarray(base.column("has_capital").to_numpy(zero_copy_only=False), dtype=bool)
        del base
        step("snapshot", 1 + bool(graph_specs), t0)
        coverage: dict[str, dict[str, Any]] = {}
        finished: dict[str, pa.Array] = {}

        def finish(spec: FeatureSpec, result: pa.Table) -> None:
            # finalise each column as soon as its block returns: no second full copy of the matrix
            values, present = _align(ids, result, spec.graph_column or spec.id)
            sourced = inv.has_source(spec) if spec.is_sql else True
            if not sourced:
                values = np.full(len(ids), np.nan)
            elif spec.fill is not None:
                fillable = ~present & has_capital if spec.fill_needs_capital else ~present
                values = np.where(fillable, spec.fill, values)
            coverage[spec.id] = {"source_present": sourced, **value_coverage(values)}
            finished[spec.id] = pa.array(values, type=pa.float64())

        done = 1 + bool(graph_specs)
        for block_name, block_specs in blocks.items():
            t0 = time.perf_counter()
            result = engine.query(_only(_block_sql(block_name, block_specs, as_of), enterprise_ids))
            for spec in block_specs:
                finish(spec, result)
            del result
            done += 1
            step(f"block:{block_name}", done, t0)
        if artifact is not None and graph_home is not None:
            t0 = time.perf_counter()
            if enterprise_ids is None:
                result = engine.query(graph_query(graph_specs, graph_home.root, as_of))
            else:
                result = read_graph_rows(artifact, list(enterprise_ids), [str(s.graph_column) for s in graph_specs])
            for spec in graph_specs:
                finish(spec, result)
            del result
            done += 1
            step("graph", done, t0)

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
        "graph_artifact": artifact.summary() if artifact is not None else None,
        "timings_s": timings,
        "elapsed_s": round(elapsed, 3),
    }
    return FeatureMatrix(as_of=as_of, table=table, metadata=metadata)


def firm_features(home: DataHome, as_of: dt.date, enterprise_ids: Sequence[str], **options: Any) -> FeatureMatrix:
    """A few firms' feature rows, bit for bit the rows of the full matrix (per-firm rescoring).

    Graph columns are read from the stored artifact's row groups that hold the firms (its rows are
    sorted by ``enterprise_id``); ``options`` are those of :func:`compute_features`.
    """
    return compute_features(home, as_of, enterprise_ids=list(enterprise_ids), **options)


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

"""The graph stage's one point-in-time artifact: relationship features plus the model that made them.

``firmscore graph --as-of D`` writes, under ``<home>/features/graph/as_of=D/``:

* ``relationship.parquet`` — ``enterprise_id`` + one ``float64`` column per relationship feature,
  sorted by ``enterprise_id`` in row groups of :data:`ROW_GROUP_ROWS` with min/max statistics, so
  one firm's row is read without scanning the file (:func:`read_graph_rows`);
* ``graph.json`` — the manifest: the contagion model (channels, weights, calibration and the date
  it was calibrated from), the graph snapshot's content hash, the ledger checkpoint (size, root)
  and the fingerprint of the record files the graph was built from, the SHA-256 of the Parquet
  file, and ``artifact_id``, the SHA-256 of the canonical JSON of everything else.

The feature stage reads this artifact and nothing else for graph features
(:func:`ensure_graph_artifact`): a missing or stale artifact (records added since) is built once
with the same code and the same contagion model; an altered one (its hashes do not match) is
refused by name. ``verify-score`` pins the ``artifact_id`` of the receipt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import rfc8785

from firmscore.datamodel import RecordType
from firmscore.graph import messages as _messages  # noqa: F401  (registers the bilingual messages)
from firmscore.graph.build import RelationGraph
from firmscore.graph.contagion import ContagionModel
from firmscore.graph.features import GraphAnalysis, analyse_home
from firmscore.i18n import t
from firmscore.store.atomic import atomic_dir, write_parquet, write_text
from firmscore.store.home import DataHome
from firmscore.store.lock import holds_writer_lock

FORMAT_VERSION = 1
DATA_FILE = "relationship.parquet"
MANIFEST_FILE = "graph.json"
#: Rows per Parquet row group: small enough that reading one firm decodes little, large enough to compress.
ROW_GROUP_ROWS = 65_536

#: The SQL a graph feature's catalog entry shows and the feature stage runs (``{home}``, ``{as_of_iso}``).
COLUMN_SQL_TEMPLATE = (
    "SELECT enterprise_id, {column} FROM read_parquet('{{home}}/features/graph/as_of={{as_of_iso}}/" + DATA_FILE + "')"
)

Say = Callable[[str], None]


class GraphArtifactError(ValueError):
    """The graph artifact is missing, stale or altered; the message names the file (中文 / English)."""

    def __init__(self, kind: str, path: Path, **detail: Any) -> None:
        self.kind = kind
        self.path = path
        key = f"graph.artifact.{kind}"
        self.zh = t(key, lang="zh", path=path, **detail)
        self.en = t(key, lang="en", path=path, **detail)
        super().__init__(t(key, lang="both", path=path, **detail))


def artifact_dir(home: DataHome, as_of: dt.date) -> Path:
    """``<home>/features/graph/as_of=YYYY-MM-DD``."""
    return home.root / "features" / "graph" / f"as_of={as_of.isoformat()}"


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def records_fingerprint(home: DataHome) -> dict[str, Any]:
    """SHA-256 over the record files (relative path and size) the graph reads: parts are immutable and
    append-only, so a new batch, a new version or a retraction changes it."""
    h = hashlib.sha256()
    parts = 0
    for rt in RecordType:
        for path in home.parquet_files(rt):
            h.update(f"{rt.value}/{path.name}\t{path.stat().st_size}\n".encode())
            parts += 1
    return {"sha256": h.hexdigest(), "parts": parts}


def graph_snapshot_hash(graph: RelationGraph) -> str:
    """SHA-256 of the graph's nodes and typed edges (ids, CSR arrays): equal graphs hash equal."""
    h = hashlib.sha256()
    for ids in (graph.enterprise_ids, graph.person_ids):
        h.update(b"\x00".join(str(x).encode() for x in ids.to_pylist()))
        h.update(b"\x01")
    for edge_type in sorted(graph.edges, key=lambda e: e.value):
        m = graph.edges[edge_type].matrix
        h.update(edge_type.value.encode())
        for arr in (m.indptr, m.indices, m.data):
            h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def _ledger_checkpoint(home: DataHome) -> dict[str, Any] | None:
    """Size and root of the home's ledger now (``None`` for a home without a ledger)."""
    from firmscore.ledger import EvidenceLedger
    from firmscore.ledger.ledger import LEDGER_FILE

    if not (home.root / "ledger" / LEDGER_FILE).exists():
        return None
    with EvidenceLedger.for_home(home) as ledger:
        if not ledger.size:
            return {"size": 0, "root": None}
        cp = ledger.checkpoint()
        return {"size": int(cp.size), "root": cp.root.hex()}


def model_manifest(model: ContagionModel, calibrated_from: dt.date | None) -> dict[str, Any]:
    """What rebuilds the same contagion: channels, effective weights, tolerance and the calibration record."""
    return {
        "channels": list(model.channels),
        "weights": model.effective_weights,
        "calibration": getattr(model, "calibration_", None),
        "calibrated_from": calibrated_from.isoformat() if calibrated_from else None,
        "tol": model.tol,
        "max_iter": model.max_iter,
    }


def model_from_manifest(doc: dict[str, Any]) -> ContagionModel:
    """The contagion model a manifest records (its weights as the priors: nothing is refitted)."""
    return ContagionModel(channels=tuple(doc["channels"]), prior_weights=dict(doc["weights"]),
                          tol=float(doc["tol"]), max_iter=int(doc["max_iter"]))


def seal(manifest: dict[str, Any]) -> str:
    """The manifest's ``artifact_id``: SHA-256 of the canonical JSON (RFC 8785) of every other field."""
    body = {k: v for k, v in manifest.items() if k != "artifact_id"}
    return hashlib.sha256(rfc8785.dumps(body)).hexdigest()


@dataclass(frozen=True, kw_only=True)
class GraphArtifact:
    """A verified artifact on disk: where it is and its manifest."""

    directory: Path
    manifest: dict[str, Any]

    @property
    def data_path(self) -> Path:
        return self.directory / DATA_FILE

    @property
    def artifact_id(self) -> str:
        return str(self.manifest["artifact_id"])

    @property
    def columns(self) -> list[str]:
        return list(self.manifest["columns"])

    @property
    def model(self) -> ContagionModel:
        return model_from_manifest(self.manifest["model"])

    def summary(self) -> dict[str, Any]:
        """The facts a feature matrix records about the artifact it read."""
        m = self.manifest
        return {"artifact_id": m["artifact_id"], "graph_snapshot_sha256": m["graph"]["snapshot_sha256"],
                "ledger": m["ledger"], "weights": m["model"]["weights"],
                "calibrated_from": m["model"]["calibrated_from"]}


@holds_writer_lock("graph")
def write_graph_artifact(home: DataHome, analysis: GraphAnalysis, *, as_of: dt.date,
                         calibrated_from: dt.date | None = None,
                         fingerprint: dict[str, Any] | None = None) -> GraphArtifact:
    """Write the Parquet file (sorted by ``enterprise_id``) then the manifest that seals it.

    ``fingerprint`` is the records fingerprint taken *before* the graph was built (so records
    added during the build make the artifact stale rather than silently covered).
    """
    out = artifact_dir(home, as_of)
    table = analysis.table()
    table = table.take(pa.compute.sort_indices(table, [("enterprise_id", "ascending")]))
    with atomic_dir(out) as staged:  # the data and the manifest that seals it are replaced together
        write_parquet(staged / DATA_FILE, table, compression="zstd", row_group_size=ROW_GROUP_ROWS,
                      write_statistics=True)
        manifest = _manifest(home, analysis, table, staged / DATA_FILE, as_of, calibrated_from, fingerprint)
        write_text(staged / MANIFEST_FILE, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    return GraphArtifact(directory=out, manifest=manifest)


def _manifest(home: DataHome, analysis: GraphAnalysis, table: pa.Table, data: Path, as_of: dt.date,
              calibrated_from: dt.date | None, fingerprint: dict[str, Any] | None) -> dict[str, Any]:
    """The sealed manifest of a written data file."""
    g = analysis.graph
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "as_of": as_of.isoformat(),
        "file": DATA_FILE,
        "data_sha256": _sha256_file(data),
        "rows": table.num_rows,
        "columns": table.column_names[1:],
        "graph": {"snapshot_sha256": graph_snapshot_hash(g), "enterprises": g.n_enterprises,
                  "persons": g.n_persons, "edges": g.n_edges},
        "records": fingerprint or records_fingerprint(home),
        "ledger": _ledger_checkpoint(home),
        "model": {**model_manifest(analysis.model, calibrated_from), "iterations": analysis.model.n_iter_,
                  "converged": bool(analysis.model.converged_)},
    }
    manifest["artifact_id"] = seal(manifest)
    return manifest


def build_graph_artifact(home: DataHome, as_of: dt.date, *, model: ContagionModel | None = None,
                         calibrated_from: dt.date | None = None,
                         progress: Say | None = None) -> tuple[GraphArtifact, GraphAnalysis]:
    """Build the as-of graph from the home's records, analyse it and write the artifact."""
    fingerprint = records_fingerprint(home)
    con = home.connect()
    try:
        analysis = analyse_home(con, as_of, model=model, progress=progress)
    finally:
        con.close()
    return write_graph_artifact(home, analysis, as_of=as_of, calibrated_from=calibrated_from,
                                fingerprint=fingerprint), analysis


def open_graph_artifact(home: DataHome, as_of: dt.date, *, verify_data: bool = True) -> GraphArtifact:
    """The artifact of ``as_of`` after checking its seal; :class:`GraphArtifactError` when missing or altered.

    ``verify_data=False`` skips re-hashing the Parquet file (a service that verified it once).
    """
    out = artifact_dir(home, as_of)
    manifest_path, data = out / MANIFEST_FILE, out / DATA_FILE
    if not manifest_path.exists() or not data.exists():
        raise GraphArtifactError("missing", manifest_path if data.exists() else data, as_of=as_of)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        sealed = manifest["artifact_id"] == seal(manifest) and manifest["format"] == FORMAT_VERSION
    except (ValueError, KeyError, TypeError):
        sealed = False
    if not sealed:
        raise GraphArtifactError("altered", manifest_path)
    if verify_data and _sha256_file(data) != manifest["data_sha256"]:
        raise GraphArtifactError("altered", data)
    return GraphArtifact(directory=out, manifest=manifest)


def ensure_graph_artifact(home: DataHome, as_of: dt.date, *, expected_id: str | None = None, build: bool = True,
                          say: Say | None = None) -> GraphArtifact:
    """The artifact the feature stage reads for ``as_of``.

    * ``expected_id`` given (``verify-score``): exactly that artifact, else :class:`GraphArtifactError`;
    * otherwise a missing artifact, or one built from other records than the home holds now, is
      built once (``build``, the default; with the stale artifact's own contagion model) or
      refused; an altered artifact is always refused, never rebuilt over.
    """
    tell = say or (lambda _msg: None)
    try:
        artifact = open_graph_artifact(home, as_of)
    except GraphArtifactError as exc:
        if exc.kind != "missing" or expected_id is not None or not build:
            raise
        tell(str(exc))
        return build_graph_artifact(home, as_of, progress=None)[0]
    if expected_id is not None:
        if artifact.artifact_id != expected_id:
            raise GraphArtifactError("unexpected", artifact.directory / MANIFEST_FILE, found=artifact.artifact_id[:12],
                                     expected=expected_id[:12])
        return artifact
    if artifact.manifest["records"] != records_fingerprint(home):
        if not build:
            raise GraphArtifactError("stale_refused", artifact.directory / MANIFEST_FILE, as_of=as_of)
        tell(t("graph.artifact.stale", lang="both", path=artifact.directory / MANIFEST_FILE))
        calibrated = artifact.manifest["model"]["calibrated_from"]
        return build_graph_artifact(home, as_of, model=artifact.model,
                                    calibrated_from=dt.date.fromisoformat(calibrated) if calibrated else None)[0]
    return artifact


def read_graph_rows(artifact: GraphArtifact, enterprise_ids: Sequence[str],
                    columns: Sequence[str] | None = None) -> pa.Table:
    """The artifact's rows of ``enterprise_ids`` (row groups skipped by their ``enterprise_id`` statistics)."""
    cols = ["enterprise_id", *(columns if columns is not None else artifact.columns)]
    return pq.read_table(artifact.data_path, columns=cols, filters=[("enterprise_id", "in", list(enterprise_ids))])

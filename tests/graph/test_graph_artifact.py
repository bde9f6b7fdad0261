"""The graph stage's one artifact and its one reader: the feature matrix reads it, never recomputes it.

An altered artifact either changes the features (re-sealed: the features follow it) or is refused by
name (its hashes no longer match); a missing or stale one is built once with the same code and the
stale one's contagion model; calibrated weights reach the relationship features.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import Writer, ent, evt, rel
from firmscore.cli import app
from firmscore.features import compute_features, firm_features
from firmscore.features.catalog.relationship_graph import GRAPH_FEATURES
from firmscore.graph.artifact import (
    DATA_FILE,
    MANIFEST_FILE,
    GraphArtifactError,
    artifact_dir,
    build_graph_artifact,
    ensure_graph_artifact,
    open_graph_artifact,
    seal,
)
from firmscore.graph.features import ARTIFACT_COLUMNS
from firmscore.store import DataHome

D = dt.date(2024, 6, 30)
GRAPH_IDS = [s.id for s in GRAPH_FEATURES]


@pytest.fixture
def small(home: DataHome, write: Writer) -> DataHome:
    write("enterprise", [ent("A", registered_capital=1000.0), ent("B", registered_capital=500.0),
                         ent("C", registered_capital=200.0, status="revoked"), ent("S", registered_capital=100.0)])
    write("relation", [rel("guarantee", "A", "B", amount=400.0), rel("shareholding", "A", "S", share=0.8),
                       rel("guarantee", "S", "C", amount=50.0)])
    write("event", [evt("dishonest_listing", "B", dt.date(2024, 3, 5))])
    return home


def _graph_columns(table: pa.Table) -> dict[str, list[float]]:
    return {c: table.column(c).to_pylist() for c in GRAPH_IDS}


def test_the_feature_matrix_reads_the_artifact_the_graph_stage_wrote(small: DataHome) -> None:
    res = CliRunner().invoke(app, ["graph", "--home", str(small.root), "--as-of", D.isoformat()])
    assert res.exit_code == 0, res.output
    artifact = open_graph_artifact(small, D)
    stored = pq.read_table(artifact.data_path)
    assert stored.column_names == ["enterprise_id", *ARTIFACT_COLUMNS]
    assert stored.column("enterprise_id").to_pylist() == sorted(stored.column("enterprise_id").to_pylist())
    assert pq.ParquetFile(artifact.data_path).metadata.row_group(0).column(0).statistics.has_min_max
    manifest = artifact.manifest
    assert manifest["model"]["weights"]["guarantor"] == pytest.approx(0.3)  # the prior, uncalibrated
    assert manifest["model"]["calibrated_from"] is None
    assert len(manifest["graph"]["snapshot_sha256"]) == 64 and manifest["graph"]["edges"] == 3
    assert manifest["records"]["parts"] == 3 and manifest["ledger"] is None  # this home has no ledger
    said: list[str] = []
    matrix = compute_features(small, D, notice=said.append)
    assert said == []  # read, not rebuilt
    assert matrix.metadata["graph_artifact"]["artifact_id"] == artifact.artifact_id
    mat = matrix.table.to_pandas().set_index("enterprise_id")
    art = stored.to_pandas().set_index("enterprise_id")
    for col in ARTIFACT_COLUMNS:
        assert np.array_equal(mat.loc[art.index, col].to_numpy(), art[col].to_numpy(), equal_nan=True), col
    # the same records build the same artifact, bit for bit
    again, _ = build_graph_artifact(small, D)
    assert again.artifact_id == artifact.artifact_id


def _rewrite_contagion(directory: pa.Table, factor: float) -> pa.Table:
    i = directory.column_names.index("rel_contagion_pd")
    return directory.set_column(i, "rel_contagion_pd", pc.multiply(directory.column(i), factor))


def test_an_altered_artifact_is_refused_by_name(small: DataHome) -> None:
    artifact, _ = build_graph_artifact(small, D)
    pq.write_table(_rewrite_contagion(pq.read_table(artifact.data_path), 0.5), artifact.data_path)
    with pytest.raises(GraphArtifactError, match=DATA_FILE) as err:
        compute_features(small, D)
    assert err.value.kind == "altered" and "altered" in err.value.en and "改动" in err.value.zh
    res = CliRunner().invoke(app, ["features", "--home", str(small.root), "--as-of", D.isoformat()])
    assert res.exit_code != 0
    assert isinstance(res.exception, GraphArtifactError)
    # a weight changed in the manifest breaks its seal just the same
    build_graph_artifact(small, D)
    path = artifact_dir(small, D) / MANIFEST_FILE
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["model"]["weights"]["guarantor"] = 0.9
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(GraphArtifactError, match=MANIFEST_FILE):
        compute_features(small, D)


def test_a_resealed_alteration_changes_the_features(small: DataHome) -> None:
    """What the artifact holds is what the matrix gets: nothing recomputes the graph behind its back."""
    artifact, _ = build_graph_artifact(small, D)
    before = compute_features(small, D).table
    pq.write_table(_rewrite_contagion(pq.read_table(artifact.data_path), 0.5), artifact.data_path)
    doc = dict(artifact.manifest)
    doc["data_sha256"] = __import__("hashlib").sha256(artifact.data_path.read_bytes()).hexdigest()
    doc["artifact_id"] = seal(doc)
    (artifact.directory / MANIFEST_FILE).write_text(json.dumps(doc), encoding="utf-8")
    after = compute_features(small, D).table
    old = np.asarray(before.column("rel_contagion_pd").to_pylist())
    new = np.asarray(after.column("rel_contagion_pd").to_pylist())
    assert old.max() > 0 and np.allclose(new, old * 0.5)
    assert after.column("rel_own_pd").to_pylist() == before.column("rel_own_pd").to_pylist()


def test_missing_is_built_once_and_stale_is_rebuilt_with_its_own_model(small: DataHome, write: Writer) -> None:
    said: list[str] = []
    compute_features(small, D, notice=said.append)
    assert len(said) == 1 and "firmscore graph --as-of" in said[0]  # it says so, then builds it
    assert open_graph_artifact(small, D).manifest["model"]["calibrated_from"] is None
    # an artifact with its own (here: hand-set) contagion weights, then more records arrive
    from firmscore.graph.contagion import ContagionModel

    build_graph_artifact(small, D, model=ContagionModel(prior_weights={"guarantor": 0.8, "owner": 0.2}),
                         calibrated_from=dt.date(2023, 6, 30))
    write("event", [evt("enforcement", "S", dt.date(2024, 5, 1))])
    with pytest.raises(GraphArtifactError) as err:
        compute_features(small, D, build_graph=False)
    assert err.value.kind == "stale_refused" and MANIFEST_FILE in str(err.value)
    said.clear()
    compute_features(small, D, notice=said.append)
    assert len(said) == 1 and "rebuilding it once" in said[0]
    rebuilt = open_graph_artifact(small, D).manifest
    assert rebuilt["model"]["weights"]["guarantor"] == 0.8 and rebuilt["model"]["calibrated_from"] == "2023-06-30"
    assert rebuilt["records"]["parts"] == 4
    # a pinned artifact id (verify-score) is read as it is, or refused
    pinned = ensure_graph_artifact(small, D, expected_id=rebuilt["artifact_id"])
    assert pinned.artifact_id == rebuilt["artifact_id"]
    with pytest.raises(GraphArtifactError, match="requires"):
        ensure_graph_artifact(small, D, expected_id="0" * 64)


def test_one_firms_rows_equal_the_full_matrix(small: DataHome) -> None:
    full = compute_features(small, D).table.to_pandas().set_index("enterprise_id")
    some = firm_features(small, D, ["S", "B", "NOPE"]).table.to_pandas().set_index("enterprise_id")
    assert sorted(some.index) == ["B", "S"]  # unknown firms have no row
    for eid in some.index:
        a, b = full.loc[eid].to_numpy(dtype=float), some.loc[eid].to_numpy(dtype=float)
        assert a.tobytes() == b.tobytes(), eid


def test_calibrated_weights_change_the_relationship_features(home: DataHome, write: Writer) -> None:
    """A home where calibration moves the guarantor weight: the scorecard's inputs move with it."""
    d0, day = dt.date(2023, 12, 31), dt.date(2024, 12, 31)
    rng = np.random.default_rng(3)
    n_pairs, n_free = 40, 400
    write("enterprise", [ent(f"G{i}", registered_capital=100.0) for i in range(n_pairs)]
          + [ent(f"B{i}", registered_capital=100.0) for i in range(n_pairs)]
          + [ent(f"F{i}", registered_capital=100.0) for i in range(n_free)]
          + [ent(f"N{i}", registered_capital=100.0) for i in range(n_pairs)])
    write("relation", [rel("guarantee", f"G{i}", f"B{i}", amount=100.0) for i in range(n_pairs)]
          + [rel("guarantee", f"N{i}", f"F{i}", amount=100.0) for i in range(n_pairs)])
    fail = dt.date(2024, 3, 1)
    events = [evt("default", f"B{i}", fail) for i in range(n_pairs)]
    events += [evt("default", f"G{i}", fail + dt.timedelta(days=60)) for i in range(n_pairs) if i % 2 == 0]
    events += [evt("default", f"F{i}", fail) for i in range(n_free) if rng.random() < 0.05]
    write("event", events)
    runner = CliRunner()
    res = runner.invoke(app, ["graph", "--home", str(home.root), "--as-of", day.isoformat()])
    assert res.exit_code == 0, res.output
    prior = compute_features(home, day).table.to_pandas().set_index("enterprise_id")
    res = runner.invoke(app, ["graph", "--home", str(home.root), "--as-of", day.isoformat(),
                              "--calibrate-from", d0.isoformat()])
    assert res.exit_code == 0, res.output
    model = open_graph_artifact(home, day).manifest["model"]
    assert model["calibrated_from"] == d0.isoformat()
    assert abs(model["weights"]["guarantor"] - 0.3) > 0.1  # calibration moved the weight
    calibrated = compute_features(home, day).table.to_pandas().set_index("enterprise_id")
    exposed = [f"N{i}" for i in range(n_pairs)]  # guarantors of the free firms, distressed or not
    moved = (calibrated.loc[exposed, "rel_contagion_pd"] - prior.loc[exposed, "rel_contagion_pd"]).abs()
    assert moved.max() > 1e-3
    assert (calibrated["rel_own_pd"] == prior["rel_own_pd"]).all()  # only contagion depends on the weights

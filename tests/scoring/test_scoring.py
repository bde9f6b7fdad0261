"""Scoring end to end on a small synthetic universe: train, score, explain, receipts, verify-score.

One data home is built per module (synth → ingest with the ledger → features → labels → train →
score); the tests then check what a user and an auditor rely on.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from firmscore.config import key_dir
from firmscore.datamodel import RecordType
from firmscore.features import build_labels, compute_features, write_features, write_labels
from firmscore.ingest import ingest_paths
from firmscore.ledger import EvidenceLedger
from firmscore.scoring import (
    current_model,
    read_scores,
    score_enterprises,
    train_model,
    validate_model,
    verify_score,
)
from firmscore.store import DataHome
from firmscore.synth import generate

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def scored_home(tmp_path_factory: pytest.TempPathFactory) -> DataHome:
    root = tmp_path_factory.mktemp("scoring")
    generate(root / "in", 4000, seed=11, as_of=AS_OF, progress=False)
    home = DataHome(root / "home")
    ingest_paths(home, [root / "in"], source="synth")
    write_features(home, compute_features(home, AS_OF))
    write_labels(home, AS_OF, "12m", build_labels(home, AS_OF, "12m"))
    train_model(home, AS_OF, challenger=False, n_bootstrap=20)
    score_enterprises(home, AS_OF)
    return home


def test_scores_are_complete_and_on_the_scale(scored_home: DataHome) -> None:
    scores, receipt = read_scores(scored_home, AS_OF)
    assert len(scores) == receipt["n_scored"] > 3000
    assert scores["score"].between(1000, 2000).all()
    assert set(scores["band"]) <= {"poor", "medium", "good", "excellent", "outstanding"}
    assert scores["pd"].between(0, 1).all()
    # a better score never has a higher PD (the calibration is monotone)
    by_score = scores.sort_values("score")
    assert (np.diff(by_score["pd"].to_numpy()) <= 1e-15).all()
    for dim in ("basic", "behaviour", "performance", "relationship", "legal_rep"):
        assert scores[f"sub_{dim}"].between(0, 100).all()
    assert receipt["records_not_in_ledger"] == 0
    # data trust indicators stand beside every score
    assert set(scores["depth_grade"]) <= set("ABCDE")
    assert scores["quality_score"].dropna().between(0, 100).all()


def test_scores_discriminate_the_planted_defaults(scored_home: DataHome) -> None:
    from sklearn.metrics import roc_auc_score

    scores, _ = read_scores(scored_home, AS_OF)
    labels = pq.read_table(scored_home.root / "labels" / f"as_of={AS_OF}" / "horizon=12m" / "labels.parquet")
    y = labels.to_pandas().set_index("enterprise_id")["default_flag"]
    joined = scores.join(y, how="inner")
    assert roc_auc_score(joined["default_flag"], -joined["score"]) > 0.8


def test_reasons_cite_records_that_exist_and_are_logged(scored_home: DataHome) -> None:
    scores, _ = read_scores(scored_home, AS_OF)
    worst = scores.sort_values("score").head(50)
    cited: set[str] = set()
    for raw in worst["reasons"]:
        reasons = json.loads(raw)
        assert 1 <= len(reasons) <= 4
        assert [r["rank"] for r in reasons] == list(range(1, len(reasons) + 1))
        assert all(r["text_zh"] and r["text_en"] and r["points_lost"] > 0 for r in reasons)
        cited.update(rid for r in reasons for rid in r["record_ids"])
    assert cited
    con = scored_home.connect()
    union = " UNION ".join(f"SELECT record_id FROM {rt.value}" for rt in RecordType)
    known = {r[0] for r in con.execute(union).fetchall()}
    assert cited <= known
    with EvidenceLedger.for_home(scored_home) as ledger:
        assert set(ledger.leaf_indexes(sorted(cited))) == cited
    # every reason's records are among the leaves of that firm's receipt
    for eid, row in worst.iterrows():
        ids = {rid for r in json.loads(row["reasons"]) for rid in r["record_ids"]}
        with EvidenceLedger.for_home(scored_home) as ledger:
            leaves = set(ledger.leaf_indexes(sorted(ids)).values())
        assert leaves <= set(row["evidence_leaves"]), eid


def test_verify_score_passes_for_untouched_data(scored_home: DataHome) -> None:
    scores, _ = read_scores(scored_home, AS_OF)
    for eid in scores.sort_values("score").index[[0, len(scores) // 2, -1]]:
        result = verify_score(scored_home, eid, AS_OF)
        assert result.ok, result.checks
        assert result.recomputed == result.stored


def test_verify_score_detects_an_altered_record(scored_home: DataHome, tmp_path: Path) -> None:
    home = DataHome(tmp_path / "copy")
    shutil.copytree(scored_home.root, home.root)
    shutil.copytree(key_dir(scored_home.root), key_dir(home.root), dirs_exist_ok=True)  # keys live beside the home
    scores, _ = read_scores(home, AS_OF)
    eid = scores.sort_values("score").index[0]
    cited = [rid for r in json.loads(scores.loc[eid, "reasons"]) for rid in r["record_ids"]]
    assert cited
    target = cited[0]
    # an insider edits the amount of one cited event directly in the Parquet store
    for path in home.parquet_files("event"):
        table = pq.read_table(path)
        ids = table.column("record_id").to_pylist()
        if target in ids:
            df = table.to_pandas()
            df.loc[df["record_id"] == target, "amount"] = (df.loc[df["record_id"] == target, "amount"]
                                                           .fillna(0) + 1000.0)
            df.loc[df["record_id"] == target, "value"] = df.loc[df["record_id"] == target, "value"].fillna(0) + 1
            pq.write_table(pa.Table.from_pandas(df, schema=table.schema, preserve_index=False), path)
            break
    else:
        pytest.fail(f"cited record {target} not found in the event store")
    result = verify_score(home, eid, AS_OF)
    failed = {c["check"] for c in result.checks if not c["ok"]}
    assert "records" in failed
    assert not result.ok


def test_model_bundle_round_trips_and_names_itself(scored_home: DataHome) -> None:
    bundle = current_model(scored_home)
    again = current_model(scored_home, bundle.model_id[:12])
    assert again.model_id == bundle.model_id
    assert again.to_document()["content_sha256"] == bundle.model_id
    scores, _ = read_scores(scored_home, AS_OF)
    assert set(scores["model_id"]) == {bundle.model_id}


def test_features_and_training_are_reproducible(scored_home: DataHome) -> None:
    """The same records give the same features bit for bit, hence the same model content hash."""
    first = compute_features(scored_home, AS_OF).table.to_pandas()
    second = compute_features(scored_home, AS_OF).table.to_pandas()
    assert list(first["enterprise_id"]) == list(second["enterprise_id"])
    for col in first.columns[1:]:
        assert np.array_equal(first[col].to_numpy(), second[col].to_numpy(), equal_nan=True), col
    before = current_model(scored_home).model_id
    again = train_model(scored_home, AS_OF, challenger=False, n_bootstrap=20)
    assert again.bundle.model_id == before
    # a healthy card: every outcome known, many features, many scores — only feature warnings can remain
    assert again.outcomes.unknown == 0 and again.bundle.metadata["unknown_outcomes_excluded"] == 0
    assert {w.kind for w in again.warnings} <= {"constant", "near_constant"}


def test_validate_on_a_later_date_reports_both_periods(scored_home: DataHome) -> None:
    later = dt.date(2025, 9, 30)
    write_features(scored_home, compute_features(scored_home, later))
    write_labels(scored_home, later, "12m", build_labels(scored_home, later, "12m"))
    report, out = validate_model(scored_home, later, "12m", n_bootstrap=20)
    assert len(report.models) == 1 and len(report.models[0].periods) == 2
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"out-of-time {later}" in html and f"development {AS_OF}" in html
    assert f"{later}: 0 enterprises of unknown outcome were left out of the validation" in html
    assert (out / "report.md").exists()


def test_verify_score_pins_the_graph_artifact_of_the_receipt(scored_home: DataHome, tmp_path: Path) -> None:
    home = DataHome(tmp_path / "copy")
    shutil.copytree(scored_home.root, home.root)
    shutil.copytree(key_dir(scored_home.root), key_dir(home.root), dirs_exist_ok=True)  # keys live beside the home
    scores, receipt = read_scores(home, AS_OF)
    assert len(receipt["graph_artifact_id"]) == 64
    eid = scores.sort_values("score").index[0]
    path = home.root / "features" / "graph" / f"as_of={AS_OF.isoformat()}" / "relationship.parquet"
    table = pq.read_table(path)
    i = table.column_names.index("rel_contagion_pd")
    pq.write_table(table.set_column(i, "rel_contagion_pd", pa.array(np.zeros(table.num_rows))), path)
    result = verify_score(home, eid, AS_OF)
    assert result.failed() == ["graph"]  # the checks after it are reported as not run
    assert "relationship.parquet" in next(c["en"] for c in result.checks if c["check"] == "graph")
    assert not result.ok

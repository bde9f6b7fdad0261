"""Planting fraud into a universe: every typology present, ingestible, reproducible, and detectable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from firmscore.fraud.run import run_fraud
from firmscore.ingest import ingest_paths
from firmscore.store import DataHome
from firmscore.synth import generate
from firmscore.synth.fraud_config import PRESETS, FraudPlantConfig
from firmscore.synth.fraud_plant import PART, TRUTH_FILE, plant_fraud

N, SEED = 6000, 11
TYPOLOGIES = {"shell_cluster", "round_trip", "phoenix", "bust_out", "guarantee_circle", "identity_reuse"}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fraud") / "u"
    generate(out, N, SEED, progress=False)
    plant_fraud(out, PRESETS["dev"], seed=SEED)
    return out


def test_every_typology_is_planted_with_its_truth(planted: Path) -> None:
    truth = pq.read_table(planted / "truth" / TRUTH_FILE).to_pandas()
    assert set(truth["typology"]) == TYPOLOGIES
    planted_only = truth[truth["origin"] == "planted"]
    assert set(planted_only["typology"]) == TYPOLOGIES
    assert set(truth[truth["origin"] == "generator"]["typology"]) <= {"shell_cluster", "guarantee_circle"}
    for rt in ("enterprise", "person", "relation", "event"):
        assert pq.read_metadata(planted / rt / PART).num_rows > 0


def test_same_universe_plan_and_seed_give_the_same_files(planted: Path, tmp_path: Path) -> None:
    again = tmp_path / "u"
    generate(again, N, SEED, progress=False)
    plant_fraud(again, PRESETS["dev"], seed=SEED)
    for rel in ("event/" + PART, "enterprise/" + PART, "truth/" + TRUTH_FILE):
        assert pq.read_table(again / rel).equals(pq.read_table(planted / rel))


def test_planted_records_ingest_without_quarantine_and_are_found(planted: Path, tmp_path: Path) -> None:
    report = ingest_paths(tmp_path / "home", [planted], source="synth", ledger=False, workers=1)
    assert report.total("quarantined") == 0 and report.reconciled
    _, results = run_fraud(DataHome.open(tmp_path / "home"), dt.date(2025, 6, 30))
    truth = pq.read_table(planted / "truth" / TRUTH_FILE).to_pandas()
    ids = pq.read_table(tmp_path / "home" / "fraud" / "as_of=2025-06-30" / "indicators.parquet").to_pandas()
    ind = ids.set_index("enterprise_id")
    for ty in ("shell_cluster", "phoenix", "guarantee_circle"):
        firms = truth[(truth["typology"] == ty) & (truth["origin"] == "planted")]["enterprise_id"]
        assert (ind.loc[firms, ty] >= 0.5).mean() >= 0.8, ty
    assert {ty.value for ty in results} == TYPOLOGIES


def test_a_plan_from_json_names_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"name": "x", "shell": {"clusters_per_10k": 2, "size": [3, 5]}}', encoding="utf-8")
    cfg = FraudPlantConfig.from_file(path)
    assert cfg.shell.size == (3, 5) and cfg.shell.clusters_per_10k == 2 and cfg.round_trip == PRESETS["dev"].round_trip
    path.write_text('{"shell": {"clusters": 2}}', encoding="utf-8")
    with pytest.raises(ValueError, match="clusters"):
        FraudPlantConfig.from_file(path)

"""``firmscore synth`` end to end through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from firmscore.cli import app


def test_synth_command_writes_universe_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "u"
    result = CliRunner().invoke(app, ["synth", "--enterprises", "1500", "--seed", "11", "--out", str(out),
                                      "--as-of", "2024-12-31", "--horizon-months", "6", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "default rate" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 11
    assert manifest["n_enterprises"] == 1500
    assert manifest["as_of"] == "2024-12-31"
    assert manifest["horizon_months"] == 6
    assert manifest["records"]["enterprise"] == pq.read_table(out / "enterprise").num_rows == 1500
    assert manifest["records"]["event"] == sum(manifest["events"].values())
    truth = pq.read_table(out / "truth" / "enterprise_truth.parquet").to_pandas()
    dates = truth["default_date"].dropna()
    assert len(dates) > 0
    assert (dates.astype(str) > "2024-12-31").all() and (dates.astype(str) <= "2025-06-30").all()


def test_synth_command_rejects_bad_date(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "--enterprises", "10", "--seed", "1", "--out", str(tmp_path),
                                      "--as-of", "30.06.2025"])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output


def test_synth_command_plants_fraud_from_a_preset_or_names_a_bad_plan(tmp_path: Path) -> None:
    out = tmp_path / "u"
    result = CliRunner().invoke(app, ["synth", "--enterprises", "3000", "--seed", "5", "--out", str(out), "--quiet",
                                      "--plant-fraud", "blind"])
    assert result.exit_code == 0, result.output
    assert "planted fraud (blind)" in result.output and "shell_cluster" in result.output
    truth = pq.read_table(out / "truth" / "fraud_truth.parquet").to_pandas()
    assert {"shell_cluster", "guarantee_circle"} <= set(truth["typology"])
    assert (out / "enterprise" / "part-fraud.parquet").exists()
    bad = tmp_path / "plan.json"
    bad.write_text('{"shells": {}}', encoding="utf-8")
    result = CliRunner().invoke(app, ["synth", "--enterprises", "500", "--seed", "5", "--out", str(tmp_path / "v"),
                                      "--quiet", "--plant-fraud", str(bad)])
    assert result.exit_code == 2 and "shells" in result.output

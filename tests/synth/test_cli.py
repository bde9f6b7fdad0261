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

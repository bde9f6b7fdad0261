"""Unknown outcomes and training warnings on a sample of the real bdci2017 files, through the ``firmscore`` CLI.

The sample is the first 1,000 firms of ``train.csv`` with their enforcement and dishonest-debtor rows, plus
40 rows of each side table about firms *not* in the sample: those firms are enterprises with no observation
window, so their outcome is unknown. bdci2017 has no registry base table, so almost every catalog feature is
constant and the card keeps (next to) nothing: exactly the degenerate model that must not pass silently.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firmscore.cli import app

AS_OF, HORIZON, SAMPLE, EXTRA = "2015-08-01", "24m", 1000, 40
SIDE_TABLES = ("7lawsuit.csv", "8breakfaith.csv")


def _first_column(line: bytes) -> str:
    return line.split(b",")[0].strip().strip(b'"').decode("utf-8-sig")


@pytest.fixture(scope="module")
def sample(datasets_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Write the sample files (bytes as in the dataset, in a temporary folder) and run the pipeline."""
    root = tmp_path_factory.mktemp("bdci-sample")
    src, folder = datasets_dir / "bdci2017", root / "in"
    folder.mkdir()
    train = (src / "train.csv").read_bytes().splitlines(keepends=True)[: SAMPLE + 1]
    (folder / "train.csv").write_bytes(b"".join(train))
    rows = list(csv.DictReader(io.StringIO(b"".join(train).decode("utf-8"))))
    ids = {r["EID"] for r in rows}
    outsiders: set[str] = set()
    for name in SIDE_TABLES:
        lines = (src / name).read_bytes().splitlines(keepends=True)
        ours = [ln for ln in lines[1:] if _first_column(ln) in ids]
        others = [ln for ln in lines[1:] if _first_column(ln) not in ids][:EXTRA]
        outsiders |= {_first_column(ln) for ln in others}
        (folder / name).write_bytes(lines[0] + b"".join(ours + others))
    home = root / "home"
    runner = CliRunner()
    env = {"COLUMNS": "400", "FIRMSCORE_LANG": "both"}

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "--home", str(home)], env=env)
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    run("ingest", "--source", "bdci2017", str(folder))
    run("features", "--as-of", AS_OF)
    return {
        "home": home,
        "exits": sum(r["TARGET"] == "1" for r in rows),
        "outsiders": len(outsiders),
        "labels": run("labels", "--as-of", AS_OF, "--horizon", HORIZON),
        "report": run("features", "--as-of", AS_OF, "--report", "--horizon", HORIZON),
        "train": run("train", "--as-of", AS_OF, "--horizon", HORIZON, "--monotone-challenger"),
        "validate": run("validate", "--as-of", AS_OF, "--horizon", HORIZON),
    }


def test_labels_count_firms_without_an_observation_window_as_unknown(sample: dict[str, object]) -> None:
    exits, outsiders = sample["exits"], sample["outsiders"]
    assert isinstance(exits, int) and isinstance(outsiders, int) and exits > 50 and outsiders > 10
    expected = (f"default {exits:,}, no default {SAMPLE - exits:,}, unknown {outsiders:,} "
                f"(default rate {exits / SAMPLE:.2%} of known outcomes)")
    assert expected in str(sample["labels"])
    assert f"违约 {exits:,}, 未违约 {SAMPLE - exits:,}, 未知 {outsiders:,}" in str(sample["labels"])
    assert f"no observation window (no outcome data) {outsiders:,}" in str(sample["labels"])


def test_training_leaves_unknowns_out_and_says_so(sample: dict[str, object]) -> None:
    out, outsiders = str(sample["train"]), sample["outsiders"]
    assert f"{SAMPLE:,} (default / 违约 {sample['exits']:,}" in out
    assert f"{outsiders:,} enterprises of unknown outcome were left out of training and validation" in out
    model_dir = next((Path(str(sample["home"])) / "models").glob("*/model.json")).parent
    meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))["metadata"]
    assert meta["unknown_outcomes_excluded"] == outsiders
    assert meta["n_development"] + meta["n_test"] == SAMPLE  # no unknown firm in any sample
    report = (model_dir / "report" / "report.md").read_text(encoding="utf-8")
    assert f"unknown outcome (excluded) {outsiders:,}" in report
    # validation (here on the training date itself) leaves them out too, and says so per period
    assert f"{AS_OF}: {outsiders:,} enterprises of unknown outcome were left out of the validation" in str(
        sample["validate"])


def test_a_degenerate_card_warns_on_the_console_and_in_the_report(sample: dict[str, object]) -> None:
    out = str(sample["train"])
    assert "training warnings" in out and "训练警告" in out
    assert "features (fewer than 3)" in out and "个特征 (少于 3 个)" in out
    assert "distinct values on the development sample (fewer than 20)" in out
    assert "features are constant on the modelling sample" in out and "basic_age_years" in out
    model_dir = next((Path(str(sample["home"])) / "models").glob("*/model.json")).parent
    meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))["metadata"]
    assert {"train.warn.few_features", "train.warn.few_scores", "train.warn.constant"} <= set(meta["warnings"])
    for name in ("report.md", "report.html"):
        report = (model_dir / "report" / name).read_text(encoding="utf-8")
        assert "警告 / Warnings" in report, name
        assert "scores take only" in report and "评分卡仅保留" in report, name


def test_features_report_lists_the_constant_features(sample: dict[str, object]) -> None:
    out = str(sample["report"])
    assert "constant or near-constant features" in out
    assert "basic_age_years: 常量 / constant (100.0%)" in out
    assert f"unknown {sample['outsiders']:,}" in out  # the report's AUC/IV are over known outcomes only


def test_the_challenger_is_unconstrained_and_the_monotone_cost_is_reported(sample: dict[str, object]) -> None:
    out = str(sample["train"])
    assert "LightGBM challenger test AUC" in out and "monotone LightGBM test AUC / 单调约束" in out
    model_dir = next((Path(str(sample["home"])) / "models").glob("*/model.json")).parent
    report = (model_dir / "report" / "report.md").read_text(encoding="utf-8")
    assert "## 模型 / Model: lightgbm\n" in report and "## 模型 / Model: lightgbm (monotone)" in report
    note = next(line for line in report.splitlines() if "AUC cost of the monotone constraints" in line)
    assert "单调约束" in note and "unconstrained" in note

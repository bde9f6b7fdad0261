"""``firmscore strategy`` on a real scored home (synth → ingest → features → train → score)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from firmscore.cli import app
from firmscore.decide.home import firm_table
from firmscore.features import build_labels, compute_features, write_features, write_labels
from firmscore.ingest import ingest_paths
from firmscore.scoring import score_enterprises, train_model
from firmscore.store import DataHome
from firmscore.synth import generate

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def scored_home(tmp_path_factory: pytest.TempPathFactory) -> DataHome:
    root = tmp_path_factory.mktemp("strategy")
    generate(root / "in", 1500, seed=11, as_of=AS_OF, progress=False)
    home = DataHome(root / "home")
    ingest_paths(home, [root / "in"], source="synth")
    write_features(home, compute_features(home, AS_OF))
    write_labels(home, AS_OF, "12m", build_labels(home, AS_OF, "12m"))
    train_model(home, AS_OF, challenger=False, n_bootstrap=20)
    score_enterprises(home, AS_OF)
    return home


@pytest.fixture(scope="module")
def churn_xlsx(datasets_dir: Path) -> Path:
    return datasets_dir / "cumcm2020c" / "attachment3_rate_vs_churn.xlsx"


def run(home: DataHome, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["strategy", "--home", str(home.root), "--as-of", AS_OF.isoformat(), *args],
                             env={"COLUMNS": "200"})
    return res.exit_code, res.output


def test_firm_table_has_scores_and_attributes(scored_home: DataHome) -> None:
    f = firm_table(scored_home, AS_OF)
    assert len(f) > 1000
    assert f["pd"].between(0, 1).all()
    assert f["industry"].notna().mean() > 0.9 and f["region"].notna().mean() > 0.9


def test_strategy_writes_a_plan_within_budget(scored_home: DataHome, churn_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    code, text = run(scored_home, "--budget", "50000000", "--churn", str(churn_xlsx), "--limit", "industry=0.3",
                     "--out", str(out), "--lang", "en")
    assert code == 0, text
    assert "LP bound" in text and "optimality gap" in text and "by grade" in text
    plan = pq.read_table(out / "decisions.parquet").to_pandas()
    csv = pd.read_csv(out / "decisions.csv", encoding="utf-8-sig")
    assert len(plan) == len(csv) == len(firm_table(scored_home, AS_OF))
    assert 0 < plan["amount"].sum() <= 50_000_000
    assert plan.loc[plan["approved"], "rate"].between(0.04, 0.15).all()
    assert (plan.groupby("industry")["amount"].sum() <= 0.3 * 50_000_000 + 1e-6).all()
    assert not plan.loc[plan["grade"] == "D", "approved"].any()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["base"]["totals"]["total_lent"] == pytest.approx(plan["amount"].sum())
    assert summary["base"]["solver"]["gap"] < 1e-6
    assert (out / "decisions.parquet").stat().st_mode & 0o777 == 0o600


def test_strategy_stress_prints_both_plans_and_the_changes(scored_home: DataHome, churn_xlsx: Path,
                                                           tmp_path: Path) -> None:
    industries = firm_table(scored_home, AS_OF)["industry"].value_counts()
    hit = str(industries.index[0])
    scenario = tmp_path / "pandemic.yaml"
    scenario.write_text(f"name: pandemic\nshocks:\n  - industry: [{hit}]\n    pd_multiplier: 3\n", encoding="utf-8")
    out = tmp_path / "plan"
    code, text = run(scored_home, "--budget", "50000000", "--churn", str(churn_xlsx), "--stress", str(scenario),
                     "--out", str(out), "--lang", "zh")
    assert code == 0, text
    assert "压力: pandemic" in text and "预期利润" in text and "决策变化的企业" in text
    base = pq.read_table(out / "decisions.parquet").to_pandas().set_index("enterprise_id")
    stressed = pq.read_table(out / "decisions_stress.parquet").to_pandas().set_index("enterprise_id")
    lent_base = base.loc[base["industry"] == hit, "amount"].sum()
    lent_stress = stressed.loc[stressed["industry"] == hit, "amount"].sum()
    assert lent_stress < lent_base
    changed = pd.read_csv(out / "changed.csv", encoding="utf-8-sig")
    assert len(changed) > 0


@pytest.mark.parametrize(("args", "needle_en", "needle_zh"), [
    (["--budget", "-5", "--churn", "CHURN"], "budget must be positive", "信贷总额必须为正数"),
    (["--budget", "1e7", "--churn", "/nonexistent.xlsx"], "file not found", "找不到文件"),
    (["--budget", "1e7", "--churn", "CHURN", "--amount", "1e5"], "MIN:MAX", "最小:最大"),
    (["--budget", "1e7", "--churn", "CHURN", "--rate", "0.01:0.02"], "no rate of the churn table", "利率区间无效"),
    (["--budget", "1e7", "--churn", "CHURN", "--limit", "circle=0.1"], "no column circle", "缺少字段"),
])
def test_bad_inputs_give_a_bilingual_message_not_a_traceback(scored_home: DataHome, churn_xlsx: Path,
                                                             args: list[str], needle_en: str, needle_zh: str) -> None:
    args = [str(churn_xlsx) if a == "CHURN" else a for a in args]
    for lang, needle in (("en", needle_en), ("zh", needle_zh)):
        code, text = run(scored_home, *args, "--lang", lang)
        assert code == 2, text
        assert needle in text and "Traceback" not in text


def test_no_scores_for_the_date(scored_home: DataHome, churn_xlsx: Path) -> None:
    res = CliRunner().invoke(app, ["strategy", "--home", str(scored_home.root), "--as-of", "2020-01-01",
                                   "--budget", "1e7", "--churn", str(churn_xlsx), "--lang", "en"])
    assert res.exit_code == 2 and "firmscore score --as-of 2020-01-01" in res.output

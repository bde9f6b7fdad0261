"""Loaders of the real-data benchmark against the dataset README, the metrics, and optbinning in its own venv."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from firmscore.benchmark.cumcm import industry_from_name, read_firm_lists, usable_features
from firmscore.benchmark.datasets import polish, slovak, slovak_small
from firmscore.benchmark.metrics import WeightedCurve, draws, estimate, iter_draws, ks, paired_difference
from firmscore.benchmark.models import MODELS, OPTBINNING, fit_predict, optbinning_folds, peers_python
from firmscore.benchmark.run import KEEP_MARKER, keep_tail, out_of_fold
from firmscore.features.catalog import FEATURES, GRAPH_FEATURES


@pytest.mark.shared_data
def test_polish_matches_the_readme(datasets_dir: Path) -> None:
    d = polish(datasets_dir)
    assert d.X.shape == (7027, 64)
    assert int(d.y.sum()) == 271
    assert len(d.folds) == 5
    tests = np.concatenate([te for _, te in d.folds])
    assert sorted(tests.tolist()) == list(range(7027))  # every firm predicted exactly once
    for _, te in d.folds:
        assert abs(d.y[te].mean() - 271 / 7027) < 0.005  # stratified


@pytest.mark.shared_data
def test_slovak_trains_on_earlier_years(datasets_dir: Path) -> None:
    d = slovak(datasets_dir)
    assert 0.015 < d.bad_rate < 0.025  # README: about 1.9 % bankrupt
    (train, test), = d.folds
    assert len(set(train) & set(test)) == 0 and len(train) + len(test) == len(d.y)
    assert "test 2015" in d.protocol and "train 2013" in d.protocol


@pytest.mark.shared_data
def test_slovak_small_keeps_the_test_year_and_adds_the_sector(datasets_dir: Path) -> None:
    full, small = slovak(datasets_dir), slovak_small(datasets_dir)
    (train, test), = small.folds
    assert len(train) == 1000 and np.array_equal(test, full.folds[0][1])
    assert set(train) <= set(full.folds[0][0])  # a sample of the earlier years
    assert abs(small.y[train].mean() - full.y[full.folds[0][0]].mean()) < 0.002  # stratified
    assert set(small.X["sector"]) == {"agriculture", "construction", "manufacture", "retail"}


@pytest.mark.shared_data
def test_cumcm_firm_lists_match_the_readme(datasets_dir: Path) -> None:
    f = read_firm_lists(datasets_dir / "cumcm2020c")
    rated = f[f["rated"]]
    assert len(rated) == 123 and int(rated["default"].sum()) == 27
    assert len(f) - len(rated) == 302
    assert set(rated["bank_grade"]) == {"A", "B", "C", "D"}
    assert (f["industry"] != "other").mean() > 0.7


def test_industry_from_name() -> None:
    assert industry_from_name("***建筑劳务有限公司") == "construction"
    assert industry_from_name("个体经营E124") == "individual"
    assert industry_from_name("***商贸有限公司") == "retail_trade"
    assert industry_from_name("***餐饮管理有限公司") == "catering_lodging"
    assert industry_from_name("***有限公司") == "other"


def test_cumcm_features_exclude_the_grade_the_defaults_and_the_graph() -> None:
    keep = set(usable_features())
    for f in FEATURES:
        if set(f.event_types) & {"default", "credit_grade"} or f in GRAPH_FEATURES:
            assert f.id not in keep
    assert any(f.startswith("beh_") for f in keep)


def test_metrics() -> None:
    y = np.array([0, 0, 0, 1, 1, 1])
    p = np.array([0.1, 0.2, 0.6, 0.4, 0.8, 0.9])
    assert ks(y, p) == pytest.approx(2 / 3)
    boot = draws(y, n_boot=200, seed=1)
    e = estimate(y, p, boot)
    assert e.value == pytest.approx(roc_auc_score(y, p)) and e.low <= e.value <= e.high
    same = paired_difference(y, p, p, boot)
    assert same.value == same.low == same.high == 0.0


def test_out_of_fold_means_repeats() -> None:
    from firmscore.benchmark.datasets import BenchDataset

    ds = BenchDataset(name="t", X=pd.DataFrame({"a": [0, 1, 2]}), y=np.array([0, 1, 0]),
                      folds=[(np.array([1, 2]), np.array([0])), (np.array([0, 2]), np.array([0, 1]))], protocol="")
    rows, p = out_of_fold(ds, [np.array([0.2]), np.array([0.4, 0.9])])
    assert rows.tolist() == [0, 1] and p.tolist() == pytest.approx([0.3, 0.9])


def _toy(n: int = 1500, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n), "noise": rng.normal(size=n)})
    X.loc[rng.random(n) < 0.05, "x2"] = np.nan
    logit = -2 + 1.2 * X["x1"].to_numpy() - 0.8 * np.nan_to_num(X["x2"].to_numpy())
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return X, y


def test_every_model_learns_a_real_signal() -> None:
    X, y = _toy()
    tr, te = np.arange(1000), np.arange(1000, 1500)
    for model in MODELS:
        if model in OPTBINNING:
            continue  # its own venv: the tests below
        p = fit_predict(model, X, y, tr, te)
        assert roc_auc_score(y[te], p) > 0.75, model


def _sector_data() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(1)
    n = 2000
    sector = rng.choice(["agri", "build", "make", "shop"], n)
    logit = -2.0 + np.select([sector == "build", sector == "shop"], [3.0, 1.5], 0.0) - 1.0 * (sector == "agri")
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    noise = rng.normal(size=n)
    noise[rng.random(n) < 0.2] = np.nan
    return pd.DataFrame({"sector": sector, "noise": noise}), y


def test_models_take_a_text_column() -> None:
    """A categorical field carrying the signal: every model uses it (one-hot, native splits or WOE bins)."""
    X, y = _sector_data()
    tr, te = np.arange(1500), np.arange(1500, len(y))
    for model in MODELS:
        if model in OPTBINNING:
            continue  # its own venv: the next test
        assert roc_auc_score(y[te], fit_predict(model, X, y, tr, te)) > 0.75, model  # the sector alone: ~0.80


def test_optbinning_takes_text_columns_and_empirical_missing(requirement: Callable[[bool, str], None]) -> None:
    requirement(peers_python() is not None, "optbinning venv missing (scripts/peers-venv.sh, FIRMSCORE_PEERS_VENV)")
    X, y = _sector_data()
    folds = [(np.arange(1500), np.arange(1500, len(y)))]
    default, = optbinning_folds(X, y, folds)
    empirical, = optbinning_folds(X, y, folds, metric_missing="empirical")
    assert roc_auc_score(y[1500:], default) > 0.75  # the sector reached optbinning as a categorical variable
    assert not np.array_equal(default, empirical)  # missing noise values get their own WOE, not 0


def test_optbinning_runs_in_its_own_venv(requirement: Callable[[bool, str], None]) -> None:
    requirement(peers_python() is not None, "optbinning venv missing (scripts/peers-venv.sh, FIRMSCORE_PEERS_VENV)")
    X, y = _toy()
    folds = [(np.arange(1000), np.arange(1000, 1500)), (np.arange(500, 1500), np.arange(500))]
    preds = optbinning_folds(X, y, folds)
    assert [len(p) for p in preds] == [500, 500]
    assert roc_auc_score(y[1000:], preds[0]) > 0.75


def test_benchmark_command_refuses_an_unknown_model(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from firmscore.cli import app

    out = tmp_path / "bench.md"
    result = CliRunner().invoke(app, ["benchmark", "real", "--only", "slovak", "--model", "raw logistic regresion",
                                      "--out", str(out)])
    assert result.exit_code == 2 and "unknown models" in result.output
    assert not out.exists()  # refused before any dataset was read


@settings(max_examples=60, deadline=None)
@given(n=st.integers(8, 400), ties=st.booleans(), seed=st.integers(0, 2**16))
def test_weighted_bootstrap_equals_sklearn_on_the_drawn_rows(n: int, ties: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int64)
    y[:2] = [0, 1]
    p = rng.random(n) + 0.4 * y
    if ties:
        p = np.round(p, 1)
    boot = draws(y, n_boot=5, seed=seed)
    curve = WeightedCurve(y, p)
    for idx, w in zip(iter_draws(y, 5, seed), boot.weights(), strict=True):
        assert curve.auc(w) == pytest.approx(roc_auc_score(y[idx], p[idx]), abs=1e-12)
        assert curve.ks(w) == pytest.approx(ks(y[idx], p[idx]), abs=1e-12)


def test_bootstrap_counts_are_the_draws() -> None:
    y = np.array([0, 1] * 50)
    boot = draws(y, n_boot=7, seed=3)
    assert len(boot) == 7 and boot.counts.dtype == np.uint8
    for idx, counts in zip(iter_draws(y, 7, 3), boot.counts, strict=True):
        assert counts.tolist() == np.bincount(idx, minlength=100).tolist()
        assert 0 < y[idx].sum() < len(idx)


def test_page_keeps_its_hand_written_tail() -> None:
    assert keep_tail(None) == "" and keep_tail("# old page\n") == ""
    page = f"# generated\n| a |\n{KEEP_MARKER}\n## Notes\nmeasured by hand\n"
    assert keep_tail(page) == f"\n{KEEP_MARKER}\n## Notes\nmeasured by hand\n"


def test_lightgbm_runs_on_one_thread_with_identical_challenger_predictions() -> None:
    from firmscore.benchmark.models import THREADS
    from firmscore.model.challenger import LGBMChallenger

    assert THREADS == 1  # two threads wait at every OpenMP barrier on a shared machine (docs/benchmarks.md)
    X, y = _toy()
    one = LGBMChallenger(n_estimators=50, n_jobs=1).fit(X, y).predict_pd(X)
    two = LGBMChallenger(n_estimators=50, n_jobs=2).fit(X, y).predict_pd(X)
    assert one.tolist() == two.tolist()  # so the faster setting loses nothing

"""Scorecard: points scaling, integer totals, sub-scores, reasons and the consistency guarantees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_classifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline

from firmscore.datamodel.specials import NO_SOURCE, NOT_AUTHORIZED
from firmscore.model import BinningProcess, BinRule, Scorecard, StepwiseSelector
from firmscore.model.card import DIMENSIONS

DIMS = {
    "age": "basic",
    "sales_months": "behaviour",
    "late_payments": "performance",
    "partners": "relationship",
    "rep_overdue": "legal_rep",
    "industry": "basic",
}
META = {
    "age": {"name_zh": "成立年限", "name_en": "Age", "dimension": "basic"},
    "late_payments": {"name_zh": "逾期次数", "name_en": "Late payments", "dimension": "performance"},
}


def make_frame(n: int = 8000, seed: int = 5) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    age = rng.gamma(2.0, 3.0, n)
    months = rng.integers(0, 13, n).astype(float)
    late = rng.poisson(0.7, n).astype(float)
    partners = rng.poisson(6, n).astype(float)
    rep = rng.poisson(0.5, n).astype(float)
    industry = rng.choice(["retail", "manufacturing", "construction", "services"], n)
    eff = pd.Series(industry).map({"retail": 0.2, "manufacturing": -0.2, "construction": 0.5, "services": 0.0})
    z = -2.6 - 0.15 * age - 0.12 * months + 0.5 * late - 0.05 * partners + 0.4 * rep + eff.to_numpy()
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(int)
    age[rng.uniform(size=n) < 0.05] = np.nan
    rep[rng.uniform(size=n) < 0.08] = NOT_AUTHORIZED
    X = pd.DataFrame(
        {
            "age": age,
            "sales_months": months,
            "late_payments": late,
            "partners": partners,
            "rep_overdue": rep,
            "industry": pd.Series(industry, dtype=object),
            "noise": rng.normal(size=n),
        }
    )
    return X, y


@pytest.fixture(scope="module")
def fitted() -> tuple[Scorecard, pd.DataFrame, np.ndarray]:
    X, y = make_frame()
    return Scorecard(dimensions=DIMS).fit(X, y), X, y


def test_scores_are_integers_in_range_and_discriminate(fitted) -> None:
    sc, X, y = fitted
    s = sc.points(X)
    assert s.dtype == np.int64
    assert s.min() >= 1000 and s.max() <= 2000
    assert roc_auc_score(y, -s) > 0.7
    assert roc_auc_score(y, sc.predict_proba(X)[:, 1]) == pytest.approx(roc_auc_score(y, -s), abs=0.01)
    # higher score = lower log-odds of default, linearly (the scaling is affine in log-odds)
    assert np.corrcoef(s, sc.decision_function(X))[0, 1] < -0.99


def test_summed_points_equal_scaled_model_output_up_to_rounding(fitted) -> None:
    sc, X, _ = fitted
    card = sc.card_
    pts = card.points(X)
    total = card.base_points + pts.sum(axis=1).to_numpy()
    assert np.array_equal(total, card.total_points(X))
    assert np.array_equal(np.clip(total, 1000, 2000), sc.points(X))
    bound = 0.5 * (len(card.features) + 1)
    assert np.max(np.abs(total - sc.scaled_model_output(X))) <= bound + 1e-9


def test_points_follow_each_features_bad_rate(fitted) -> None:
    sc, _, _ = fitted
    for f in sc.card_.features:
        assert f.coefficient is not None and f.coefficient < 0
        t = f.binning.table().iloc[:-1]
        seen = t["count"].to_numpy() > 0
        rate = t["event_rate"].to_numpy()[seen]
        pts = np.asarray(f.points)[seen]
        order = np.argsort(rate)
        assert np.all(np.diff(pts[order]) <= 0), f.name  # riskier bin never earns more points
        assert min(f.points) == 0


def test_points_table_is_exactly_what_is_scored(fitted) -> None:
    sc, X, _ = fitted
    table = sc.points_table()
    idx = sc.card_.bin_indices(X)
    pts = sc.card_.points(X)
    for f in sc.card_.features:
        ft = table[table["feature"] == f.name].set_index("bin_index")
        assert np.array_equal(ft["points"].to_numpy()[idx[f.name]], pts[f.name].to_numpy())
        # the WOE shown is the WOE the regression used
        assert np.array_equal(ft["woe"].to_numpy(), sc.binning_process_.binnings_[f.name].woe)
        bt = sc.binning_table(f.name).iloc[:-1]
        assert np.array_equal(bt["bin"].to_numpy(), ft["bin"].to_numpy())
        assert np.array_equal(bt["count"].to_numpy(), np.bincount(idx[f.name], minlength=len(bt)))
    z = sc.card_.intercept + sum(
        f.coefficient * sc.binning_process_.transform(X)[f.name].to_numpy() for f in sc.card_.features
    )
    assert np.allclose(z, sc.decision_function(X))


def test_special_and_missing_handled_the_same_in_training_and_scoring(fitted) -> None:
    sc, X, _ = fitted
    f = next(f for f in sc.card_.features if f.name == "rep_overdue")
    k = f.rule.n_regular
    j = f.rule.special_codes.index(NOT_AUTHORIZED)
    train_count = f.binning.non_event[k + j] + f.binning.event[k + j]
    assert train_count == (X["rep_overdue"] == NOT_AUTHORIZED).sum()
    rows = X.head(3).copy()
    rows["rep_overdue"] = [NOT_AUTHORIZED, NO_SOURCE, np.nan]
    got = sc.card_.points(rows)["rep_overdue"].to_list()
    assert got == [f.points[k + j], f.points[k + f.rule.special_codes.index(NO_SOURCE)], f.points[-1]]


def test_subscores_between_0_and_100_with_100_the_best_attainable(fitted) -> None:
    sc, X, _ = fitted
    sub = sc.subscores(X)
    assert list(sub.columns) == list(DIMENSIONS)
    card = sc.card_
    for d in DIMENSIONS:
        feats = [f for f in card.features if f.dimension == d]
        col = sub[d]
        if not feats:
            assert col.isna().all()
            continue
        assert col.between(0, 100).all()
    # a row built from every feature's best bin (regular, special or missing) scores 100 in each
    # populated dimension, and the worst bins score 0
    for pick, target in ((np.argmax, 100.0), (np.argmin, 0.0)):
        row = X.head(1).copy()
        for f in card.features:
            k = int(pick(f.points))
            row[f.name] = row[f.name].astype(object)
            row.loc[row.index[0], f.name] = _value_in_bin(f.rule, k)
            assert int(f.rule.assign(row[f.name])[0]) == k, (f.name, k)
        s = card.subscores(row)
        populated = [d for d in DIMENSIONS if any(f.dimension == d for f in card.features)]
        assert len(populated) >= 4  # the fixture's card uses most dimensions, so the check bites
        assert all(s[d].iloc[0] == target for d in populated), s


def _value_in_bin(rule: BinRule, k: int) -> object:
    """A raw value that ``rule`` assigns to bin ``k``."""
    if k == rule.missing_index:
        return np.nan
    if k >= rule.n_regular:
        return rule.special_codes[k - rule.n_regular]
    if rule.kind == "categorical":
        return rule.categories[k][0]
    bounds = [*rule.splits, (rule.splits[-1] if rule.splits else 0.0) + 1.0]
    return float(bounds[k])  # the interval (lo, hi] holds its upper bound; the last one a value above


def test_reasons_name_the_features_losing_most_points(fitted) -> None:
    sc, X, _ = fitted
    r = sc.reasons(X.head(50), metadata=META, max_reasons=4)
    assert r.groupby("row").size().max() <= 4
    assert (r["points_lost"] > 0).all()
    pts = sc.card_.points(X.head(50))
    for row, g in r.groupby("row"):
        lost = {f.name: f.max_points - pts.loc[row, f.name] for f in sc.card_.features}
        top = sorted(lost.values(), reverse=True)[: len(g)]
        assert g.sort_values("rank")["points_lost"].tolist() == top
        assert set(g["feature"]) <= set(lost)
    age = r[r["feature"] == "age"]
    if len(age):
        assert age["text_zh"].str.startswith("成立年限").all()
        assert age["text_en"].str.startswith("Age").all()
    other = r[~r["feature"].isin(META)]
    assert (other["text_en"].str.split(":").str[0] == other["feature"]).all()
    assert r.loc[r["feature"] == "late_payments", "dimension"].eq("performance").all()


def test_missing_bin_reason_says_missing_in_both_languages(fitted) -> None:
    sc, X, _ = fitted
    row = X.head(1).copy()
    row["age"] = np.nan
    r = sc.reasons(row, metadata=META, max_reasons=10)
    age = r[r["feature"] == "age"]
    if len(age):
        assert "缺失" in age["text_zh"].iloc[0] and "missing" in age["text_en"].iloc[0]


def test_clone_pipeline_and_selector(fitted) -> None:
    _, X, y = fitted
    sc = Scorecard(
        binning_process=BinningProcess(max_n_bins=4),
        selector=StepwiseSelector(direction="forward", criterion="bic"),
        dimensions=DIMS,
    )
    c = clone(sc)
    assert c.get_params()["binning_process"].max_n_bins == 4
    c.fit(X, y)
    assert "noise" not in c.card_.feature_names
    assert all(f.rule.n_regular <= 4 for f in c.card_.features)
    assert len(c.card_.features) <= len(c.selector_.support_)
    pipe = Pipeline([("card", Scorecard())]).fit(X, y)
    assert pipe.predict_proba(X).shape == (len(X), 2)
    assert is_classifier(Scorecard())
    auc = cross_val_score(Scorecard(), X, y, scoring="roc_auc", cv=3)
    assert auc.shape == (3,) and np.all(auc > 0.6)


def test_bad_input_is_rejected_clearly() -> None:
    X, y = make_frame(500)
    with pytest.raises(ValueError, match="unknown dimension"):
        Scorecard(dimensions={"age": "money"}).fit(X, y)
    sc = Scorecard().fit(X, y)
    with pytest.raises(ValueError, match="columns missing"):
        sc.points(X.drop(columns=[sc.card_.features[0].name]))
    with pytest.raises(TypeError):
        Scorecard().fit(X.to_numpy(), y)  # type: ignore[arg-type]

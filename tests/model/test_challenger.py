"""LightGBM challenger: monotone constraints, determinism, reasons."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from firmscore.model.challenger import LGBMChallenger, direction_code


def _data(n: int = 3000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "enforcement_cases": rng.poisson(1.0, n).astype(float),
            "firm_age_years": rng.gamma(3.0, 3.0, n),
            "noise": rng.normal(size=n),
        }
    )
    # Non-monotone truth in age (a bump) so an unconstrained model would learn a reversal.
    logit = -3 + 0.6 * X["enforcement_cases"] - 0.15 * X["firm_age_years"] + 1.2 * np.sin(X["firm_age_years"])
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y.to_numpy()


MONOTONE: dict[str, int | str] = {"enforcement_cases": "increasing", "firm_age_years": -1}
NAMES = {"enforcement_cases": ("被执行案件数", "enforcement cases"), "firm_age_years": ("成立年限", "firm age")}


def _model(**kw: Any) -> LGBMChallenger:
    return LGBMChallenger(monotone=MONOTONE, feature_names=NAMES, n_estimators=80, **kw)


def _partial_dependence(model: LGBMChallenger, X: pd.DataFrame, feature: str) -> np.ndarray:
    grid = np.quantile(X[feature], np.linspace(0, 1, 40))
    sample = X.sample(300, random_state=0)
    out = []
    for v in grid:
        probe = sample.copy()
        probe[feature] = v
        out.append(model.predict_pd(probe).mean())
    return np.asarray(out)


def test_partial_dependence_respects_monotone_constraints() -> None:
    X, y = _data()
    model = _model().fit(X, y)
    assert np.all(np.diff(_partial_dependence(model, X, "enforcement_cases")) >= -1e-12)
    assert np.all(np.diff(_partial_dependence(model, X, "firm_age_years")) <= 1e-12)
    # Without the constraint the same data give a non-monotone age effect: the check has teeth.
    free = LGBMChallenger(n_estimators=80).fit(X, y)
    pd_age = _partial_dependence(free, X, "firm_age_years")
    assert np.any(np.diff(pd_age) > 1e-6)
    assert roc_auc_score(y, model.predict_pd(X)) > 0.7


def test_deterministic_for_seed_and_threads() -> None:
    X, y = _data()
    a = _model(random_state=5, n_jobs=1).fit(X, y).predict_pd(X)
    b = _model(random_state=5, n_jobs=2).fit(X, y).predict_pd(X)
    c = clone(_model(random_state=5)).fit(X, y).predict_pd(X)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    d = _model(random_state=6).fit(X, y).predict_pd(X)
    assert not np.array_equal(a, d)


def test_reasons_from_contributions() -> None:
    X, y = _data()
    model = _model().fit(X, y)
    contrib = model.contributions(X.iloc[:50])
    logit = np.log(model.predict_pd(X.iloc[:50]) / (1 - model.predict_pd(X.iloc[:50])))
    np.testing.assert_allclose(contrib.sum(axis=1), logit, atol=1e-6)
    reasons = model.reasons(X.iloc[:50], max_reasons=2)
    for row, rs in enumerate(reasons):
        assert len(rs) <= 2
        assert all(r.contribution > 0 for r in rs)
        assert [r.contribution for r in rs] == sorted((r.contribution for r in rs), reverse=True)
        if rs:
            top = contrib.iloc[row].drop("bias").idxmax()
            assert rs[0].feature == top
    riskiest = int(np.argmax(X["enforcement_cases"].to_numpy()[:50]))
    named = {r.feature: r for r in reasons[riskiest]}
    assert named["enforcement_cases"].text() == "被执行案件数 / enforcement cases"
    frame = model.reasons_frame(X.iloc[:50])
    assert set(frame.columns) >= {"row", "rank", "feature", "zh", "en", "contribution"}


def test_bad_directions_and_features_are_refused() -> None:
    X, y = _data(500)
    assert direction_code("decreasing") == -1
    with pytest.raises(ValueError, match="unknown monotone direction"):
        direction_code("up")
    with pytest.raises(ValueError, match="unknown features"):
        LGBMChallenger(monotone={"nope": 1}).fit(X, y)
    model = _model().fit(X, y)
    with pytest.raises(ValueError, match="lacks"):
        model.predict_proba(X.drop(columns="noise"))


def test_infer_directions_finds_true_signs() -> None:
    from firmscore.model.challenger import infer_directions

    X, y = _data(4000)
    directions = infer_directions(X, y, min_abs_corr=0.05)
    assert directions["enforcement_cases"] == 1
    assert directions["firm_age_years"] == -1
    assert "noise" not in directions


def test_special_codes_are_not_forced_to_an_extreme() -> None:
    from firmscore.datamodel.specials import NOT_AUTHORIZED

    X, y = _data(3000)
    rng = np.random.default_rng(9)
    hidden = rng.random(len(X)) < 0.15
    X.loc[hidden, "enforcement_cases"] = NOT_AUTHORIZED
    y = np.where(hidden & (rng.random(len(X)) < 0.3), 1, y)  # not authorised: high risk
    model = _model().fit(X, y)
    probe = X.iloc[:200].copy()
    probe["enforcement_cases"] = NOT_AUTHORIZED
    as_code = model.predict_pd(probe).mean()
    probe["enforcement_cases"] = 0.0
    lowest = model.predict_pd(probe).mean()
    # As a raw number the code would sit below 0 cases and, under the increasing constraint,
    # could not score riskier than 0 cases; as missing it gets its own, higher, risk.
    assert as_code > lowest


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning", "ignore::RuntimeWarning")
def test_passes_scikit_learn_estimator_checks() -> None:
    from sklearn.utils.estimator_checks import check_estimator

    results = check_estimator(LGBMChallenger(n_estimators=10, min_child_samples=1), on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results if r["status"] == "failed"]
    assert not failed


def _categorical_data(n: int = 4000, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    """An industry whose risk has no order in its code (the risky ones are scattered), and a numeric driver."""
    rng = np.random.default_rng(seed)
    industries = np.array([f"I{k:02d}" for k in range(12)])
    risk = dict(zip(industries, rng.permutation(np.linspace(-1.5, 1.5, 12)), strict=True))
    industry = rng.choice(industries, n)
    enforcement = rng.poisson(0.8, n).astype(float)
    logit = -2.5 + np.vectorize(risk.get)(industry) + 0.5 * enforcement
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    X = pd.DataFrame({"industry": industry, "enforcement_cases": enforcement})
    return X, y


def test_categorical_columns_use_native_splits() -> None:
    X, y = _categorical_data()
    train, test = slice(0, 3000), slice(3000, None)
    model = LGBMChallenger(monotone={"enforcement_cases": 1}, n_estimators=80).fit(X.iloc[train], y[train])
    assert model.categories_ == {"industry": sorted(X["industry"].unique())}
    auc = roc_auc_score(y[test], model.predict_pd(X.iloc[test]))
    # the same model without the industry: the category carries signal the challenger now uses
    numeric = LGBMChallenger(monotone={"enforcement_cases": 1}, n_estimators=80)
    numeric.fit(X.iloc[train][["enforcement_cases"]], y[train])
    assert auc > roc_auc_score(y[test], numeric.predict_pd(X.iloc[test][["enforcement_cases"]])) + 0.03
    # pandas categoricals and text are the same input; an unseen category scores like a missing one
    as_cat = X.iloc[test].astype({"industry": "category"})
    assert np.array_equal(model.predict_pd(as_cat), model.predict_pd(X.iloc[test]))
    probe = X.iloc[test].copy()
    probe["industry"] = "never seen"
    missing = X.iloc[test].copy()
    missing["industry"] = None
    assert np.array_equal(model.predict_pd(probe), model.predict_pd(missing))
    reasons = model.reasons(X.iloc[test].iloc[:200])
    values = {r.value for rs in reasons for r in rs if r.feature == "industry"}
    assert values and values <= set(X["industry"])  # a categorical reason names its category
    with pytest.raises(ValueError, match="no order"):
        LGBMChallenger(monotone={"industry": 1}).fit(X, y)

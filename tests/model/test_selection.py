"""Selectors and the sign-constrained logistic regression."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from firmscore.model.logistic import SignConstrainedLogisticRegression
from firmscore.model.selection import CorrelationSelector, IVSelector, StepwiseSelector, VIFSelector, discrete_iv


def _woe_like(n: int = 6000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Binned inputs: three informative (negative effect on the bad rate), one copy, one noise."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 5, n) - 2.0
    b = rng.integers(0, 4, n) - 1.5
    c = rng.integers(0, 3, n) - 1.0
    copy = a + (rng.uniform(size=n) < 0.05) * 1.0  # near-duplicate of a
    noise = rng.integers(0, 4, n).astype(float)
    z = -2.5 - 0.6 * a - 0.4 * b - 0.3 * c
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(int)
    return np.column_stack([a, b, c, copy, noise]), y


def test_iv_selector_keeps_informative_columns() -> None:
    X, y = _woe_like()
    sel = IVSelector(min_iv=0.02).fit(X, y)
    assert sel.get_support().tolist() == [True, True, True, True, False]
    assert np.allclose(sel.iv_, discrete_iv(X, y))
    pre = IVSelector(0.5).fit(X, y, iv=[1, 0, 1, 0, 1])
    assert pre.get_support().tolist() == [True, False, True, False, True]


def test_correlation_selector_drops_the_weaker_twin() -> None:
    X, y = _woe_like()
    sel = CorrelationSelector(max_corr=0.8).fit(X, y)
    keep = sel.get_support()
    assert keep[:3].all() and keep[3] != keep[0]
    assert abs(sel.corr_[0, 3]) > 0.9
    assert sel.transform(X).shape[1] == int(keep.sum())


def test_vif_selector_removes_collinearity() -> None:
    X, _y = _woe_like()
    sel = VIFSelector(max_vif=5.0).fit(X)
    assert sel.get_support().sum() == 4
    assert not (sel.get_support()[0] and sel.get_support()[3])
    kept = X[:, sel.get_support()]
    inv = np.linalg.inv(np.corrcoef(kept, rowvar=False))
    assert np.all(np.diag(inv) <= 5.0)


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_stepwise_finds_the_informative_set(direction: str, criterion: str) -> None:
    X, y = _woe_like()
    sel = StepwiseSelector(direction=direction, criterion=criterion).fit(X[:, [0, 1, 2, 4]], y)
    support = sel.get_support()
    assert support[:3].all()
    values = [v for _, v in sel.path_]
    assert all(b < a for a, b in itertools.pairwise(values))
    assert clone(sel).get_params() == sel.get_params()


def test_constrained_regression_matches_unconstrained_when_signs_agree() -> None:
    X, y = _woe_like()
    X = X[:, :3]
    ours = SignConstrainedLogisticRegression(C=1e6).fit(X, y)
    ref = LogisticRegression(C=1e6, max_iter=1000).fit(X, y)
    assert np.allclose(ours.coef_, ref.coef_, atol=1e-3)
    assert np.allclose(ours.intercept_, ref.intercept_, atol=1e-3)
    assert np.allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-4)


def test_constrained_regression_never_flips_a_sign() -> None:
    X, y = _woe_like()
    flipped = np.column_stack([X[:, :3], -X[:, 2] + 0.01 * X[:, 0]])  # a feature whose sign must be wrong
    unconstrained = SignConstrainedLogisticRegression(sign="none").fit(flipped, y)
    assert (unconstrained.coef_ > 0).any()
    m = SignConstrainedLogisticRegression().fit(flipped, y)
    assert np.all(m.coef_ <= 0)
    pos = SignConstrainedLogisticRegression(sign="positive").fit(-flipped, y)
    assert np.all(pos.coef_ >= 0)
    # KKT: a coefficient held at 0 (bound coef <= 0) could only move negative, which must not
    # lower the loss: its loss gradient is <= 0; free coefficients have zero gradient
    p = m.predict_proba(flipped)[:, 1]
    grad = flipped.T @ (p - y) / len(y) + m.coef_[0] / (m.C * len(y))  # log-loss + L2 term
    at_bound = m.coef_[0] == 0
    assert at_bound.any()
    assert np.all(grad[at_bound] <= 1e-6)
    assert np.allclose(grad[~at_bound], 0.0, atol=1e-5)


def test_regression_in_a_pipeline_and_bad_labels() -> None:
    X, y = _woe_like(800)
    pipe = make_pipeline(IVSelector(0.01), SignConstrainedLogisticRegression()).fit(X, y)
    assert pipe.predict(X).shape == (800,)
    with pytest.raises(ValueError, match="exactly two classes"):
        SignConstrainedLogisticRegression().fit(X, np.zeros(800))
    with pytest.raises(ValueError, match="sign"):
        SignConstrainedLogisticRegression(sign="up").fit(X, y)


def test_collinear_inputs_do_not_explode() -> None:
    """Duplicated WOE columns (singular Hessian) converge to the same fit as one column (up to the
    small L2 term, which prefers spreading a coefficient over the copies)."""
    X, y = _woe_like()
    dup = np.column_stack([X[:, 0], X[:, 0], X[:, 0] * (1 + 1e-9), X[:, 1]])
    m = SignConstrainedLogisticRegression().fit(dup, y)
    one = SignConstrainedLogisticRegression().fit(X[:, [0, 1]], y)
    assert np.all(np.isfinite(m.coef_)) and np.all(np.abs(m.coef_) < 5)
    assert m.coef_[0, :3].sum() == pytest.approx(one.coef_[0, 0], abs=1e-2)
    assert np.allclose(m.predict_proba(dup), one.predict_proba(X[:, [0, 1]]), atol=1e-3)

"""Discrimination metrics against scikit-learn and hand computation."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score, roc_curve

from firmscore.model.metrics import (
    bootstrap_auc_ks,
    discrimination,
    gini,
    ks_curve_data,
    ks_statistic,
    roc_auc,
    roc_curve_data,
)


def _sample(n: int = 3000, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.12).astype(int)
    score = np.round(rng.normal(size=n) + 0.9 * y, 1)  # rounding creates ties
    return y, score


def test_auc_matches_sklearn_with_ties() -> None:
    y, s = _sample()
    assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert gini(y, s) == pytest.approx(2 * roc_auc_score(y, s) - 1, abs=1e-12)


def test_roc_curve_matches_sklearn() -> None:
    y, s = _sample()
    ours = roc_curve_data(y, s)
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(ours["fpr"], fpr)
    np.testing.assert_allclose(ours["tpr"], tpr)


def test_ks_hand_computed() -> None:
    # Scores (riskier = higher) and outcomes chosen so the KS can be counted by hand:
    # bads at 0.9, 0.8, 0.4; goods at 0.7, 0.3, 0.2, 0.1.
    y = np.array([1, 1, 0, 1, 0, 0, 0])
    s = np.array([0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.1])
    # At cut-off 0.8: 2/3 bads vs 0/4 goods → gap 0.667; at 0.4: 3/3 vs 1/4 → 0.75 (the max).
    result = ks_statistic(y, s)
    assert result.ks == pytest.approx(0.75)
    assert result.cutoff == pytest.approx(0.4)
    assert result.bad_rate_captured == pytest.approx(1.0)
    assert result.good_rate_captured == pytest.approx(0.25)
    curve = ks_curve_data(y, s)
    assert curve["gap"].max() == pytest.approx(0.75)
    assert curve["population_share"].iloc[-1] == pytest.approx(1.0)


def test_ks_matches_max_tpr_minus_fpr() -> None:
    y, s = _sample()
    fpr, tpr, _ = roc_curve(y, s)
    assert ks_statistic(y, s).ks == pytest.approx(float(np.max(tpr - fpr)))


def test_bootstrap_is_seeded_and_covers_estimate() -> None:
    y, s = _sample()
    a1, k1 = bootstrap_auc_ks(y, s, n_bootstrap=200, seed=3)
    a2, k2 = bootstrap_auc_ks(y, s, n_bootstrap=200, seed=3)
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(k1, k2)
    a3, _ = bootstrap_auc_ks(y, s, n_bootstrap=200, seed=4)
    assert not np.array_equal(a1, a3)
    # The bootstrap distribution is centred on the full-sample AUC.
    assert abs(a1.mean() - roc_auc(y, s)) < 0.01
    ub, _ = bootstrap_auc_ks(y, s, n_bootstrap=50, seed=5, stratified=False)
    assert np.all((ub > 0.5) & (ub < 1.0))


def test_bootstrap_spread_matches_hanley_mcneil() -> None:
    """The bootstrap standard error agrees with the Hanley–McNeil (1982) analytical one."""
    y, s = _sample(6000, seed=11)
    auc = roc_auc(y, s)
    n_bad, n_good = int(y.sum()), int((1 - y).sum())
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    se = np.sqrt((auc * (1 - auc) + (n_bad - 1) * (q1 - auc**2) + (n_good - 1) * (q2 - auc**2)) / (n_bad * n_good))
    boot, _ = bootstrap_auc_ks(y, s, n_bootstrap=800, seed=2)
    assert boot.std() == pytest.approx(se, rel=0.2)


def test_discrimination_interval_and_direction() -> None:
    y, s = _sample()
    result = discrimination(y, s, n_bootstrap=300, seed=1)
    assert result.auc.lower < result.auc.estimate < result.auc.upper
    assert result.gini.estimate == pytest.approx(2 * result.auc.estimate - 1)
    # The enterprise score runs the other way: same AUC, cut-off in score units.
    score = 1500 - 100 * s
    flipped = discrimination(y, score, higher_is_better=True, n_bootstrap=300, seed=1)
    assert flipped.auc.estimate == pytest.approx(result.auc.estimate)
    assert flipped.ks_cutoff == pytest.approx(1500 - 100 * result.ks_cutoff)


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="row 1"):
        roc_auc([0, 2, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="both"):
        roc_auc([0, 0, 0], [0.1, 0.2, 0.3])

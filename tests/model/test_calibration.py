"""Score → PD calibration and recalibration to a long-run default rate."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from firmscore.model.calibration import (
    IsotonicCalibrator,
    LogisticCalibrator,
    shift_to_mean,
)


def _scored(n: int = 20000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Enterprise scores whose true log-odds of default are linear in the score."""
    rng = np.random.default_rng(seed)
    score = rng.normal(1450, 80, n)
    true_pd = 1 / (1 + np.exp(-(-3.0 - (score - 1450) / 40)))
    return score, (rng.random(n) < true_pd).astype(int)


def test_logistic_recovers_slope_and_is_monotone() -> None:
    score, y = _scored()
    cal = LogisticCalibrator().fit(score, y)
    assert cal.slope_ == pytest.approx(-1 / 40, rel=0.1)
    pd_ = cal.predict(np.sort(score))
    assert np.all(np.diff(pd_) <= 0)
    assert cal.predict(score).mean() == pytest.approx(y.mean(), rel=0.02)
    np.testing.assert_allclose(cal.score_for_pd(cal.predict([1400.0, 1500.0])), [1400.0, 1500.0])


@pytest.mark.parametrize("calibrator", [LogisticCalibrator, IsotonicCalibrator])
def test_central_tendency_reached_and_ranking_kept(calibrator: type) -> None:
    score, y = _scored()
    target = 0.08  # long-run rate, well above this sample's ~5 %
    cal = calibrator(long_run_default_rate=target).fit(score, y)
    pd_ = cal.predict(score)
    assert pd_.mean() == pytest.approx(target, abs=1e-6)
    raw = calibrator().fit(score, y).predict(score)
    assert roc_auc_score(y, pd_) == pytest.approx(roc_auc_score(y, raw), abs=1e-12)
    assert clone(cal).get_params() == cal.get_params()


def test_isotonic_is_monotone_in_imposed_direction() -> None:
    score, y = _scored(5000)
    grid = np.linspace(1100, 1800, 500)
    pd_ = IsotonicCalibrator(long_run_default_rate=0.06).fit(score, y).predict(grid)
    assert np.all(np.diff(pd_) <= 0)
    risk_pd = IsotonicCalibrator(higher_is_better=False).fit(-score, y).predict(np.sort(-grid))
    assert np.all(np.diff(risk_pd) >= 0)


def test_wrong_direction_is_refused() -> None:
    score, y = _scored(5000)
    with pytest.raises(ValueError, match="does not rank"):
        LogisticCalibrator(higher_is_better=False).fit(score, y)


def test_shift_to_mean_on_any_vector() -> None:
    pd_ = np.random.default_rng(2).beta(1, 30, 1000)
    shifted = shift_to_mean(pd_, 0.02)
    assert shifted.mean() == pytest.approx(0.02, abs=1e-9)
    # Order is kept (PDs pushed onto the floor may tie, never swap).
    assert np.all(np.diff(shifted[np.argsort(pd_)]) >= 0)
    with pytest.raises(ValueError):
        shift_to_mean(pd_, 1.5)

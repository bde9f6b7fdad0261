"""Per-grade Jeffreys/binomial tests, traffic lights and Hosmer–Lemeshow."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from firmscore.model.backtest import (
    TrafficLights,
    binomial_p_value,
    grade_backtest,
    hosmer_lemeshow,
    jeffreys_p_value,
)
from firmscore.model.grades import MasterScale


def test_jeffreys_and_binomial_against_scipy() -> None:
    n, d, pd_ = np.array([100, 250, 1000]), np.array([5, 2, 30]), np.array([0.02, 0.01, 0.025])
    jeff = jeffreys_p_value(n, d, pd_)
    binom = binomial_p_value(n, d, pd_)
    for i in range(3):
        assert jeff[i] == pytest.approx(stats.beta(d[i] + 0.5, n[i] - d[i] + 0.5).cdf(pd_[i]))
        assert binom[i] == pytest.approx(stats.binomtest(int(d[i]), int(n[i]), pd_[i], alternative="greater").pvalue)
    # 5 defaults in 100 at PD 2 %: binomial P(X ≥ 5) computed by hand from the pmf.
    by_hand = 1 - sum(stats.binom.pmf(k, 100, 0.02) for k in range(5))
    assert binom[0] == pytest.approx(by_hand)
    assert np.isnan(jeffreys_p_value([0], [0], [0.1])[0])


def test_traffic_lights_thresholds() -> None:
    lights = TrafficLights()
    assert list(lights.classify([0.5, 0.05, 0.049, 0.001, 0.0009, np.nan])) == [
        "green", "green", "yellow", "yellow", "red", "grey"]
    with pytest.raises(ValueError):
        TrafficLights(yellow=0.01, red=0.05)


def _portfolio(n: int, seed: int, bias: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pd_ = np.clip(np.exp(rng.normal(np.log(0.02), 1.0, n)), 0.0005, 0.5)
    y = (rng.random(n) < np.clip(pd_ * bias, 0, 1)).astype(int)
    return pd_, y


def test_grade_backtest_green_when_calibrated_red_when_underestimated() -> None:
    scale = MasterScale.geometric()
    pd_, y = _portfolio(40000, 1)
    table = grade_backtest(pd_, y, scale)
    assert list(table["grade"]) == [g.name for g in scale.grades]
    assert table["n"].sum() == pd_.size and table["defaults"].sum() == y.sum()
    assert (table["light"] == "red").sum() == 0
    pd_bad, y_bad = _portfolio(40000, 1, bias=2.5)  # true risk 2.5× the PD
    bad = grade_backtest(pd_bad, y_bad, scale)
    assert (bad["light"] == "red").sum() >= 3


def test_hosmer_lemeshow_accepts_calibrated_rejects_miscalibrated() -> None:
    pd_, y = _portfolio(20000, 3)
    ok = hosmer_lemeshow(pd_, y, in_sample=False)
    assert not ok.rejected(0.05)
    assert ok.dof == 10
    pd_, y = _portfolio(20000, 3, bias=1.5)
    bad = hosmer_lemeshow(pd_, y, in_sample=False)
    assert bad.rejected(0.001)
    # Statistic equals the textbook sum over groups.
    g = bad.groups
    expected_stat = (((g.observed - g.expected) ** 2) / (g.n * g.mean_pd * (1 - g.mean_pd))).sum()
    assert bad.statistic == pytest.approx(expected_stat)


def test_hosmer_lemeshow_with_too_few_groups_is_no_test() -> None:
    pd_ = np.repeat([0.01, 0.05], 500)
    y = (np.random.default_rng(0).random(1000) < pd_).astype(int)
    result = hosmer_lemeshow(pd_, y, in_sample=True)
    assert np.isnan(result.p_value) and result.dof == 0 and not result.rejected()

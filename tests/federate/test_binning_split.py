"""The split binning (host pre-bins + guest optimisation on counts) equals the local binning exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from firmscore.federate.binning import apply_choice, fit_from_counts, prebin
from firmscore.model.binning.optimal import OptimalBinning
from firmscore.model.public_data import load_polish


def _split_fit(x: pd.Series, y: np.ndarray, params: dict[str, object]):  # type: ignore[no-untyped-def]
    pre = prebin("x", x, params)
    events = np.bincount(pre.index, weights=y, minlength=pre.rule.n_bins)  # what the encrypted sums decrypt to
    choice = fit_from_counts(pre.counts, events, pre.n_regular, len(y), params, name="x")
    return apply_choice(pre, choice, float(params.get("alpha", 0.5)))  # type: ignore[arg-type]


@pytest.mark.parametrize("params", [{}, {"monotonic_trend": "ascending", "max_n_prebins": 20},
                                    {"min_bin_size": 0.05, "max_n_bins": 4}, {"monotonic_trend": "peak"}])
def test_split_equals_local_on_synthetic(params: dict[str, object]) -> None:
    rng = np.random.default_rng(11)
    x = rng.normal(size=4000)
    x[rng.random(4000) < 0.05] = np.nan
    x[rng.random(4000) < 0.03] = -999999.0  # a contract special code
    y = (rng.random(4000) < expit(-2.5 + 0.8 * np.nan_to_num(x, nan=0.0, neginf=0.0))).astype(np.float64)
    fitted, idx = _split_fit(pd.Series(x), y, params)
    local = OptimalBinning(name="x", refine=False, **params)  # type: ignore[arg-type]
    local_idx = local.fit_indices(pd.Series(x), y)
    assert fitted == local.binning_
    assert np.array_equal(idx, local_idx)
    assert np.array_equal(fitted.woe, local.binning_.woe)


def test_split_equals_local_on_polish(datasets_dir) -> None:  # type: ignore[no-untyped-def]
    ds = load_polish(datasets_dir / "polish" / "1year.arff")
    y = ds.y.astype(np.float64)
    for col in ds.X.columns[:8]:
        fitted, idx = _split_fit(ds.X[col], y, {})
        local = OptimalBinning(name="x", refine=False)
        assert np.array_equal(idx, local.fit_indices(ds.X[col], y)), col
        assert fitted == local.binning_, col

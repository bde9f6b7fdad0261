"""Optimal binning: constraints always hold, specials/missing stay apart, tables are what is used."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_helpers import shape_ok
from sklearn.base import clone

from firmscore.datamodel.specials import NO_SOURCE, NOT_AUTHORIZED
from firmscore.model.binning import BinningProcess, BinRule, OptimalBinning, woe_iv


def _data(n: int = 3000, seed: int = 0) -> tuple[pd.Series, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(-2 - 1.2 * x)))).astype(int)
    x[rng.uniform(size=n) < 0.05] = np.nan
    x[rng.uniform(size=n) < 0.03] = NOT_AUTHORIZED
    return pd.Series(x, name="x"), y


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(60, 600),
    trend=st.sampled_from(["auto", "ascending", "descending", "peak", "valley", "none"]),
    min_bin_size=st.sampled_from([0.0, 0.02, 0.05, 0.1]),
    max_n_bins=st.one_of(st.none(), st.integers(1, 6)),
    min_n_events=st.integers(0, 4),
    discrete=st.booleans(),
)
def test_constraints_always_hold(seed, n, trend, min_bin_size, max_n_bins, min_n_events, discrete) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 12, n).astype(float) if discrete else rng.normal(size=n) * rng.uniform(0.1, 100)
    x[rng.uniform(size=n) < 0.05] = np.nan
    x[rng.uniform(size=n) < 0.05] = NO_SOURCE
    y = (rng.uniform(size=n) < rng.uniform(0.05, 0.5)).astype(int)
    y[:2] = [0, 1]
    ob = OptimalBinning(
        monotonic_trend=trend, min_bin_size=min_bin_size, max_n_bins=max_n_bins, min_n_events=min_n_events
    ).fit(x, y)
    b = ob.binning_
    k = b.rule.n_regular
    g, e = np.array(b.non_event), np.array(b.event)
    cnt = g + e
    # special and missing values are in their own bins, never merged
    assert cnt[b.rule.missing_index] == np.isnan(x).sum()
    assert cnt[k + list(b.rule.special_codes).index(NO_SOURCE)] == (x == NO_SOURCE).sum()
    assert cnt.sum() == n
    if k > 1:  # one bin for everything is the always-feasible fallback
        assert np.all(cnt[:k] >= min_bin_size * n)
        assert np.all(e[:k] >= min_n_events)
        assert np.all(g[:k] >= 1)
        assert max_n_bins is None or k <= max_n_bins
        shape = b.trend if trend == "auto" else trend
        assert shape_ok(e[:k] / cnt[:k], shape)
    # the counts are exactly the counts of the indices the binning assigns
    idx = ob.transform(x, metric="indices")
    assert np.array_equal(np.bincount(idx, minlength=b.rule.n_bins), cnt)
    assert np.array_equal(np.bincount(idx, weights=y, minlength=b.rule.n_bins), e)


def test_monotone_feature_gets_a_monotone_informative_binning() -> None:
    x, y = _data()
    ob = OptimalBinning(name="x").fit(x, y)
    t = ob.binning_table()
    assert ob.binning_.trend == "descending"
    assert ob.binning_.rule.n_regular >= 4
    assert ob.iv_ > 0.3
    assert list(t.columns) == ["bin", "count", "count_share", "non_event", "event", "event_rate", "woe", "iv"]
    assert t["bin"].iloc[-1] == "Totals" and t["count"].iloc[-1] == len(x)
    assert t["iv"].iloc[-1] == pytest.approx(t["iv"].iloc[:-1].sum())


def test_table_is_exactly_what_transform_uses() -> None:
    x, y = _data()
    ob = OptimalBinning(name="x").fit(x, y)
    t = ob.binning_table().iloc[:-1]
    idx = ob.transform(x, metric="indices")
    woe = ob.transform(x, metric="woe")
    labels = ob.transform(x, metric="bins")
    assert np.array_equal(woe, t["woe"].to_numpy()[idx])
    assert np.array_equal(labels, t["bin"].to_numpy()[idx])
    assert np.array_equal(np.bincount(idx, minlength=len(t)), t["count"].to_numpy())
    assert np.allclose(np.bincount(idx, weights=y, minlength=len(t)), t["event"].to_numpy())
    # and the WOE formula of the table is the documented one
    g, b = t["non_event"].to_numpy(), t["event"].to_numpy()
    assert np.allclose(t["woe"], woe_iv(g, b, g.sum(), b.sum(), 0.5)[0])


def test_missing_and_special_values_scored_in_their_own_bins() -> None:
    x, y = _data()
    ob = OptimalBinning(name="x").fit(x, y)
    rule = ob.binning_.rule
    new = pd.Series([np.nan, NOT_AUTHORIZED, NO_SOURCE, -50.0, 50.0, np.inf, -np.inf])
    idx = ob.transform(new, metric="indices")
    k = rule.n_regular
    assert idx[0] == rule.missing_index
    assert idx[1] == k + rule.special_codes.index(NOT_AUTHORIZED)
    assert idx[2] == k + rule.special_codes.index(NO_SOURCE)
    assert idx[3] == 0 and idx[5] == k - 1 and idx[6] == 0
    # NO_SOURCE was never seen in training: empty bin, neutral WOE
    assert ob.transform(pd.Series([NO_SOURCE]))[0] == 0.0


def test_pandas_nullable_floats_treat_na_as_missing() -> None:
    x, y = _data()
    ob = OptimalBinning(name="x").fit(x.astype("Float64"), y)
    idx = ob.transform(pd.Series([pd.NA, 0.5], dtype="Float64"), metric="indices")
    assert idx[0] == ob.binning_.rule.missing_index


def test_user_special_codes_inside_the_data_range() -> None:
    x, y = _data()
    x = x.copy()
    x.iloc[:100] = 0.0
    ob = OptimalBinning(name="x", special_codes=[0.0]).fit(x, y)
    k = ob.binning_.rule.n_regular
    assert ob.binning_.non_event[k] + ob.binning_.event[k] == (x == 0.0).sum()
    assert ob.transform(pd.Series([0.0, 1e-12, -1e-12]), metric="indices")[0] == k
    assert ob.transform(pd.Series([1e-12]), metric="indices")[0] < k


def test_categorical_binning_orders_by_event_rate_and_maps_unknown_to_missing() -> None:
    rng = np.random.default_rng(3)
    cats = np.array(list("ABCDEF"))
    c = cats[rng.integers(0, 6, 5000)]
    p = pd.Series(c).map(dict(zip(cats, [0.02, 0.04, 0.08, 0.12, 0.2, 0.3], strict=True))).to_numpy()
    y = (rng.uniform(size=5000) < p).astype(int)
    c = c.astype(object)
    c[:50] = None
    ob = OptimalBinning(name="c", dtype="categorical").fit(pd.Series(c), y)
    t = ob.binning_table().iloc[: ob.binning_.rule.n_regular]
    assert np.all(np.diff(t["event_rate"].to_numpy()) > 0)
    idx = ob.transform(pd.Series(["A", "Z", None]), metric="indices")
    assert idx[1] == ob.binning_.rule.missing_index == idx[2]
    assert ob.binning_.non_event[-1] + ob.binning_.event[-1] == 50


def test_json_round_trip_scores_identically() -> None:
    x, y = _data()
    ob = OptimalBinning(name="x", monotonic_trend="descending", max_n_bins=5).fit(x, y)
    back = OptimalBinning.from_dict(json.loads(json.dumps(ob.to_dict())))
    assert back.binning_ == ob.binning_
    assert np.array_equal(back.transform(x), ob.transform(x))
    assert back.get_params() == ob.get_params()


def test_invalid_input_gives_clear_errors() -> None:
    x, y = _data(200)
    bad = y.astype(float)
    bad[7] = 2
    with pytest.raises(ValueError, match="row 7"):
        OptimalBinning().fit(x, bad)
    with pytest.raises(ValueError, match="monotonic_trend"):
        OptimalBinning(monotonic_trend="up").fit(x, y)
    with pytest.raises(ValueError, match="feature 'q'"):
        OptimalBinning(name="q").fit(pd.Series(["a"] * 200), y)
    with pytest.raises(ValueError, match="strictly increasing"):
        BinRule("f", "numerical", (2.0, 1.0))


def test_binning_process_over_a_dataframe() -> None:
    x, y = _data(4000)
    rng = np.random.default_rng(1)
    X = pd.DataFrame(
        {
            "x": x,
            "noise": rng.normal(size=4000),
            "kind": pd.Series(rng.choice(["a", "b", "c"], 4000), dtype="string"),
        }
    )
    bp = BinningProcess(binning_fit_params={"noise": {"monotonic_trend": "ascending", "max_n_bins": 2}})
    W = bp.fit_transform(X, y)
    assert bp.binnings_["kind"].rule.kind == "categorical"
    assert bp.binnings_["noise"].rule.n_regular <= 2
    assert W.equals(bp.transform(X))
    assert np.array_equal(bp.transform(X, metric="indices")["x"], bp.binnings_["x"].transform(X["x"], "indices"))
    s = bp.summary()
    assert list(s["name"]) == ["x", "noise", "kind"]
    assert s.set_index("name").loc["x", "iv"] == pytest.approx(bp.binning_table("x")["iv"].iloc[-1])
    back = BinningProcess.from_dict(json.loads(json.dumps(bp.to_dict())))
    assert back.transform(X).equals(W)
    c = clone(bp)
    assert c.get_params()["binning_fit_params"] == bp.get_params()["binning_fit_params"]
    with pytest.raises(ValueError, match="unknown parameters"):
        BinningProcess(binning_fit_params={"x": {"bogus": 1}}).fit(X, y)
    with pytest.raises(ValueError, match="missing"):
        bp.transform(X.drop(columns=["x"]))


def test_plot_draws_counts_and_event_rate() -> None:
    x, y = _data(500)
    ax = OptimalBinning(name="x").fit(x, y).plot()
    assert len(ax.patches) >= 2 * 3
    assert "IV" in ax.get_title()


def test_large_column_fit_is_vectorised_and_deterministic() -> None:
    rng = np.random.default_rng(9)
    n = 300_000
    x = rng.lognormal(size=n)
    y = (rng.uniform(size=n) < 0.02 + 0.1 / (1 + x)).astype(int)
    a = OptimalBinning().fit(x, y).binning_
    b = OptimalBinning().fit(x.copy(), y.copy()).binning_
    assert a == b and a.trend == "descending"


def test_binning_process_exposes_every_binning_parameter() -> None:
    per_feature = set(OptimalBinning().get_params()) - {"name", "dtype"}
    assert per_feature <= set(BinningProcess().get_params())
    x, y = _data(800)
    bp = BinningProcess(refine=False, max_n_prebins=10).fit(pd.DataFrame({"x": x}), y)
    assert bp.binnings_["x"].rule.n_regular <= 10

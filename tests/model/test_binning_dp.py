"""The dynamic programme is exact: it matches brute-force enumeration of every partition."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_helpers import shape_ok

from firmscore.model.binning.dp import TRENDS, optimal_partition
from firmscore.model.binning.woe import woe_iv


def brute_force(good, bad, trend, max_bins, min_count, min_event, alpha=0.5):
    n = len(good)
    tg, tb = good.sum(), bad.sum()
    best = -np.inf
    for r in range(n):
        for inner in itertools.combinations(range(1, n), r):
            cuts = [*inner, n]
            edges = [0, *cuts]
            g = np.array([good[a:b].sum() for a, b in itertools.pairwise(edges)])
            b = np.array([bad[a:b].sum() for a, b in itertools.pairwise(edges)])
            if len(cuts) > 1:
                if max_bins is not None and len(cuts) > max_bins:
                    continue
                if np.any(g + b < min_count) or np.any(b < min_event):
                    continue
                if not shape_ok(list(b / (g + b)), trend):
                    continue
            best = max(best, float(woe_iv(g, b, tg, tb, alpha)[1].sum()))
    return best


counts = st.lists(st.tuples(st.integers(1, 60), st.integers(0, 15)), min_size=1, max_size=8)


@settings(max_examples=80, deadline=None)
@given(
    counts=counts,
    trend=st.sampled_from(["ascending", "descending", "peak", "valley", "none"]),
    max_bins=st.one_of(st.none(), st.integers(1, 5)),
    min_count=st.integers(0, 40),
    min_event=st.integers(0, 3),
)
def test_dp_equals_brute_force(counts, trend, max_bins, min_count, min_event) -> None:
    good = np.array([c[0] for c in counts], dtype=float)
    bad = np.array([c[1] for c in counts], dtype=float)
    if bad.sum() == 0:
        bad[0] = 1.0
    part = optimal_partition(
        good, bad, good.sum(), bad.sum(), trend=trend, max_bins=max_bins, min_count=min_count, min_event=min_event
    )
    expected = brute_force(good, bad, trend, max_bins, min_count, min_event)
    assert part.iv == pytest.approx(expected, rel=1e-9, abs=1e-12)
    # the returned cuts realise the reported IV and satisfy the constraints
    edges = [0, *part.cuts]
    g = np.array([good[a:b].sum() for a, b in itertools.pairwise(edges)])
    b = np.array([bad[a:b].sum() for a, b in itertools.pairwise(edges)])
    assert float(woe_iv(g, b, good.sum(), bad.sum())[1].sum()) == pytest.approx(part.iv, rel=1e-9, abs=1e-12)
    if len(g) > 1:
        assert shape_ok(list(b / (g + b)), trend)
        assert np.all(g + b >= min_count) and np.all(b >= min_event)
        assert max_bins is None or len(g) <= max_bins


def test_auto_prefers_monotone_unless_clearly_better() -> None:
    good = np.array([100, 100, 100, 100, 100.0])
    bad = np.array([2, 4, 6, 8, 10.0])
    assert optimal_partition(good, bad, good.sum(), bad.sum(), trend="auto").trend == "ascending"
    bad_u = np.array([120, 50, 10, 50, 120.0])
    good_u = good * 10
    assert optimal_partition(good_u, bad_u, good_u.sum(), bad_u.sum(), trend="auto").trend == "valley"
    # the same shape on a tenth of the evidence is not significant enough to leave monotone
    small = optimal_partition(good, bad_u / 10, good.sum(), bad_u.sum() / 10, trend="auto")
    assert small.trend in ("ascending", "descending")


def test_unknown_trend_is_rejected() -> None:
    with pytest.raises(ValueError, match="monotonic_trend"):
        optimal_partition([1.0, 2.0], [1.0, 1.0], 3.0, 2.0, trend="zigzag")


@settings(max_examples=60, deadline=None)
@given(counts=counts, max_bins=st.one_of(st.none(), st.integers(1, 5)), scale=st.sampled_from([1.0, 40.0]))
def test_auto_picks_by_the_documented_rule(counts, max_bins, scale) -> None:
    """``auto`` (batched solves) agrees with solving each shape on its own and applying the gates."""
    good = np.array([c[0] for c in counts], dtype=float) * scale
    bad = np.array([c[1] for c in counts], dtype=float) * scale
    if bad.sum() == 0:
        bad[0] = scale
    tg, tb = good.sum(), bad.sum()
    parts = {t: optimal_partition(good, bad, tg, tb, trend=t, max_bins=max_bins) for t in TRENDS[:4]}
    mono = max(("ascending", "descending"), key=lambda t: (parts[t].iv, t == "ascending"))
    uni = max(("peak", "valley"), key=lambda t: (parts[t].iv, t == "peak"))
    gain = parts[uni].iv - parts[mono].iv
    n_eff = tg * tb / (tg + tb)
    expect = uni if gain > parts[mono].iv * 0.1 + 1e-12 and gain * n_eff >= 30.0 and len(parts[uni].cuts) > 2 else mono
    auto = optimal_partition(good, bad, tg, tb, trend="auto", max_bins=max_bins)
    assert auto.trend == expect
    assert auto.iv == pytest.approx(parts[expect].iv, rel=1e-12, abs=1e-15)

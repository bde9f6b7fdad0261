"""Univariate strength of a feature against a binary label: quantile-bin IV and AUC.

A deliberately small helper for the coverage report: equal-frequency bins, one bin for missing
values and one per declared special code (so "not authorized" is judged as its own group, as
the scorecard will treat it). The scorecard's optimal binning may replace it later.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

from firmscore.datamodel.specials import SPECIAL_CODES
from firmscore.features.compute import regular_mask


def quantile_bins(x: np.ndarray, n_bins: int = 10) -> np.ndarray:
    """Bin index per value: 0..k-1 for regular values, then NaN, then each special code."""
    x = np.asarray(x, dtype=np.float64)
    regular = regular_mask(x)
    out = np.empty(len(x), dtype=np.int64)
    edges = np.unique(np.quantile(x[regular], np.linspace(0, 1, n_bins + 1)[1:-1])) if regular.any() else np.array([])
    # bins are (edge_{i-1}, edge_i]: a mass point (e.g. 98% zeros) ends its own bin, values above it start the next
    out[regular] = np.searchsorted(edges, x[regular], side="left")
    k = len(edges) + 1
    out[np.isnan(x)] = k
    for i, code in enumerate(SPECIAL_CODES, start=1):
        out[x == code] = k + i
    return out


def information_value(x: np.ndarray, y: np.ndarray, n_bins: int = 10, smoothing: float = 0.5) -> float:
    """IV of ``x`` for label ``y`` (1 = bad) over :func:`quantile_bins`.

    NaN when ``y`` is one-class or ``x`` has no regular value (nothing to judge, not "IV 0").
    """
    y = np.asarray(y, dtype=np.int64)
    x = np.asarray(x, dtype=np.float64)
    bads, goods = int(y.sum()), int(len(y) - y.sum())
    if bads == 0 or goods == 0 or not regular_mask(x).any():
        return float("nan")
    bins = quantile_bins(x, n_bins)
    iv = 0.0
    for b in np.unique(bins):
        m = bins == b
        pb = (y[m].sum() + smoothing) / (bads + smoothing)
        pg = ((1 - y[m]).sum() + smoothing) / (goods + smoothing)
        iv += (pb - pg) * np.log(pb / pg)
    return float(iv)


def univariate_auc(x: np.ndarray, y: np.ndarray) -> float:
    """ROC AUC of the raw value on rows with a regular value (>0.5: larger values are riskier)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    m = regular_mask(x)
    if m.sum() < 2 or len(np.unique(y[m])) < 2 or len(np.unique(x[m])) < 2:
        return float("nan")
    return float(roc_auc_score(y[m], x[m]))


#: A feature whose most common value (missing counted as a value) covers at least this share of the firms is
#: near-constant: a scorecard can hardly rank on it. Reported by ``features --report`` and ``train``, never dropped.
NEAR_CONSTANT_SHARE = 0.99


def top_value_share(x: np.ndarray) -> tuple[float, int]:
    """(share of the most common value, number of distinct values), missing (NaN) and special codes counted
    as values: binning gives each its own bin, so a feature half missing and half one value still ranks."""
    x = np.asarray(x, dtype=np.float64)
    if len(x) == 0:
        return 1.0, 0
    missing = np.isnan(x)
    counts = np.unique(x[~missing], return_counts=True)[1].tolist()
    if missing.any():
        counts.append(int(missing.sum()))
    return max(counts) / len(x), len(counts)


def degeneracy(x: np.ndarray, near_constant: float = NEAR_CONSTANT_SHARE) -> str | None:
    """``"constant"`` (one value), ``"near_constant"`` (top value ≥ ``near_constant`` of rows) or ``None``."""
    share, distinct = top_value_share(x)
    if distinct <= 1:
        return "constant"
    if share >= near_constant:
        return "near_constant"
    return None

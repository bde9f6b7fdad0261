"""Population stability: PSI of the score and CSI of each feature against a reference sample.

``PSI = Σ (a_i − e_i) · ln(a_i / e_i)`` over bins, where ``e_i`` and ``a_i`` are the shares of the
reference (expected, usually the development sample) and the current (actual) population in bin
``i``. The characteristic stability index (CSI) is the same quantity computed on one input feature,
which tells *which* feature moved when the score's PSI does.

Bins are the reference's quantiles (so each reference bin holds about the same share), or edges the
caller gives (e.g. the scorecard's own bins). Missing values and each declared special code
(:mod:`firmscore.datamodel.specials`) get a bin of their own, so that a rise in missing or
unauthorised data shows up as instability instead of disappearing into the lowest bin. An empty bin would make the
logarithm infinite; shares are floored at ``1e-4`` (documented industry practice), which caps a
bin's contribution instead.

The usual reading, used for the labels here: below 0.10 stable, 0.10–0.25 a shift worth monitoring,
0.25 and above a significant shift (re-develop or re-calibrate).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.datamodel.specials import SPECIAL_CODES, SPECIAL_VALUES

FloatArray = npt.NDArray[np.float64]

SHARE_FLOOR = 1e-4
PSI_MONITOR = 0.10
PSI_UNSTABLE = 0.25

#: Stability labels (中文, English).
STABILITY_LABELS: dict[str, tuple[str, str]] = {
    "stable": ("稳定", "stable"),
    "monitor": ("需关注", "monitor"),
    "unstable": ("显著偏移", "significant shift"),
}


def stability_label(value: float) -> str:
    """``stable`` (< 0.10), ``monitor`` (0.10–0.25) or ``unstable`` (≥ 0.25)."""
    if value >= PSI_UNSTABLE:
        return "unstable"
    if value >= PSI_MONITOR:
        return "monitor"
    return "stable"


@dataclass(frozen=True)
class PSIResult:
    """PSI value, its label and the per-bin table (``bin, expected_share, actual_share, contribution``)."""

    psi: float
    label: str
    table: pd.DataFrame


def quantile_edges(reference: npt.ArrayLike, n_bins: int = 10) -> FloatArray:
    """Inner bin edges at the reference's quantiles, duplicates removed (for discrete features)."""
    r = np.asarray(reference, dtype=np.float64)
    r = r[_regular(r)]
    if r.size == 0:
        return np.empty(0)
    qs = np.quantile(r, np.linspace(0, 1, n_bins + 1)[1:-1])
    return np.unique(qs)


def _regular(values: FloatArray) -> npt.NDArray[np.bool_]:
    """Finite values that are not declared special codes (those get bins of their own)."""
    return np.isfinite(values) & ~np.isin(values, SPECIAL_CODES)


def _bin_counts(values: FloatArray, edges: FloatArray) -> FloatArray:
    """Counts in ``(-inf, e_1], …, (e_k, inf)``, then one bin per special code, then missing."""
    regular = _regular(values)
    idx = np.searchsorted(edges, values[regular], side="left")
    counts = np.bincount(idx, minlength=edges.size + 1).astype(np.float64)
    specials = [float(np.sum(values == code)) for code in SPECIAL_CODES]
    return np.concatenate([counts, specials, [float(np.isnan(values).sum())]])


def _bin_names(edges: FloatArray) -> list[str]:
    bounds = ["-inf", *(f"{e:.6g}" for e in edges), "inf"]
    regular = [f"({lo}, {hi}]" for lo, hi in itertools.pairwise(bounds)]
    return regular + [SPECIAL_VALUES[code][0] for code in SPECIAL_CODES] + ["missing"]


def psi(
    reference: npt.ArrayLike,
    current: npt.ArrayLike,
    *,
    n_bins: int = 10,
    edges: Sequence[float] | npt.NDArray[np.float64] | None = None,
) -> PSIResult:
    """Population stability index of ``current`` against ``reference``.

    Parameters
    ----------
    reference, current : array-like of numbers
        The two samples; NaN counts as missing and gets its own bin.
    n_bins : int
        Number of reference-quantile bins when ``edges`` is not given.
    edges : sequence of float, optional
        Inner bin edges (increasing), e.g. the scorecard's bin cut points.
    """
    ref = np.asarray(reference, dtype=np.float64).ravel()
    cur = np.asarray(current, dtype=np.float64).ravel()
    if ref.size == 0 or cur.size == 0:
        raise ValueError("PSI needs non-empty reference and current samples")
    inner = quantile_edges(ref, n_bins) if edges is None else np.asarray(edges, dtype=np.float64)
    if np.any(np.diff(inner) <= 0):
        raise ValueError("bin edges must be strictly increasing")
    expected = _bin_counts(ref, inner) / ref.size
    actual = _bin_counts(cur, inner) / cur.size
    names = _bin_names(inner)
    # Special-value and missing bins are dropped when neither sample has such values.
    keep = (expected > 0) | (actual > 0)
    keep[: inner.size + 1] = True
    e = np.maximum(expected[keep], SHARE_FLOOR)
    a = np.maximum(actual[keep], SHARE_FLOOR)
    contribution = (a - e) * np.log(a / e)
    value = float(contribution.sum())
    table = pd.DataFrame(
        {
            "bin": np.asarray(names)[keep],
            "expected_share": expected[keep],
            "actual_share": actual[keep],
            "contribution": contribution,
        }
    )
    return PSIResult(value, stability_label(value), table)


def csi(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    features: Sequence[str] | None = None,
    n_bins: int = 10,
    edges: dict[str, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """Characteristic stability index of each feature, worst first.

    Numeric features are binned as in :func:`psi`; non-numeric ones by category (each reference
    category a bin, categories unseen in the reference pooled into one).

    Returns
    -------
    DataFrame with columns ``feature, csi, label``.
    """
    names = list(features) if features is not None else [c for c in reference.columns if c in current.columns]
    missing = [f for f in names if f not in reference.columns or f not in current.columns]
    if missing:
        raise ValueError(f"features missing from the reference or current sample: {missing}")
    rows = []
    for name in names:
        ref_col, cur_col = reference[name], current[name]
        if pd.api.types.is_numeric_dtype(ref_col) and pd.api.types.is_numeric_dtype(cur_col):
            result = psi(
                ref_col.to_numpy(dtype=np.float64, na_value=np.nan),
                cur_col.to_numpy(dtype=np.float64, na_value=np.nan),
                n_bins=n_bins,
                edges=None if edges is None else edges.get(name),
            )
            value = result.psi
        else:
            value = _categorical_psi(ref_col, cur_col)
        rows.append((name, value, stability_label(value)))
    out = pd.DataFrame(rows, columns=["feature", "csi", "label"])
    return out.sort_values("csi", ascending=False, kind="stable").reset_index(drop=True)


def _categorical_psi(reference: pd.Series, current: pd.Series) -> float:
    ref = reference.astype("string").fillna("<missing>")
    cur = current.astype("string").fillna("<missing>")
    known = set(ref.unique())
    cur = cur.where(cur.isin(known), "<unseen>")
    e = ref.value_counts(normalize=True)
    a = cur.value_counts(normalize=True)
    cats = e.index.union(a.index)
    e_arr = np.maximum(e.reindex(cats, fill_value=0.0).to_numpy(dtype=np.float64), SHARE_FLOOR)
    a_arr = np.maximum(a.reindex(cats, fill_value=0.0).to_numpy(dtype=np.float64), SHARE_FLOOR)
    return float(((a_arr - e_arr) * np.log(a_arr / e_arr)).sum())

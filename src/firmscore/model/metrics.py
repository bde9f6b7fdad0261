"""Discrimination metrics of a credit model: AUC, Gini, KS, their curves and bootstrap intervals.

Every function takes ``y_true`` (1 = default / bad, 0 = good) and ``y_score`` where a **higher value
means more risk** (a PD, a log-odds, or a negated enterprise score), the scikit-learn convention.
To evaluate an enterprise score (1000–2000, higher is better) pass ``higher_is_better=True`` to
:func:`discrimination`, or negate it yourself.

All statistics are computed from one sort of the scores grouped into distinct values, so ties are
handled exactly (AUC counts a tie as one half, as :func:`sklearn.metrics.roc_auc_score` does) and
the bootstrap re-uses that sort: a bootstrap sample is a vector of multinomial weights over the
observations, so thousands of replicates cost a few matrix cumulative sums instead of thousands of
sorts. Replicates are drawn from a seeded :class:`numpy.random.Generator`, so intervals are
reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

#: Upper bound on weights held in memory at once by the bootstrap (replicates × distinct scores).
_BOOTSTRAP_CELLS = 4_000_000


def _validate(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Check labels are 0/1, scores finite, both of equal length with both classes present."""
    y = np.asarray(y_true, dtype=np.float64).ravel()
    s = np.asarray(y_score, dtype=np.float64).ravel()
    if y.shape != s.shape:
        raise ValueError(f"y_true has {y.size} values but y_score has {s.size}")
    if not np.all((y == 0) | (y == 1)):
        bad = np.flatnonzero(~((y == 0) | (y == 1)))[0]
        raise ValueError(f"y_true must be 0/1; row {bad} holds {y[bad]!r}")
    if not np.all(np.isfinite(s)):
        bad = np.flatnonzero(~np.isfinite(s))[0]
        raise ValueError(f"y_score must be finite; row {bad} holds {s[bad]!r}")
    if y.sum() == 0 or y.sum() == y.size:
        raise ValueError("y_true must contain both defaults (1) and non-defaults (0)")
    return y, s


@dataclass(frozen=True)
class _Grouped:
    """Scores sorted descending (riskiest first) and collapsed to distinct values."""

    thresholds: FloatArray  # distinct scores, descending
    group_of: npt.NDArray[np.intp]  # for each observation, the index of its distinct score
    bads: FloatArray  # defaults per distinct score
    goods: FloatArray  # non-defaults per distinct score


def _group(y: FloatArray, s: FloatArray) -> _Grouped:
    thresholds, inverse = np.unique(-s, return_inverse=True)
    n_groups = thresholds.size
    bads = np.bincount(inverse, weights=y, minlength=n_groups).astype(np.float64)
    goods = np.bincount(inverse, weights=1.0 - y, minlength=n_groups).astype(np.float64)
    return _Grouped(-thresholds, inverse, bads, goods)


def _auc_from_counts(bads: FloatArray, goods: FloatArray) -> FloatArray:
    """AUC from per-group counts (last axis = groups, riskiest first); works on 1-D or 2-D.

    Each bad in a group outranks every good in later (less risky) groups and ties with the goods
    of its own group, which count one half.
    """
    total_b = bads.sum(axis=-1)
    total_g = goods.sum(axis=-1)
    goods_after = total_g[..., None] - np.cumsum(goods, axis=-1)
    concordant = (bads * (goods_after + 0.5 * goods)).sum(axis=-1)
    return np.asarray(concordant / (total_b * total_g), dtype=np.float64)


def _ks_from_counts(bads: FloatArray, goods: FloatArray) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """KS and the index of the group where it is reached (last axis = groups, riskiest first)."""
    cum_b = np.cumsum(bads, axis=-1) / bads.sum(axis=-1)[..., None]
    cum_g = np.cumsum(goods, axis=-1) / goods.sum(axis=-1)[..., None]
    gap = cum_b - cum_g
    where = np.argmax(gap, axis=-1)
    return np.asarray(np.take_along_axis(gap, where[..., None], -1)[..., 0]), where


def roc_auc(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> float:
    """Area under the ROC curve: the probability a random default scores riskier than a random good."""
    y, s = _validate(y_true, y_score)
    g = _group(y, s)
    return float(_auc_from_counts(g.bads, g.goods))


def gini(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> float:
    """Gini coefficient (accuracy ratio), ``2·AUC − 1``: 0 for a random model, 1 for a perfect one."""
    return 2.0 * roc_auc(y_true, y_score) - 1.0


@dataclass(frozen=True)
class KSResult:
    """Kolmogorov–Smirnov separation and where it is reached.

    ``cutoff`` is the score at which the cumulative share of defaults exceeds that of goods the most:
    observations with ``y_score >= cutoff`` are flagged risky. ``bad_rate_captured`` and
    ``good_rate_captured`` are the shares of defaults and goods at or above that cut-off.
    """

    ks: float
    cutoff: float
    bad_rate_captured: float
    good_rate_captured: float


def ks_statistic(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> KSResult:
    """KS statistic (maximum gap between the cumulative score distributions of defaults and goods)."""
    y, s = _validate(y_true, y_score)
    g = _group(y, s)
    ks, where = _ks_from_counts(g.bads, g.goods)
    i = int(where)
    return KSResult(
        ks=float(ks),
        cutoff=float(g.thresholds[i]),
        bad_rate_captured=float(g.bads[: i + 1].sum() / g.bads.sum()),
        good_rate_captured=float(g.goods[: i + 1].sum() / g.goods.sum()),
    )


def roc_curve_data(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> pd.DataFrame:
    """ROC curve points: ``threshold``, false and true positive rates, starting at (0, 0)."""
    y, s = _validate(y_true, y_score)
    g = _group(y, s)
    tpr = np.concatenate([[0.0], np.cumsum(g.bads) / g.bads.sum()])
    fpr = np.concatenate([[0.0], np.cumsum(g.goods) / g.goods.sum()])
    thr = np.concatenate([[np.inf], g.thresholds])
    return pd.DataFrame({"threshold": thr, "fpr": fpr, "tpr": tpr})


def ks_curve_data(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> pd.DataFrame:
    """KS curve: cumulative shares of defaults and goods at or above each threshold, and their gap.

    ``population_share`` (the share of all observations flagged) is the natural x axis.
    """
    y, s = _validate(y_true, y_score)
    g = _group(y, s)
    cum_b = np.cumsum(g.bads) / g.bads.sum()
    cum_g = np.cumsum(g.goods) / g.goods.sum()
    share = np.cumsum(g.bads + g.goods) / y.size
    return pd.DataFrame(
        {
            "threshold": g.thresholds,
            "population_share": share,
            "cum_bad_share": cum_b,
            "cum_good_share": cum_g,
            "gap": cum_b - cum_g,
        }
    )


@dataclass(frozen=True)
class Interval:
    """A point estimate with a two-sided bootstrap percentile interval."""

    estimate: float
    lower: float
    upper: float
    level: float

    def format(self, digits: int = 3) -> str:
        """``0.812 [0.790, 0.833]``: estimate and interval, for tables."""
        return f"{self.estimate:.{digits}f} [{self.lower:.{digits}f}, {self.upper:.{digits}f}]"


@dataclass(frozen=True)
class DiscriminationResult:
    """AUC, Gini and KS of one model on one sample, with bootstrap intervals."""

    n: int
    n_defaults: int
    auc: Interval
    gini: Interval
    ks: Interval
    ks_cutoff: float
    n_bootstrap: int


def bootstrap_auc_ks(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    stratified: bool = True,
) -> tuple[FloatArray, FloatArray]:
    """AUC and KS on ``n_bootstrap`` resamples of the observations, vectorised.

    A resample is drawn as multinomial counts per observation (equivalent to sampling rows with
    replacement). With ``stratified=True`` defaults and goods are resampled separately, keeping the
    default count fixed, which avoids degenerate samples when defaults are rare. Counts are folded
    onto the distinct scores so the cost is ``n_bootstrap × distinct scores``, done in chunks that
    bound memory.

    Returns
    -------
    auc, ks : ndarray of shape (n_bootstrap,)
    """
    if n_bootstrap < 1:
        raise ValueError("n_bootstrap must be at least 1")
    y, s = _validate(y_true, y_score)
    g = _group(y, s)
    rng = np.random.default_rng(seed)
    n_groups = g.thresholds.size
    chunk = max(1, _BOOTSTRAP_CELLS // max(n_groups, y.size))
    bad_idx = np.flatnonzero(y == 1)
    good_idx = np.flatnonzero(y == 0)
    aucs = np.empty(n_bootstrap)
    kss = np.empty(n_bootstrap)
    bad_groups = g.group_of[bad_idx]
    good_groups = g.group_of[good_idx]
    for start in range(0, n_bootstrap, chunk):
        m = min(chunk, n_bootstrap - start)
        if stratified:
            bads = _resample_counts(rng, bad_groups, m, n_groups)
            goods = _resample_counts(rng, good_groups, m, n_groups)
        else:
            rows = rng.integers(0, y.size, size=(m, y.size))
            bads = _counts_per_replicate(np.where(y[rows] == 1, g.group_of[rows], -1), n_groups)
            goods = _counts_per_replicate(np.where(y[rows] == 0, g.group_of[rows], -1), n_groups)
            # A replicate without defaults or goods has no AUC; it is marked NaN and ignored.
            empty = (bads.sum(axis=1) == 0) | (goods.sum(axis=1) == 0)
            bads[empty] = np.nan
        with np.errstate(invalid="ignore", divide="ignore"):
            aucs[start : start + m] = _auc_from_counts(bads, goods)
            kss[start : start + m] = _ks_from_counts(bads, goods)[0]
    return aucs, kss


def _resample_counts(
    rng: np.random.Generator, groups: npt.NDArray[np.intp], m: int, n_groups: int
) -> FloatArray:
    """Draw ``m`` resamples (with replacement) of ``groups`` and count each distinct score."""
    picks = groups[rng.integers(0, groups.size, size=(m, groups.size))]
    return _counts_per_replicate(picks, n_groups)


def _counts_per_replicate(picks: npt.NDArray[np.intp], n_groups: int) -> FloatArray:
    """Per replicate (row), how often each group index occurs; negative indices are dropped."""
    m = picks.shape[0]
    keep = picks >= 0
    flat = (np.arange(m)[:, None] * n_groups + picks)[keep]
    return np.bincount(flat, minlength=m * n_groups).reshape(m, n_groups).astype(np.float64)


def discrimination(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    *,
    higher_is_better: bool = False,
    n_bootstrap: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> DiscriminationResult:
    """AUC, Gini and KS with bootstrap percentile intervals, and the KS cut-off in score units.

    Parameters
    ----------
    y_true : array-like of 0/1
        Observed outcome, 1 = default.
    y_score : array-like
        The model output. Higher means riskier unless ``higher_is_better`` (enterprise scores).
    higher_is_better : bool
        Set for scores where a higher value is a better credit, such as the 1000–2000 scale; the
        reported KS cut-off is then in those units with the risky side *below* it.
    n_bootstrap, level, seed
        Number of resamples, interval coverage and random seed of the bootstrap.
    """
    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    sign = -1.0 if higher_is_better else 1.0
    risk = sign * np.asarray(y_score, dtype=np.float64)
    y, risk = _validate(y_true, risk)
    auc = roc_auc(y, risk)
    ks = ks_statistic(y, risk)
    boot_auc, boot_ks = bootstrap_auc_ks(y, risk, n_bootstrap=n_bootstrap, seed=seed)
    alpha = (1.0 - level) / 2.0
    qs = [alpha, 1.0 - alpha]
    auc_lo, auc_hi = np.nanquantile(boot_auc, qs)
    ks_lo, ks_hi = np.nanquantile(boot_ks, qs)
    return DiscriminationResult(
        n=int(y.size),
        n_defaults=int(y.sum()),
        auc=Interval(auc, float(auc_lo), float(auc_hi), level),
        gini=Interval(2 * auc - 1, float(2 * auc_lo - 1), float(2 * auc_hi - 1), level),
        ks=Interval(ks.ks, float(ks_lo), float(ks_hi), level),
        ks_cutoff=sign * ks.cutoff,
        n_bootstrap=n_bootstrap,
    )

"""``OptimalBinning``: scikit-learn estimator that bins one feature optimally against a 0/1 target.

Numerical features: pre-bins at quantiles of the non-missing, non-special values (at most
``max_n_prebins``; thresholds are actual data values so right-closed intervals reproduce the
pre-bin counts exactly), then :func:`~firmscore.model.binning.dp.optimal_partition` merges
pre-bins into the IV-maximising bins under the shape and size constraints. Categorical features:
categories sorted by smoothed event rate (ties by label) become the ordered pre-bins (adjacent
groups when there are more than ``max_n_prebins``), merged by the same programme with an
ascending trend in that order. Missing values and each special code get bins of their own that
the optimisation never merges. Everything is counted with ``np.searchsorted`` and
``np.bincount``; no Python loop touches individual rows.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions
from sklearn.utils.validation import check_is_fitted

from firmscore.datamodel.specials import SPECIAL_CODES
from firmscore.model.binning.dp import TRENDS, optimal_partition
from firmscore.model.binning.fitted import FittedBinning
from firmscore.model.binning.refine import refine_splits
from firmscore.model.binning.rules import BinRule, as_float, category_text, count_edges_below_small
from firmscore.model.binning.woe import DEFAULT_ALPHA

FloatArray = npt.NDArray[np.float64]


def check_target(y: Any, n: int | None = None, what: str = "y") -> FloatArray:
    """0/1 target as float64, with a clear error naming the first offending row."""
    arr = np.asarray(y, dtype=np.float64).ravel()
    if n is not None and arr.size != n:
        raise ValueError(f"{what} has {arr.size} values but X has {n} rows")
    bad = ~((arr == 0) | (arr == 1))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{what} must be 0/1 (1 = default); row {row} holds {arr[row]!r}")
    if arr.size and (arr.sum() == 0 or arr.sum() == arr.size):
        raise ValueError(f"{what} must contain both defaults (1) and non-defaults (0)")
    return arr


class OptimalBinning(TransformerMixin, BaseEstimator):
    """Optimal binning of one feature maximising IV under monotonicity and size constraints.

    Parameters
    ----------
    name : str
        Feature name (used in tables, errors and the artifact).
    dtype : {"numerical", "categorical"}
    monotonic_trend : {"auto", "ascending", "descending", "peak", "valley", "none"}
        Shape of the event rate across regular bins (in value order; for categorical features
        the order is by event rate, so the trend is always ascending there).
    max_n_prebins : int
        Upper bound on quantile pre-bins; more pre-bins = finer cut points, cubic DP cost.
    min_bin_size : float
        Minimum share of the feature's rows (all rows, missing and special included) in each
        regular bin. Guards against bins whose WOE is noise.
    max_n_bins : int or None
        Maximum number of regular bins.
    min_n_events, min_n_nonevents : int
        Minimum bads / goods in each regular bin (>= 1 keeps raw WOE finite).
    special_codes : sequence or None
        Values that get a bin of their own. ``None`` means the data contract's codes
        (:data:`firmscore.datamodel.specials.SPECIAL_CODES`) for numerical features and none for
        categorical ones.
    alpha : float
        WOE smoothing (see :mod:`firmscore.model.binning.woe`).
    auto_min_gain : float
        With ``monotonic_trend="auto"``, relative IV gain a peak/valley must bring over the best
        monotone binning to be chosen.
    auto_min_stat : float
        With ``monotonic_trend="auto"``, minimum ``ΔIV · G·B/N`` (a chi-square-scale statistic)
        of a peak/valley over the best monotone binning. The default 30 is far above the
        fixed-bin critical values because the bins are chosen to fit the same data; on pure
        noise it keeps features monotone, on real U-shapes with a few thousand bads it passes.
    refine : bool
        Move each cut to the best row-level position near it and re-optimise (see
        :mod:`firmscore.model.binning.refine`).
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "name": [str],
        "dtype": [StrOptions({"numerical", "categorical"})],
        "monotonic_trend": [StrOptions({*TRENDS, "auto"})],
        "max_n_prebins": [Interval(Integral, 2, None, closed="left")],
        "min_bin_size": [Interval(Real, 0, 0.5, closed="left")],
        "max_n_bins": [Interval(Integral, 1, None, closed="left"), None],
        "min_n_events": [Interval(Integral, 0, None, closed="left")],
        "min_n_nonevents": [Interval(Integral, 0, None, closed="left")],
        "special_codes": ["array-like", None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "auto_min_gain": [Interval(Real, 0, None, closed="left")],
        "auto_min_stat": [Interval(Real, 0, None, closed="left")],
        "refine": ["boolean"],
    }

    def __init__(
        self,
        name: str = "x",
        *,
        dtype: str = "numerical",
        monotonic_trend: str = "auto",
        max_n_prebins: int = 50,
        min_bin_size: float = 0.02,
        max_n_bins: int | None = None,
        min_n_events: int = 1,
        min_n_nonevents: int = 1,
        special_codes: Any = None,
        alpha: float = DEFAULT_ALPHA,
        auto_min_gain: float = 0.1,
        auto_min_stat: float = 30.0,
        refine: bool = True,
    ) -> None:
        self.name = name
        self.dtype = dtype
        self.monotonic_trend = monotonic_trend
        self.max_n_prebins = max_n_prebins
        self.min_bin_size = min_bin_size
        self.max_n_bins = max_n_bins
        self.min_n_events = min_n_events
        self.min_n_nonevents = min_n_nonevents
        self.special_codes = special_codes
        self.alpha = alpha
        self.auto_min_gain = auto_min_gain
        self.auto_min_stat = auto_min_stat
        self.refine = refine

    # ------------------------------------------------------------ validation
    def _check_params(self) -> None:
        """Validate the parameters against :attr:`_parameter_constraints`, naming the feature: a
        binning process fits one binner per feature, each with its own overrides."""
        try:
            self._validate_params()
        except InvalidParameterError as exc:
            raise InvalidParameterError(f"{self.name}: {exc}") from None

    def _codes(self) -> tuple[Any, ...]:
        if self.special_codes is None:
            return tuple(SPECIAL_CODES) if self.dtype == "numerical" else ()
        if self.dtype == "numerical":
            return tuple(float(c) for c in self.special_codes)
        return tuple(str(c) for c in self.special_codes)

    # ------------------------------------------------------------------- fit
    def fit(self, x: Any, y: Any) -> OptimalBinning:
        """Find the optimal bins of ``x`` (1-D values) against ``y`` (0/1)."""
        self.fit_indices(x, y)
        return self

    def fit_indices(self, x: Any, y: Any) -> npt.NDArray[np.intp]:
        """Fit, and return the bin index of every training row without a second pass over ``x``.

        The indices are exactly those :meth:`transform` (``metric="indices"``) would give: they
        come from the same pre-bin assignment, mapped through the chosen cuts.
        """
        self._check_params()
        values = _one_column(x, self.name)
        n = len(values)
        target = check_target(y, n, what=f"y (feature {self.name!r})")
        if self.dtype == "numerical":
            self.binning_, idx = self._fit_numerical(values, target)
        else:
            self.binning_ = self._fit_categorical(values, target)
            idx = self.binning_.rule.assign(values)
        self.n_features_in_ = 1
        return idx

    def _constraints(self, n_total: int) -> dict[str, Any]:
        return {
            "trend": self.monotonic_trend,
            "max_bins": None if self.max_n_bins is None else int(self.max_n_bins),
            "min_count": float(self.min_bin_size) * n_total,
            "min_event": float(self.min_n_events),
            "min_non_event": float(self.min_n_nonevents),
            "alpha": float(self.alpha),
            "auto_min_gain": float(self.auto_min_gain),
            "auto_min_stat": float(self.auto_min_stat),
        }

    def _fit_numerical(self, values: Any, y: FloatArray) -> tuple[FittedBinning, npt.NDArray[np.intp]]:
        codes = self._codes()
        x = as_float(values, self.name)
        thresholds = _quantile_thresholds(x, codes, int(self.max_n_prebins), float(self.min_bin_size) * x.size)
        # One pass puts every row in its pre-bin, special bin or missing bin: the pre-binning is
        # itself a BinRule, so training counts use the same assignment code as scoring.
        pre_rule = BinRule(self.name, "numerical", tuple(thresholds), (), codes)
        edges, lut = pre_rule.lookup_edges()
        pre = lut[count_edges_below_small(edges, x)]
        nb = pre_rule.n_bins
        cnt = np.bincount(pre, minlength=nb).astype(np.float64)
        bad = np.asarray(np.bincount(pre, weights=y, minlength=nb), dtype=np.float64)
        good = cnt - bad
        m = pre_rule.n_regular
        tot_bad, tot_good = float(bad.sum()), float(good.sum())
        part = optimal_partition(good[:m], bad[:m], tot_good, tot_bad, **self._constraints(y.size))
        if self.refine and len(part.cuts) > 1:
            coarse = thresholds[np.asarray(part.cuts[:-1]) - 1]
            extra = np.setdiff1d(self._refined(x, y, coarse, codes, tot_good, tot_bad), thresholds)
            if extra.size:
                # Re-index rows against the added thresholds only: a regular pre-bin index moves
                # up by the number of new thresholds below the value; special and missing bins
                # shift by the number of new thresholds. Same result as a full recount.
                extra_below = count_edges_below_small(extra, x)
                thresholds = np.union1d(thresholds, extra)
                pre_rule = BinRule(self.name, "numerical", tuple(thresholds), (), codes)
                pre = np.where(pre < m, pre + extra_below, pre + extra.size)
                nb = pre_rule.n_bins
                cnt = np.bincount(pre, minlength=nb).astype(np.float64)
                bad = np.asarray(np.bincount(pre, weights=y, minlength=nb), dtype=np.float64)
                good = cnt - bad
                m = pre_rule.n_regular
                again = self._constraints(y.size)
                again["trend"] = part.trend  # the shape is settled; re-solve only that one
                part = optimal_partition(good[:m], bad[:m], tot_good, tot_bad, **again)
        cuts = list(part.cuts) if part.cuts else [m]
        splits = tuple(float(thresholds[c - 1]) for c in cuts[:-1])
        k = len(cuts)
        rule = BinRule(self.name, "numerical", splits, (), pre_rule.special_codes)
        pre_to_bin = np.concatenate(
            [np.repeat(np.arange(k, dtype=np.intp), np.diff(np.asarray([0, *cuts]))), k + np.arange(nb - m)]
        )
        g_bins, b_bins = _group_sums(good[:m], bad[:m], cuts)
        fitted = FittedBinning(
            rule=rule,
            non_event=(*g_bins, *good[m:].tolist()),
            event=(*b_bins, *bad[m:].tolist()),
            alpha=float(self.alpha),
            trend=part.trend if k > 1 else "none",
        )
        return fitted, pre_to_bin[pre]

    def _fit_categorical(self, values: Any, y: FloatArray) -> FittedBinning:
        codes = self._codes()
        s = values if isinstance(values, pd.Series) else pd.Series(values)
        missing = s.isna().to_numpy()
        codes_arr, uniques = pd.factorize(category_text(s), use_na_sentinel=True)
        labels = [str(u) for u in uniques]
        k = len(labels)
        special_of_label = np.array([codes.index(lab) if lab in codes else -1 for lab in labels], dtype=np.intp)
        present = codes_arr >= 0
        cnt = np.bincount(codes_arr[present], minlength=k).astype(np.float64)
        bad = np.bincount(codes_arr[present], weights=y[present], minlength=k)
        good = cnt - bad
        regular = np.flatnonzero(special_of_label < 0)
        tot_bad, tot_good = float(y.sum()), float(y.size - y.sum())
        prior = tot_bad / max(y.size, 1)
        smoothed = (bad[regular] + prior) / (cnt[regular] + 1.0)
        order = regular[np.lexsort((np.array([labels[i] for i in regular], dtype=object), smoothed))]
        groups = _group_ordered(cnt[order], int(self.max_n_prebins))
        pre_good = np.array([good[order[g]].sum() for g in groups])
        pre_bad = np.array([bad[order[g]].sum() for g in groups])
        constraints = self._constraints(y.size)
        constraints["trend"] = "ascending" if self.monotonic_trend != "none" else "none"
        part = optimal_partition(pre_good, pre_bad, tot_good, tot_bad, **constraints)
        cuts = list(part.cuts) if part.cuts else [len(groups)]
        bins: list[tuple[str, ...]] = []
        g_out: list[float] = []
        b_out: list[float] = []
        start = 0
        for c in cuts:
            members = np.concatenate([order[g] for g in groups[start:c]]) if c > start else np.array([], dtype=np.intp)
            bins.append(tuple(sorted(labels[i] for i in members)))
            g_out.append(float(good[members].sum()))
            b_out.append(float(bad[members].sum()))
            start = c
        s_good = [float(good[special_of_label == j].sum()) for j in range(len(codes))]
        s_bad = [float(bad[special_of_label == j].sum()) for j in range(len(codes))]
        miss_bad = float(y[missing].sum())
        rule = BinRule(self.name, "categorical", (), tuple(bins) if bins and bins[0] else (), codes)
        if not rule.categories:
            g_out, b_out = [0.0], [0.0]
        return FittedBinning(
            rule=rule,
            non_event=(*g_out, *s_good, float(missing.sum()) - miss_bad),
            event=(*b_out, *s_bad, miss_bad),
            alpha=float(self.alpha),
            trend="ascending" if len(cuts) > 1 else "none",
        )

    def _refined(
        self, x: FloatArray, y: FloatArray, coarse: FloatArray, codes: tuple[Any, ...], tot_good: float, tot_bad: float
    ) -> FloatArray:
        """Cut values proposed by :func:`~firmscore.model.binning.refine.refine_splits`."""
        step = max(1, x.size // _REFINE_SAMPLE_CAP)
        xs, ys = x[::step], y[::step]
        keep = np.isfinite(xs)
        for c in codes:
            keep &= xs != c
        xs, ys = xs[keep], ys[keep]
        order = np.argsort(xs)
        scale = xs.size / max(float(np.count_nonzero(np.isfinite(x))), 1.0) if step > 1 else 1.0
        c = self._constraints(y.size)
        out = refine_splits(
            xs[order], ys[order], coarse, tot_good * scale, tot_bad * scale,
            min_count=c["min_count"] * scale, min_event=c["min_event"] * scale,
            min_non_event=c["min_non_event"] * scale, alpha=c["alpha"],
        )
        taken = [v for cd in codes for v in (float(cd), float(np.nextafter(float(cd), -np.inf)))]
        out = out[~np.isin(out, taken) & (out < xs.max())] if xs.size else out
        return np.setdiff1d(out, coarse)

    # ------------------------------------------------------------- outputs
    def transform(self, x: Any, metric: str = "woe") -> npt.NDArray[Any]:
        """``woe`` (default), bin ``indices`` or bin labels (``bins``) of every value."""
        check_is_fitted(self, "binning_")
        return self.binning_.transform(_one_column(x, self.name), metric)

    def binning_table(self) -> pd.DataFrame:
        check_is_fitted(self, "binning_")
        return self.binning_.table()

    def plot(self, ax: Any = None) -> Any:
        check_is_fitted(self, "binning_")
        return self.binning_.plot(ax)

    @property
    def iv_(self) -> float:
        check_is_fitted(self, "binning_")
        return self.binning_.iv

    @property
    def splits_(self) -> tuple[float, ...]:
        check_is_fitted(self, "binning_")
        return self.binning_.rule.splits

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters and fitted state (no pickle)."""
        check_is_fitted(self, "binning_")
        return {"params": self.get_params(), "binning": self.binning_.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OptimalBinning:
        obj = cls(**d["params"])
        obj.binning_ = FittedBinning.from_dict(d["binning"])
        obj.n_features_in_ = 1
        return obj


def _one_column(x: Any, name: str) -> Any:
    """The values of a 1-D input, a one-column DataFrame or an ``(n, 1)`` array."""
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise ValueError(f"{name}: OptimalBinning bins one feature; got {x.shape[1]} columns")
        return x.iloc[:, 0]
    if isinstance(x, np.ndarray) and x.ndim == 2:
        if x.shape[1] != 1:
            raise ValueError(f"{name}: OptimalBinning bins one feature; got {x.shape[1]} columns")
        return x[:, 0]
    return x


#: Values used to place pre-bin quantiles (a strided sample above this size).
_QUANTILE_SAMPLE_CAP = 200_000

#: Values searched by the row-level refinement (a strided sample above this size: row-exact on
#: small data, where single rows matter; a fine grid on large data, where they do not).
_REFINE_SAMPLE_CAP = 50_000


def _quantile_thresholds(
    x: FloatArray, codes: tuple[Any, ...], max_prebins: int, min_count: float = 0.0
) -> FloatArray:
    """Distinct finite data values at the pre-bin quantiles of the non-missing, non-special values.

    Quantiles come from a strided sample above :data:`_QUANTILE_SAMPLE_CAP` values: deterministic,
    exact below the cap and at most a fraction of a pre-bin off above it (pre-bins only propose
    cut points; all counts are exact). The maximum is excluded (its bin would be empty), and so is
    any value a special code's interval would collide with.
    """
    step = max(1, x.size // _QUANTILE_SAMPLE_CAP)
    sample = x[::step]
    keep = np.isfinite(sample)
    for c in codes:
        keep &= sample != c
    xc = sample[keep]
    if xc.size == 0:
        return np.empty(0)
    qs = np.linspace(0.0, 1.0, max_prebins + 1)[1:-1]
    clean_share = xc.size / max(sample.size, 1)
    m = min_count / max(x.size * clean_share, 1.0)
    if 0.0 < m < 0.25:
        # The minimum bin size binds at the tails, where a monotone feature's event rate moves
        # fastest: offer the cuts that leave exactly 1, 1.5, 2 and 3 minimum bins outside.
        tails = m * np.array([1.0, 1.5, 2.0, 3.0])
        qs = np.unique(np.concatenate([qs, tails, 1.0 - tails]))
    thr = np.unique(np.quantile(xc, qs, method="inverted_cdf"))
    thr = thr[thr < xc.max()]
    if codes:
        taken = np.array([v for c in codes for v in (float(c), float(np.nextafter(float(c), -np.inf)))])
        thr = thr[~np.isin(thr, taken)]
    return thr


def _group_sums(good: FloatArray, bad: FloatArray, cuts: list[int]) -> tuple[list[float], list[float]]:
    cg = np.concatenate([[0.0], np.cumsum(good)])
    cb = np.concatenate([[0.0], np.cumsum(bad)])
    edges = np.asarray([0, *cuts])
    return list(np.diff(cg[edges]).astype(float)), list(np.diff(cb[edges]).astype(float))


def _group_ordered(counts: FloatArray, max_groups: int) -> list[npt.NDArray[np.intp]]:
    """Split ordered categories into at most ``max_groups`` adjacent groups of similar size."""
    n = counts.size
    if n <= max_groups:
        return [np.array([i], dtype=np.intp) for i in range(n)]
    cum = np.cumsum(counts) / max(counts.sum(), 1e-300)
    grp = np.minimum((cum * max_groups - 1e-9).astype(np.intp), max_groups - 1)
    grp = np.maximum.accumulate(grp)
    return [np.flatnonzero(grp == g) for g in np.unique(grp)]

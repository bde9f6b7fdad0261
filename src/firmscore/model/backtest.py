"""Back-tests of PD calibration: per grade (Jeffreys, binomial, traffic lights) and overall (Hosmer–Lemeshow).

Per grade, the question is one-sided: *is the PD too low?* (under-estimated risk is what costs
money and capital). Two tests answer it:

* **Jeffreys test** (ECB, *Instructions for reporting the validation results of internal models*,
  2019): with a Jeffreys prior, the posterior of the grade's default rate after ``d`` defaults
  among ``n`` is ``Beta(d + ½, n − d + ½)``; the p-value is the posterior probability that the true
  rate is at most the PD, ``F_Beta(PD; d + ½, n − d + ½)``. Small p-value: the PD is too low.
* **One-sided binomial test**: ``P(X ≥ d)`` for ``X ~ Binomial(n, PD)``, assuming independent
  defaults (so it is too strict under default correlation; read it together with the Jeffreys
  test).

**Traffic lights** (the Basel Committee's 1996 back-testing zones, applied to PD by Tasche, *A
traffic lights approach to PD validation*, 2003): green when the p-value is at least 5 % (the
observed default count is within the 95 % quantile), yellow between 0.1 % and 5 %, red below
0.1 % (beyond the 99.9 % quantile). The light is taken from the Jeffreys p-value; the thresholds
are parameters.

**Hosmer–Lemeshow** compares observed and expected defaults over groups (deciles of PD by default,
or the grades): ``H = Σ (O_g − E_g)² / (E_g (1 − E_g / n_g))``, chi-squared with ``G − 2`` degrees of
freedom in-sample (two parameters fitted), ``G`` on an independent (out-of-time) sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from firmscore.model.grades import MasterScale

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TrafficLights:
    """p-value thresholds of the traffic lights: red below ``red``, yellow below ``yellow``."""

    yellow: float = 0.05
    red: float = 0.001

    def __post_init__(self) -> None:
        if not 0.0 < self.red < self.yellow < 1.0:
            raise ValueError("need 0 < red < yellow < 1")

    def classify(self, p_value: npt.ArrayLike) -> npt.NDArray[np.str_]:
        """``green`` / ``yellow`` / ``red`` for each p-value (``grey`` where there is no test)."""
        p = np.asarray(p_value, dtype=np.float64)
        out = np.where(p < self.red, "red", np.where(p < self.yellow, "yellow", "green"))
        return np.where(np.isnan(p), "grey", out).astype(str)


#: Bilingual names of the lights for reports.
LIGHT_LABELS: dict[str, tuple[str, str]] = {
    "green": ("绿灯", "green"),
    "yellow": ("黄灯", "yellow"),
    "red": ("红灯", "red"),
    "grey": ("无数据", "no data"),
}


def _check_counts(n: npt.ArrayLike, d: npt.ArrayLike, pd_: npt.ArrayLike) -> tuple[FloatArray, ...]:
    n_ = np.asarray(n, dtype=np.float64)
    d_ = np.asarray(d, dtype=np.float64)
    p_ = np.asarray(pd_, dtype=np.float64)
    if np.any(d_ < 0) or np.any(d_ > n_):
        raise ValueError("defaults must lie between 0 and the number of obligors")
    if np.any((p_ < 0) | (p_ > 1)):
        raise ValueError("PD must lie in [0, 1]")
    return n_, d_, p_


def jeffreys_p_value(n: npt.ArrayLike, defaults: npt.ArrayLike, pd_: npt.ArrayLike) -> FloatArray:
    """One-sided Jeffreys test p-value that the PD is not too low (NaN where ``n == 0``)."""
    n_, d_, p_ = _check_counts(n, defaults, pd_)
    with np.errstate(invalid="ignore"):
        out = stats.beta.cdf(p_, d_ + 0.5, n_ - d_ + 0.5)
    return np.where(n_ > 0, out, np.nan).astype(np.float64)


def binomial_p_value(n: npt.ArrayLike, defaults: npt.ArrayLike, pd_: npt.ArrayLike) -> FloatArray:
    """One-sided binomial test p-value ``P(X ≥ defaults)``, ``X ~ Bin(n, PD)`` (NaN where ``n == 0``)."""
    n_, d_, p_ = _check_counts(n, defaults, pd_)
    out = stats.binom.sf(d_ - 1, n_, p_)
    return np.where(n_ > 0, out, np.nan).astype(np.float64)


def grade_backtest(
    pd_: npt.ArrayLike,
    y_true: npt.ArrayLike,
    scale: MasterScale,
    *,
    lights: TrafficLights | None = None,
    pd_source: str = "mean",
) -> pd.DataFrame:
    """Observed against predicted defaults per grade of the master scale, with tests and lights.

    Parameters
    ----------
    pd_ : array-like
        Predicted 12-month PD per obligor (at the start of the observation window).
    y_true : array-like of 0/1
        Default within the window.
    scale : MasterScale
        Grades are assigned from ``pd_`` (not from the outcome: a back-test asks how the grade
        given *before* the window performed, so ``D`` never appears here).
    pd_source : {"mean", "central"}
        PD tested per grade: the average PD of its obligors (default, what was actually
        predicted) or the grade's central PD from the scale.

    Returns
    -------
    DataFrame with one row per non-default grade: ``grade, pd_lower, pd_upper, n, defaults,
    default_rate, pd, jeffreys_p, binomial_p, light``.
    """
    p = np.asarray(pd_, dtype=np.float64).ravel()
    y = np.asarray(y_true, dtype=np.float64).ravel()
    if p.size != y.size:
        raise ValueError(f"pd has {p.size} values but y_true has {y.size}")
    if pd_source not in {"mean", "central"}:
        raise ValueError("pd_source must be 'mean' or 'central'")
    lights = lights or TrafficLights()
    idx = scale.grade_index(p)
    k = len(scale.grades)
    n = np.bincount(idx, minlength=k + 1)[:k].astype(np.float64)
    d = np.bincount(idx, weights=y, minlength=k + 1)[:k]
    pd_sum = np.bincount(idx, weights=p, minlength=k + 1)[:k]
    central = np.array([g.pd_central for g in scale.grades])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_pd = np.where(n > 0, pd_sum / n, central)
        rate = np.where(n > 0, d / n, np.nan)
    tested = mean_pd if pd_source == "mean" else central
    jeff = jeffreys_p_value(n, d, tested)
    return pd.DataFrame(
        {
            "grade": [g.name for g in scale.grades],
            "pd_lower": [g.pd_lower for g in scale.grades],
            "pd_upper": [g.pd_upper for g in scale.grades],
            "n": n.astype(np.int64),
            "defaults": d.astype(np.int64),
            "default_rate": rate,
            "pd": tested,
            "jeffreys_p": jeff,
            "binomial_p": binomial_p_value(n, d, tested),
            "light": lights.classify(jeff),
        }
    )


@dataclass(frozen=True)
class HosmerLemeshowResult:
    """Hosmer–Lemeshow statistic, its chi-squared p-value and the group table behind it."""

    statistic: float
    dof: int
    p_value: float
    groups: pd.DataFrame

    def rejected(self, alpha: float = 0.05) -> bool:
        """True when calibration is rejected at level ``alpha``."""
        return self.p_value < alpha


def hosmer_lemeshow(
    pd_: npt.ArrayLike,
    y_true: npt.ArrayLike,
    *,
    n_groups: int = 10,
    groups: npt.ArrayLike | None = None,
    in_sample: bool = True,
) -> HosmerLemeshowResult:
    """Hosmer–Lemeshow goodness-of-fit test of PDs against outcomes.

    Parameters
    ----------
    n_groups : int
        Number of PD quantile groups when ``groups`` is not given (ties stay in one group).
    groups : array-like, optional
        Explicit group labels, e.g. the grades.
    in_sample : bool
        ``True`` when the PDs were fitted on these outcomes (``G − 2`` degrees of freedom);
        ``False`` for an independent validation sample (``G`` degrees of freedom).

    With too few usable groups for a positive number of degrees of freedom the p-value is NaN
    (no test, never a rejection) rather than an error, so a report on a coarse model still renders.
    """
    p = np.asarray(pd_, dtype=np.float64).ravel()
    y = np.asarray(y_true, dtype=np.float64).ravel()
    if p.size != y.size:
        raise ValueError(f"pd has {p.size} values but y_true has {y.size}")
    if groups is None:
        ranks = pd.Series(p).rank(method="min").to_numpy()
        labels = np.ceil(ranks * n_groups / p.size).astype(np.int64)
    else:
        labels = pd.factorize(np.asarray(groups))[0]
    frame = (
        pd.DataFrame({"group": labels, "pd": p, "y": y})
        .groupby("group", sort=True)
        .agg(n=("y", "size"), observed=("y", "sum"), expected=("pd", "sum"), mean_pd=("pd", "mean"))
        .reset_index()
    )
    variance = frame["expected"] * (1.0 - frame["mean_pd"])
    valid = variance > 0
    contrib = ((frame["observed"] - frame["expected"]) ** 2 / variance).where(valid, 0.0)
    statistic = float(contrib.sum())
    dof = int(valid.sum()) - (2 if in_sample else 0)
    frame["contribution"] = contrib
    if dof < 1:
        # Too few distinct PDs (e.g. an expert card with a handful of point totals): no test.
        return HosmerLemeshowResult(statistic, 0, float("nan"), frame)
    return HosmerLemeshowResult(statistic, dof, float(stats.chi2.sf(statistic, dof)), frame)

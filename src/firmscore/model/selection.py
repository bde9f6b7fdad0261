"""Feature selection for scorecards, as clone-able scikit-learn selectors on WOE inputs.

* :class:`IVSelector` keeps features whose information value reaches ``min_iv``. Inputs are
  binned (WOE) columns, so the IV is computed over each column's distinct values with the same
  formula as the binning tables.
* :class:`CorrelationSelector` walks features from the strongest (highest IV) down and drops any
  whose absolute Pearson correlation with an already kept feature exceeds ``max_corr`` — of two
  near-duplicates the more informative survives.
* :class:`VIFSelector` repeatedly drops the feature with the largest variance inflation factor
  until all are at most ``max_vif``; VIFs are the diagonal of the inverse correlation matrix.
* :class:`StepwiseSelector` adds (forward) or removes (backward) one feature at a time while the
  AIC or BIC of a logistic regression improves.

All of them also accept a plain array; the support mask is exposed through the standard
``get_support`` / ``get_feature_names_out`` of :class:`sklearn.feature_selection.SelectorMixin`.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectorMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from firmscore.model.binning.optimal import check_target
from firmscore.model.binning.woe import woe_iv
from firmscore.model.logistic import _loss_grad, fit_logistic

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def discrete_iv(X: FloatArray, y: FloatArray) -> FloatArray:
    """IV of every column of already-binned data, over each column's distinct values."""
    tb = float(y.sum())
    tg = float(y.size) - tb
    out = np.empty(X.shape[1])
    for j in range(X.shape[1]):
        codes, _ = pd.factorize(X[:, j])
        cnt = np.bincount(codes + 1)  # NaN → code -1 → slot 0, its own group
        bad = np.bincount(codes + 1, weights=y)
        _, iv = woe_iv(cnt - bad, bad, tg, tb, alpha=0.0)
        out[j] = float(iv.sum())
    return out


class _Selector(SelectorMixin, BaseEstimator):
    def _get_support_mask(self) -> BoolArray:
        check_is_fitted(self, "support_")
        return np.asarray(self.support_, dtype=bool)

    def _arrays(self, X: Any, y: Any) -> tuple[FloatArray, FloatArray]:
        X_arr = validate_data(self, X, dtype=np.float64, ensure_all_finite=True)
        return np.asarray(X_arr, dtype=np.float64), check_target(y, X_arr.shape[0])


class IVSelector(_Selector):
    """Keep features with information value at least ``min_iv`` (0.02 = "weak" by convention)."""

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {"min_iv": [Interval(Real, 0, None, closed="left")]}

    def __init__(self, min_iv: float = 0.02) -> None:
        self.min_iv = min_iv

    def fit(self, X: Any, y: Any, iv: Any = None) -> IVSelector:
        """Fit; ``iv`` may pass precomputed IVs (e.g. from the binning tables) to skip recounting."""
        self._validate_params()
        X_arr, y_arr = self._arrays(X, y)
        self.iv_ = discrete_iv(X_arr, y_arr) if iv is None else np.asarray(iv, dtype=np.float64)
        self.support_ = self.iv_ >= self.min_iv
        return self


class CorrelationSelector(_Selector):
    """Drop the weaker of every pair of features correlated beyond ``max_corr`` (absolute)."""

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {"max_corr": [Interval(Real, 0, 1, closed="both")]}

    def __init__(self, max_corr: float = 0.8) -> None:
        self.max_corr = max_corr

    def fit(self, X: Any, y: Any, iv: Any = None) -> CorrelationSelector:
        """Fit; ``iv`` may pass precomputed IVs (the strength order) to skip recounting."""
        self._validate_params()
        X_arr, y_arr = self._arrays(X, y)
        strength = discrete_iv(X_arr, y_arr) if iv is None else np.asarray(iv, dtype=np.float64)
        corr = _corr(X_arr)
        keep: list[int] = []
        for j in np.argsort(-strength, kind="stable"):
            if all(abs(corr[j, k]) <= self.max_corr for k in keep):
                keep.append(int(j))
        self.corr_ = corr
        self.support_ = np.isin(np.arange(X_arr.shape[1]), keep)
        return self


class VIFSelector(_Selector):
    """Iteratively drop the feature with the highest VIF until every VIF is at most ``max_vif``."""

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {"max_vif": [Interval(Real, 1, None, closed="left")]}

    def __init__(self, max_vif: float = 5.0) -> None:
        self.max_vif = max_vif

    def fit(self, X: Any, y: Any = None) -> VIFSelector:
        self._validate_params()
        X_arr = np.asarray(validate_data(self, X, dtype=np.float64), dtype=np.float64)
        active = list(range(X_arr.shape[1]))
        corr = _corr(X_arr)
        vif = np.full(X_arr.shape[1], np.nan)
        while len(active) > 1:
            sub = corr[np.ix_(active, active)]
            v = np.diag(np.linalg.pinv(sub))
            worst = int(np.argmax(v))
            vif[active] = v
            if v[worst] <= self.max_vif:
                break
            vif[active[worst]] = v[worst]
            del active[worst]
        if len(active) == 1:
            vif[active[0]] = 1.0
        self.vif_ = vif
        self.support_ = np.isin(np.arange(X_arr.shape[1]), active)
        return self


class StepwiseSelector(_Selector):
    """Forward or backward stepwise selection of a logistic regression by AIC or BIC.

    Parameters
    ----------
    direction : {"forward", "backward"}
    criterion : {"aic", "bic"}
    sign : {"negative", "positive", "none"}
        Coefficient sign constraint of the regressions compared (see
        :class:`~firmscore.model.logistic.SignConstrainedLogisticRegression`).
    max_features : int or None
        Stop forward selection at this many features.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "direction": [StrOptions({"forward", "backward"})],
        "criterion": [StrOptions({"aic", "bic"})],
        "sign": [StrOptions({"negative", "positive", "none"})],
        "max_features": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        direction: str = "forward",
        *,
        criterion: str = "bic",
        sign: str = "negative",
        max_features: int | None = None,
    ) -> None:
        self.direction = direction
        self.criterion = criterion
        self.sign = sign
        self.max_features = max_features

    def _ic(self, X: FloatArray, y: FloatArray, cols: list[int]) -> float:
        sub = X[:, cols] if cols else np.zeros((X.shape[0], 0))
        w = fit_logistic(sub, y, self.sign, C=np.inf)
        loglik = -_loss_grad(w, sub, y, 0.0)[0] * y.size
        k = 1 + int(np.count_nonzero(w[1:]))
        penalty = 2.0 * k if self.criterion == "aic" else k * np.log(y.size)
        return float(penalty - 2.0 * loglik)

    def fit(self, X: Any, y: Any) -> StepwiseSelector:
        self._validate_params()
        X_arr, y_arr = self._arrays(X, y)
        p = X_arr.shape[1]
        limit = p if self.max_features is None else int(self.max_features)
        chosen: list[int] = [] if self.direction == "forward" else list(range(p))
        current = self._ic(X_arr, y_arr, chosen)
        path = [(tuple(chosen), current)]
        while True:
            if self.direction == "forward":
                if len(chosen) >= limit:
                    break
                trials = [(self._ic(X_arr, y_arr, [*chosen, j]), j) for j in range(p) if j not in chosen]
            else:
                trials = [(self._ic(X_arr, y_arr, [c for c in chosen if c != j]), j) for j in chosen]
            if not trials:
                break
            best, j = min(trials)
            if best >= current:
                break
            chosen = [*chosen, j] if self.direction == "forward" else [c for c in chosen if c != j]
            current = best
            path.append((tuple(chosen), current))
        self.path_ = path
        self.criterion_value_ = current
        self.support_ = np.isin(np.arange(p), chosen)
        return self


def _corr(X: FloatArray) -> FloatArray:
    """Pearson correlation matrix from one Gram product (no standardised copy of ``X``)."""
    n = X.shape[0]
    mean = X.mean(axis=0)
    with threadpool_limits(limits=1, user_api="blas"):  # thin product: see logistic.py
        gram = X.T @ X
    cov = gram / n - np.outer(mean, mean)
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    safe = np.where(sd > 0, sd, 1.0)
    c = cov / np.outer(safe, safe)
    c[:, sd == 0] = 0.0
    c[sd == 0, :] = 0.0
    np.fill_diagonal(c, 1.0)
    return np.asarray(c, dtype=np.float64)

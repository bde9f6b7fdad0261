"""Calibration: from a score to a 12-month probability of default (PD).

A scorecard ranks enterprises; lending and capital need a *probability*. Two calibrators map a
one-dimensional score (the enterprise score 1000–2000 where higher is better, or any risk score)
to a PD:

* :class:`LogisticCalibrator` fits ``logit(PD) = a + b·score``. For a points-scaled scorecard this
  is the exact inverse of the points scaling (``score = offset + factor·ln(good odds)``), so two
  parameters suffice and the PD is strictly monotone in the score.
* :class:`IsotonicCalibrator` fits a monotone step function (pool-adjacent-violators), for scores
  whose log-odds are not linear, e.g. a gradient-boosting challenger. The direction is imposed,
  never estimated, so a better score can never get a higher PD.

Both can be *recalibrated to a long-run default rate* (the central tendency): development samples
cover one part of the cycle, whereas regulatory PDs must reflect the long-run average. The
recalibration shifts every PD by the same amount on the log-odds scale (an intercept shift),
which keeps the ranking — and so AUC and KS — unchanged while moving the portfolio-average PD
exactly onto the target. :func:`shift_to_mean` does that on any PD vector.
"""

from __future__ import annotations

from numbers import Real
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
from scipy import optimize, special
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.utils import Tags
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

FloatArray = npt.NDArray[np.float64]

#: PDs are kept inside [PD_FLOOR, 1 − PD_FLOOR] so log-odds stay finite. 0.03 % is also the
#: Basel floor for corporate PDs.
PD_FLOOR = 0.0003


def _as_score(X: npt.ArrayLike) -> FloatArray:
    """Accept a 1-D score vector or a single-column 2-D array (as in a Pipeline)."""
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim == 2:
        if arr.shape[1] != 1:
            raise ValueError(f"a calibrator takes one score column, got {arr.shape[1]} columns")
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError("score must be 1-D or a single column")
    if not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(f"score must be finite; row {bad} holds {arr[bad]!r}")
    return arr


def _as_labels(y: npt.ArrayLike, n: int) -> FloatArray:
    arr = np.asarray(y, dtype=np.float64).ravel()
    if arr.size != n:
        raise ValueError(f"y has {arr.size} values but the score has {n}")
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError("y must be 0/1 (1 = default within 12 months)")
    if arr.sum() == 0 or arr.sum() == n:
        raise ValueError("y must contain both defaults and non-defaults")
    return arr


def clip_pd(pd_: npt.ArrayLike, floor: float = PD_FLOOR) -> FloatArray:
    """Keep PDs inside ``[floor, 1 − floor]``."""
    return np.clip(np.asarray(pd_, dtype=np.float64), floor, 1.0 - floor)


def intercept_shift_for_mean(pd_: npt.ArrayLike, target: float) -> float:
    """The log-odds shift ``δ`` such that ``mean(sigmoid(logit(pd) + δ)) == target``.

    The mean PD is strictly increasing in ``δ``, so the root is unique; it is found by Brent's
    method on a bracket wide enough for any PD vector away from 0 and 1.
    """
    return _shift_for_logits(special.logit(clip_pd(pd_)), target)


def _shift_for_logits(logits: FloatArray, target: float) -> float:
    """Shift of ``logits`` such that the mean of the *floored* PDs equals ``target`` exactly."""
    if not 2 * PD_FLOOR < target < 1.0 - 2 * PD_FLOOR:
        raise ValueError(f"target default rate must be inside (0, 1), got {target}")

    def gap(delta: float) -> float:
        return float(clip_pd(special.expit(logits + delta)).mean() - target)

    return float(optimize.brentq(gap, -50.0, 50.0, xtol=1e-12))


class _ScoreToPD(TransformerMixin, BaseEstimator):
    """What both calibrators are for scikit-learn: a one-dimensional score in, a PD out.

    Like :class:`sklearn.isotonic.IsotonicRegression`, they take a 1-D array of scores (a single
    column is accepted too), so the two-dimensional-input checks do not apply to them. Both take the
    same two parameters (see each class), declared here once.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "long_run_default_rate": [Interval(Real, 0, 1, closed="neither"), None],
        "higher_is_better": ["boolean"],
    }

    def __init__(self, long_run_default_rate: float | None = None, *, higher_is_better: bool = True) -> None:
        self.long_run_default_rate = long_run_default_rate
        self.higher_is_better = higher_is_better

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.target_tags.required = True
        return tags


def shift_to_mean(pd_: npt.ArrayLike, target: float) -> FloatArray:
    """Recalibrate PDs to a long-run default rate by an intercept shift on the log-odds scale."""
    delta = intercept_shift_for_mean(pd_, target)
    return clip_pd(special.expit(special.logit(clip_pd(pd_)) + delta))


class LogisticCalibrator(_ScoreToPD):
    """Map a score to a 12-month PD by a one-feature logistic regression.

    Parameters
    ----------
    long_run_default_rate : float, optional
        Central tendency. When given, the intercept is shifted after fitting so that the average
        PD over the fitting sample equals it (the slope, hence the ranking, is unchanged).
    higher_is_better : bool, default True
        Direction of the score. Enforced: if the fitted slope has the wrong sign (a score that does
        not separate), fitting fails rather than returning a PD that rises with a better score.

    Attributes
    ----------
    intercept_, slope_ : float
        ``logit(PD) = intercept_ + slope_ · score``, including any central-tendency shift.
    shift_ : float
        The intercept shift applied for the long-run rate (0 when none).
    """

    def fit(self, X: npt.ArrayLike, y: npt.ArrayLike) -> LogisticCalibrator:
        self._validate_params()
        score = _as_score(X)
        labels = _as_labels(y, score.size)
        centre = float(score.mean())
        scale = float(score.std()) or 1.0
        model = LogisticRegression(C=1e6, max_iter=1000)
        model.fit(((score - centre) / scale)[:, None], labels)
        slope = float(model.coef_[0, 0]) / scale
        intercept = float(model.intercept_[0]) - slope * centre
        if (slope > 0) == self.higher_is_better and slope != 0.0:
            direction = "higher" if self.higher_is_better else "lower"
            raise ValueError(
                f"the score does not rank defaults as expected ({direction} should be better): "
                f"fitted slope {slope:.4g}"
            )
        self.shift_ = 0.0
        if self.long_run_default_rate is not None:
            self.shift_ = _shift_for_logits(intercept + slope * score, self.long_run_default_rate)
        self.intercept_ = intercept + self.shift_
        self.slope_ = slope
        return self

    def predict(self, X: npt.ArrayLike) -> FloatArray:
        """12-month PD for each score."""
        check_is_fitted(self, "slope_")
        score = _as_score(X)
        return clip_pd(special.expit(self.intercept_ + self.slope_ * score))

    def transform(self, X: npt.ArrayLike) -> FloatArray:
        """PD as a single column, so the calibrator can sit inside a Pipeline."""
        return self.predict(X)[:, None]

    def score_for_pd(self, pd_: npt.ArrayLike) -> FloatArray:
        """Inverse map: the score at which the calibrated PD equals ``pd_`` (for grade cut-offs)."""
        check_is_fitted(self, "slope_")
        return np.asarray((special.logit(clip_pd(pd_)) - self.intercept_) / self.slope_, dtype=np.float64)


class IsotonicCalibrator(_ScoreToPD):
    """Map a score to a PD by isotonic regression with an imposed direction.

    Parameters
    ----------
    long_run_default_rate : float, optional
        Central tendency, applied as an intercept shift on the log-odds of the isotonic PDs; a
        monotone map of a monotone function, so monotonicity survives.
    higher_is_better : bool, default True
        PD is non-increasing in the score when True, non-decreasing otherwise.
    """

    def fit(self, X: npt.ArrayLike, y: npt.ArrayLike) -> IsotonicCalibrator:
        self._validate_params()
        score = _as_score(X)
        labels = _as_labels(y, score.size)
        iso = IsotonicRegression(
            increasing=not self.higher_is_better, y_min=PD_FLOOR, y_max=1.0 - PD_FLOOR, out_of_bounds="clip"
        )
        iso.fit(score, labels)
        self.isotonic_ = iso
        self.shift_ = 0.0
        if self.long_run_default_rate is not None:
            raw_logits = special.logit(clip_pd(iso.predict(score)))
            self.shift_ = _shift_for_logits(raw_logits, self.long_run_default_rate)
        return self

    def predict(self, X: npt.ArrayLike) -> FloatArray:
        """12-month PD for each score (monotone in the score, in the imposed direction)."""
        check_is_fitted(self, "isotonic_")
        raw = clip_pd(self.isotonic_.predict(_as_score(X)))
        if self.shift_ == 0.0:
            return raw
        return clip_pd(special.expit(special.logit(raw) + self.shift_))

    def transform(self, X: npt.ArrayLike) -> FloatArray:
        """PD as a single column, so the calibrator can sit inside a Pipeline."""
        return self.predict(X)[:, None]

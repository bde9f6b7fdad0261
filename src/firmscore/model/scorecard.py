"""``Scorecard``: raw features → optimal binning → WOE → selection → constrained LR → integer points.

``fit(X, y)`` on a raw feature DataFrame builds a :class:`~firmscore.model.card.CardModel`
(``card_``) that holds every feature's bin rule, training counts, WOE, coefficient and integer
points. ``predict_proba`` is the logistic regression on the card's WOE (the model);
``points`` is the integer enterprise score from the points table (see
:mod:`firmscore.model.scaling` for how the two agree up to the documented rounding).
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils import Tags
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted

from firmscore.model.binning.optimal import check_target
from firmscore.model.binning.process import BinningProcess
from firmscore.model.card import DIMENSIONS, CardFeature, CardModel
from firmscore.model.logistic import SignConstrainedLogisticRegression
from firmscore.model.reasons import principal_reasons
from firmscore.model.scaling import Scaling, integer_points
from firmscore.model.selection import CorrelationSelector

FloatArray = npt.NDArray[np.float64]


class CardOutputsMixin:
    """Scores, sub-scores, reasons and points table of an estimator's fitted ``card_``.

    A trained :class:`Scorecard` and an :class:`~firmscore.model.expert.ExpertScorecard` both end
    in a :class:`~firmscore.model.card.CardModel` and must answer these questions identically, so
    the pass-throughs live here once instead of being copied into each estimator. No parameters,
    so scikit-learn's ``get_params`` / ``clone`` are unaffected.
    """

    card_: CardModel

    def points(self, X: pd.DataFrame) -> npt.NDArray[np.int64]:
        """Integer enterprise score 1000–2000 (``base_points`` + summed bin points, clipped to the range).

        Not ``score``: for scikit-learn ``score(X, y)`` is a goodness of fit that model selection
        maximises; mean points are not one.
        """
        check_is_fitted(self, "card_")
        return self.card_.score(X)

    def subscores(self, X: pd.DataFrame) -> pd.DataFrame:
        check_is_fitted(self, "card_")
        return self.card_.subscores(X)

    def reasons(self, X: pd.DataFrame, metadata: Mapping[str, Any] | None = None, max_reasons: int = 4) -> pd.DataFrame:
        check_is_fitted(self, "card_")
        return principal_reasons(self.card_, X, metadata, max_reasons)

    def points_table(self) -> pd.DataFrame:
        check_is_fitted(self, "card_")
        return self.card_.points_table()


class Scorecard(CardOutputsMixin, ClassifierMixin, BaseEstimator):
    """Credit scorecard on the enterprise scale 1000–2000 (higher is better).

    Parameters
    ----------
    binning_process : BinningProcess or None
        Binning of the raw features (cloned at fit). ``None``: :class:`BinningProcess` defaults.
    min_iv : float
        Features whose binned IV is below this are not offered to the regression.
    max_corr : float or None
        Of two WOE features correlated beyond this (absolute), the lower-IV one is dropped.
    selector : estimator or None
        Optional further scikit-learn selector on the WOE matrix (e.g.
        :class:`~firmscore.model.selection.StepwiseSelector`), cloned at fit.
    estimator : estimator or None
        Classifier on WOE exposing ``coef_`` / ``intercept_``; default
        :class:`~firmscore.model.logistic.SignConstrainedLogisticRegression` (negative signs).
    pdo, base_score, base_odds
        Scaling (see :class:`~firmscore.model.scaling.Scaling`).
    score_min, score_max
        Score range; totals are clipped to it.
    dimensions : mapping or None
        Feature → dimension id (``basic``, ``behaviour``, ``performance``, ``relationship``,
        ``legal_rep``) for the sub-scores; features without one count in no dimension.
    name : str
        Card name, carried into the artifact.
    """

    def __init__(
        self,
        binning_process: BinningProcess | None = None,
        *,
        min_iv: float = 0.005,
        max_corr: float | None = 0.8,
        selector: Any = None,
        estimator: Any = None,
        pdo: float = 50.0,
        base_score: float = 1500.0,
        base_odds: float = 50.0,
        score_min: int = 1000,
        score_max: int = 2000,
        dimensions: Mapping[str, str] | None = None,
        name: str = "scorecard",
    ) -> None:
        self.binning_process = binning_process
        self.min_iv = min_iv
        self.max_corr = max_corr
        self.selector = selector
        self.estimator = estimator
        self.pdo = pdo
        self.base_score = base_score
        self.base_odds = base_odds
        self.score_min = score_min
        self.score_max = score_max
        self.dimensions = dimensions
        self.name = name

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "binning_process": [BinningProcess, None],
        "min_iv": [Interval(Real, 0, None, closed="left")],
        "max_corr": [Interval(Real, 0, 1, closed="both"), None],
        "selector": [HasMethods(["fit", "get_support"]), None],
        "estimator": [HasMethods(["fit"]), None],
        "pdo": [Interval(Real, 0, None, closed="neither")],
        "base_score": [Real],
        "base_odds": [Interval(Real, 0, None, closed="neither")],
        "score_min": [Integral],
        "score_max": [Integral],
        "dimensions": [Mapping, None],
        "name": [str],
    }

    def __sklearn_tags__(self) -> Tags:
        """A binary classifier for scikit-learn: ``predict_proba`` / ``decision_function`` are the
        regression on WOE, ``score(X, y)`` is accuracy (:class:`~sklearn.base.ClassifierMixin`);
        the enterprise score in points is :meth:`points`."""
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

    def fit(self, X: pd.DataFrame, y: Any) -> Scorecard:
        """Bin, select, regress and scale; the result is ``card_``."""
        self._validate_params()
        if not isinstance(X, pd.DataFrame):
            raise TypeError("Scorecard.fit expects a pandas DataFrame of raw features")
        target = check_target(y, len(X))
        dims = dict(self.dimensions or {})
        bad_dims = {f: d for f, d in dims.items() if d not in DIMENSIONS}
        if bad_dims:
            raise ValueError(f"unknown dimension ids {bad_dims}; use {DIMENSIONS}")
        scaling = Scaling(self.pdo, self.base_score, self.base_odds, self.score_min, self.score_max)
        bp = clone(self.binning_process) if self.binning_process is not None else BinningProcess()
        indices = bp.fit_indices(X, target)
        self.binning_process_ = bp
        names = list(indices)
        iv = np.array([bp.binnings_[n].iv for n in names])
        keep = [n for n, v in zip(names, iv, strict=True) if v >= self.min_iv]
        # WOE only of the features that passed the IV filter, one contiguous column each
        W = np.empty((len(X), len(keep)), dtype=np.float64, order="F")
        for j, k in enumerate(keep):
            np.take(bp.binnings_[k].woe, indices[k], out=W[:, j])
        del indices
        if self.max_corr is not None and len(keep) > 1:
            cs = CorrelationSelector(max_corr=self.max_corr).fit(W, target, iv=iv[[names.index(k) for k in keep]])
            mask = cs.get_support()
            keep = [k for k, m in zip(keep, mask, strict=True) if m]
            W = W[:, mask]
        if self.selector is not None and keep:
            sel = clone(self.selector).fit(W, target)
            mask = sel.get_support()
            keep = [k for k, m in zip(keep, mask, strict=True) if m]
            W = W[:, mask]
            self.selector_ = sel
        est = clone(self.estimator) if self.estimator is not None else SignConstrainedLogisticRegression()
        if keep:
            est.fit(W, target)
            coef = np.asarray(est.coef_, dtype=np.float64).ravel()
            intercept = float(np.asarray(est.intercept_).ravel()[0])
        else:
            coef = np.zeros(0)
            p = target.mean()
            intercept = float(np.log(p / (1 - p)))
        self.estimator_ = est
        used = [(k, c) for k, c in zip(keep, coef, strict=True) if c != 0.0]
        base, pts = integer_points(
            scaling, intercept, [c for _, c in used], [bp.binnings_[k].woe for k, _ in used]
        )
        features = tuple(
            CardFeature(
                rule=bp.binnings_[k].rule,
                points=tuple(int(v) for v in p),
                dimension=dims.get(k),
                binning=bp.binnings_[k],
                coefficient=float(c),
            )
            for (k, c), p in zip(used, pts, strict=True)
        )
        self.card_ = CardModel(
            features=features, base_points=base, scaling=scaling, intercept=intercept, kind="trained", name=self.name
        )
        self.feature_names_in_ = np.asarray(list(X.columns), dtype=object)
        self.n_features_in_ = X.shape[1]
        self.classes_ = np.array([0, 1])
        return self

    # ------------------------------------------------------------ predictions
    def decision_function(self, X: pd.DataFrame) -> FloatArray:
        """Log-odds of default from the regression on the card's WOE (unrounded model)."""
        check_is_fitted(self, "card_")
        return card_log_odds(self.card_, X)

    def predict_proba(self, X: pd.DataFrame) -> FloatArray:
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> npt.NDArray[np.int_]:
        return (self.decision_function(X) > 0).astype(int)

    def scaled_model_output(self, X: pd.DataFrame) -> FloatArray:
        """Unrounded, unclipped scaled score of the regression (what the points approximate)."""
        return self.card_.scaling.score_from_log_odds_bad(self.decision_function(X))

    def binning_table(self, name: str) -> pd.DataFrame:
        check_is_fitted(self, "card_")
        return self.binning_process_.binning_table(name)


def card_log_odds(card: CardModel, X: pd.DataFrame) -> FloatArray:
    """Regression log-odds of default of a trained card, from its stored WOE and coefficients."""
    if card.intercept is None:
        raise ValueError(f"card {card.name!r} has no regression (expert card): use points()")
    z = np.full(len(X), card.intercept, dtype=np.float64)
    for f in card.features:
        if f.binning is None or f.coefficient is None:
            raise ValueError(f"card {card.name!r}: feature {f.name!r} has no WOE/coefficient")
        z += f.coefficient * f.binning.woe[f.rule.assign(X[f.name])]
    return z

"""Validation reports straight from fitted estimators (scorecard, challenger, any ``predict_proba``).

The report itself works on predictions (:class:`~firmscore.model.report.evaluation.PeriodData`);
this module produces those predictions from fitted models, so a scorecard and its LightGBM
challenger are compared on exactly the same samples with one call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.model.report.builder import ValidationReport, build_comparison_report
from firmscore.model.report.card import ModelCard
from firmscore.model.report.evaluation import PeriodData

DEVELOPMENT_LABEL = "开发样本 / development"
OUT_OF_TIME_LABEL = "跨期样本 / out-of-time"


def _enterprise_score(model: Any, X: pd.DataFrame) -> npt.NDArray[np.float64] | None:
    """The 1000–2000 score of a fitted scorecard (it has a ``card_``), else ``None``."""
    if hasattr(model, "card_") and callable(getattr(model, "points", None)):
        return np.asarray(model.points(X), dtype=np.float64)
    return None


def _default_probability(model: Any, X: pd.DataFrame) -> npt.NDArray[np.float64]:
    if not callable(getattr(model, "predict_proba", None)):
        raise TypeError(f"{type(model).__name__} has no predict_proba")
    return np.asarray(model.predict_proba(X), dtype=np.float64)[:, 1]


def period_from_model(
    model: Any,
    label: str,
    X: pd.DataFrame,
    y: npt.ArrayLike,
    *,
    calibrator: Any = None,
) -> PeriodData:
    """Score ``X`` with a fitted model: PD from ``predict_proba`` (or from ``calibrator`` applied to the
    enterprise score, when given), the enterprise score when the model is a scorecard."""
    score = _enterprise_score(model, X)
    if calibrator is not None:
        if score is None:
            raise ValueError("a calibrator maps an enterprise score to PD; this model has no score")
        pd_ = np.asarray(calibrator.predict(score), dtype=np.float64)
    else:
        pd_ = _default_probability(model, X)
    return PeriodData(label, np.asarray(y).ravel(), pd_, score=score, features=X)


def compare_fitted_models(
    models: Mapping[str, Any],
    X_dev: pd.DataFrame,
    y_dev: npt.ArrayLike,
    *,
    X_oot: pd.DataFrame | None = None,
    y_oot: npt.ArrayLike | None = None,
    calibrators: Mapping[str, Any] | None = None,
    model_card: ModelCard | None = None,
    **report_options: Any,
) -> ValidationReport:
    """One side-by-side validation report of several fitted models on the same samples.

    Parameters
    ----------
    models : mapping of display name → fitted estimator
        E.g. ``{"scorecard": card, "lightgbm": challenger}``.
    X_dev, y_dev : development sample
    X_oot, y_oot : optional out-of-time sample
    calibrators : mapping of model name → fitted calibrator, optional
        For scorecards whose PD comes from a calibrated score rather than ``predict_proba``.
    report_options
        Passed to :func:`~firmscore.model.report.builder.build_comparison_report`.
    """
    if (X_oot is None) != (y_oot is None):
        raise ValueError("give both X_oot and y_oot, or neither")
    cals = dict(calibrators or {})
    specs: dict[str, tuple[PeriodData, PeriodData | None]] = {}
    for name, model in models.items():
        dev = period_from_model(model, DEVELOPMENT_LABEL, X_dev, y_dev, calibrator=cals.get(name))
        oot = None
        if X_oot is not None and y_oot is not None:
            oot = period_from_model(model, OUT_OF_TIME_LABEL, X_oot, y_oot, calibrator=cals.get(name))
        specs[name] = (dev, oot)
    return build_comparison_report(specs, model_card=model_card, **report_options)

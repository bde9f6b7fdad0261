"""The numbers behind a validation report: one model, one or more periods.

A *period* is a sample with outcomes (development, out-of-time, a monitoring quarter). For each
period the report needs discrimination with intervals, curves, the grade back-test,
Hosmer–Lemeshow and stability against a reference sample; this module computes them once, as
plain data, so that the Markdown and HTML renderings and the side-by-side comparison of two models
all show the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas

from firmscore.model.backtest import HosmerLemeshowResult, TrafficLights, grade_backtest, hosmer_lemeshow
from firmscore.model.grades import MasterScale
from firmscore.model.metrics import DiscriminationResult, discrimination, ks_curve_data, roc_curve_data
from firmscore.model.stability import PSIResult, csi, psi

#: Curves are thinned to about this many points for plotting and tables.
_CURVE_POINTS = 400


@dataclass
class PeriodData:
    """One labelled sample scored by one model.

    Parameters
    ----------
    label : str
        Display name, e.g. ``"开发样本 / development 2023"``.
    y_true : array-like of 0/1
        Default within 12 months (1) or not (0).
    pd : array-like
        The model's 12-month PD for each enterprise.
    score : array-like, optional
        The enterprise score (1000–2000, higher is better) when the model has one; discrimination
        and stability are then measured on it, otherwise on the PD.
    features : DataFrame, optional
        The model's input features, for per-feature stability (CSI).
    """

    # ``pandas`` is imported unaliased in this module because this field is called ``pd``.
    label: str
    y_true: npt.ArrayLike
    pd: npt.ArrayLike
    score: npt.ArrayLike | None = None
    features: pandas.DataFrame | None = None

    def __post_init__(self) -> None:
        n = np.asarray(self.y_true).size
        if np.asarray(self.pd).size != n:
            raise ValueError(f"period {self.label!r}: pd has {np.asarray(self.pd).size} values, y_true {n}")
        if self.score is not None and np.asarray(self.score).size != n:
            raise ValueError(f"period {self.label!r}: score has {np.asarray(self.score).size} values, y_true {n}")
        if self.features is not None and len(self.features) != n:
            raise ValueError(f"period {self.label!r}: features have {len(self.features)} rows, y_true {n}")

    @property
    def ranking(self) -> npt.NDArray[np.float64]:
        """What discrimination and stability are measured on: the score if any, else the PD."""
        return np.asarray(self.score if self.score is not None else self.pd, dtype=np.float64).ravel()

    @property
    def has_score(self) -> bool:
        return self.score is not None


@dataclass
class PeriodResult:
    """Every figure the report shows for one period."""

    label: str
    n: int
    defaults: int
    default_rate: float
    mean_pd: float
    discrimination: DiscriminationResult
    roc: pandas.DataFrame
    ks_curve: pandas.DataFrame
    grades: pandas.DataFrame
    hosmer_lemeshow: HosmerLemeshowResult
    y_true: npt.NDArray[np.float64]
    ranking: npt.NDArray[np.float64]
    ranking_is_score: bool
    stability: PSIResult | None = None
    stability_reference: str | None = None
    feature_stability: pandas.DataFrame | None = None


@dataclass
class ModelValidation:
    """One model's results across its periods (the first is the development period)."""

    name: str
    periods: list[PeriodResult] = field(default_factory=list)

    @property
    def development(self) -> PeriodResult:
        return self.periods[0]


def _thin(frame: pandas.DataFrame, points: int = _CURVE_POINTS) -> pandas.DataFrame:
    if len(frame) <= points:
        return frame.reset_index(drop=True)
    keep = np.unique(np.linspace(0, len(frame) - 1, points).round().astype(int))
    return frame.iloc[keep].reset_index(drop=True)


def evaluate_period(
    period: PeriodData,
    scale: MasterScale,
    *,
    reference: PeriodData | None = None,
    in_sample: bool = True,
    n_bootstrap: int = 500,
    seed: int = 0,
    lights: TrafficLights | None = None,
) -> PeriodResult:
    """Compute the figures of one period; stability is measured against ``reference`` when given."""
    y = np.asarray(period.y_true, dtype=np.float64).ravel()
    p = np.asarray(period.pd, dtype=np.float64).ravel()
    ranking = period.ranking
    risk = -ranking if period.has_score else ranking
    result = PeriodResult(
        label=period.label,
        n=int(y.size),
        defaults=int(y.sum()),
        default_rate=float(y.mean()),
        mean_pd=float(p.mean()),
        discrimination=discrimination(
            y, ranking, higher_is_better=period.has_score, n_bootstrap=n_bootstrap, seed=seed
        ),
        roc=_thin(roc_curve_data(y, risk)),
        ks_curve=_thin(ks_curve_data(y, risk)),
        grades=grade_backtest(p, y, scale, lights=lights),
        hosmer_lemeshow=hosmer_lemeshow(p, y, in_sample=in_sample),
        y_true=y,
        ranking=ranking,
        ranking_is_score=period.has_score,
    )
    if reference is not None:
        result.stability = psi(reference.ranking, ranking)
        result.stability_reference = reference.label
        if period.features is not None and reference.features is not None:
            common = [c for c in reference.features.columns if c in period.features.columns]
            if common:
                result.feature_stability = csi(reference.features, period.features, features=common)
    return result


def evaluate_model(
    name: str,
    development: PeriodData,
    *,
    out_of_time: PeriodData | Sequence[PeriodData] | None = None,
    reference: PeriodData | None = None,
    scale: MasterScale | None = None,
    n_bootstrap: int = 500,
    seed: int = 0,
    lights: TrafficLights | None = None,
) -> ModelValidation:
    """Evaluate a model on its development sample and any out-of-time samples.

    Stability reference: ``reference`` when given (for every period), otherwise the development
    sample is the reference of the out-of-time periods (and the development period has none).
    The development Hosmer–Lemeshow test uses ``G − 2`` degrees of freedom, out-of-time ones ``G``.
    """
    scale = scale or MasterScale.geometric()
    if out_of_time is None:
        later: list[PeriodData] = []
    elif isinstance(out_of_time, PeriodData):
        later = [out_of_time]
    else:
        later = list(out_of_time)
    validation = ModelValidation(name)
    validation.periods.append(
        evaluate_period(
            development, scale, reference=reference, in_sample=True,
            n_bootstrap=n_bootstrap, seed=seed, lights=lights,
        )
    )
    for period in later:
        validation.periods.append(
            evaluate_period(
                period, scale, reference=reference or development, in_sample=False,
                n_bootstrap=n_bootstrap, seed=seed, lights=lights,
            )
        )
    return validation

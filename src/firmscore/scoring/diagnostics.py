"""Training warnings: a degenerate model must not pass silently.

A card that keeps one feature, scores that take three values, or a matrix of constant columns all
fit and validate without an error, and a user who reads only the AUC never learns that the model
cannot rank. ``train`` therefore checks what it built and says so, on the console and in the
validation report (bilingual, through :mod:`firmscore.i18n`). Nothing is dropped or refused: the
warnings describe, the user decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.features.univariate import NEAR_CONSTANT_SHARE, degeneracy
from firmscore.i18n import both, t
from firmscore.scoring import messages as _messages  # noqa: F401  (registers the warnings' messages)

#: The card should keep at least this many features.
MIN_CARD_FEATURES = 3
#: Scores should take at least this many distinct values on the development sample.
MIN_DISTINCT_SCORES = 20
#: At most this many feature names are spelled out in one warning.
_MAX_NAMES = 12


@dataclass(frozen=True)
class TrainingWarning:
    """One warning: its message key (``train.warn.*``) and parameters, rendered per language on demand."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    features: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return self.key.rsplit(".", 1)[-1]

    def text(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def bilingual(self) -> str:
        """``中文 / English``, whatever the console language: the report is read by both."""
        zh, en = both(self.key, **self.params)
        return f"{zh} / {en}"


def _names(features: Sequence[str]) -> str:
    shown = ", ".join(features[:_MAX_NAMES])
    return shown + (f", … (+{len(features) - _MAX_NAMES})" if len(features) > _MAX_NAMES else "")


def degenerate_features(X: pd.DataFrame, near_constant: float = NEAR_CONSTANT_SHARE) -> dict[str, list[str]]:
    """Feature columns of ``X`` that are ``constant`` or ``near_constant`` (same rule as ``features --report``)."""
    out: dict[str, list[str]] = {"constant": [], "near_constant": []}
    for col in X.columns:
        kind = degeneracy(X[col].to_numpy(dtype=np.float64), near_constant)
        if kind is not None:
            out[kind].append(str(col))
    return out


def training_warnings(
    *,
    X: pd.DataFrame,
    features_used: Sequence[str],
    scores: npt.ArrayLike,
    min_features: int = MIN_CARD_FEATURES,
    min_distinct_scores: int = MIN_DISTINCT_SCORES,
    near_constant: float = NEAR_CONSTANT_SHARE,
) -> list[TrainingWarning]:
    """Warnings about a trained card: ``X`` the modelling sample (known outcomes), ``features_used`` the card's
    features, ``scores`` its points on the development sample."""
    warnings: list[TrainingWarning] = []
    used = list(features_used)
    if len(used) < min_features:
        warnings.append(TrainingWarning("train.warn.few_features",
                                        {"n": len(used), "minimum": min_features, "names": _names(used) or "—"},
                                        tuple(used)))
    distinct = len(np.unique(np.asarray(scores)))
    if distinct < min_distinct_scores:
        warnings.append(TrainingWarning("train.warn.few_scores", {"n": distinct, "minimum": min_distinct_scores}))
    flagged = degenerate_features(X, near_constant)
    if flagged["constant"]:
        names = flagged["constant"]
        warnings.append(TrainingWarning("train.warn.constant", {"n": len(names), "names": _names(names)},
                                        tuple(names)))
    if flagged["near_constant"]:
        names = flagged["near_constant"]
        warnings.append(TrainingWarning("train.warn.near_constant",
                                        {"n": len(names), "share": near_constant, "names": _names(names)},
                                        tuple(names)))
    return warnings

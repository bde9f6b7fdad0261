"""LightGBM challenger: a gradient-boosting model held to the same rules as the scorecard.

A challenger shows how much discrimination the scorecard leaves on the table. To be a fair and
usable comparison it must obey what makes the scorecard acceptable to a credit committee:

* **monotone constraints** — a feature whose risk direction is known (more enforcement cases → more
  risk) may only push the PD in that direction, so the model cannot learn spurious reversals;
* **determinism** — the same data and seed give bit-identical predictions (LightGBM's
  ``deterministic`` mode with row-wise histograms), whatever ``n_jobs`` is;
* **reasons** — per-feature contributions to the log-odds (TreeSHAP, ``pred_contrib=True``) name the
  features that push an enterprise's risk up the most, in Chinese and English.

Directions are given per feature as ``1`` / ``"increasing"`` (risk rises with the value),
``-1`` / ``"decreasing"``, or ``0`` / ``"none"``; unlisted features are unconstrained.

Categorical columns (pandas ``category``, ``object`` or ``string`` dtype in a DataFrame) use LightGBM's
native categorical splits (Fisher's grouping of categories by gradient statistics) instead of being refused
or one-hot encoded: the categories seen at ``fit`` are kept (``categories_``), values are compared as
text, and a category unseen at fit is scored as missing. A categorical column has no order, so it cannot
carry a monotone direction.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, ClassVar

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from firmscore.datamodel.specials import SPECIAL_CODES

FloatArray = npt.NDArray[np.float64]
Direction = int | str

_DIRECTION_CODES: dict[str, int] = {
    "increasing": 1,
    "decreasing": -1,
    "none": 0,
    "+": 1,
    "-": -1,
    "1": 1,
    "-1": -1,
    "0": 0,
}


def direction_code(direction: Direction) -> int:
    """LightGBM's constraint code (1, -1, 0) for a direction name or number."""
    if isinstance(direction, bool):
        raise ValueError(f"unknown monotone direction {direction!r}")
    if isinstance(direction, int | np.integer):
        if int(direction) in (-1, 0, 1):
            return int(direction)
    elif isinstance(direction, str) and direction.strip().lower() in _DIRECTION_CODES:
        return _DIRECTION_CODES[direction.strip().lower()]
    raise ValueError(
        f"unknown monotone direction {direction!r}: use 1/'increasing', -1/'decreasing' or 0/'none'"
    )


def infer_directions(X: pd.DataFrame, y: npt.ArrayLike, min_abs_corr: float = 0.05) -> dict[str, int]:
    """Risk directions from the data: the sign of each feature's Spearman correlation with default.

    For features without an expert-given direction (e.g. anonymous ratios of a public dataset).
    Features whose absolute rank correlation is below ``min_abs_corr`` stay unconstrained. Use the
    training data only, or the constraint leaks the outcome of the validation sample.
    """
    labels = pd.Series(np.asarray(y, dtype=np.float64).ravel(), index=X.index)
    ranks = X.rank(method="average")
    out: dict[str, int] = {}
    for name in X.columns:
        col = ranks[name]
        ok = col.notna()
        if ok.sum() < 3 or col[ok].nunique() < 2:
            continue
        rho = float(np.corrcoef(col[ok], labels[ok].rank())[0, 1])
        if abs(rho) >= min_abs_corr:
            out[str(name)] = 1 if rho > 0 else -1
    return out


@dataclass(frozen=True)
class ChallengerReason:
    """One feature pushing an enterprise's risk up: its log-odds contribution and value."""

    feature: str
    zh: str
    en: str
    contribution: float
    value: float | str  # the category (text) for a categorical feature

    def text(self, lang: str = "both") -> str:
        """The reason's name in ``zh``, ``en`` or ``both`` (``中文 / English``)."""
        if lang == "zh":
            return self.zh
        if lang == "en":
            return self.en
        return f"{self.zh} / {self.en}"


class LGBMChallenger(ClassifierMixin, BaseEstimator):
    """Monotone-constrained, deterministic LightGBM classifier with contribution-based reasons.

    Parameters
    ----------
    monotone : mapping of feature name → direction, optional
        Risk direction per feature (see module doc). Requires ``fit`` on a DataFrame.
    feature_names : mapping of feature name → (中文, English), optional
        Display names used by :meth:`reasons`; the raw feature name is used where absent.
    n_estimators, learning_rate, num_leaves, max_depth, min_child_samples, subsample,
    colsample_bytree, reg_lambda
        LightGBM's parameters; the defaults are deliberately conservative (shallow, shrunk trees)
        because credit data are small and noisy.
    random_state : int
        Seed of every random choice in LightGBM.
    n_jobs : int
        Threads. Results do not depend on it.
    special_codes_as_missing : bool, default True
        Treat the data model's special codes (:mod:`firmscore.datamodel.specials`, e.g. *not
        authorised*) as missing. As plain numbers they sit far below any real value, so a
        monotone constraint would force them to the lowest (or highest) risk; as missing values
        LightGBM learns where they belong.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "monotone": [Mapping, None],
        "feature_names": [Mapping, None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "num_leaves": [Interval(Integral, 2, None, closed="left")],
        "max_depth": [Integral],
        "min_child_samples": [Interval(Integral, 1, None, closed="left")],
        "subsample": [Interval(Real, 0, 1, closed="right")],
        "colsample_bytree": [Interval(Real, 0, 1, closed="right")],
        "reg_lambda": [Interval(Real, 0, None, closed="left")],
        "random_state": [Integral],
        "n_jobs": [Integral],
        "special_codes_as_missing": ["boolean"],
    }

    def __init__(
        self,
        monotone: Mapping[str, Direction] | None = None,
        *,
        feature_names: Mapping[str, tuple[str, str]] | None = None,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        max_depth: int = -1,
        min_child_samples: int = 20,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        random_state: int = 0,
        n_jobs: int = 1,
        special_codes_as_missing: bool = True,
    ) -> None:
        self.monotone = monotone
        self.feature_names = feature_names
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.max_depth = max_depth
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.special_codes_as_missing = special_codes_as_missing

    def _frame(self, X: Any, fitting: bool = False) -> pd.DataFrame:
        """Features as a DataFrame in training column order (arrays get the training names)."""
        if sparse.issparse(X):
            raise TypeError("sparse input is not supported by LGBMChallenger; pass a dense array or DataFrame")
        if not fitting:
            check_is_fitted(self, "model_")
        if isinstance(X, pd.DataFrame):
            frame = X.set_axis([str(c) for c in X.columns], axis=1)
        else:
            raw = np.asarray(X)
            if np.iscomplexobj(raw):
                raise ValueError("Complex data not supported")
            arr = raw.astype(np.float64)
            if arr.ndim != 2:
                raise ValueError(
                    f"X must be 2-D, got {arr.ndim} dimension(s). Reshape your data, e.g. X.reshape(-1, 1)"
                )
            if fitting:
                names = [f"x{i}" for i in range(arr.shape[1])]
            else:
                if arr.shape[1] != self.n_features_in_:
                    raise ValueError(
                        f"X has {arr.shape[1]} features, but LGBMChallenger is expecting "
                        f"{self.n_features_in_} features as input"
                    )
                names = list(self.feature_names_in_)
            frame = pd.DataFrame(arr, columns=names)
        if len(frame) == 0:
            raise ValueError(f"Found array with 0 sample(s) (shape={frame.shape}) while a minimum of 1 is required.")
        if frame.shape[1] == 0:
            raise ValueError(f"Found array with 0 feature(s) (shape={frame.shape}) while a minimum of 1 is required.")
        if fitting:
            return frame
        missing = [c for c in self.feature_names_in_ if c not in frame.columns]
        if missing:
            raise ValueError(f"X lacks the features the model was trained on: {missing}")
        return frame[list(self.feature_names_in_)]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        return tags

    @staticmethod
    def _as_text(column: pd.Series) -> pd.Series:
        """A categorical column's values as text (missing stays missing), so 1 and "1" are one category."""
        return column.astype("string")

    def _model_input(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Features as LightGBM sees them: floats (special codes → NaN when so configured) and, for the
        categorical columns, pandas categoricals over the categories seen at fit (unseen → missing)."""
        categories: dict[str, list[str]] = getattr(self, "categories_", {})
        numeric_cols = [c for c in frame.columns if c not in categories]
        numeric = frame[numeric_cols].astype(np.float64)
        if self.special_codes_as_missing:
            numeric = numeric.mask(numeric.isin(SPECIAL_CODES))
        if not categories:
            return numeric
        out = {c: numeric[c] for c in numeric_cols}
        for c, cats in categories.items():
            text = self._as_text(frame[c])
            known = text.where(text.isin(cats))  # unseen categories become missing explicitly
            out[c] = pd.Series(pd.Categorical(known, categories=cats), index=frame.index)
        return pd.DataFrame(out, index=frame.index)[list(frame.columns)]

    def _constraints(self, columns: list[str], categorical: list[str]) -> list[int]:
        monotone = dict(self.monotone or {})
        unknown = sorted(set(monotone) - set(columns))
        if unknown:
            raise ValueError(f"monotone directions given for unknown features: {unknown}")
        ordered = sorted(c for c in categorical if direction_code(monotone.get(c, 0)) != 0)
        if ordered:
            raise ValueError(f"categorical features have no order, so no monotone direction: {ordered}")
        return [direction_code(monotone.get(c, 0)) for c in columns]

    def fit(self, X: Any, y: npt.ArrayLike) -> LGBMChallenger:
        """Fit on features ``X`` (DataFrame or array) and outcome ``y`` (1 = default).

        Any two labels are accepted; the larger (``classes_[1]``, i.e. 1 for 0/1 labels) is the
        default event whose probability :meth:`predict_pd` returns.
        """
        self._validate_params()
        if y is None:
            raise ValueError("LGBMChallenger requires y to be passed, but the target y is None")
        frame = self._frame(X, fitting=True)
        labels = np.asarray(y)
        if labels.ndim == 2 and labels.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected; it is flattened",
                DataConversionWarning,
                stacklevel=2,
            )
            labels = labels.ravel()
        target_type = type_of_target(labels)
        if target_type == "multiclass":
            raise ValueError("Only binary classification is supported: y must be 1 = default, 0 = not")
        if target_type not in {"binary"}:
            raise ValueError(
                f"Unknown label type: {target_type}; LGBMChallenger needs a binary outcome (1 = default)"
            )
        if labels.size != len(frame):
            raise ValueError(f"X has {len(frame)} rows but y has {labels.size}")
        columns = [str(c) for c in frame.columns]
        frame = frame.set_axis(columns, axis=1)
        categorical = [c for c in columns if isinstance(frame[c].dtype, pd.CategoricalDtype)
                       or not pd.api.types.is_numeric_dtype(frame[c])]
        self.classes_ = np.unique(labels)
        if self.classes_.size != 2:
            raise ValueError(
                f"y must hold two classes (non-default, default), got {self.classes_.size} class: "
                f"{self.classes_.tolist()}"
            )
        numeric = frame[[c for c in columns if c not in categorical]]
        if not np.all(np.isfinite(numeric.to_numpy(dtype=np.float64, na_value=0.0))):
            raise ValueError("X contains infinite values; replace them (NaN is allowed: it means missing)")
        self.feature_names_in_ = np.asarray(columns, dtype=object)
        self.n_features_in_ = len(columns)
        self.monotone_constraints_ = self._constraints(columns, categorical)
        self.categories_ = {c: sorted(self._as_text(frame[c]).dropna().unique().tolist()) for c in categorical}
        self.model_ = lgb.LGBMClassifier(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            max_depth=self.max_depth,
            min_child_samples=self.min_child_samples,
            subsample=self.subsample,
            subsample_freq=1 if self.subsample < 1.0 else 0,
            colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda,
            monotone_constraints=self.monotone_constraints_,
            monotone_constraints_method="advanced",
            random_state=self.random_state,
            n_jobs=self.n_jobs,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )
        self.model_.fit(self._model_input(frame), (labels == self.classes_[1]).astype(np.int64))
        return self

    def predict_proba(self, X: Any) -> FloatArray:
        """Columns ``[P(good), P(default)]``."""
        check_is_fitted(self, "model_")
        return np.asarray(self.model_.predict_proba(self._model_input(self._frame(X))), dtype=np.float64)

    def predict_pd(self, X: Any) -> FloatArray:
        """Probability of default (the second column of :meth:`predict_proba`)."""
        return self.predict_proba(X)[:, 1]

    def predict(self, X: Any) -> npt.NDArray[Any]:
        """1 where the PD exceeds one half (rarely useful in credit; use :meth:`predict_pd`)."""
        flagged = (self.predict_pd(X) > 0.5).astype(np.intp)
        return np.asarray(self.classes_[flagged])

    def contributions(self, X: Any) -> pd.DataFrame:
        """Per-feature contributions to the log-odds of default, plus ``bias`` (they sum to it)."""
        check_is_fitted(self, "model_")
        frame = self._frame(X)
        raw = self.model_.predict(self._model_input(frame), pred_contrib=True)
        return pd.DataFrame(np.asarray(raw), columns=[*self.feature_names_in_, "bias"], index=frame.index)

    def reasons(self, X: Any, max_reasons: int = 4) -> list[list[ChallengerReason]]:
        """Up to ``max_reasons`` features raising each enterprise's risk the most, largest first.

        Only features with a positive contribution (pushing the PD above the portfolio baseline)
        are reasons; an enterprise with none gets an empty list.
        """
        if max_reasons < 1:
            raise ValueError("max_reasons must be at least 1")
        contrib = self.contributions(X)
        names = list(self.feature_names_in_)
        frame = self._frame(X)
        values = [frame[n].to_numpy(dtype=np.float64) if n not in self.categories_
                  else self._as_text(frame[n]).to_numpy(dtype=object) for n in names]
        c = contrib[names].to_numpy()
        order = np.argsort(-c, axis=1, kind="stable")[:, :max_reasons]
        meta = dict(self.feature_names or {})
        out: list[list[ChallengerReason]] = []
        for row in range(c.shape[0]):
            row_reasons = []
            for j in order[row]:
                if c[row, j] <= 0:
                    break
                zh, en = meta.get(names[j], (names[j], names[j]))
                raw = values[j][row]
                value: float | str = float(raw) if names[j] not in self.categories_ else (
                    "" if pd.isna(raw) else str(raw))
                row_reasons.append(ChallengerReason(names[j], zh, en, float(c[row, j]), value))
            out.append(row_reasons)
        return out

    def reasons_frame(self, X: Any, max_reasons: int = 4) -> pd.DataFrame:
        """:meth:`reasons` as a long table: ``row, rank, feature, zh, en, contribution, value``."""
        rows = [
            (i, rank + 1, r.feature, r.zh, r.en, r.contribution, r.value)
            for i, reasons in enumerate(self.reasons(X, max_reasons))
            for rank, r in enumerate(reasons)
        ]
        return pd.DataFrame(rows, columns=["row", "rank", "feature", "zh", "en", "contribution", "value"])

"""``BinningProcess``: optimal binning of every column of a DataFrame, as one transformer.

Per-feature settings override the shared defaults (``binning_fit_params``); categorical columns
are detected from the dtype (object, string, category, bool) unless listed explicitly. The
fitted state is a mapping feature → :class:`FittedBinning`, serialisable to JSON.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from firmscore.model.binning.fitted import FittedBinning
from firmscore.model.binning.optimal import OptimalBinning, check_target
from firmscore.model.binning.woe import DEFAULT_ALPHA

METRICS = ("woe", "indices", "bins")

#: :class:`OptimalBinning` parameters that :class:`BinningProcess` mirrors as per-feature defaults.
_SHARED_PARAMS = tuple(key for key in OptimalBinning().get_params(deep=False) if key not in ("name", "dtype"))


def detect_categorical(X: pd.DataFrame) -> list[str]:
    """Columns whose dtype is not numeric (strings, categories) or boolean."""
    return [str(c) for c in X.columns if is_bool_dtype(X[c]) or not is_numeric_dtype(X[c])]


class BinningProcess(TransformerMixin, BaseEstimator):
    """Bin all features of a DataFrame; transform to WOE, bin indices or bin labels.

    Parameters
    ----------
    variable_names : list of str or None
        Columns to bin (``None``: all columns of ``X`` at fit).
    categorical_variables : list of str or None
        Columns to treat as categorical (``None``: detect from dtype).
    special_codes : sequence or None
        Default special codes for every feature (``None``: the data contract's codes).
    binning_fit_params : dict or None
        Feature name → dict of :class:`OptimalBinning` parameters overriding the defaults.
    monotonic_trend, max_n_prebins, min_bin_size, max_n_bins, min_n_events, min_n_nonevents,
    alpha, auto_min_gain, auto_min_stat, refine
        Defaults for every feature; see :class:`OptimalBinning`.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "variable_names": [list, None],
        "categorical_variables": [list, None],
        "special_codes": ["array-like", None],
        "binning_fit_params": [dict, None],
        **{k: v for k, v in OptimalBinning._parameter_constraints.items() if k in _SHARED_PARAMS},
    }

    def __init__(
        self,
        variable_names: list[str] | None = None,
        *,
        categorical_variables: list[str] | None = None,
        special_codes: Any = None,
        binning_fit_params: dict[str, dict[str, Any]] | None = None,
        monotonic_trend: str = "auto",
        max_n_prebins: int = 50,
        min_bin_size: float = 0.02,
        max_n_bins: int | None = None,
        min_n_events: int = 1,
        min_n_nonevents: int = 1,
        alpha: float = DEFAULT_ALPHA,
        auto_min_gain: float = 0.1,
        auto_min_stat: float = 30.0,
        refine: bool = True,
    ) -> None:
        self.variable_names = variable_names
        self.categorical_variables = categorical_variables
        self.special_codes = special_codes
        self.binning_fit_params = binning_fit_params
        self.monotonic_trend = monotonic_trend
        self.max_n_prebins = max_n_prebins
        self.min_bin_size = min_bin_size
        self.max_n_bins = max_n_bins
        self.min_n_events = min_n_events
        self.min_n_nonevents = min_n_nonevents
        self.alpha = alpha
        self.auto_min_gain = auto_min_gain
        self.auto_min_stat = auto_min_stat
        self.refine = refine

    def _binner(self, name: str, dtype: str) -> OptimalBinning:
        """One feature's binner: the shared defaults, then its ``binning_fit_params`` override.

        The defaults are read under :class:`OptimalBinning`'s own parameter names (every one but
        ``name``/``dtype`` is mirrored here), so the list is not spelled out a third time and an
        unmirrored new parameter fails loudly instead of silently keeping its default.
        """
        params: dict[str, Any] = {"name": name, "dtype": dtype}
        params.update({key: getattr(self, key) for key in _SHARED_PARAMS})
        override = (self.binning_fit_params or {}).get(name, {})
        unknown = set(override) - set(params)
        if unknown:
            raise ValueError(f"binning_fit_params[{name!r}]: unknown parameters {sorted(unknown)}")
        params.update(override)
        return OptimalBinning(**params)

    def fit(self, X: pd.DataFrame, y: Any) -> BinningProcess:
        """Fit one :class:`OptimalBinning` per variable."""
        self._fit(X, y, keep_indices=False)
        return self

    def fit_indices(self, X: pd.DataFrame, y: Any) -> dict[str, Any]:
        """Fit and return each feature's training bin indices (no second pass over ``X``)."""
        return self._fit(X, y, keep_indices=True)

    def _fit(self, X: pd.DataFrame, y: Any, keep_indices: bool) -> dict[str, Any]:
        self._validate_params()
        if not isinstance(X, pd.DataFrame):
            raise TypeError("BinningProcess.fit expects a pandas DataFrame with named columns")
        names = [str(c) for c in (self.variable_names or list(X.columns))]
        missing = [c for c in names if c not in X.columns]
        if missing:
            raise ValueError(f"columns not in X: {missing}")
        target = check_target(y, len(X))
        cats = set(self.categorical_variables) if self.categorical_variables is not None else set(detect_categorical(X))
        self.binnings_: dict[str, FittedBinning] = {}
        indices: dict[str, Any] = {}
        for name in names:
            dtype = "categorical" if name in cats else "numerical"
            binner = self._binner(name, dtype)
            idx = binner.fit_indices(X[name], target)
            if keep_indices:
                indices[name] = idx
            self.binnings_[name] = binner.binning_
        self.feature_names_in_ = np.asarray(names, dtype=object)
        self.n_features_in_ = len(names)
        return indices

    def transform(self, X: pd.DataFrame, metric: str = "woe") -> pd.DataFrame:
        """WOE (float), bin indices (int) or bin labels of every binned column."""
        check_is_fitted(self, "binnings_")
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
        missing = [c for c in self.binnings_ if c not in X.columns]
        if missing:
            raise ValueError(f"columns missing from X: {missing}")
        return pd.DataFrame({c: b.transform(X[c], metric) for c, b in self.binnings_.items()}, index=X.index)

    def fit_transform(self, X: pd.DataFrame, y: Any = None, **fit_params: Any) -> pd.DataFrame:
        """Fit and transform in one pass over the data (training indices are reused)."""
        metric = fit_params.get("metric", "woe")
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
        indices = self.fit_indices(X, y)
        out: dict[str, Any] = {}
        for c, idx in indices.items():
            b = self.binnings_[c]
            if metric == "indices":
                out[c] = idx
            elif metric == "woe":
                out[c] = b.woe[idx]
            else:
                out[c] = np.asarray(b.rule.labels(), dtype=object)[idx]
        return pd.DataFrame(out, index=X.index)

    def fit_woe_matrix(self, X: pd.DataFrame, y: Any) -> tuple[list[str], np.ndarray]:
        """Fit and return (feature names, WOE matrix in column-major order) without a DataFrame.

        Column-major storage makes each feature's WOE column one contiguous write and suits the
        ``X'r`` products of the regression; used by :class:`~firmscore.model.scorecard.Scorecard`.
        """
        indices = self.fit_indices(X, y)
        names = list(indices)
        W = np.empty((len(X), len(names)), dtype=np.float64, order="F")
        for j, c in enumerate(names):
            np.take(self.binnings_[c].woe, indices[c], out=W[:, j])
        return names, W

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "binnings_")
        return np.asarray(list(self.binnings_), dtype=object)

    def binning_table(self, name: str) -> pd.DataFrame:
        """The binning table of one feature (exactly the counts and WOE used by ``transform``)."""
        check_is_fitted(self, "binnings_")
        if name not in self.binnings_:
            raise KeyError(f"no binning for feature {name!r}")
        return self.binnings_[name].table()

    def summary(self) -> pd.DataFrame:
        """One row per feature: dtype, chosen trend, number of regular bins, IV."""
        check_is_fitted(self, "binnings_")
        rows = [
            {
                "name": n,
                "dtype": b.rule.kind,
                "trend": b.trend,
                "n_bins": b.rule.n_regular,
                "iv": b.iv,
            }
            for n, b in self.binnings_.items()
        ]
        return pd.DataFrame(rows, columns=["name", "dtype", "trend", "n_bins", "iv"])

    def to_dict(self) -> dict[str, Any]:
        check_is_fitted(self, "binnings_")
        params = self.get_params()
        params["special_codes"] = None if self.special_codes is None else list(self.special_codes)
        return {"params": params, "binnings": [b.to_dict() for b in self.binnings_.values()]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BinningProcess:
        obj = cls(**d["params"])
        obj.binnings_ = {}
        for bd in d["binnings"]:
            fb = FittedBinning.from_dict(bd)
            obj.binnings_[fb.feature] = fb
        obj.feature_names_in_ = np.asarray(list(obj.binnings_), dtype=object)
        obj.n_features_in_ = len(obj.binnings_)
        return obj

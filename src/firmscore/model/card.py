"""The one internal representation every scorecard is scored and explained with.

A :class:`CardModel` is a list of :class:`CardFeature` (a :class:`~firmscore.model.binning.BinRule`
and integer points per bin, optionally the training counts/WOE and the regression coefficient)
plus integer ``base_points`` and the :class:`~firmscore.model.scaling.Scaling`. Trained cards
(:class:`~firmscore.model.scorecard.Scorecard`) and expert cards (YAML) both build one; scoring,
sub-scores, reasons (:mod:`firmscore.model.reasons`, which reads a card), the points table, the
JSON artifact and the SQL export all read it, so they cannot disagree.

Score of a row = ``clip(base_points + Σ_j points_j[bin_j(x_j)], score_min, score_max)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.model.binning.fitted import FittedBinning
from firmscore.model.binning.rules import BinRule
from firmscore.model.scaling import Scaling

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Rows per block when scoring (the block's features and running total stay in the CPU cache).
_SCORE_BLOCK = 32768

#: Dimension ids of the enterprise score (ARCHITECTURE.md), in display order.
DIMENSIONS: tuple[str, ...] = ("basic", "behaviour", "performance", "relationship", "legal_rep")


@dataclass(frozen=True)
class CardFeature:
    """One feature of a card: how to bin it and the integer points of each bin."""

    rule: BinRule
    points: tuple[int, ...]
    dimension: str | None = None
    binning: FittedBinning | None = None  # trained cards: counts and WOE of the same bins
    coefficient: float | None = None

    def __post_init__(self) -> None:
        if len(self.points) != self.rule.n_bins:
            raise ValueError(
                f"feature {self.rule.feature!r}: {self.rule.n_bins} bins ({', '.join(self.rule.labels())}) "
                f"but {len(self.points)} points"
            )
        if self.binning is not None and self.binning.rule != self.rule:
            raise ValueError(f"feature {self.rule.feature!r}: binning rule differs from the card rule")
        if self.dimension is not None and self.dimension not in DIMENSIONS:
            raise ValueError(f"feature {self.rule.feature!r}: unknown dimension {self.dimension!r}; use {DIMENSIONS}")

    @property
    def name(self) -> str:
        return self.rule.feature

    @property
    def max_points(self) -> int:
        return int(max(self.points))

    @property
    def min_points(self) -> int:
        return int(min(self.points))

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.to_dict(),
            "points": [int(p) for p in self.points],
            "dimension": self.dimension,
            "binning": None if self.binning is None else self.binning.to_dict(),
            "coefficient": None if self.coefficient is None else float(self.coefficient),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CardFeature:
        return cls(
            rule=BinRule.from_dict(d["rule"]),
            points=tuple(int(p) for p in d["points"]),
            dimension=d.get("dimension"),
            binning=None if d.get("binning") is None else FittedBinning.from_dict(d["binning"]),
            coefficient=None if d.get("coefficient") is None else float(d["coefficient"]),
        )


@dataclass(frozen=True)
class CardModel:
    """A complete scorecard (trained or expert); see the module docstring."""

    features: tuple[CardFeature, ...]
    base_points: int
    scaling: Scaling = field(default_factory=Scaling)
    intercept: float | None = None
    kind: str = "trained"
    name: str = "scorecard"
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        names = [f.name for f in self.features]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"features listed twice in card {self.name!r}: {sorted(dup)}")

    @property
    def feature_names(self) -> list[str]:
        return [f.name for f in self.features]

    # ---------------------------------------------------------------- scoring
    def _lookups(self) -> list[tuple[FloatArray, IntArray] | None]:
        if "lut" not in self._cache:
            out: list[tuple[FloatArray, IntArray] | None] = []
            for f in self.features:
                if f.rule.kind == "numerical":
                    edges, lut = f.rule.lookup_edges()
                    pts = np.asarray(f.points, dtype=np.int64)[lut]
                    # An edge between two intervals with equal points changes nothing: drop it
                    # (one comparison pass fewer per row). Dropping edge i shifts every value above
                    # it down one interval, onto the merged group's points; NaN still lands last.
                    keep = pts[:-1] != pts[1:]
                    out.append((edges[keep], pts[np.concatenate([[0], np.flatnonzero(keep) + 1])]))
                else:
                    out.append(None)
            self._cache["lut"] = out
        return list(self._cache["lut"])

    def _check_columns(self, X: pd.DataFrame) -> None:
        if not isinstance(X, pd.DataFrame):
            raise TypeError("expected a pandas DataFrame of raw features")
        missing = [n for n in self.feature_names if n not in X.columns]
        if missing:
            raise ValueError(f"card {self.name!r}: columns missing from input: {missing}")

    def bin_indices(self, X: pd.DataFrame) -> dict[str, npt.NDArray[np.intp]]:
        """Bin index of every row for every card feature."""
        self._check_columns(X)
        return {f.name: f.rule.assign(X[f.name]) for f in self.features}

    def points(self, X: pd.DataFrame) -> pd.DataFrame:
        """Integer points of every feature for every row (columns in card order)."""
        idx = self.bin_indices(X)
        return pd.DataFrame(
            {f.name: np.asarray(f.points, dtype=np.int64)[idx[f.name]] for f in self.features}, index=X.index
        )

    def total_points(self, X: pd.DataFrame) -> IntArray:
        """``base_points + Σ points`` before clipping to the score range (fast path).

        Numerical features go through one edge array each (special codes and ``NaN`` included,
        see :meth:`BinRule.lookup_edges`) whose interval → points table is precomputed; rows are
        processed in cache-sized blocks across all features so the running total stays in cache.
        """
        self._check_columns(X)
        n = len(X)
        total = np.full(n, self.base_points, dtype=np.int64)
        numeric: list[tuple[FloatArray, FloatArray, IntArray]] = []
        for f, lk in zip(self.features, self._lookups(), strict=True):
            if lk is None:
                total += np.asarray(f.points, dtype=np.int64)[f.rule.assign(X[f.name])]
                continue
            col = X[f.name]
            x = col.to_numpy() if col.dtype == np.float64 else col.to_numpy(dtype=np.float64, na_value=np.nan)
            numeric.append((x, *lk))
        idx8 = np.empty(min(n, _SCORE_BLOCK), dtype=np.int8)
        le = np.empty(min(n, _SCORE_BLOCK), dtype=bool)
        for start in range(0, n, _SCORE_BLOCK):
            stop = min(n, start + _SCORE_BLOCK)
            acc = total[start:stop]
            a8, b = idx8[: stop - start], le[: stop - start]
            for x, edges, pts in numeric:
                xb = x[start:stop]
                # ``x <= e`` is false for every row (NaN included) when ``e`` lies below the
                # block's smallest value (e.g. the contract's special codes, far below any real
                # value), so those edges change nothing and are skipped.
                lowest = np.fmin.reduce(xb) if xb.size else np.nan
                first = int(np.searchsorted(edges, lowest, side="left")) if lowest == lowest else 0
                a8.fill(edges.size)
                for e in edges[first:]:
                    np.less_equal(xb, e, out=b)
                    np.subtract(a8, b, out=a8, casting="unsafe")
                np.add(acc, pts.take(a8), out=acc)
        return total

    def score(self, X: pd.DataFrame) -> IntArray:
        """Enterprise score: integer total clipped to ``[score_min, score_max]``."""
        return self.scaling.clip(self.total_points(X))

    # --------------------------------------------------------- sub-scores
    def subscores(self, X: pd.DataFrame) -> pd.DataFrame:
        """Five dimension sub-scores 0–100 (100 = best attainable points in the dimension).

        ``100 · (points − worst attainable) / (best − worst)`` over the dimension's features,
        rounded to one decimal; ``NaN`` for a dimension without features (or whose features
        cannot vary).
        """
        pts = self.points(X)
        out: dict[str, Any] = {}
        for d in DIMENSIONS:
            feats = [f for f in self.features if f.dimension == d]
            lo = sum(f.min_points for f in feats)
            hi = sum(f.max_points for f in feats)
            if not feats or hi == lo:
                out[d] = np.full(len(X), np.nan)
                continue
            s = pts[[f.name for f in feats]].sum(axis=1).to_numpy(dtype=np.float64)
            out[d] = np.round(100.0 * (s - lo) / (hi - lo), 1)
        return pd.DataFrame(out, index=X.index)

    # -------------------------------------------------------------- tables
    def points_table(self) -> pd.DataFrame:
        """Every feature's bins with points (and WOE/counts for trained cards)."""
        rows: list[dict[str, Any]] = []
        for f in self.features:
            labels = f.rule.labels()
            woe = f.binning.woe if f.binning is not None else None
            t = f.binning.table() if f.binning is not None else None
            for k, lab in enumerate(labels):
                rows.append(
                    {
                        "feature": f.name,
                        "dimension": f.dimension,
                        "bin_index": k,
                        "bin": lab,
                        "count": None if t is None else float(t["count"].iloc[k]),
                        "event_rate": None if t is None else float(t["event_rate"].iloc[k]),
                        "woe": None if woe is None else float(woe[k]),
                        "coefficient": f.coefficient,
                        "points": int(f.points[k]),
                    }
                )
        return pd.DataFrame(rows)

    # ---------------------------------------------------------- persistence
    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "base_points": int(self.base_points),
            "intercept": None if self.intercept is None else float(self.intercept),
            "scaling": self.scaling.to_dict(),
            "features": [f.to_dict() for f in self.features],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CardModel:
        return cls(
            features=tuple(CardFeature.from_dict(f) for f in d["features"]),
            base_points=int(d["base_points"]),
            scaling=Scaling.from_dict(d["scaling"]),
            intercept=None if d.get("intercept") is None else float(d["intercept"]),
            kind=str(d.get("kind", "trained")),
            name=str(d.get("name", "scorecard")),
        )

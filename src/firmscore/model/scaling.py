"""Points scaling (PDO and base odds) and integer points that keep totals exact.

The enterprise score is ``score = offset + factor · ln(odds_good)`` with ``factor = pdo / ln 2``
and ``offset = base_score − factor · ln(base_odds)``: the score is ``base_score`` at good:bad odds
``base_odds`` and rises by ``pdo`` each time the odds double. Higher is better.

From a logistic regression of the bad flag on WOE, ``ln(odds_good) = −(b0 + Σ_j b_j · WOE_j)``,
so feature ``j`` in bin ``k`` contributes ``r_jk = −factor · b_j · WOE_jk`` and the constant is
``offset − factor · b0``. Rounding, documented once here:

1. Each feature's contributions are shifted so its worst bin has 0 points
   (``r'_jk = r_jk − min_k r_jk``); the shifts move into the constant. Points are then
   non-negative and "points lost against the best bin" is a plain difference.
2. Every bin's points are rounded half-to-even to an integer, and so is the constant
   (``base_points``). The reported score is **exactly** ``base_points + Σ_j points_j`` — the sum of
   the integers printed in the points table, no hidden decimals.
3. That integer differs from the unrounded scaled model output by at most ``0.5 · (p + 1)`` for a
   card with ``p`` features (each rounding moves at most half a point), typically far less since
   the errors are independent.
4. The total is then clipped to the score range ``[1000, 2000]``; only rows outside the range
   (odds beyond what the scale can show) are affected, and they report the bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SCORE_MIN = 1000
SCORE_MAX = 2000


@dataclass(frozen=True)
class Scaling:
    """PDO / base-odds scaling onto the enterprise scale.

    Parameters
    ----------
    pdo
        Points to double the good:bad odds.
    base_score
        Score at ``base_odds``.
    base_odds
        Good:bad odds at ``base_score`` (e.g. 50 means 50 goods per bad, PD ≈ 2 %).
    score_min, score_max
        Range the total is clipped to.
    """

    pdo: float = 50.0
    base_score: float = 1500.0
    base_odds: float = 50.0
    score_min: int = SCORE_MIN
    score_max: int = SCORE_MAX

    def __post_init__(self) -> None:
        if not (self.pdo > 0 and self.base_odds > 0):
            raise ValueError(f"pdo and base_odds must be positive, got pdo={self.pdo}, base_odds={self.base_odds}")
        if not self.score_min < self.score_max:
            raise ValueError(f"score_min {self.score_min} must be below score_max {self.score_max}")

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2.0)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)

    def score_from_log_odds_bad(self, log_odds_bad: npt.ArrayLike) -> FloatArray:
        """Unrounded, unclipped scaled model output for log-odds of default."""
        return np.asarray(self.offset - self.factor * np.asarray(log_odds_bad, dtype=np.float64))

    def clip(self, total: npt.ArrayLike) -> IntArray:
        return np.clip(np.asarray(total, dtype=np.int64), self.score_min, self.score_max)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pdo": float(self.pdo),
            "base_score": float(self.base_score),
            "base_odds": float(self.base_odds),
            "score_min": int(self.score_min),
            "score_max": int(self.score_max),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scaling:
        return cls(
            pdo=float(d["pdo"]),
            base_score=float(d["base_score"]),
            base_odds=float(d["base_odds"]),
            score_min=int(d.get("score_min", SCORE_MIN)),
            score_max=int(d.get("score_max", SCORE_MAX)),
        )


def integer_points(
    scaling: Scaling, intercept: float, coefficients: list[float], woes: list[FloatArray]
) -> tuple[int, list[npt.NDArray[np.int64]]]:
    """Base points and per-bin integer points of each feature (see module docstring)."""
    raw = [-scaling.factor * b * w for b, w in zip(coefficients, woes, strict=True)]
    shifts = [float(r.min()) if r.size else 0.0 for r in raw]
    base = scaling.offset - scaling.factor * intercept + sum(shifts)
    points = [np.rint(r - s).astype(np.int64) for r, s in zip(raw, shifts, strict=True)]
    return int(np.rint(base)), points

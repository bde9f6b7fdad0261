"""The master scale: PD bands → rating grades, and the enterprise-score bands.

A master scale is a fixed, bank-wide table of grades, each owning a PD band, so that grades mean
the same across models and over time. Ours has geometric bands: each grade's central PD is a
constant multiple of the previous one, because default risk is compared in ratios (a 0.1 % and a
0.2 % borrower differ as much as a 5 % and a 10 % one), so equal *log*-PD widths give grades of
comparable resolution from the best to the worst credits.

Construction (:meth:`MasterScale.geometric`): with ``n`` non-default grades, central PDs
``c_k = pd_best · r^(k−1)``, ``r = (pd_worst / pd_best)^(1/(n−1))``; the boundary between grades
``k`` and ``k+1`` is their geometric mean ``√(c_k·c_{k+1})``; the first band starts at 0 and the
last ends at 1, so the non-default bands tile ``[0, 1)`` without gaps or overlaps. Grade ``D``
(default) is assigned on observed default status, not on a PD (its PD is 1).

The default scale has 9 non-default grades (AAA … C) between 0.03 % (the Basel corporate PD
floor) and 30 %.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

DEFAULT_GRADE = "D"
DEFAULT_NAMES: tuple[str, ...] = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C")


@dataclass(frozen=True)
class Grade:
    """One grade of the master scale: PDs in ``[pd_lower, pd_upper)`` and its central PD."""

    name: str
    pd_lower: float
    pd_upper: float
    pd_central: float


@dataclass(frozen=True)
class MasterScale:
    """Ordered non-default grades (best first) covering PD ``[0, 1)``, plus the default grade ``D``."""

    grades: tuple[Grade, ...]

    def __post_init__(self) -> None:
        if len(self.grades) < 7:
            raise ValueError(f"a master scale needs at least 7 non-default grades, got {len(self.grades)}")
        if self.grades[0].pd_lower != 0.0 or self.grades[-1].pd_upper != 1.0:
            raise ValueError("the grades must cover PD from 0 to 1")
        for prev, nxt in zip(self.grades, self.grades[1:], strict=False):
            if prev.pd_upper != nxt.pd_lower:
                raise ValueError(f"grades {prev.name} and {nxt.name} leave a gap or overlap")
        for g in self.grades:
            if not g.pd_lower <= g.pd_central < g.pd_upper:
                raise ValueError(f"grade {g.name}: central PD {g.pd_central} outside its band")
        names = [g.name for g in self.grades]
        if len(set(names)) != len(names) or DEFAULT_GRADE in names:
            raise ValueError("grade names must be unique and must not include the default grade 'D'")

    @classmethod
    def geometric(
        cls,
        n_grades: int = 9,
        pd_best: float = 0.0003,
        pd_worst: float = 0.30,
        names: Sequence[str] | None = None,
    ) -> MasterScale:
        """Geometric bands between the central PDs ``pd_best`` and ``pd_worst`` (see module doc)."""
        if n_grades < 7:
            raise ValueError("a master scale needs at least 7 non-default grades")
        if not 0.0 < pd_best < pd_worst < 1.0:
            raise ValueError("need 0 < pd_best < pd_worst < 1")
        if names is None:
            names = DEFAULT_NAMES if n_grades == len(DEFAULT_NAMES) else [str(k + 1) for k in range(n_grades)]
        if len(names) != n_grades:
            raise ValueError(f"{len(names)} names given for {n_grades} grades")
        central = np.geomspace(pd_best, pd_worst, n_grades)
        inner = np.sqrt(central[:-1] * central[1:])
        edges = np.concatenate([[0.0], inner, [1.0]])
        return cls(
            tuple(
                Grade(str(name), float(edges[k]), float(edges[k + 1]), float(central[k]))
                for k, name in enumerate(names)
            )
        )

    @property
    def names(self) -> list[str]:
        """Grade names best first, then ``D``."""
        return [g.name for g in self.grades] + [DEFAULT_GRADE]

    @property
    def edges(self) -> npt.NDArray[np.float64]:
        """Band boundaries ``0 = e_0 < e_1 < … < e_n = 1``."""
        return np.array([g.pd_lower for g in self.grades] + [1.0])

    def grade_index(self, pd_: npt.ArrayLike, defaulted: npt.ArrayLike | None = None) -> npt.NDArray[np.intp]:
        """Index into :attr:`names` for each PD (``len(grades)`` = ``D`` where ``defaulted``)."""
        p = np.asarray(pd_, dtype=np.float64)
        if np.any(~np.isfinite(p)) or np.any((p < 0) | (p > 1)):
            bad = int(np.flatnonzero(~((p >= 0) & (p <= 1)))[0])
            raise ValueError(f"PD must lie in [0, 1]; row {bad} holds {p.ravel()[bad]!r}")
        idx = np.searchsorted(self.edges[1:-1], p, side="right").astype(np.intp)
        # PD exactly 1 means certain default: grade D.
        idx = np.where(p >= 1.0, len(self.grades), idx)
        if defaulted is not None:
            idx = np.where(np.asarray(defaulted, dtype=bool), len(self.grades), idx)
        return idx

    def assign(self, pd_: npt.ArrayLike, defaulted: npt.ArrayLike | None = None) -> npt.NDArray[np.str_]:
        """Grade name for each PD; enterprises already in default get ``D``."""
        return np.asarray(self.names, dtype=str)[self.grade_index(pd_, defaulted)]

    def central_pd(self, grade: str) -> float:
        """The PD a grade stands for (1.0 for ``D``)."""
        if grade == DEFAULT_GRADE:
            return 1.0
        for g in self.grades:
            if g.name == grade:
                return g.pd_central
        raise KeyError(f"unknown grade {grade!r}; grades are {self.names}")

    def to_frame(self) -> pd.DataFrame:
        """The scale as a table (grade, PD lower, PD upper, central PD), ``D`` last."""
        rows = [(g.name, g.pd_lower, g.pd_upper, g.pd_central) for g in self.grades]
        rows.append((DEFAULT_GRADE, 1.0, 1.0, 1.0))
        return pd.DataFrame(rows, columns=["grade", "pd_lower", "pd_upper", "pd_central"])


def grade_score_ranges(
    scale: MasterScale,
    score_for_pd: Callable[[npt.ArrayLike], npt.NDArray[np.float64]],
    score_min: float = 1000.0,
    score_max: float = 2000.0,
) -> pd.DataFrame:
    """Each grade's range on the enterprise score, through a calibration's inverse map.

    With a monotone calibration (higher score → lower PD, e.g.
    :meth:`~firmscore.model.calibration.LogisticCalibrator.score_for_pd`) a PD band is a score
    band, so the grade can be read off the score a customer sees. The best grade is open upwards
    and the worst open downwards; both are clipped to the score scale.
    """
    inner = scale.edges[1:-1]
    cuts = np.clip(np.asarray(score_for_pd(inner), dtype=np.float64), score_min, score_max)
    if np.any(np.diff(cuts) > 0):
        raise ValueError("score_for_pd must be decreasing in PD (higher score = lower PD)")
    upper = np.concatenate([[score_max], cuts])
    lower = np.concatenate([cuts, [score_min]])
    return pd.DataFrame(
        {"grade": [g.name for g in scale.grades], "score_lower": lower, "score_upper": upper}
    )


@dataclass(frozen=True)
class ScoreBand:
    """A named band of the enterprise score (1000–2000, higher is better)."""

    key: str
    zh: str
    en: str
    lower: float
    upper: float


#: The enterprise-score bands of the architecture: poor < 1300 ≤ medium < 1400 ≤ good < 1500 ≤
#: excellent < 1600 ≤ outstanding.
SCORE_BANDS: tuple[ScoreBand, ...] = (
    ScoreBand("poor", "较差", "poor", 1000.0, 1300.0),
    ScoreBand("medium", "中等", "medium", 1300.0, 1400.0),
    ScoreBand("good", "良好", "good", 1400.0, 1500.0),
    ScoreBand("excellent", "优秀", "excellent", 1500.0, 1600.0),
    ScoreBand("outstanding", "极好", "outstanding", 1600.0, 2000.0),
)


def score_band(score: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """Band key for each enterprise score (scores are clipped to the 1000–2000 scale)."""
    s = np.clip(np.asarray(score, dtype=np.float64), 1000.0, 2000.0)
    cuts = np.array([b.lower for b in SCORE_BANDS[1:]])
    keys = np.array([b.key for b in SCORE_BANDS], dtype=str)
    return keys[np.searchsorted(cuts, s, side="right")]

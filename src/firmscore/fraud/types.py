"""What every typology detector returns: a strength per firm and, for the firms it flags, the evidence.

A detector never says "fraud". It says how strongly one typology's pattern is present (a number in
[0, 1]), which records and graph paths show it, and two plain sentences (中文 / English) an analyst can
check against those records. Thresholds, the queue and the analysts' verdicts live elsewhere
(:mod:`.thresholds`, :mod:`.queue`, :mod:`.verdicts`), so detectors stay pure functions of the
point-in-time inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd


class Typology(StrEnum):
    """The fraud typologies firmscore looks for (one detector module each)."""

    SHELL_CLUSTER = "shell_cluster"  # 空壳企业群
    ROUND_TRIP = "round_trip"  # 对开/循环开票
    PHOENIX = "phoenix"  # 金蝉脱壳/换壳重生
    BUST_OUT = "bust_out"  # 突击做大流水
    GUARANTEE_CIRCLE = "guarantee_circle"  # 互保圈
    IDENTITY_REUSE = "identity_reuse"  # 身份冒用/借名


#: Columns of a detector's evidence frame (one row per flagged firm).
EVIDENCE_COLUMNS: tuple[str, ...] = ("firm", "record_ids", "paths", "explanation_zh", "explanation_en")


@dataclass
class TypologyResult:
    """One detector's output on ``n`` firms.

    Attributes
    ----------
    typology : Typology
    strength : float64 array of length n
        In [0, 1]; 0 where the pattern is absent.
    evidence : pandas.DataFrame
        :data:`EVIDENCE_COLUMNS`: ``firm`` (index into the inputs' firm table) for every firm with a
        positive strength, the record ids and graph paths behind it (lists of str) and the two
        explanations.
    """

    typology: Typology
    strength: np.ndarray
    evidence: pd.DataFrame

    def __post_init__(self) -> None:
        s = self.strength
        if s.ndim != 1 or (s.size and (np.nanmin(s) < 0 or np.nanmax(s) > 1)):
            raise ValueError(f"{self.typology.value}: strength must be a 1-d array in [0, 1]")
        missing = set(EVIDENCE_COLUMNS) - set(self.evidence.columns)
        if missing:
            raise ValueError(f"{self.typology.value}: evidence lacks columns {sorted(missing)}")

    def flagged(self) -> np.ndarray:
        """Firm indexes with a positive strength."""
        return np.flatnonzero(self.strength > 0)


def empty_evidence() -> pd.DataFrame:
    """An evidence frame with no rows."""
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "firm" else "object") for c in EVIDENCE_COLUMNS})


def result(typology: Typology, strength: np.ndarray, evidence: pd.DataFrame) -> TypologyResult:
    """A :class:`TypologyResult` whose evidence keeps only firms with a positive strength, sorted by firm."""
    s = np.clip(np.nan_to_num(np.asarray(strength, dtype=np.float64)), 0.0, 1.0)
    if evidence.empty:
        return TypologyResult(typology, s, empty_evidence())
    ev = evidence[s[evidence["firm"].to_numpy()] > 0].sort_values("firm", kind="stable").reset_index(drop=True)
    return TypologyResult(typology, s, ev[list(EVIDENCE_COLUMNS)])

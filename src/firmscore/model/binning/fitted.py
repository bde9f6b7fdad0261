"""A fitted binning: the rule plus the training counts, and everything derived from them.

:class:`FittedBinning` is immutable and is the only place where WOE, IV and the binning table
are computed, so the table shown, the WOE used by ``transform`` and the values in the JSON
artifact can never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.model.binning.rules import BinRule
from firmscore.model.binning.woe import DEFAULT_ALPHA, woe_iv

FloatArray = npt.NDArray[np.float64]

TABLE_COLUMNS = ["bin", "count", "count_share", "non_event", "event", "event_rate", "woe", "iv"]


@dataclass(frozen=True)
class FittedBinning:
    """Bin rule with the good/bad counts seen in training (one entry per bin, in bin order)."""

    rule: BinRule
    non_event: tuple[float, ...]
    event: tuple[float, ...]
    alpha: float = DEFAULT_ALPHA
    trend: str = "none"
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        n = self.rule.n_bins
        if len(self.non_event) != n or len(self.event) != n:
            raise ValueError(
                f"feature {self.rule.feature!r}: {n} bins but {len(self.non_event)} non-event and "
                f"{len(self.event)} event counts"
            )

    @property
    def feature(self) -> str:
        return self.rule.feature

    def _woe_iv(self) -> tuple[FloatArray, FloatArray]:
        if "woe" not in self._cache:
            g = np.asarray(self.non_event, dtype=np.float64)
            b = np.asarray(self.event, dtype=np.float64)
            self._cache["woe"], self._cache["iv"] = woe_iv(g, b, g.sum(), b.sum(), self.alpha)
        return self._cache["woe"], self._cache["iv"]

    @property
    def woe(self) -> FloatArray:
        """WOE of every bin (``ln(%good/%bad)``, smoothed; 0 for empty bins)."""
        return self._woe_iv()[0].copy()

    @property
    def iv_per_bin(self) -> FloatArray:
        return self._woe_iv()[1].copy()

    @property
    def iv(self) -> float:
        """Total information value of the feature (regular, special and missing bins)."""
        return float(self._woe_iv()[1].sum())

    def transform(self, values: Any, metric: str = "woe") -> npt.NDArray[Any]:
        """Map raw values to ``woe``, bin ``indices`` or bin labels (``bins``)."""
        idx = self.rule.assign(values)
        if metric == "indices":
            return idx
        if metric == "woe":
            return self._woe_iv()[0][idx]
        if metric == "bins":
            return np.asarray(self.rule.labels(), dtype=object)[idx]
        raise ValueError(f"metric must be 'woe', 'indices' or 'bins', got {metric!r}")

    def table(self) -> pd.DataFrame:
        """Binning table: one row per bin (regular, special, missing) and a ``Totals`` row."""
        g = np.asarray(self.non_event, dtype=np.float64)
        b = np.asarray(self.event, dtype=np.float64)
        woe, iv = self._woe_iv()
        cnt = g + b
        total = max(cnt.sum(), 1e-300)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(cnt > 0, b / np.maximum(cnt, 1e-300), np.nan)
        df = pd.DataFrame(
            {
                "bin": self.rule.labels(),
                "count": cnt,
                "count_share": cnt / total,
                "non_event": g,
                "event": b,
                "event_rate": rate,
                "woe": woe,
                "iv": iv,
            }
        )
        totals = pd.DataFrame(
            {
                "bin": ["Totals"],
                "count": [cnt.sum()],
                "count_share": [1.0 if cnt.sum() > 0 else 0.0],
                "non_event": [g.sum()],
                "event": [b.sum()],
                "event_rate": [b.sum() / total],
                "woe": [np.nan],
                "iv": [iv.sum()],
            }
        )
        return pd.concat([df, totals], ignore_index=True)[TABLE_COLUMNS]

    def plot(self, ax: Any = None) -> Any:
        """Bar chart of bin counts (goods and bads stacked) with the event rate on a second axis."""
        import matplotlib

        if ax is None:
            matplotlib.use("Agg", force=False)
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(8, 4))
        t = self.table().iloc[:-1]
        pos = np.arange(len(t))
        ax.bar(pos, t["non_event"], color="#4c72b0", label="non-event / 好")
        ax.bar(pos, t["event"], bottom=t["non_event"], color="#dd8452", label="event / 坏")
        ax.set_xticks(pos, t["bin"], rotation=45, ha="right", fontsize=7)
        ax.set_ylabel("count")
        ax2 = ax.twinx()
        ax2.plot(pos, t["event_rate"], "o-", color="black", label="event rate")
        ax2.set_ylabel("event rate")
        ax.set_title(f"{self.feature} (IV {self.iv:.3f}, trend {self.trend})")
        ax.legend(loc="upper left", fontsize=7)
        return ax

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.to_dict(),
            "non_event": [float(v) for v in self.non_event],
            "event": [float(v) for v in self.event],
            "alpha": float(self.alpha),
            "trend": self.trend,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FittedBinning:
        return cls(
            rule=BinRule.from_dict(d["rule"]),
            non_event=tuple(float(v) for v in d["non_event"]),
            event=tuple(float(v) for v in d["event"]),
            alpha=float(d.get("alpha", DEFAULT_ALPHA)),
            trend=str(d.get("trend", "none")),
        )

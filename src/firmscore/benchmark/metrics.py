"""AUC and KS with percentile-bootstrap 95 % confidence intervals, and paired differences.

One bootstrap draws rows with replacement (the same draws for every model of a dataset, so that a
difference between two models is paired: its CI says whether one beats the other on these rows).
Fixed seed; draws with a single class are redrawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.metrics import roc_auc_score, roc_curve

N_BOOT = 1000
SEED = 20260


def ks(y: npt.NDArray[np.int64], p: npt.NDArray[np.float64]) -> float:
    """Kolmogorov–Smirnov statistic: the largest gap between the bad and good score distributions."""
    fpr, tpr, _ = roc_curve(y, p)
    return float(np.max(tpr - fpr))


@dataclass(frozen=True, kw_only=True)
class Estimate:
    value: float
    low: float
    high: float

    def fmt(self) -> str:
        return f"{self.value:.4f} [{self.low:.4f}, {self.high:.4f}]"


def draws(y: npt.NDArray[np.int64], n_boot: int = N_BOOT, seed: int = SEED) -> list[npt.NDArray[np.intp]]:
    """Bootstrap row indexes, each holding both classes."""
    rng = np.random.default_rng(seed)
    out: list[npt.NDArray[np.intp]] = []
    while len(out) < n_boot:
        idx = rng.integers(0, len(y), len(y))
        if 0 < y[idx].sum() < len(idx):
            out.append(idx)
    return out


def estimate(y: npt.NDArray[np.int64], p: npt.NDArray[np.float64], boot: list[npt.NDArray[np.intp]],
             metric: str = "auc") -> Estimate:
    f = roc_auc_score if metric == "auc" else ks
    vals = np.array([f(y[i], p[i]) for i in boot])
    return Estimate(value=float(f(y, p)), low=float(np.percentile(vals, 2.5)), high=float(np.percentile(vals, 97.5)))


def paired_difference(y: npt.NDArray[np.int64], a: npt.NDArray[np.float64], b: npt.NDArray[np.float64],
                      boot: list[npt.NDArray[np.intp]]) -> Estimate:
    """AUC(a) − AUC(b) with its paired-bootstrap CI."""
    vals = np.array([roc_auc_score(y[i], a[i]) - roc_auc_score(y[i], b[i]) for i in boot])
    return Estimate(value=float(roc_auc_score(y, a) - roc_auc_score(y, b)), low=float(np.percentile(vals, 2.5)),
                    high=float(np.percentile(vals, 97.5)))

"""AUC and KS with percentile-bootstrap 95 % confidence intervals, and paired differences.

One bootstrap draws rows with replacement (the same draws for every model of a dataset, so that a
difference between two models is paired: its CI says whether one beats the other on these rows).
Fixed seed; draws with a single class are redrawn.

A draw is evaluated as row weights (how often each row was drawn) on the scores' distinct values,
sorted once per model: AUC is then the weighted Mann–Whitney statistic and KS the largest gap of the
weighted cumulative distributions, one ``bincount`` and one ``cumsum`` per draw. That is the same
number as scikit-learn's on the drawn rows (tested), but 1,000 draws of bdci2017's 152,301 rows take
seconds instead of minutes (``roc_auc_score`` sorts every draw again).
"""

from __future__ import annotations

from collections.abc import Iterator
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


def iter_draws(y: npt.NDArray[np.int64], n_boot: int = N_BOOT, seed: int = SEED) -> Iterator[npt.NDArray[np.intp]]:
    """Bootstrap row indexes, each holding both classes, one at a time."""
    rng = np.random.default_rng(seed)
    made = 0
    while made < n_boot:
        idx = rng.integers(0, len(y), len(y))
        if 0 < y[idx].sum() < len(idx):
            made += 1
            yield idx


def draws(y: npt.NDArray[np.int64], n_boot: int = N_BOOT, seed: int = SEED) -> Bootstrap:
    """The bootstrap of ``y``'s rows: ``n_boot`` draws with replacement, held as per-row counts.

    Counts fit in one byte (a row drawn 256 times out of n is beyond any practical n), so 1,000 draws
    of 152,301 rows take 152 MB instead of the 1.2 GB of their index arrays.
    """
    n = len(y)
    counts = np.empty((n_boot, n), dtype=np.uint8)
    for k, idx in enumerate(iter_draws(y, n_boot, seed)):
        c = np.bincount(idx, minlength=n)
        if c.max() > np.iinfo(np.uint8).max:
            raise OverflowError("a row was drawn more than 255 times; too few rows for this bootstrap")
        counts[k] = c
    return Bootstrap(counts=counts)


@dataclass(frozen=True)
class Bootstrap:
    """Draws as row counts, ``counts[k, i]`` = how often row ``i`` is in draw ``k``."""

    counts: npt.NDArray[np.uint8]

    def __len__(self) -> int:
        return int(self.counts.shape[0])

    def weights(self) -> Iterator[npt.NDArray[np.float64]]:
        for row in self.counts:
            yield row.astype(np.float64)


class WeightedCurve:
    """One model's scores on the evaluated rows, sorted once, evaluated under any row weights."""

    def __init__(self, y: npt.NDArray[np.int64], p: npt.NDArray[np.float64]) -> None:
        _, self.level = np.unique(np.asarray(p, dtype=np.float64), return_inverse=True)  # ascending scores
        self.n_levels = int(self.level.max()) + 1
        self.bad = np.asarray(y) == 1

    def _counts(self, w: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        pos = np.bincount(self.level, weights=w * self.bad, minlength=self.n_levels)
        neg = np.bincount(self.level, weights=w * ~self.bad, minlength=self.n_levels)
        return pos.astype(np.float64), neg.astype(np.float64)

    def auc(self, w: npt.NDArray[np.float64]) -> float:
        """P(score of a bad > score of a good) + ½ P(tie), rows weighted by ``w``."""
        pos, neg = self._counts(w)
        below = np.cumsum(neg) - neg
        return float(np.dot(pos, below + 0.5 * neg) / (pos.sum() * neg.sum()))

    def ks(self, w: npt.NDArray[np.float64]) -> float:
        """Largest ``TPR − FPR`` over the thresholds (as :func:`ks`: goods below bads, signed), weighted by ``w``."""
        pos, neg = self._counts(w)
        return float(max(0.0, np.max(np.cumsum(neg) / neg.sum() - np.cumsum(pos) / pos.sum())))


def estimate(y: npt.NDArray[np.int64], p: npt.NDArray[np.float64], boot: Bootstrap,
             metric: str = "auc") -> Estimate:
    f = roc_auc_score if metric == "auc" else ks
    curve = WeightedCurve(y, p)
    g = curve.auc if metric == "auc" else curve.ks
    vals = np.array([g(w) for w in boot.weights()])
    return Estimate(value=float(f(y, p)), low=float(np.percentile(vals, 2.5)), high=float(np.percentile(vals, 97.5)))


def paired_difference(y: npt.NDArray[np.int64], a: npt.NDArray[np.float64], b: npt.NDArray[np.float64],
                      boot: Bootstrap) -> Estimate:
    """AUC(a) − AUC(b) with its paired-bootstrap CI."""
    ca, cb = WeightedCurve(y, a), WeightedCurve(y, b)
    vals = np.array([ca.auc(w) - cb.auc(w) for w in boot.weights()])
    return Estimate(value=float(roc_auc_score(y, a) - roc_auc_score(y, b)), low=float(np.percentile(vals, 2.5)),
                    high=float(np.percentile(vals, 97.5)))

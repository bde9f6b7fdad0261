"""Row-exact refinement of cut points after the pre-bin optimisation.

Pre-bins limit where a cut can go (every 2 % of the data by default). The IV of a bin next to a
binding constraint — a tail bin at the minimum size, say — depends on exactly where its edge
falls, down to single rows. After the dynamic programme has chosen bins, each cut is moved, one
at a time and holding the others, to the position between two distinct values inside its two
neighbouring bins that maximises the total IV while keeping the minimum size/event counts and
the direction of every adjacent event-rate step (so the shape — monotone, peak or valley — is
kept). Two rounds of this coordinate ascent propose new cut values; they are added to the
pre-bin thresholds and the exact programme is solved again on exact counts, so the final answer
is optimal over a candidate set that contains both the coarse and the refined solution.

All positions of one cut are evaluated at once from cumulative sums over the sorted values (a
strided sample above the quantile cap, the full column below it).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from firmscore.model.binning.woe import woe_iv

FloatArray = npt.NDArray[np.float64]


def refine_splits(
    xs_sorted: FloatArray,
    ys_sorted: FloatArray,
    splits: FloatArray,
    total_good: float,
    total_bad: float,
    *,
    min_count: float,
    min_event: float,
    min_non_event: float,
    alpha: float,
    rounds: int = 2,
) -> FloatArray:
    """Refined split values (right-closed upper bounds) for the bins given by ``splits``.

    ``xs_sorted``/``ys_sorted`` are the clean values and targets sorted by value; counts and
    totals must be on the same scale (the caller scales the minimums for a sample).
    """
    n = xs_sorted.size
    if splits.size == 0 or n < 2:
        return splits
    cb = np.concatenate([[0.0], np.cumsum(ys_sorted)])
    cn = np.arange(n + 1, dtype=np.float64)
    # a cut may sit at position p (rows [0, p) left of it) only between two distinct values
    allowed = np.zeros(n + 1, dtype=bool)
    allowed[1:n] = xs_sorted[1:] > xs_sorted[:-1]
    pos = np.concatenate([[0], np.searchsorted(xs_sorted, splits, side="right"), [n]]).astype(np.int64)

    def bins_gb(p: npt.NDArray[np.int64]) -> tuple[FloatArray, FloatArray]:
        b = np.diff(cb[p])
        return np.diff(cn[p]) - b, b

    for _ in range(rounds):
        moved = False
        for k in range(1, pos.size - 1):
            g, b = bins_gb(pos)
            rate = b / np.maximum(g + b, 1e-300)
            signs = np.sign(np.diff(rate))
            lo, hi = int(pos[k - 1]), int(pos[k + 1])
            cand = np.arange(lo + 1, hi)
            cand = cand[allowed[cand]]
            if cand.size == 0:
                continue
            lb = cb[cand] - cb[lo]
            ln = cand - lo
            rb = cb[hi] - cb[cand]
            rn = hi - cand
            lg, rg = ln - lb, rn - rb
            ok = (ln >= min_count) & (rn >= min_count) & (lb >= min_event) & (rb >= min_event)
            ok &= (lg >= min_non_event) & (rg >= min_non_event)
            lr, rr = lb / np.maximum(ln, 1), rb / np.maximum(rn, 1)
            ok &= np.sign(rr - lr) == signs[k - 1]
            if k >= 2:
                ok &= np.sign(lr - rate[k - 2]) == signs[k - 2]
            if k + 1 < rate.size:
                ok &= np.sign(rate[k + 1] - rr) == signs[k]
            if not ok.any():
                continue
            _, ivl = woe_iv(lg, lb, total_good, total_bad, alpha)
            _, ivr = woe_iv(rg, rb, total_good, total_bad, alpha)
            gain = np.where(ok, ivl + ivr, -np.inf)
            best = int(cand[int(np.argmax(gain))])
            if best != pos[k]:
                pos[k] = best
                moved = True
        if not moved:
            break
    return np.asarray(xs_sorted[pos[1:-1] - 1], dtype=np.float64)

"""Exact optimal merging of pre-bins: dynamic programming over pre-bin boundaries.

Given ``n`` ordered pre-bins with good/bad counts, choose contiguous groups (bins) that maximise
the total information value subject to:

* every bin's size, event count and non-event count reach their minimums;
* at most ``max_bins`` bins;
* the bins' event rates follow a shape: ``ascending``, ``descending``, ``peak`` (rising then
  falling), ``valley`` (falling then rising) or ``none``. Monotonicity is strict.

IV is additive over bins, so the problem decomposes. For monotone shapes the state is the last
bin ``[i, j)`` (its event rate is what the next bin is compared with) and the number of bins
used so far: ``A[m, i, j]`` = best IV of a valid ascending sequence of ``m + 1`` bins covering
pre-bins ``[0, j)`` whose last bin is ``[i, j)``. For every start ``i`` the transition from all
predecessors ``k`` to all ends ``j`` is one vectorised ``(i × (n-i))`` numpy operation, so a
feature costs ``O(n · levels)`` array operations, ``O(n^3 · levels)`` arithmetic in total —
milliseconds for ``n ≤ 100``. A peak is an ascending prefix and a descending suffix sharing the
peak bin; the suffix is the ascending prefix DP run on the reversed pre-bins, so the four shapes
reuse one routine. Ties are broken towards the lowest index (``argmax``), so the result is
deterministic. The single bin covering everything is always allowed, so a solution always exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from firmscore.model.binning.woe import woe_iv

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
NEG = -np.inf

TRENDS = ("ascending", "descending", "peak", "valley", "none")


@dataclass(frozen=True)
class Partition:
    """Result of the optimisation: cut positions (pre-bin indices where bins end) and the shape."""

    cuts: tuple[int, ...]  # strictly increasing, last == n
    trend: str
    iv: float


@dataclass(frozen=True)
class _Problem:
    n: int
    iv: FloatArray  # (n+1, n+1), iv[i, j] of bin [i, j)
    rate: FloatArray  # event rate of bin [i, j)
    valid: npt.NDArray[np.bool_]
    levels: int  # bin-count levels tracked (1 when unlimited: the count is then not tracked)
    unlimited: bool
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)


def _problem(
    non_event: FloatArray,
    event: FloatArray,
    total_non_event: float,
    total_event: float,
    *,
    min_count: float,
    min_non_event: float,
    min_event: float,
    max_bins: int | None,
    alpha: float,
) -> _Problem:
    n = non_event.size
    cg = np.concatenate([[0.0], np.cumsum(non_event)])
    cb = np.concatenate([[0.0], np.cumsum(event)])
    g = cg[None, :] - cg[:, None]
    b = cb[None, :] - cb[:, None]
    upper = np.triu(np.ones((n + 1, n + 1), dtype=bool), k=1)
    g = np.where(upper, g, 0.0)
    b = np.where(upper, b, 0.0)
    _, iv = woe_iv(g, b, total_non_event, total_event, alpha)
    cnt = g + b
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(cnt > 0, b / np.maximum(cnt, 1e-300), 0.0)
    valid = upper & (cnt >= min_count) & (b >= min_event) & (g >= min_non_event)
    valid[0, n] = True  # one bin for everything: always feasible
    unlimited = max_bins is None or max_bins >= n
    levels = 1 if unlimited else max(int(max_bins or 1), 1)
    return _Problem(n=n, iv=iv, rate=rate, valid=valid, levels=levels, unlimited=unlimited)


def _prefix_dp(p: _Problem, increasing: bool) -> tuple[FloatArray, IntArray]:
    """``A[m, i, j]`` and back-pointers for monotone prefixes (see module docstring).

    Memoised per problem: the ascending prefix serves both the ascending optimum and the rising
    half of a peak, so ``auto`` solves four prefix programmes, not six.
    """
    key = ("prefix", increasing)
    if key in p.memo:
        return p.memo[key]
    out = _prefix_dp_solve(p, increasing)
    p.memo[key] = out
    return out


def _prefix_dp_solve(p: _Problem, increasing: bool) -> tuple[FloatArray, IntArray]:
    a, back = _prefix_dp_batch([p], [increasing])
    return a[0], back[0]


def _prefix_dp_batch(problems: list[_Problem], increasing: list[bool]) -> tuple[FloatArray, IntArray]:
    """Several prefix programmes of the same size solved in one loop (stacked on axis 0).

    A decreasing programme is the increasing one on negated event rates, so all directions and
    the reversed problem share the same vectorised step; ``auto`` pays the Python loop once
    instead of four times.
    """
    p0 = problems[0]
    n, levels = p0.n, p0.levels
    nb = len(problems)
    iv = np.stack([q.iv for q in problems])
    rate = np.stack([q.rate if inc else -q.rate for q, inc in zip(problems, increasing, strict=True)])
    valid = np.stack([q.valid for q in problems])
    a = np.full((nb, levels, n + 1, n + 1), NEG)
    back = np.full((nb, levels, n + 1, n + 1), -1, dtype=np.intp)
    a[:, 0, 0, 1:] = np.where(valid[:, 0, 1:], iv[:, 0, 1:], NEG)
    steps = ((0, 0),) if p0.unlimited else tuple((m - 1, m) for m in range(1, levels))
    for i in range(1, n):
        valid_j = valid[:, i, i + 1 :]  # (B, n-i)
        if not valid_j.any():
            continue
        order_ok = rate[:, :i, i][:, :, None] < rate[:, i, i + 1 :][:, None, :]  # (B, i, n-i)
        for src, dst in steps:
            prev = a[:, src, :i, i]  # (B, i)
            if not np.isfinite(prev).any():
                continue
            cand = np.where(order_ok, prev[:, :, None], NEG)
            k = np.argmax(cand, axis=1)  # (B, n-i), first maximum on ties
            best = np.take_along_axis(cand, k[:, None, :], axis=1)[:, 0, :]
            ok = valid_j & np.isfinite(best)
            a[:, dst, i, i + 1 :] = np.where(ok, iv[:, i, i + 1 :] + best, NEG)
            back[:, dst, i, i + 1 :] = np.where(ok, k, -1)
    return a, back


def _prefill_all_shapes(p: _Problem) -> None:
    """Solve the four prefix programmes ``auto`` needs (both directions, forward and reversed)."""
    if "reversed" not in p.memo:
        p.memo["reversed"] = _reverse(p)
    rev: _Problem = p.memo["reversed"]
    todo = [(q, inc) for q in (p, rev) for inc in (True, False) if ("prefix", inc) not in q.memo]
    if not todo:
        return
    a, back = _prefix_dp_batch([q for q, _ in todo], [inc for _, inc in todo])
    for t, (q, inc) in enumerate(todo):
        q.memo[("prefix", inc)] = (a[t], back[t])


def _walk(back: IntArray, m: int, i: int, j: int, unlimited: bool) -> list[int]:
    """Cut positions of the prefix ending with bin ``[i, j)`` at level ``m``."""
    cuts = [j]
    while i > 0:
        k = int(back[m, i, j])
        cuts.append(i)
        i, j = k, i
        m = m if unlimited else m - 1
    return sorted(cuts)


def _best_monotone(p: _Problem, increasing: bool) -> tuple[float, list[int]]:
    a, back = _prefix_dp(p, increasing)
    end = a[:, :, p.n]  # (levels, i)
    flat = int(np.argmax(end))
    m, i = divmod(flat, p.n + 1)
    val = float(end[m, i])
    if not np.isfinite(val):
        return float(p.iv[0, p.n]), [p.n]
    return val, _walk(back, m, i, p.n, p.unlimited)


def _best_unimodal(p: _Problem, peak: bool) -> tuple[float, list[int]]:
    """Peak (rise then fall) or valley (fall then rise) as prefix + reversed prefix."""
    n, levels = p.n, p.levels
    a, back_a = _prefix_dp(p, increasing=peak)
    if "reversed" not in p.memo:
        p.memo["reversed"] = _reverse(p)
    rev = p.memo["reversed"]
    r, back_r = _prefix_dp(rev, increasing=peak)
    # D[m, i, j] = R[m, n-j, n-i]: best suffix covering [i, n) starting with bin [i, j)
    d = r[:, ::-1, ::-1].transpose(0, 2, 1)
    if p.unlimited:
        total = a[0] + d[0] - p.iv
        total = np.where(np.isfinite(total), total, NEG)
        flat = int(np.argmax(total))
        m1 = m2 = 0
        i, j = divmod(flat, n + 1)
        val = float(total[i, j])
    else:
        dcum = np.maximum.accumulate(d, axis=0)
        dcum_arg = _running_argmax(d)
        val, m1, m2, i, j = NEG, 0, 0, 0, n
        for lm in range(levels):
            t = a[lm] + dcum[levels - 1 - lm] - p.iv
            t = np.where(np.isfinite(t), t, NEG)
            flat = int(np.argmax(t))
            if t.flat[flat] > val:
                val = float(t.flat[flat])
                m1 = lm
                i, j = divmod(flat, n + 1)
                m2 = int(dcum_arg[levels - 1 - lm, i, j])
    if not np.isfinite(val):
        return float(p.iv[0, n]), [n]
    left = _walk(back_a, m1, i, j, p.unlimited)
    right_rev = _walk(back_r, m2, n - j, n - i, p.unlimited)
    right = [*sorted(n - c for c in right_rev if c != n - j), n]
    right = [c for c in right if c > j]
    return val, sorted(set(left) | set(right))


def _running_argmax(d: FloatArray) -> IntArray:
    """Level index attaining ``max(d[:t+1])`` for every ``t`` (first on ties)."""
    out = np.zeros(d.shape, dtype=np.intp)
    best = d[0].copy()
    for t in range(1, d.shape[0]):
        better = d[t] > best
        out[t] = np.where(better, t, out[t - 1])
        best = np.maximum(best, d[t])
    return out


def _reverse(p: _Problem) -> _Problem:
    n = p.n
    flip = lambda m: m[::-1, ::-1].T  # noqa: E731  [i, j) ↔ [n-j, n-i)
    return _Problem(
        n=n, iv=flip(p.iv), rate=flip(p.rate), valid=flip(p.valid), levels=p.levels, unlimited=p.unlimited
    )


def _best_unconstrained(p: _Problem) -> tuple[float, list[int]]:
    n, levels = p.n, p.levels
    score = np.where(p.valid, p.iv, NEG)
    f = np.full((levels, n + 1), NEG)
    back = np.full((levels, n + 1), -1, dtype=np.intp)
    f[0, 1:] = score[0, 1:]
    for j in range(1, n + 1):
        for src, dst in ((0, 0),) if p.unlimited else tuple((m - 1, m) for m in range(1, levels)):
            cand = f[src, 1:j] + score[1:j, j]
            if cand.size == 0:
                continue
            k = int(np.argmax(cand))
            if np.isfinite(cand[k]) and cand[k] > f[dst, j]:
                f[dst, j] = cand[k]
                back[dst, j] = k + 1
    m = int(np.argmax(f[:, n]))
    val = float(f[m, n])
    cuts, j = [n], n
    while back[m, j] > 0:
        j = int(back[m, j])
        cuts.append(j)
        m = m if p.unlimited else m - 1
    return val, sorted(cuts)


def optimal_partition(
    non_event: npt.ArrayLike,
    event: npt.ArrayLike,
    total_non_event: float,
    total_event: float,
    *,
    trend: str = "auto",
    max_bins: int | None = None,
    min_count: float = 0.0,
    min_non_event: float = 0.0,
    min_event: float = 0.0,
    alpha: float = 0.5,
    auto_min_gain: float = 0.1,
    auto_min_stat: float = 30.0,
) -> Partition:
    """Best partition of ordered pre-bins under the constraints (see module docstring).

    ``trend="auto"`` solves ascending and descending and keeps the better; it then solves peak
    and valley and switches to the better of those only when its IV exceeds the monotone optimum
    by more than ``auto_min_gain`` (relative) **and** the gain is significant: ``ΔIV · G·B/N``
    (IV on the scale of a chi-square statistic of the bins' good/bad table, ``G``, ``B``, ``N``
    the goods, bads and rows) must reach ``auto_min_stat`` (default 30, well above the 0.1 %
    critical value 10.83 because the bins are fitted to the same data). A unimodal shape always
    fits at least as well as a monotone one, so without these gates noise would turn every
    feature into a peak or valley.
    """
    g = np.asarray(non_event, dtype=np.float64)
    b = np.asarray(event, dtype=np.float64)
    if g.size == 0:
        return Partition(cuts=(), trend="none", iv=0.0)
    p = _problem(
        g, b, total_non_event, total_event, min_count=min_count, min_non_event=min_non_event,
        min_event=min_event, max_bins=max_bins, alpha=alpha,
    )
    if trend == "auto":
        _prefill_all_shapes(p)
        asc = _best_monotone(p, True)
        desc = _best_monotone(p, False)
        best, name = (asc, "ascending") if asc[0] >= desc[0] else (desc, "descending")
        pk = _best_unimodal(p, True)
        va = _best_unimodal(p, False)
        uni, uname = (pk, "peak") if pk[0] >= va[0] else (va, "valley")
        n_eff = total_non_event * total_event / max(total_non_event + total_event, 1e-300)
        gain = uni[0] - best[0]
        if gain > best[0] * auto_min_gain + 1e-12 and gain * n_eff >= auto_min_stat and len(uni[1]) > 2:
            best, name = uni, uname
    elif trend in ("ascending", "descending"):
        best, name = _best_monotone(p, trend == "ascending"), trend
    elif trend in ("peak", "valley"):
        best, name = _best_unimodal(p, trend == "peak"), trend
    elif trend == "none":
        best, name = _best_unconstrained(p), "none"
    else:
        raise ValueError(f"monotonic_trend must be one of {(*TRENDS, 'auto')}, got {trend!r}")
    return Partition(cuts=tuple(best[1]), trend=name, iv=best[0])

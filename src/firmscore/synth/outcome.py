"""The 12-month default outcome: own default, fraud-ring collapse and contagion.

* own: Bernoulli(sigmoid(risk)) for firms in business at the as-of date;
* fraud: each fraud ring collapses within the horizon with probability :data:`RING_COLLAPSE`, and
  then every member defaults;
* contagion: two rounds along block edges. A borrower's default hits each guarantor with
  probability 0.45, a majority parent's default hits the subsidiary with 0.20 and a subsidiary's
  default hits the parent with 0.10 × share; the contagion default follows its source by 20-120 days.

The target day is where the default happens; the events generator then makes it observable
(90+ days past due, enforcement, exit or bankruptcy) and the observed day becomes the truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmscore.synth.config import SynthConfig
from firmscore.synth.network import Network
from firmscore.synth.population import Firms

RING_COLLAPSE = 0.6
P_GUARANTOR = 0.45
P_PARENT_TO_SUB = 0.20
P_SUB_TO_PARENT = 0.10
NONE, OWN, CONTAGION, FRAUD = 0, 1, 2, 3
CAUSES: tuple[str, ...] = ("", "own", "contagion", "fraud")


@dataclass
class Outcome:
    """Per firm: default cause (0 none), target day and contagion sources (edge list)."""

    cause: np.ndarray
    target_day: np.ndarray
    src_of: np.ndarray  # contagion edges: defaulted source (local)
    dst_of: np.ndarray  # ... and the firm it pulled down

    @property
    def default(self) -> np.ndarray:
        return np.asarray(self.cause != NONE)


def draw_outcome(cfg: SynthConfig, firms: Firms, net: Network) -> Outcome:
    """Draw who defaults within the horizon, why and when."""
    rng = cfg.block_rng(firms.block, 4)
    n = firms.n
    lo, hi = cfg.as_of_day + 10, cfg.horizon_end_day - 40
    active = firms.active
    cause = np.where(active & (rng.random(n) < firms.pd_own), OWN, NONE)
    target = np.where(cause != NONE, rng.integers(lo, hi, n), 0)
    for members in firms.ring_members:
        if rng.random() < RING_COLLAPSE:
            day = int(rng.integers(lo, hi - 30))
            cause[members] = FRAUD
            target[members] = day + rng.integers(0, 30, len(members))
    big = net.inv_share >= 0.5
    e_src = np.concatenate([net.g_dst, net.inv_src[big], net.inv_dst])
    e_dst = np.concatenate([net.g_src, net.inv_dst[big], net.inv_src])
    e_p = np.concatenate([np.full(len(net.g_dst), P_GUARANTOR), np.full(int(big.sum()), P_PARENT_TO_SUB),
                          P_SUB_TO_PARENT * net.inv_share])
    srcs: list[np.ndarray] = []
    dsts: list[np.ndarray] = []
    for _ in range(2):
        hit = (cause[e_src] != NONE) & (cause[e_dst] == NONE) & active[e_dst] & (rng.random(len(e_src)) < e_p)
        day = target[e_src] + rng.integers(20, 121, len(e_src))
        hit &= day < hi
        if not hit.any():
            break
        # a firm hit by several sources defaults at the earliest
        order = np.flatnonzero(hit)[np.argsort(day[hit], kind="stable")]
        first_dst, first_pos = np.unique(e_dst[order], return_index=True)
        cause[first_dst] = CONTAGION
        target[first_dst] = day[order[first_pos]]
        srcs.append(e_src[order])
        dsts.append(e_dst[order])
    src_of = np.concatenate(srcs) if srcs else np.zeros(0, dtype=np.int64)
    dst_of = np.concatenate(dsts) if dsts else np.zeros(0, dtype=np.int64)
    return Outcome(cause=cause, target_day=target, src_of=src_of, dst_of=dst_of)

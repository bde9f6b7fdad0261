"""Block-level firm attributes drawn from the block's own random stream.

Everything here stays inside the block: fraud rings (shell firms registered in a burst, sharing
an address, a phone and nominee people), dormant shells, paid-in capital, staff, platform
membership, credit access and exits that happened before the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmscore.synth.config import COMMUNITY_SIZE, SynthConfig
from firmscore.synth.core import FirmCore
from firmscore.synth.tables import BRANCH, INDIVIDUAL, JOINT_STOCK, LIMITED, PARTNERSHIP, SOLE

FRAUD_RING_SHARE = 0.015
NO_DAY = -(2**31)  # sentinel for "no date"


def sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


@dataclass
class Firms:
    """The firms of one block (arrays aligned with ``core.index``)."""

    core: FirmCore
    block: int
    ring: np.ndarray  # global fraud ring id or -1
    ring_members: list[np.ndarray]  # local indices per ring of this block
    established_day: np.ndarray
    capital_wan: np.ndarray
    paid_in_wan: np.ndarray
    employees: np.ndarray
    dormant: np.ndarray
    invoicing: np.ndarray
    member_since: np.ndarray  # platform membership day or NO_DAY
    exit_day: np.ndarray  # pre-as-of exit day or NO_DAY
    status: np.ndarray  # index into STATUSES
    has_loan: np.ndarray
    pd_own: np.ndarray

    @property
    def n(self) -> int:
        return len(self.core.index)

    @property
    def active(self) -> np.ndarray:
        """In business at the as-of date (the scoring population)."""
        return np.asarray(self.exit_day == NO_DAY)

    def end_day(self, cfg: SynthConfig) -> np.ndarray:
        """Last day the firm can generate activity before the as-of date."""
        return np.where(self.exit_day == NO_DAY, cfg.as_of_day, self.exit_day)


STATUSES: tuple[str, ...] = ("in_business", "revoked", "cancelled", "moved_out")


def _fraud_rings(cfg: SynthConfig, block: int, core: FirmCore, rng: np.random.Generator) -> list[np.ndarray]:
    """Choose ring members: 3-8 limited companies of one community per ring."""
    n = len(core.index)
    n_rings = int(rng.binomial(max(n, 1), FRAUD_RING_SHARE / 5.5))
    rings: list[np.ndarray] = []
    taken = np.zeros(n, dtype=bool)
    n_comm = max(1, (n + COMMUNITY_SIZE - 1) // COMMUNITY_SIZE)
    for _ in range(n_rings):
        c = int(rng.integers(0, n_comm))
        lo, hi = c * COMMUNITY_SIZE, min(n, (c + 1) * COMMUNITY_SIZE)
        cand = np.flatnonzero((core.etype[lo:hi] == LIMITED) & ~taken[lo:hi]) + lo
        k = int(rng.integers(3, 9))
        if len(cand) < k:
            continue
        members = np.sort(rng.choice(cand, size=k, replace=False))
        taken[members] = True
        rings.append(members)
    return rings


def build_firms(cfg: SynthConfig, block: int, core: FirmCore) -> Firms:
    """Draw the block-level attributes of the firms ``core``."""
    rng = cfg.block_rng(block, 1)
    n = len(core.index)
    z = core.z
    rings = _fraud_rings(cfg, block, core, rng)
    ring = np.full(n, -1, dtype=np.int64)
    established = core.established_day.copy()
    capital = core.capital_wan.copy()
    for r, members in enumerate(rings):
        ring[members] = block * 1000 + r
        burst = cfg.as_of_day - int(rng.integers(120, 700))
        established[members] = burst + rng.integers(0, 21, len(members))
        capital[members] = rng.choice([100.0, 200.0, 500.0, 1000.0], len(members))
    in_ring = ring >= 0
    age = (cfg.as_of_day - established) / 365.25

    dormant = (rng.random(n) < np.where(age < 2, 0.30, 0.08)) & ~in_ring
    p_invoice = np.select(
        [np.isin(core.etype, [LIMITED, JOINT_STOCK, PARTNERSHIP]), core.etype == SOLE, core.etype == INDIVIDUAL,
         core.etype == BRANCH],
        [0.85, 0.6, 0.3, 0.5],
        default=0.4,
    )
    invoicing = ((rng.random(n) < p_invoice) & ~dormant) | in_ring

    u = rng.random(n)
    ratio = np.where(u < 0.45, 0.0, np.where(u < 0.70, 1.0, rng.beta(2, 2, n)))
    ratio = np.where(z > 0.8, np.maximum(ratio, rng.random(n)), ratio)
    ratio = np.where(in_ring, 0.0, ratio)
    paid_in = np.round(capital * ratio, 1)

    base_staff = np.log(1.5 + np.maximum(capital, 0) ** 0.35) + 0.35 * z + rng.normal(0, 0.6, n)
    employees = np.floor(np.exp(base_staff) - 1).astype(np.int64)
    employees = np.where(core.etype == INDIVIDUAL, np.minimum(employees, rng.integers(0, 4, n)), employees)
    employees = np.where(dormant | in_ring, np.minimum(employees, rng.integers(0, 2, n)), employees)
    employees = np.clip(employees, 0, 5000)

    p_member = sigmoid(-2.6 + 0.6 * z + 0.3 * np.log10(np.maximum(capital, 1)))
    member = (rng.random(n) < p_member) & ~dormant & ~in_ring
    member_since = np.where(member, established + (rng.random(n) * (cfg.as_of_day - established)).astype(np.int64),
                            NO_DAY)

    pd_own = sigmoid(core.risk)
    p_exit = np.clip(1.3 * pd_own, 0, 0.5) * np.minimum(1.0, age / 1.5) + np.where(dormant, 0.03, 0.0)
    exit_lo = np.maximum(established + 120, cfg.history_start_day)
    exit_hi = cfg.as_of_day - 15
    exits = (rng.random(n) < p_exit) & ~in_ring & (exit_lo < exit_hi)
    exit_day = np.where(exits, exit_lo + (rng.random(n) * (exit_hi - exit_lo)).astype(np.int64), NO_DAY)
    status = np.where(exits, np.where(rng.random(n) < 0.4, 1, 2), 0)
    status = np.where(~exits & (rng.random(n) < 0.005), 3, status)

    p_loan = sigmoid(-1.6 + 0.45 * np.log10(np.maximum(capital, 1)) + 0.3 * z) * np.where(core.etype == INDIVIDUAL,
                                                                                         0.6, 1.0)
    has_loan = (rng.random(n) < p_loan) & ~dormant & ~in_ring & (age > 0.5)
    return Firms(
        core=core, block=block, ring=ring, ring_members=rings, established_day=established, capital_wan=capital,
        paid_in_wan=paid_in, employees=employees, dormant=dormant, invoicing=invoicing, member_since=member_since,
        exit_day=exit_day, status=status, has_loan=has_loan, pd_own=pd_own,
    )

"""Everything the event generators of one block share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmscore.synth.config import SynthConfig
from firmscore.synth.network import Network
from firmscore.synth.outcome import OWN, Outcome
from firmscore.synth.people import Roles
from firmscore.synth.population import Firms
from firmscore.synth.tables import INDIVIDUAL, INDUSTRIES

#: how much more distress a firm that will default on its own shows before the as-of date
IMMINENT_LOADING = 1.3


@dataclass
class BlockContext:
    """A block's firms, persons, ties and outcome plus derived quantities used by every generator."""

    cfg: SynthConfig
    firms: Firms
    roles: Roles
    net: Network
    outcome: Outcome

    def __post_init__(self) -> None:
        core = self.firms.core
        rng = self.cfg.block_rng(self.firms.block, 5)
        n = self.firms.n
        self.gidx = core.index
        raw = core.risk + IMMINENT_LOADING * (self.outcome.cause == OWN)
        #: standardised pre-as-of distress (higher = worse): drives every negative signal
        self.stress = (raw + 3.9) / 1.3
        self.start = np.maximum(self.firms.established_day, self.cfg.history_start_day)
        self.end = self.firms.end_day(self.cfg)
        log_t = (np.log(6e6) + INDUSTRIES.invoice_scale[core.industry]
                 + 0.35 * np.log10(np.maximum(self.firms.capital_wan, 1) / 100) + 0.5 * core.z
                 + rng.normal(0, 1.0, n) - np.where(core.etype == INDIVIDUAL, 1.0, 0.0))
        #: annual turnover (CNY) of a trading firm
        self.turnover = np.where(self.firms.dormant, 0.0, np.exp(log_t))
        #: annual growth of activity: healthy firms grow, firms about to fail shrink
        self.growth = 0.08 + 0.15 * core.z - 0.6 * (self.outcome.cause == OWN) + rng.normal(0, 0.25, n)

    @property
    def n(self) -> int:
        return self.firms.n

    def rng(self, stream: int) -> np.random.Generator:
        return self.cfg.block_rng(self.firms.block, stream)


def poisson_days(
    rng: np.random.Generator, rate_per_year: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson event days per firm in [start, end): (local firm index, day)."""
    span = np.maximum(end - start, 0)
    counts = rng.poisson(np.maximum(rate_per_year, 0) * span / 365.25)
    firm = np.repeat(np.arange(len(start)), counts)
    day = start[firm] + (rng.random(len(firm)) * span[firm]).astype(np.int64)
    return firm, day


def lags(rng: np.random.Generator, m: int, lo: int, hi: int) -> np.ndarray:
    """Reporting lags in days, uniform in [lo, hi]."""
    return rng.integers(lo, hi + 1, m)

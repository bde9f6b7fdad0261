"""Parameters of one synthetic universe and the calendar helpers every generator shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

#: firms generated together from one random stream; every relation except trade stays inside a block,
#: so a block is self-contained and the output does not depend on how blocks are grouped into files
BLOCK_SIZE = 4096
#: consecutive firms forming a local business community (same home city, shared shocks, partners)
COMMUNITY_SIZE = 128
#: person index space reserved per block (legal representatives, officers, shareholders)
PERSONS_PER_BLOCK = 2 * BLOCK_SIZE
#: months of invoice history before the as-of date
INVOICE_MONTHS = 12
#: years of event history before the as-of date (annual reports, loans, court records, ...)
HISTORY_YEARS = 3
GENERATOR_VERSION = "synth-1.0"

_EPOCH = date(1970, 1, 1)


def to_day(d: date) -> int:
    """Days since 1970-01-01 (the ``date32`` encoding)."""
    return (d - _EPOCH).days


def month_start(day: np.ndarray | int, offset: np.ndarray | int = 0) -> np.ndarray:
    """First day (as day number) of the month containing ``day`` shifted by ``offset`` months."""
    m = np.asarray(day, dtype="datetime64[D]").astype("datetime64[M]") + np.asarray(offset, dtype=np.int64)
    return np.asarray(m.astype("datetime64[D]").astype(np.int64))


def add_months(day: np.ndarray | int, months: np.ndarray | int) -> np.ndarray:
    """``day`` moved by whole months, keeping the day of month (clipped to 28)."""
    d = np.asarray(day, dtype=np.int64)
    start = month_start(d)
    dom = np.minimum(d - start, 27)
    return month_start(d, months) + dom


def year_of(day: np.ndarray | int) -> np.ndarray:
    """Calendar year of a day number."""
    return np.asarray(np.asarray(day, dtype="datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)


def year_start(year: np.ndarray | int) -> np.ndarray:
    """Day number of 1 January of ``year``."""
    y = np.asarray(year, dtype=np.int64) - 1970
    return np.asarray(y.astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64))


@dataclass(frozen=True)
class SynthConfig:
    """One universe: its size, seed and calendar.

    Parameters
    ----------
    n_enterprises : int
        Number of firms (indices ``0 .. n-1``).
    seed : int
        Seed of every random stream; the same seed gives the same universe, byte for byte.
    as_of : date
        Observation date: history is generated before it, the default outcome after it.
    horizon_months : int
        Length of the outcome window after ``as_of``.
    """

    n_enterprises: int
    seed: int
    as_of: date = date(2025, 6, 30)
    horizon_months: int = 12

    @property
    def as_of_day(self) -> int:
        return to_day(self.as_of)

    @property
    def horizon_end_day(self) -> int:
        return int(add_months(self.as_of_day, self.horizon_months))

    @property
    def history_start_day(self) -> int:
        return int(add_months(self.as_of_day, -12 * HISTORY_YEARS))

    @property
    def n_blocks(self) -> int:
        return (self.n_enterprises + BLOCK_SIZE - 1) // BLOCK_SIZE

    def block_rng(self, block: int, stream: int) -> np.random.Generator:
        """The random stream ``stream`` of block ``block`` (independent of file chunking)."""
        return np.random.default_rng([self.seed & 0xFFFFFFFF, self.seed >> 32, block, stream])

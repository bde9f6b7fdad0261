"""The credit-decision problem and its plan, as keyword-only declarations.

Economics of one offer (1-year term, amount ``a`` at rate ``r`` to a firm of default probability
``PD``, loss given default ``LGD``, and retention ``q(r) = 1 − churn(r)`` of its churn class): a
customer lost at that rate takes no loan, so it neither pays interest nor defaults; a retained one
pays the interest unless it defaults, and a default loses ``LGD · a``::

    expected interest = q(r) · (1 − PD) · r · a
    expected loss     = q(r) · PD · LGD · a
    expected profit   = q(r) · ((1 − PD) · r − PD · LGD) · a

The budget and the concentration limits bind the *offered* amounts: the lender must be able to pay
out every offer that is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.decide.churn import ChurnTable
from firmscore.decide.messages import StrategyError

#: Columns of the firm table the optimiser reads (the index is the enterprise id).
REQUIRED_COLUMNS: tuple[str, ...] = ("pd", "grade")


@dataclass(frozen=True, kw_only=True)
class AmountGrid:
    """Loan amounts ``minimum, minimum + step, …`` up to ``maximum`` (or no loan)."""

    minimum: float
    maximum: float
    step: float

    def __post_init__(self) -> None:
        if not (self.minimum > 0 and self.maximum >= self.minimum):
            raise StrategyError("decide.bad_amounts", detail=f"need 0 < min ≤ max, got {self.minimum}:{self.maximum}")
        if self.maximum > self.minimum and not self.step > 0:
            raise StrategyError("decide.bad_amounts", detail=f"the step must be positive, got {self.step}")

    @property
    def n_steps(self) -> int:
        """How many steps above the minimum the grid has (0 when min = max)."""
        if self.maximum == self.minimum:
            return 0
        return int(np.floor((self.maximum - self.minimum) / self.step + 1e-9))

    def values(self) -> npt.NDArray[np.float64]:
        return self.minimum + self.step * np.arange(self.n_steps + 1, dtype=np.float64)


@dataclass(frozen=True, kw_only=True)
class GroupLimit:
    """At most ``max_share`` of the budget to any one value of ``column`` (industry, region, circle)."""

    column: str
    max_share: float

    def __post_init__(self) -> None:
        if not 0 <= self.max_share <= 1:
            raise StrategyError("decide.bad_limit", detail=f"{self.column}: share {self.max_share} not in [0, 1]")


@dataclass(frozen=True, kw_only=True)
class CreditProblem:
    """Which firms get a loan, how much and at what rate, to maximise expected profit under the budget."""

    firms: pd.DataFrame
    budget: float
    amounts: AmountGrid
    rates: npt.NDArray[np.float64]
    churn: ChurnTable
    lgd: float | Mapping[str, float] = 0.6
    exclude_grades: frozenset[str] = frozenset({"D"})
    limits: tuple[GroupLimit, ...] = ()
    churn_column: str = "grade"

    def __post_init__(self) -> None:
        if len(self.firms) == 0:
            raise StrategyError("decide.no_firms")
        for col in (*REQUIRED_COLUMNS, self.churn_column, *(lim.column for lim in self.limits)):
            if col not in self.firms.columns:
                raise StrategyError("decide.missing_column", column=col)
        if not (np.isfinite(self.budget) and self.budget > 0):
            raise StrategyError("decide.bad_budget", value=self.budget)
        pd_values = pd.to_numeric(self.firms["pd"], errors="coerce").to_numpy(dtype=np.float64)
        bad = ~((pd_values >= 0) & (pd_values <= 1))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise StrategyError("decide.bad_pd", firm=str(self.firms.index[i]), value=self.firms["pd"].iloc[i])
        r = np.asarray(self.rates, dtype=np.float64)
        if len(r) == 0 or np.any(r < 0) or np.any(np.diff(r) <= 0):
            raise StrategyError("decide.bad_rates", detail="need at least one rate, increasing, none negative")
        lgds = self.lgd.values() if isinstance(self.lgd, Mapping) else [self.lgd]
        for v in lgds:
            if not 0 <= v <= 1:
                raise StrategyError("decide.bad_lgd", value=v, where="--lgd")

    def lgd_of(self, grades: pd.Series) -> npt.NDArray[np.float64]:
        """LGD per firm (one value, or by grade; a grade without one is an error unless excluded)."""
        if not isinstance(self.lgd, Mapping):
            return np.full(len(grades), float(self.lgd))
        out = np.empty(len(grades))
        for i, g in enumerate(grades.astype(str)):
            if g in self.lgd:
                out[i] = self.lgd[g]
            elif g in self.exclude_grades:
                out[i] = 1.0
            else:
                raise StrategyError("decide.lgd_missing_grade", grade=g, path="--lgd-by-grade")
        return out


@dataclass(frozen=True, kw_only=True)
class SolveReport:
    """How the plan was found: the MIP objective, the LP relaxation bound and the gap between them."""

    status: str
    objective: float
    lp_bound: float
    mip_dual_bound: float
    gap: float
    n_candidates: int
    n_variables: int
    n_constraints: int
    n_free: int
    seconds: float


@dataclass(frozen=True, kw_only=True)
class CreditPlan:
    """One decision per firm (``decisions``, indexed by enterprise id) and how it was solved."""

    decisions: pd.DataFrame
    budget: float
    report: SolveReport
    notes: tuple[tuple[str, dict[str, object]], ...] = field(default=())

    @property
    def approved(self) -> pd.DataFrame:
        return self.decisions[self.decisions["approved"]]

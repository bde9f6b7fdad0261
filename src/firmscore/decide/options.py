"""Each firm's best rate, and why one rate per firm is exact.

The margin per unit lent at rate ``r`` is ``m(r) = q(r) · ((1 − PD) · r − PD · LGD)``: it does not
depend on the amount, and neither the budget nor any concentration limit depends on the rate (they
bind offered amounts). So for every amount the best rate is the same ``r* = argmax m(r)``, and every
other (amount, rate) option of the firm is dominated by (amount, r*). Pricing each firm once, before
the programme, removes the rate dimension without losing optimality (checked against enumeration of
every (amount, rate) option in ``tests/decide``). Ties go to the lowest rate (kinder to the customer).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.decide.churn import churn_class_of
from firmscore.decide.problem import CreditProblem


@dataclass(frozen=True, kw_only=True)
class Pricing:
    """Per firm: the best rate, its retention, the margin per unit lent and whether it may be offered."""

    rate: npt.NDArray[np.float64]
    retention: npt.NDArray[np.float64]
    margin: npt.NDArray[np.float64]
    lgd: npt.NDArray[np.float64]
    churn_class: npt.NDArray[np.object_]
    excluded: npt.NDArray[np.bool_]


def margins(problem: CreditProblem, pd_values: npt.NDArray[np.float64] | None = None) -> Pricing:
    """Price every firm on the rate grid (vectorised per churn class)."""
    firms = problem.firms
    pds = firms["pd"].to_numpy(dtype=np.float64) if pd_values is None else pd_values
    grades = firms["grade"].astype(str)
    excluded = grades.isin(problem.exclude_grades).to_numpy()
    lgd = problem.lgd_of(grades)
    rates = np.asarray(problem.rates, dtype=np.float64)
    n = len(firms)
    best_rate = np.zeros(n)
    best_ret = np.zeros(n)
    best_margin = np.full(n, -np.inf)
    churn_keys = firms[problem.churn_column].astype(str)
    classes = np.empty(n, dtype=object)
    for key, idx in pd.Series(np.arange(n)).groupby(churn_keys.to_numpy()).indices.items():
        sel = np.asarray(idx)
        keep = sel[~excluded[sel]]
        classes[sel] = None
        if len(keep) == 0:
            continue
        cls = churn_class_of(str(key), problem.churn.classes)
        classes[keep] = cls
        q = problem.churn.retention(cls, rates)  # (R,)
        p = pds[keep][:, None]
        m = q[None, :] * ((1.0 - p) * rates[None, :] - p * lgd[keep][:, None])  # (n_k, R)
        j = np.argmax(m, axis=1)
        best_rate[keep] = rates[j]
        best_ret[keep] = q[j]
        best_margin[keep] = m[np.arange(len(keep)), j]
    return Pricing(rate=best_rate, retention=best_ret, margin=best_margin, lgd=lgd, churn_class=classes,
                   excluded=excluded)

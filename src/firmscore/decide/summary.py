"""The portfolio a plan makes: counts, money and return, in total and by grade and by industry."""

from __future__ import annotations

import pandas as pd

from firmscore.decide.problem import CreditPlan
from firmscore.model.grades import DEFAULT_GRADE, DEFAULT_NAMES

#: Grades best first: the master scale's, then the bank grades A–D of a dataset, then anything else.
GRADE_ORDER: tuple[str, ...] = (*DEFAULT_NAMES, DEFAULT_GRADE)

MONEY = ("amount", "expected_interest", "expected_loss", "expected_profit")


def portfolio_summary(plan: CreditPlan) -> dict[str, float]:
    """Totals: firms, approved, total lent, expected interest, loss, profit and return on the budget."""
    d = plan.decisions
    a = d[d["approved"]]
    lent = float(a["amount"].sum())
    return {
        "firms": float(len(d)),
        "approved": float(len(a)),
        "total_lent": lent,
        "budget_used": lent / plan.budget if plan.budget else 0.0,
        "expected_interest": float(a["expected_interest"].sum()),
        "expected_loss": float(a["expected_loss"].sum()),
        "expected_profit": float(a["expected_profit"].sum()),
        "return_on_budget": float(a["expected_profit"].sum()) / plan.budget if plan.budget else 0.0,
        "mean_rate": float((a["rate"] * a["amount"]).sum() / lent) if lent else 0.0,
    }


def summary_by(plan: CreditPlan, column: str) -> pd.DataFrame:
    """Per value of ``column`` (grade, industry, …): firms, approved, money, mean rate (amount-weighted)."""
    d = plan.decisions
    if column not in d.columns:
        return pd.DataFrame()
    keys = d[column].astype(str).fillna("-")
    g = d.assign(_lent_rate=d["rate"].fillna(0) * d["amount"]).groupby(keys, sort=True)
    out = pd.DataFrame({
        "firms": g.size(),
        "approved": g["approved"].sum().astype(int),
        **{m: g[m].sum() for m in MONEY},
        "_lent_rate": g["_lent_rate"].sum(),
    })
    out["mean_rate"] = (out["_lent_rate"] / out["amount"]).where(out["amount"] > 0)
    out.index.name = column
    out = out.drop(columns="_lent_rate")
    if column == "grade":
        rank = {g: i for i, g in enumerate(GRADE_ORDER)}
        out = out.iloc[sorted(range(len(out)), key=lambda i: (rank.get(str(out.index[i]), len(rank)),
                                                              str(out.index[i])))]
    return out

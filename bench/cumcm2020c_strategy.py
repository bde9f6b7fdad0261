"""cumcm2020c questions 1–3: credit plans for the 123 rated and the 302 unrated firms, and a pandemic shock.

Needs a data home with the dataset ingested and its features of 2020-02-29 (see docs/strategy.md)::

    firmscore ingest --home H --source cumcm2020c ../shared/datasets/cumcm2020c
    firmscore graph --home H --as-of 2020-02-29 && firmscore features --home H --as-of 2020-02-29
    .venv/bin/python bench/cumcm2020c_strategy.py --home H [--budget-q1 50000000]

PDs come from firmscore's scorecard on the invoice features only (no bank grade, no default event):
question 1 uses cross-fitted PDs (5 folds, seed 0: each firm's PD from a model that did not see it),
questions 2 and 3 the scorecard fitted on all 123. Churn classes: the bank grade for the 123; for the
302, PD ranks cut at the 123's grade shares (the best PDs get A, …, the worst D). Grade D is
excluded (the bank's stated rule). Amounts 100k–1M in steps of 100k, the churn table's 29 rates, LGD 0.6.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table
from sklearn.model_selection import StratifiedKFold

from firmscore.benchmark.cumcm import load_cumcm
from firmscore.config import shared_datasets_dir
from firmscore.decide import (
    AmountGrid,
    CreditPlan,
    CreditProblem,
    changed_decisions,
    portfolio_summary,
    read_churn_table,
    read_stress,
    solve_plan,
    summary_by,
)
from firmscore.model.scorecard import Scorecard
from firmscore.store.home import DataHome

SCENARIO = Path(__file__).resolve().parents[1] / "src" / "firmscore" / "decide" / "scenarios" / \
    "cumcm2020c-pandemic.yaml"


def grades_by_share(pds: pd.Series, reference: pd.Series) -> pd.Series:
    """Grades for unrated firms: PD ranks cut at the reference's grade shares (best PD → best grade)."""
    shares = reference.value_counts(normalize=True).sort_index()
    cuts = np.cumsum(shares.to_numpy())
    rank = pds.rank(method="first", pct=True).to_numpy()
    idx = np.minimum(np.searchsorted(cuts, rank - 1e-12), len(cuts) - 1)
    return pd.Series(shares.index.to_numpy()[idx], index=pds.index)


def show(console: Console, title: str, plan: CreditPlan, stressed: CreditPlan | None = None) -> None:
    t = Table(title=title)
    t.add_column("")
    t.add_column("base", justify="right")
    if stressed is not None:
        t.add_column("pandemic", justify="right")
    sums = [portfolio_summary(p) for p in ([plan] if stressed is None else [plan, stressed])]
    for k in sums[0]:
        t.add_row(k, *(f"{s[k]:.2%}" if k in ("budget_used", "return_on_budget", "mean_rate") else f"{s[k]:,.0f}"
                       for s in sums))
    console.print(t)
    for p in [plan] if stressed is None else [plan, stressed]:
        r = p.report
        console.print(f"LP bound {r.lp_bound:,.2f}, plan {r.objective:,.2f}, gap {r.gap:.2e}, {r.seconds:.2f} s")
        console.print(summary_by(p, "grade").round(4).to_string())
        console.print(summary_by(p, "industry").round(4).to_string())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--datasets", type=Path, default=None)
    ap.add_argument("--budget-q1", type=float, default=50_000_000.0)
    ap.add_argument("--budget", type=float, default=100_000_000.0)
    ap.add_argument("--lgd", type=float, default=0.6)
    ap.add_argument("--out", type=Path, default=None, help="Write the three decision tables here (CSV).")
    args = ap.parse_args()
    folder = (args.datasets or shared_datasets_dir()) / "cumcm2020c"
    table = load_cumcm(DataHome(args.home), folder)
    churn = read_churn_table(folder / "attachment3_rate_vs_churn.xlsx")
    grid = AmountGrid(minimum=100_000.0, maximum=1_000_000.0, step=100_000.0)
    console = Console(width=160)

    X, y = table.X.loc[table.rated], table.y()
    oof = np.zeros(len(y))
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(X, y):
        oof[test] = Scorecard().fit(X.iloc[train], y[train]).predict_proba(X.iloc[test])[:, 1]
    rated = table.firms.loc[table.rated, ["name", "industry", "bank_grade"]].assign(pd=oof)
    rated["grade"] = rated["bank_grade"]
    q1 = solve_plan(CreditProblem(firms=rated, budget=args.budget_q1, amounts=grid, rates=churn.rates, churn=churn,
                                  lgd=args.lgd, exclude_grades=frozenset({"D"})))
    show(console, f"question 1: 123 rated firms, budget {args.budget_q1:,.0f}", q1)

    model = Scorecard().fit(X, y)
    unrated = table.firms.loc[table.unrated, ["name", "industry"]].copy()
    unrated["pd"] = model.predict_proba(table.X.loc[table.unrated])[:, 1]
    unrated["grade"] = grades_by_share(unrated["pd"], rated["bank_grade"])
    problem = CreditProblem(firms=unrated, budget=args.budget, amounts=grid, rates=churn.rates, churn=churn,
                            lgd=args.lgd, exclude_grades=frozenset({"D"}))
    q2 = solve_plan(problem)
    scenario = read_stress(SCENARIO)
    q3 = solve_plan(problem, pd_values=scenario.apply(unrated))
    show(console, f"questions 2 and 3: 302 unrated firms, budget {args.budget:,.0f}", q2, q3)
    changed = changed_decisions(q2, q3)
    console.print(f"pandemic: {len(changed)} firms change decision; lent by industry (base → pandemic):")
    moved = pd.DataFrame({"base": summary_by(q2, "industry")["amount"],
                          "pandemic": summary_by(q3, "industry")["amount"]})
    console.print(moved.assign(change=moved["pandemic"] - moved["base"]).to_string())
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, plan in (("q1", q1), ("q2", q2), ("q3", q3)):
            plan.decisions.to_csv(args.out / f"cumcm2020c_{name}.csv", encoding="utf-8-sig")


if __name__ == "__main__":
    main()

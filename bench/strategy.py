"""Solve time of the credit-plan optimiser (target: 100,000 firms in ≤ 60 s on 2 cores).

Synthetic firms (PD ~ Beta(1, 15), grade A/B/C/D by PD, 8 industries, 30 regions), the cumcm2020c
churn table (attachment 3), amounts 100k–1M in steps of 100k, the table's 29 rates, LGD 0.6, grade D
excluded, at most 20 % of the budget per industry and 10 % per region, budget = 300k per firm (so
about a third of the firms can be served and the budget binds). For each size: the time of
``solve_plan`` (pricing, LP with a greedy warm start, reduced-cost fixing, the exact sub-MIP), the
firms left free for the MIP, the LP bound, the plan and the gap; and, up to ``--full-mip-max``
firms, HiGHS's MIP on the whole choose-one model (presolve on, no fixing) for comparison.

Usage::

    .venv/bin/python bench/strategy.py [--sizes 1000 10000 100000] [--full-mip-max 10000] [--datasets DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from firmscore.config import shared_datasets_dir
from firmscore.decide import AmountGrid, CreditProblem, GroupLimit, read_churn_table, solve_plan
from firmscore.decide.options import margins
from firmscore.decide.solve import _rows, _solve_mip

TARGET_S = 60.0


def synthetic_problem(n: int, churn_path: str, seed: int = 0) -> CreditProblem:
    rng = np.random.default_rng(seed)
    pds = rng.beta(1, 15, n)
    grade = np.where(pds < 0.03, "A", np.where(pds < 0.08, "B", np.where(pds < 0.2, "C", "D")))
    firms = pd.DataFrame({"pd": pds, "grade": grade, "industry": rng.choice([f"I{i}" for i in range(8)], n),
                          "region": rng.choice([f"R{i:02d}" for i in range(30)], n)},
                         index=pd.Index([f"E{i:07d}" for i in range(n)], name="enterprise_id"))
    churn = read_churn_table(churn_path)
    return CreditProblem(firms=firms, budget=300_000.0 * n, amounts=AmountGrid(minimum=1e5, maximum=1e6, step=1e5),
                         rates=churn.rates, churn=churn, lgd=0.6, exclude_grades=frozenset({"D"}),
                         limits=(GroupLimit(column="industry", max_share=0.2),
                                 GroupLimit(column="region", max_share=0.1)))


def full_mip(problem: CreditProblem) -> tuple[float, float, str]:
    """HiGHS on the whole choose-one model (every candidate's y and k, presolve on, no fixing)."""
    started = time.perf_counter()
    pricing = margins(problem)
    cand = np.flatnonzero(~pricing.excluded & (pricing.margin > 0))
    unit, K = problem.amounts.step, problem.amounts.n_steps
    rows = _rows(problem, cand, unit, problem.amounts.minimum / unit + K)
    x, status, _bound = _solve_mip(pricing.margin[cand] * unit, rows.matrix(), rows.caps,
                                   problem.amounts.minimum / unit, K, threads=2, time_limit=600)
    return float(pricing.margin[cand] * unit @ x), time.perf_counter() - started, status


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--full-mip-max", type=int, default=10000)
    ap.add_argument("--datasets", default=None)
    args = ap.parse_args()
    churn = str((shared_datasets_dir() if args.datasets is None else Path(args.datasets))
                / "cumcm2020c" / "attachment3_rate_vs_churn.xlsx")
    table = Table(title="credit plan solve time / 信贷方案求解时间 (2 shared cores)")
    for col in ("firms", "candidates", "free for MIP", "seconds", "target 60 s ratio", "LP bound", "plan profit",
                "gap", "full MIP s", "full MIP profit"):
        table.add_column(col, justify="right")
    console = Console(width=200)
    for n in args.sizes:
        p = synthetic_problem(n, churn)
        plan = solve_plan(p)
        r = plan.report
        full = ("-", "-")
        if n <= args.full_mip_max:
            obj, secs, _st = full_mip(p)
            full = (f"{secs:.2f}", f"{obj:,.0f}")
        table.add_row(f"{n:,}", f"{r.n_candidates:,}", f"{r.n_free:,}", f"{r.seconds:.2f}",
                      f"{TARGET_S / r.seconds:.1f}×", f"{r.lp_bound:,.0f}", f"{r.objective:,.0f}", f"{r.gap:.2e}",
                      *full)
        console.print(f"{n:,} firms: {r.seconds:.2f} s, gap {r.gap:.2e}")
    console.print(table)


if __name__ == "__main__":
    main()

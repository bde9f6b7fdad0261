"""Credit decisions from scores: who gets a loan, how much and at what rate (an exact MIP with HiGHS).

Independent of the CLI and the data home: a :class:`CreditProblem` (firms with PD, grade and group
columns; budget; amount and rate grids; churn table; LGD; excluded grades; concentration limits)
goes in, a :class:`CreditPlan` (one decision per firm and the LP bound and gap) comes out.
See ``docs/strategy.md``.
"""

from firmscore.decide.churn import ChurnTable, churn_class_of, read_churn_table
from firmscore.decide.messages import StrategyError
from firmscore.decide.problem import AmountGrid, CreditPlan, CreditProblem, GroupLimit, SolveReport
from firmscore.decide.solve import solve_plan
from firmscore.decide.stress import Shock, Stress, changed_decisions, read_stress
from firmscore.decide.summary import portfolio_summary, summary_by

__all__ = [
    "AmountGrid", "ChurnTable", "CreditPlan", "CreditProblem", "GroupLimit", "Shock", "SolveReport",
    "StrategyError", "Stress", "changed_decisions", "churn_class_of", "portfolio_summary", "read_churn_table",
    "read_stress", "solve_plan", "summary_by",
]

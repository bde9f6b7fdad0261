"""The credit-plan optimiser on small cases whose optimum is known (by hand or by enumeration)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from firmscore.decide import (
    AmountGrid,
    ChurnTable,
    CreditProblem,
    GroupLimit,
    Shock,
    StrategyError,
    Stress,
    changed_decisions,
    portfolio_summary,
    read_churn_table,
    solve_plan,
    summary_by,
)

RATES = np.round(np.arange(0.04, 0.1601, 0.01), 4)
#: churn rises linearly from 0 at 4 % to 1 at 16 %: for a riskless firm m(r) = r·(0.16 − r)/0.12, best at 8 %.
LINEAR = ChurnTable(rates=RATES, churn={c: (RATES - 0.04) / 0.12 for c in "ABC"})


def firms(rows: list[tuple[str, float, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["enterprise_id", "pd", "grade", "industry"]).set_index("enterprise_id")


def problem(f: pd.DataFrame, budget: float, **kw: object) -> CreditProblem:
    args: dict[str, object] = {"firms": f, "budget": budget, "amounts": AmountGrid(minimum=1e5, maximum=1e6, step=1e5),
                               "rates": RATES, "churn": LINEAR, "lgd": 0.6}
    args.update(kw)
    return CreditProblem(**args)  # type: ignore[arg-type]


def test_budget_binds() -> None:
    f = firms([(f"E{i}", 0.01, "A", "x") for i in range(3)])
    plan = solve_plan(problem(f, 2.05e6))
    assert plan.decisions["amount"].sum() == pytest.approx(2.0e6)  # 2.05M: the last 50k cannot be a loan
    assert plan.report.gap < 1e-9
    assert plan.report.lp_bound >= plan.report.objective
    rich = solve_plan(problem(f, 1e8))
    assert (rich.decisions["amount"] == 1e6).all()  # a budget that does not bind: everyone at the maximum


def test_rate_trades_interest_against_churn() -> None:
    plan = solve_plan(problem(firms([("E1", 0.0, "A", "x")]), 1e6))
    d = plan.decisions.loc["E1"]
    assert d["rate"] == pytest.approx(0.08)  # interior optimum: neither the cheapest nor the dearest rate
    assert d["retention"] == pytest.approx(2 / 3)
    assert d["expected_profit"] == pytest.approx(1e6 * 0.08 * 2 / 3)


def test_worse_grade_gets_higher_rate_or_no_loan(datasets_dir: Path) -> None:
    churn = read_churn_table(datasets_dir / "cumcm2020c" / "attachment3_rate_vs_churn.xlsx")
    pds = [0.0, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.2, 0.5]
    f = firms([(f"E{i}", p, g, "x") for i, p in enumerate(pds) for g in ("A",)])
    plan = solve_plan(problem(f, 1e9, rates=churn.rates, churn=churn))
    d = plan.decisions
    approved = d[d["approved"]]
    assert approved["rate"].is_monotonic_increasing
    assert approved["rate"].iloc[-1] > approved["rate"].iloc[0]
    assert d.loc["E8", "decision"] == "unprofitable"  # PD 50 %: no rate pays for the loss
    assert not d.loc["E8", "approved"]


def test_excluded_grade_never_gets_a_loan() -> None:
    f = firms([("E1", 0.001, "D", "x"), ("E2", 0.05, "B", "x")])
    plan = solve_plan(problem(f, 1e8))
    assert plan.decisions.loc["E1", "decision"] == "excluded_grade"
    assert plan.decisions.loc["E1", "amount"] == 0
    assert plan.decisions.loc["E2", "approved"]


def test_concentration_limit_binds() -> None:
    f = firms([("X1", 0.001, "A", "x"), ("X2", 0.002, "A", "x"), ("Y1", 0.03, "A", "y"), ("Y2", 0.04, "A", "y")])
    free = solve_plan(problem(f, 2e6))
    assert free.decisions.groupby("industry")["amount"].sum()["x"] == pytest.approx(2e6)
    limited = solve_plan(problem(f, 2e6, limits=(GroupLimit(column="industry", max_share=0.3),)))
    by = limited.decisions.groupby("industry")["amount"].sum()
    assert by["x"] == pytest.approx(6e5) and by["y"] == pytest.approx(6e5)
    assert limited.report.objective < free.report.objective


def test_stress_on_one_industry_moves_money_away() -> None:
    f = firms([(f"R{i}", 0.02 + 0.001 * i, "A", "retail") for i in range(4)]
              + [(f"M{i}", 0.025 + 0.001 * i, "A", "manufacturing") for i in range(4)])
    p = problem(f, 4e6)
    base = solve_plan(p)
    stress = Stress(name="pandemic", shocks=(Shock(column="industry", values=frozenset({"retail"}), multiplier=2.0),))
    hit = solve_plan(p, pd_values=stress.apply(f))
    lent = {k: v.decisions.groupby("industry")["amount"].sum() for k, v in (("base", base), ("hit", hit))}
    assert lent["hit"]["retail"] < lent["base"]["retail"]
    assert lent["hit"]["manufacturing"] > lent["base"]["manufacturing"]
    changed = changed_decisions(base, hit)
    assert len(changed) > 0 and set(changed.columns) >= {"amount_base", "amount_stress", "pd_stress"}
    assert (changed.loc[changed["industry"] == "retail", "pd_stress"] > changed.loc[
        changed["industry"] == "retail", "pd_base"]).all()


@pytest.mark.parametrize("seed", range(8))
def test_equals_enumeration_of_every_amount_and_rate(seed: int) -> None:
    """The MIP over pre-priced firms finds the optimum of the full choose-one model over (amount, rate)."""
    rng = np.random.default_rng(seed)
    n = 5
    rates = np.array([0.04, 0.06, 0.09, 0.12])
    churn = ChurnTable(rates=rates, churn={"A": np.array([0.0, 0.2, 0.5, 0.7]), "B": np.array([0.0, 0.1, 0.3, 0.6])})
    f = pd.DataFrame({"pd": rng.uniform(0, 0.12, n), "grade": rng.choice(["A", "B"], n),
                      "industry": rng.choice(["x", "y"], n)}, index=[f"E{i}" for i in range(n)])
    grid = AmountGrid(minimum=2e5, maximum=6e5, step=2e5)
    budget = float(rng.choice([6e5, 1e6, 1.4e6]))
    lim = (GroupLimit(column="industry", max_share=0.6),)
    p = CreditProblem(firms=f, budget=budget, amounts=grid, rates=rates, churn=churn, lgd=0.6, limits=lim)
    plan = solve_plan(p)
    options = [(0.0, 0.0)] + [(a, r) for a in grid.values() for r in rates]
    amount = np.array([o[0] for o in options])
    profit = np.array([[(1 - churn.at(g, [r])[0]) * ((1 - q) * r - q * 0.6) * a if a else 0.0 for a, r in options]
                       for q, g in zip(f["pd"], f["grade"], strict=True)])  # firm × option
    combos = np.array(list(itertools.product(range(len(options)), repeat=n)))  # every joint choice
    lent = amount[combos]
    ok = lent.sum(axis=1) <= budget + 1e-6
    for g in ("x", "y"):
        ok &= lent[:, (f["industry"] == g).to_numpy()].sum(axis=1) <= 0.6 * budget + 1e-6
    best = float(profit[np.arange(n), combos[ok]].sum(axis=1).max())
    assert plan.report.objective == pytest.approx(best, rel=1e-9, abs=1e-6)
    assert plan.report.lp_bound >= best - 1e-6


def test_summary_adds_up() -> None:
    f = firms([("E1", 0.01, "A", "x"), ("E2", 0.05, "B", "y"), ("E3", 0.02, "A", "y")])
    plan = solve_plan(problem(f, 1.5e6))
    s = portfolio_summary(plan)
    assert s["total_lent"] == pytest.approx(1.5e6)
    assert s["expected_profit"] == pytest.approx(s["expected_interest"] - s["expected_loss"])
    assert s["return_on_budget"] == pytest.approx(s["expected_profit"] / 1.5e6)
    by = summary_by(plan, "grade")
    assert by["amount"].sum() == pytest.approx(s["total_lent"])
    assert int(by["approved"].sum()) == int(s["approved"])


@pytest.mark.parametrize(("kwargs", "key"), [
    ({"firms": firms([])}, "decide.no_firms"),
    ({"budget": -1.0}, "decide.bad_budget"),
    ({"firms": firms([("E1", 1.5, "A", "x")])}, "decide.bad_pd"),
    ({"firms": firms([("E1", 0.01, "Q", "x")])}, "decide.no_churn_class"),
    ({"rates": np.array([0.02, 0.05])}, "decide.rates_outside_churn"),
    ({"limits": (GroupLimit(column="circle", max_share=0.2),)}, "decide.missing_column"),
    ({"lgd": 1.5}, "decide.bad_lgd"),
])
def test_bad_inputs_give_a_clear_message(kwargs: dict[str, object], key: str) -> None:
    base = {"firms": firms([("E1", 0.01, "A", "x")]), "budget": 1e6}
    base.update(kwargs)
    with pytest.raises(StrategyError) as err:
        solve_plan(problem(base.pop("firms"), base.pop("budget"), **base))  # type: ignore[arg-type]
    assert err.value.key == key
    zh, en = err.value.message("zh"), err.value.message("en")
    assert zh != en and en and zh


def test_budget_below_the_minimum_amount_lends_nothing_and_says_why() -> None:
    plan = solve_plan(problem(firms([("E1", 0.01, "A", "x")]), 5e4))
    assert not plan.decisions["approved"].any()
    assert plan.notes[0][0] == "decide.budget_below_min"


def test_bad_amount_grid() -> None:
    with pytest.raises(StrategyError) as err:
        AmountGrid(minimum=2e5, maximum=1e5, step=1e5)
    assert err.value.key == "decide.bad_amounts"


def test_reads_the_cumcm_churn_table(datasets_dir: Path) -> None:
    t = read_churn_table(datasets_dir / "cumcm2020c" / "attachment3_rate_vs_churn.xlsx")
    assert t.classes == ("A", "B", "C")
    assert len(t.rates) == 29 and t.rates[0] == pytest.approx(0.04) and t.rates[-1] == pytest.approx(0.15)
    assert t.at("A", [0.04])[0] == 0.0
    assert t.at("B", [0.15])[0] == pytest.approx(0.885865, abs=1e-6)

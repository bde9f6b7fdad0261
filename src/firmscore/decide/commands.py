"""``firmscore strategy``: the credit plan of a data home's scored firms (a thin face over :mod:`firmscore.decide`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import typer
from rich.console import Console
from rich.table import Table

from firmscore.cli_options import parse_date
from firmscore.decide.churn import ChurnTable, read_churn_table
from firmscore.decide.home import firm_table, read_lgd_by_grade
from firmscore.decide.messages import StrategyError
from firmscore.decide.output import write_json, write_plan
from firmscore.decide.problem import AmountGrid, CreditPlan, CreditProblem, GroupLimit
from firmscore.decide.solve import solve_plan
from firmscore.decide.stress import changed_decisions, read_stress
from firmscore.decide.summary import portfolio_summary, summary_by
from firmscore.i18n import current_lang, t
from firmscore.store.home import DataHome
from firmscore.terminal import print_error

HOME = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME).")
SUMMARY_ROWS = ("firms", "approved", "total_lent", "budget_used", "expected_interest", "expected_loss",
                "expected_profit", "return_on_budget", "mean_rate")
SHARES = {"budget_used", "return_on_budget", "mean_rate"}


def resolve_lang(lang: str | None) -> str:
    """One language at a time: ``--lang``, else ``$FIRMSCORE_LANG`` when it is ``zh`` or ``en``, else ``en``."""
    chosen = lang or current_lang()
    return chosen if chosen in ("zh", "en") else "en"


def parse_range(text: str, option: str) -> tuple[float, float, float | None]:
    """``MIN:MAX[:STEP]`` → numbers (a usage error naming the option otherwise)."""
    parts = text.split(":")
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        nums = []
    if len(nums) not in (2, 3):
        raise StrategyError("strategy.bad_range", option=option, value=text)
    return nums[0], nums[1], nums[2] if len(nums) == 3 else None


def rate_grid(low: float, high: float, step: float | None, churn: ChurnTable) -> npt.NDArray[np.float64]:
    """The churn table's measured rates in ``[low, high]``, or an explicit grid ``low, low + step, …``."""
    if step is None:
        grid = churn.rates[(churn.rates >= low - 1e-12) & (churn.rates <= high + 1e-12)]
    else:
        if step <= 0:
            raise StrategyError("decide.bad_rates", detail=f"the step must be positive, got {step}")
        grid = np.round(np.arange(low, high + step / 2, step), 10)
    if len(grid) == 0:
        raise StrategyError("decide.bad_rates", detail=f"no rate of the churn table lies in [{low}, {high}]")
    return np.asarray(grid, dtype=np.float64)


def parse_limits(values: list[str]) -> tuple[GroupLimit, ...]:
    out = []
    for v in values:
        col, _, share = v.partition("=")
        try:
            out.append(GroupLimit(column=col.strip(), max_share=float(share)))
        except ValueError:
            raise StrategyError("strategy.bad_limit", value=v) from None
    return tuple(out)


def strategy(
    as_of: str = typer.Option(..., "--as-of", help="Use the scores of this date."),
    budget: float = typer.Option(..., "--budget", help="Annual credit budget (CNY)."),
    amount: str = typer.Option("100000:1000000", "--amount", help="Loan amounts MIN:MAX[:STEP] (step default MIN)."),
    rate: str = typer.Option("0.04:0.15", "--rate", help="Rates MIN:MAX[:STEP] (default: the churn table's rates)."),
    churn: Path = typer.Option(..., "--churn", help="Rate → churn table per grade (.xlsx or .csv)."),
    lgd: float = typer.Option(0.6, "--lgd", help="Loss given default (one value)."),
    lgd_by_grade: Path = typer.Option(None, "--lgd-by-grade", help="CSV grade,lgd (overrides --lgd)."),
    exclude_grade: list[str] = typer.Option(["D"], "--exclude-grade", help="Never lend to this grade (repeatable)."),
    limit: list[str] = typer.Option([], "--limit", help="COLUMN=SHARE of the budget at most per value "
                                                        "(industry, region, guarantee_circle; repeatable)."),
    stress: Path = typer.Option(None, "--stress", help="Stress scenario (YAML or CSV): PD shocks by industry/region."),
    out: Path = typer.Option(None, "--out", help="Output folder (default <home>/strategy/as_of=D)."),
    lang: str = typer.Option(None, "--lang", help="zh or en (default $FIRMSCORE_LANG, else en)."),
    home: Path = HOME,
) -> None:
    """Who gets a loan, how much and at what rate: maximum expected profit under the budget. 信贷决策。"""
    lg = resolve_lang(lang)
    console = Console()
    try:
        day = parse_date(as_of)
        _run(console, lg, day, budget, amount, rate, churn, lgd, lgd_by_grade, exclude_grade, limit, stress, out,
             DataHome.open(home))
    except StrategyError as err:
        print_error(console, t('strategy.error', lg, message=err.message(lg)))
        raise typer.Exit(2) from None


def _run(console: Console, lg: str, day: dt.date, budget: float, amount: str, rate: str, churn_path: Path,
         lgd: float, lgd_by_grade: Path | None, exclude: list[str], limit: list[str], stress_path: Path | None,
         out: Path | None, home: DataHome) -> None:
    churn = read_churn_table(churn_path)
    a_min, a_max, a_step = parse_range(amount, "--amount")
    r_min, r_max, r_step = parse_range(rate, "--rate")
    scenario = read_stress(stress_path) if stress_path else None
    firms = firm_table(home, day)
    problem = CreditProblem(
        firms=firms, budget=budget, amounts=AmountGrid(minimum=a_min, maximum=a_max, step=a_step or a_min),
        rates=rate_grid(r_min, r_max, r_step, churn), churn=churn,
        lgd=read_lgd_by_grade(lgd_by_grade) if lgd_by_grade else lgd,
        exclude_grades=frozenset(exclude), limits=parse_limits(limit))
    with console.status(t("strategy.solving", lg, n=f"{len(firms):,}")) as status:
        base = solve_plan(problem)
        stressed = None
        if scenario:
            status.update(t("strategy.solving_stress", lg, name=scenario.name))
            stressed = solve_plan(problem, pd_values=scenario.apply(firms))
    directory = out or home.subdir("strategy") / f"as_of={day.isoformat()}"
    written = list(write_plan(base, directory))
    plans: list[tuple[str, CreditPlan]] = [(t("strategy.base", lg), base)]
    summaries: dict[str, Any] = {"as_of": day.isoformat(), "budget": budget, "base": _summary_json(base)}
    if stressed is not None and scenario is not None:
        written += write_plan(stressed, directory, "decisions_stress")
        plans.append((t("strategy.stress", lg, name=scenario.name), stressed))
        summaries["stress"] = {"name": scenario.name, **_summary_json(stressed)}
    print_plans(console, lg, day, budget, plans)
    if stressed is not None:
        changed = changed_decisions(base, stressed)
        console.print(t("strategy.changed", lg, n=f"{len(changed):,}"))
        if len(changed):
            console.print(_frame_table(changed.head(20).reset_index(), None))
            changed.reset_index().to_csv(directory / "changed.csv", index=False, encoding="utf-8-sig")
            written.append(directory / "changed.csv")
    written.append(write_json(summaries, directory / "summary.json"))
    for p in written:
        console.print(t("strategy.written", lg, path=str(p)))


def _summary_json(plan: CreditPlan) -> dict[str, Any]:
    r = plan.report
    return {"totals": portfolio_summary(plan),
            "solver": {"status": r.status, "lp_bound": r.lp_bound, "objective": r.objective, "gap": r.gap,
                       "candidates": r.n_candidates, "free": r.n_free, "seconds": r.seconds},
            "by_grade": summary_by(plan, "grade").reset_index().to_dict("records"),
            "by_industry": summary_by(plan, "industry").reset_index().to_dict("records"),
            "notes": [k for k, _ in plan.notes]}


def _fmt(key: str, v: float) -> str:
    if key in SHARES:
        return f"{v:.2%}"
    if key in ("firms", "approved"):
        return f"{int(v):,}"
    return f"{v:,.0f}"


def print_plans(console: Console, lg: str, day: dt.date, budget: float, plans: list[tuple[str, CreditPlan]]) -> None:
    """The portfolio summaries side by side, the solver line, then by grade and by industry."""
    tab = Table(title=t("strategy.title", lg, as_of=day.isoformat(), budget=f"{budget:,.0f}"))
    tab.add_column("")
    sums = [portfolio_summary(p) for _, p in plans]
    for name, _ in plans:
        tab.add_column(name, justify="right")
    for key in SUMMARY_ROWS:
        tab.add_row(t(f"strategy.{key}", lg), *(_fmt(key, s[key]) for s in sums))
    console.print(tab)
    for name, p in plans:
        r = p.report
        console.print(f"{name}: " + t("strategy.solver", lg, status=r.status, bound=r.lp_bound, objective=r.objective,
                                      gap=r.gap, n=f"{r.n_candidates:,}", free=r.n_free, seconds=r.seconds))
        for key, kwargs in p.notes:
            console.print(f"[yellow]{t(key, lg, **kwargs)}[/yellow]")
    for column in ("grade", "industry"):
        for name, p in plans:
            by = summary_by(p, column)
            if len(by):
                title = f"{name} — " + t("strategy.by", lg, column=t(f"strategy.col.{column}", lg))
                console.print(_frame_table(by.reset_index(), title))


def _frame_table(frame: Any, title: str | None) -> Table:
    tab = Table(title=title)
    for c in frame.columns:
        tab.add_column(str(c), justify="right")
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append("-" if np.isnan(v) else (f"{v:.4f}" if 0 < abs(v) < 1 else f"{v:,.0f}"))
            else:
                cells.append(str(v))
        tab.add_row(*cells)
    return tab


def register(app: typer.Typer) -> None:
    app.command("strategy")(strategy)

"""Registry, annual-report, tax, social-insurance and platform events before the as-of date.

Rates and shapes: annual-report filing ≈ 87 % (SAIC 2015) with non-filers put on the
abnormal-operation list on 1 July; tax ratings A 6 %, B ≈ 65 %, M for new or idle firms, C 5 %,
D 4 % (STA 2019-2020); registry changes 0.12 per year, more for distressed firms and shells.
"""

from __future__ import annotations

import numpy as np

from firmscore.synth.config import add_months, month_start, year_of, year_start
from firmscore.synth.context import BlockContext, lags, poisson_days
from firmscore.synth.frames import EventBuffer
from firmscore.synth.population import NO_DAY, STATUSES, sigmoid
from firmscore.synth.strings import join, number_text

CHANGE_CODES = ("legal_rep", "address", "capital", "scope", "name", "shareholder")
CHANGE_WEIGHTS = np.array([0.2, 0.3, 0.15, 0.2, 0.05, 0.1])
TAX_RATINGS = ("A", "B", "M", "C", "D")


def registry_events(ctx: BlockContext, eb: EventBuffer) -> None:
    """Registry changes, status changes and market exits before the as-of date."""
    rng = ctx.rng(10)
    f = ctx.firms
    rate = 0.12 * np.exp(0.35 * ctx.stress) * np.where(f.ring >= 0, 3.0, 1.0)
    i, day = poisson_days(rng, rate, ctx.start, ctx.end)
    code = np.searchsorted(np.cumsum(CHANGE_WEIGHTS), rng.random(len(i)) * CHANGE_WEIGHTS.sum())
    is_cap = code == 2
    new_cap = np.where(is_cap, f.capital_wan[i] * 1e4, np.nan)
    old_cap = np.where(is_cap, np.round(f.capital_wan[i] * rng.choice([0.5, 0.2, 2.0], len(i))) * 1e4, np.nan)
    eb.add("registry_change", day, lags(rng, len(i), 1, 10), firm=ctx.gidx[i], code=(CHANGE_CODES, code),
           amount=new_cap, value=old_cap)
    ex = np.flatnonzero(f.exit_day != NO_DAY)
    eb.add("status_change", f.exit_day[ex], lags(rng, len(ex), 1, 15), firm=ctx.gidx[ex], code=(STATUSES, f.status[ex]))
    eb.add("market_exit", f.exit_day[ex], lags(rng, len(ex), 1, 15), firm=ctx.gidx[ex], code=(STATUSES, f.status[ex]))
    # revoked firms were first put on the abnormal-operation list
    rv = ex[(f.status[ex] == 1)]
    listed = f.exit_day[rv] - rng.integers(200, 700, len(rv))
    ok = listed >= ctx.start[rv]
    eb.add("abnormal_operation", listed[ok], lags(rng, int(ok.sum()), 1, 10), firm=ctx.gidx[rv[ok]],
           code="no_annual_report")
    mv = np.flatnonzero(f.status == 3)
    mv_day = ctx.start[mv] + (rng.random(len(mv)) * (ctx.end[mv] - ctx.start[mv])).astype(np.int64)
    eb.add("status_change", mv_day, lags(rng, len(mv), 1, 15), firm=ctx.gidx[mv], code="moved_out")


def annual_reports(ctx: BlockContext, eb: EventBuffer) -> None:
    """Annual reports for the last three years; non-filers go on the abnormal-operation list."""
    rng = ctx.rng(11)
    f = ctx.firms
    last = int(year_of(ctx.cfg.as_of_day)) - 1
    for year in range(last - 2, last + 1):
        y0, y1 = int(year_start(year)), int(year_start(year + 1))
        due = y1 + rng.integers(0, 180, ctx.n)
        exists = (f.established_day < y1) & (ctx.end > due)
        p_file = sigmoid(2.4 - 0.8 * ctx.stress - np.where(f.dormant, 1.5, 0.0))
        files = exists & (rng.random(ctx.n) < p_file)
        i = np.flatnonzero(files)
        years_back = last - year
        revenue = ctx.turnover[i] * np.exp(-ctx.growth[i] * years_back + rng.normal(0, 0.15, len(i)))
        revenue *= np.clip((y1 - np.maximum(f.established_day[i], y0)) / (y1 - y0), 0.0, 1.0)
        staff = np.maximum(0, np.round(f.employees[i] * np.exp(-0.5 * ctx.growth[i] * years_back)))
        margin = 0.05 + 0.04 * f.core.z[i] - 0.04 * ctx.stress[i] + rng.normal(0, 0.04, len(i))
        profit = np.round(revenue * margin)
        assets = np.round(np.maximum(f.paid_in_wan[i] * 1e4, revenue * rng.uniform(0.4, 1.2, len(i))) + 1e4)
        leverage = sigmoid(-0.4 + 0.7 * ctx.stress[i] + rng.normal(0, 0.5, len(i)))
        liabilities = np.round(assets * leverage * 1.1)
        attrs = join('{"year":', number_text(np.full(len(i), year)), ',"profit":', number_text(profit),
                     ',"assets":', number_text(assets), ',"liabilities":', number_text(liabilities), "}")
        eb.add("annual_report", due[i], lags(rng, len(i), 0, 2), firm=ctx.gidx[i], amount=np.round(revenue),
               value=staff, attrs=attrs)
        # non-filers are listed on 1 July; half of them file late and are removed
        j = np.flatnonzero(exists & ~files)
        listed = y1 + 181 + rng.integers(0, 30, len(j))
        alive = listed < ctx.end[j] if year < last else np.ones(len(j), dtype=bool)
        j, listed = j[alive], listed[alive]
        removed = np.where(rng.random(len(j)) < 0.5 - 0.1 * ctx.stress[j], listed + rng.integers(20, 300, len(j)),
                           NO_DAY)
        removed = np.where(removed > ctx.cfg.horizon_end_day, NO_DAY, removed)
        eb.add("abnormal_operation", listed, lags(rng, len(j), 1, 10), firm=ctx.gidx[j], end=removed,
               code="no_annual_report")
    # unreachable at the registered address
    p = sigmoid(-5.2 + 0.9 * ctx.stress) * (ctx.end > ctx.start)
    k = np.flatnonzero(rng.random(ctx.n) < p)
    day = ctx.start[k] + (rng.random(len(k)) * (ctx.end[k] - ctx.start[k])).astype(np.int64)
    end = np.where(rng.random(len(k)) < 0.4, day + rng.integers(30, 400, len(k)), NO_DAY)
    end = np.where(end > ctx.cfg.horizon_end_day, NO_DAY, end)
    eb.add("abnormal_operation", day, lags(rng, len(k), 1, 10), firm=ctx.gidx[k], end=end, code="unreachable_address")


def tax_events(ctx: BlockContext, eb: EventBuffer) -> None:
    """Quarterly tax payments, annual tax credit ratings and tax arrears."""
    rng = ctx.rng(12)
    f = ctx.firms
    as_of = ctx.cfg.as_of_day
    rate = np.where(rng.random(ctx.n) < 0.28, 0.01, 0.025) * np.exp(rng.normal(0, 0.2, ctx.n))
    for q in range(1, 9):
        q_start = month_start(as_of, -3 * q)
        pay = int(add_months(q_start, 3)) + 14
        i = np.flatnonzero(f.invoicing & (f.established_day < q_start) & (ctx.end > pay) & (pay <= as_of))
        amount = ctx.turnover[i] / 4 * rate[i] * np.exp(-ctx.growth[i] * q / 4 + rng.normal(0, 0.2, len(i)))
        eb.add("tax_payment", np.full(len(i), pay), lags(rng, len(i), 0, 3), firm=ctx.gidx[i],
               amount=np.round(amount, 2))
    last = int(year_of(as_of)) - 1
    for year in range(last - 2, last + 1):
        published = int(year_start(year + 1)) + 110
        i = np.flatnonzero((f.established_day < int(year_start(year + 1))) & (ctx.end > published))
        score = -0.85 * ctx.stress[i] + rng.normal(0, 0.55, len(i))
        grade = np.select([score > 1.3, score < -1.95, score < -1.6], [0, 4, 3], default=1)
        new = (f.established_day[i] >= int(year_start(year))) | f.dormant[i] | (f.ring[i] >= 0)
        grade = np.where(new & (grade < 3), 2, grade)
        eb.add("tax_rating", np.full(len(i), published), lags(rng, len(i), 0, 5), firm=ctx.gidx[i],
               code=(TAX_RATINGS, grade))
    p = sigmoid(-4.3 + 1.0 * ctx.stress) * (ctx.end > ctx.start)
    k = np.flatnonzero(rng.random(ctx.n) < p)
    day = ctx.start[k] + (rng.random(len(k)) * (ctx.end[k] - ctx.start[k])).astype(np.int64)
    cleared = np.where(rng.random(len(k)) < 0.6, day + rng.integers(20, 200, len(k)), NO_DAY)
    cleared = np.where(cleared > ctx.cfg.horizon_end_day, NO_DAY, cleared)
    eb.add("tax_arrears", day, lags(rng, len(k), 5, 30), firm=ctx.gidx[k], end=cleared,
           amount=np.round(np.exp(rng.normal(9.5, 1.2, len(k))), 2))


def headcount_and_platform(ctx: BlockContext, eb: EventBuffer) -> None:
    """Half-yearly social-insurance headcounts, platform trades and qualifications/projects."""
    rng = ctx.rng(13)
    f = ctx.firms
    as_of = ctx.cfg.as_of_day
    for k in range(1, 6):
        snap = int(add_months(as_of, -6 * k))
        i = np.flatnonzero((f.employees > 0) & (f.established_day < snap) & (ctx.end > snap))
        trend = np.exp(-(ctx.growth[i] * 0.8) * k / 2 + rng.normal(0, 0.08, len(i)))
        head = np.maximum(0, np.round(f.employees[i] * trend))
        eb.add("social_insurance", np.full(len(i), snap), lags(rng, len(i), 20, 40), firm=ctx.gidx[i], value=head)
    for q in range(1, 9):
        q_end = int(month_start(as_of, -3 * (q - 1))) - 1
        i = np.flatnonzero((f.member_since != NO_DAY) & (f.member_since < q_end) & (ctx.end > q_end)
                           & (rng.random(ctx.n) < 0.8))
        amount = ctx.turnover[i] * 0.03 * np.exp(-ctx.growth[i] * q / 4 + rng.normal(0, 0.5, len(i)))
        eb.add("platform_trade", np.full(len(i), q_end), lags(rng, len(i), 0, 2), firm=ctx.gidx[i],
               amount=np.round(amount, 2), value=np.maximum(1, rng.poisson(6, len(i))))
    healthy = np.exp(0.5 * f.core.z) * (ctx.end > ctx.start)
    qf = np.flatnonzero(rng.random(ctx.n) < 0.011 * healthy * 3)
    qd = ctx.start[qf] + (rng.random(len(qf)) * (ctx.end[qf] - ctx.start[qf])).astype(np.int64)
    eb.add("qualification", qd, lags(rng, len(qf), 1, 20), firm=ctx.gidx[qf], end=add_months(qd, 60),
           code="licence")
    i, day = poisson_days(rng, 0.02 * healthy, ctx.start, ctx.end)
    eb.add("project_won", day, lags(rng, len(i), 1, 20), firm=ctx.gidx[i],
           amount=np.round(np.exp(rng.normal(13.0, 1.5, len(i))), -3))

"""Court, enforcement, dishonest-debtor, penalty and pledge records, and the legal
representatives' personal credit.

Calibration (``docs/synthetic-data.md`` §4.4-4.6): new enforcement cases ≈ 1-1.5 % of firms a
year, amounts log-normal(10.95, 2.69); about 12 % of enforced firms get listed as dishonest
debtors a median 7 months later, for up to two years; penalties ≈ 2 % a year. Everything here
happens before the as-of date: a record that would fall after it is dropped, so that events in
the horizon are outcome events only.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from firmscore.synth.config import add_months
from firmscore.synth.context import BlockContext, lags, poisson_days
from firmscore.synth.frames import SOURCE, EventBuffer, date_array, record_ids, timestamp_array
from firmscore.synth.outcome import OWN
from firmscore.synth.population import NO_DAY
from firmscore.synth.tables import JOINT_STOCK, LIMITED

CREDIT_BANDS = ("A", "B", "C", "D", "E")


def _cap_end(ctx: BlockContext, end: np.ndarray) -> np.ndarray:
    return np.where(end > ctx.cfg.horizon_end_day, NO_DAY, end)


def court_events(ctx: BlockContext, eb: EventBuffer) -> None:
    """Lawsuits (defendant / plaintiff), enforcement, dishonest listings and consumption restrictions."""
    rng = ctx.rng(30)
    f = ctx.firms
    as_of = ctx.cfg.as_of_day
    size = 1 + 0.25 * np.log10(np.maximum(f.capital_wan, 1) / 100).clip(-2, 2)
    end = np.minimum(ctx.end, as_of)
    i, day = poisson_days(rng, 0.035 * size * np.exp(0.75 * ctx.stress), ctx.start, end)
    claim = np.round(np.exp(rng.normal(11.0, 1.8, len(i))), 2)
    eb.add("lawsuit", day, lags(rng, len(i), 7, 60), firm=ctx.gidx[i], code="defendant", amount=claim)
    j, pday = poisson_days(rng, 0.03 * size, ctx.start, end)
    eb.add("lawsuit", pday, lags(rng, len(j), 7, 60), firm=ctx.gidx[j], code="plaintiff",
           amount=np.round(np.exp(rng.normal(11.0, 1.8, len(j))), 2))
    # enforcement follows a third of the lost cases; plus spontaneous enforcement of distressed firms
    e = rng.random(len(i)) < 0.35
    e_firm = i[e]
    e_day = day[e] + rng.integers(60, 240, int(e.sum()))
    k, k_day = poisson_days(rng, 0.006 * np.exp(0.8 * ctx.stress), ctx.start, end)
    e_firm = np.concatenate([e_firm, k])
    e_day = np.concatenate([e_day, k_day])
    ok = e_day <= end[e_firm]
    e_firm, e_day = e_firm[ok], e_day[ok]
    e_amount = np.round(np.exp(rng.normal(10.95, 2.69, len(e_firm))), 2)
    closed = np.where(rng.random(len(e_firm)) < 0.5 - 0.1 * ctx.stress[e_firm],
                      e_day + rng.integers(30, 400, len(e_firm)), NO_DAY)
    eb.add("enforcement", e_day, lags(rng, len(e_firm), 3, 30), firm=ctx.gidx[e_firm], amount=e_amount,
           end=_cap_end(ctx, closed))
    # dishonest-debtor listing: ~12 % of enforced firms, median 7 months later, up to two years
    d = rng.random(len(e_firm)) < 0.12 * np.exp(0.5 * ctx.stress[e_firm])
    d_firm = e_firm[d]
    d_day = e_day[d] + np.round(np.exp(rng.normal(np.log(7 * 30.4), 0.7, int(d.sum())))).astype(np.int64)
    ok = d_day <= end[d_firm]
    d_firm, d_day = d_firm[ok], d_day[ok]
    removed = np.where(rng.random(len(d_firm)) < 0.6, d_day + rng.integers(60, 731, len(d_firm)), NO_DAY)
    removed = _cap_end(ctx, removed)
    eb.add("dishonest_listing", d_day, lags(rng, len(d_firm), 3, 30), firm=ctx.gidx[d_firm], end=removed,
           amount=e_amount[d][ok])
    # the listing reaches the legal representative: restriction of high consumption
    eb.add("consumption_restriction", d_day, lags(rng, len(d_firm), 3, 30), person=ctx.roles.legal_rep[d_firm],
           end=removed, counterparty=ctx.gidx[d_firm])


def administrative_events(ctx: BlockContext, eb: EventBuffer) -> None:
    """Administrative penalties, equity pledges and chattel mortgages."""
    rng = ctx.rng(31)
    f = ctx.firms
    end = np.minimum(ctx.end, ctx.cfg.as_of_day)
    i, day = poisson_days(rng, 0.02 * np.exp(0.45 * ctx.stress), ctx.start, end)
    eb.add("penalty", day, lags(rng, len(i), 10, 60), firm=ctx.gidx[i], code="fine",
           amount=np.round(np.exp(rng.normal(8.5, 1.3, len(i))), -2))
    companies = np.isin(f.core.etype, [LIMITED, JOINT_STOCK]) & (end > ctx.start)
    p = np.flatnonzero(companies & (rng.random(ctx.n) < 0.015 * np.exp(0.6 * ctx.stress)))
    pd = ctx.start[p] + (rng.random(len(p)) * (end[p] - ctx.start[p])).astype(np.int64)
    released = np.where(rng.random(len(p)) < 0.5, add_months(pd, rng.integers(12, 37, len(p))), NO_DAY)
    eb.add("equity_pledge", pd, lags(rng, len(p), 1, 10), firm=ctx.gidx[p], end=_cap_end(ctx, released),
           amount=np.round(f.capital_wan[p] * 1e4 * rng.uniform(0.2, 1.0, len(p)), -2))
    m = np.flatnonzero(f.has_loan & (end > ctx.start) & (rng.random(ctx.n) < 0.04))
    md = ctx.start[m] + (rng.random(len(m)) * (end[m] - ctx.start[m])).astype(np.int64)
    eb.add("chattel_mortgage", md, lags(rng, len(m), 1, 10), firm=ctx.gidx[m], end=add_months(md, 12),
           amount=np.round(ctx.net.principal_wan[m] * 1e4, -2))


def personal_credit(ctx: BlockContext, eb: EventBuffer) -> None:
    """Legal representatives' personal credit reports at three dates (band A-E, overdue count)."""
    rng = ctx.rng(32)
    roles = ctx.roles
    reps = np.unique(roles.legal_rep)
    # a person whose firm is about to fail on its own is usually stretched personally too
    stretched = np.zeros(roles.n_persons, dtype=bool)
    stretched[roles.legal_rep[ctx.outcome.cause == OWN]] = True
    first = np.full(roles.n_persons, np.iinfo(np.int64).max)
    np.minimum.at(first, roles.legal_rep, ctx.firms.established_day)
    for months in (20, 11, 2):
        snap = int(add_months(ctx.cfg.as_of_day, -months))
        p = reps[first[reps] <= snap]
        score = roles.health[p] - 0.9 * stretched[p] + rng.normal(0, 0.35, len(p))
        band = np.select([score > 1.0, score > 0.3, score > -0.4, score > -1.1], [0, 1, 2, 3], default=4)
        overdue = rng.poisson(np.exp(-1.0 - 1.0 * score).clip(0, 20))
        eb.add("personal_credit", np.full(len(p), snap), np.zeros(len(p), dtype=np.int64), person=p,
               code=(CREDIT_BANDS, band), value=overdue)


def authorization_table(ctx: BlockContext, person_ids: pa.StringArray, block: int) -> pa.Table:
    """Authorizations of legal representatives (85 %) to read their personal credit."""
    rng = ctx.rng(33)
    reps = np.unique(ctx.roles.legal_rep)
    g = reps[rng.random(len(reps)) < 0.85]
    m = len(g)
    granted = ctx.cfg.as_of_day - rng.integers(30, 900, m)
    valid_to = granted + np.where(rng.random(m) < 0.5, 365, 730)
    revoked = rng.random(m) < 0.03
    revoked_day = granted + rng.integers(30, 300, m)
    revoked &= revoked_day < ctx.cfg.as_of_day
    revoked_us = (revoked_day * 86400 + 12 * 3600) * 1_000_000
    seconds = rng.integers(8 * 3600, 20 * 3600, m)
    return pa.table({
        "subject_id": person_ids.take(pa.array(g)),
        "grantee": pa.array(np.full(m, "firmscore", dtype=object), pa.string()),
        "purpose": pa.array(np.full(m, "credit_assessment", dtype=object), pa.string()),
        "scope": pa.array(np.full(m, "personal_credit", dtype=object), pa.string()),
        "revoked_at": pa.array(revoked_us, pa.timestamp("us", tz="UTC"), mask=~revoked),
        "source": pa.array(np.full(m, SOURCE, dtype=object), pa.string()),
        "source_record_id": record_ids("AU", block, m),
        "observed_at": timestamp_array((granted * 86400 + seconds) * 1_000_000),
        "effective_from": date_array(granted),
        "effective_to": date_array(valid_to),
        "legal_expiry": date_array(np.full(m, NO_DAY, dtype=np.int64)),
    })

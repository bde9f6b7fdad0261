"""Loans, monthly repayments and the observable default outcome.

A borrower holds a chain of 12-month loans renewed on maturity. Each instalment is a
``repayment`` event with ``value`` = days past due: distressed firms pay late now and then
(1-89 days) but never 90+ unless they default. A defaulter's delinquency starts 90 days before its
target day, from when every monthly report shows the growing arrears, so the first 90+ report is
dated inside the horizon. Defaulters without a loan show their default through enforcement, a
revocation/cancellation (``status_change`` + ``market_exit``) or bankruptcy.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from firmscore.synth.config import add_months
from firmscore.synth.context import BlockContext, lags
from firmscore.synth.frames import EventBuffer
from firmscore.synth.population import NO_DAY, sigmoid
from firmscore.synth.strings import const_matrix, digit_matrix, from_byte_matrix

DELINQUENCY_DAYS = 90


def _loan_ids(gidx: np.ndarray, k: np.ndarray) -> pa.StringArray:
    return from_byte_matrix(np.hstack([const_matrix("L", len(gidx)), digit_matrix(gidx, 9), digit_matrix(k, 2)]))


def credit_events(ctx: BlockContext, eb: EventBuffer) -> np.ndarray:
    """Emit loans, repayments and outcome events; return the observed default day per firm (or NO_DAY)."""
    rng = ctx.rng(20)
    cfg = ctx.cfg
    f = ctx.firms
    out = ctx.outcome
    horizon_end = cfg.horizon_end_day
    defaulted = out.default
    borrower = f.has_loan & f.active & (ctx.net.principal_wan > 0)
    ds = np.where(defaulted, out.target_day - DELINQUENCY_DAYS, NO_DAY)

    # loan chain: starts s0 + 12k months while the start is before the horizon end (non-defaulters) or
    # not after the start of delinquency (defaulters)
    b = np.flatnonzero(borrower)
    s0 = ctx.net.loan_start[b]
    limit = np.where(defaulted[b], ds[b], horizon_end - 1)
    n_loans = np.zeros(len(b), dtype=np.int64)
    for k in range(6):
        n_loans += (add_months(s0, 12 * k) <= limit).astype(np.int64)
    n_loans = np.maximum(n_loans, 1)
    lb = np.repeat(b, n_loans)
    lk = np.concatenate([np.arange(c) for c in n_loans]) if len(n_loans) else np.zeros(0, dtype=np.int64)
    l_start = add_months(ctx.net.loan_start[lb], 12 * lk)
    l_end = add_months(l_start, 12)
    principal = ctx.net.principal_wan[lb] * 1e4 * np.exp(rng.normal(0, 0.1, len(lb))).round(2)
    principal = np.round(principal, -3)
    rate = np.round(4.0 + 0.8 * ctx.stress[lb] + rng.normal(0, 0.6, len(lb)), 2).clip(3.2, 15.0)
    ids = _loan_ids(ctx.gidx[lb], lk)
    keep = l_start <= horizon_end
    eb.add("loan", l_start[keep], lags(rng, int(keep.sum()), 1, 10), firm=ctx.gidx[lb[keep]], amount=principal[keep],
           value=rate[keep], end=l_end[keep], code=ids.filter(keep))

    # repayments: 12 per loan; the defaulted loan keeps being reported monthly until the horizon end
    last_loan = np.r_[lk[1:] == 0, True] if len(lk) else np.zeros(0, dtype=bool)
    is_bad = last_loan & defaulted[lb]
    n_rows = np.where(is_bad, 36, 12)
    rl = np.repeat(np.arange(len(lb)), n_rows)
    rk = np.concatenate([np.arange(1, c + 1) for c in n_rows]) if len(n_rows) else np.zeros(0, dtype=np.int64)
    day = add_months(l_start[rl], rk)
    firm = lb[rl]
    ok = (day <= horizon_end) & (is_bad[rl] | (rk <= 12))
    rl, rk, day, firm = rl[ok], rk[ok], day[ok], firm[ok]
    p_late = sigmoid(-3.4 + 1.0 * ctx.stress[firm])
    late = rng.random(len(rl)) < p_late
    u = rng.random(len(rl))
    dpd = np.where(late, np.where(u < 0.8, rng.integers(1, 30, len(rl)),
                                  np.where(u < 0.95, rng.integers(30, 60, len(rl)), rng.integers(60, 90, len(rl)))), 0)
    bad_row = is_bad[rl] & (day >= ds[firm])
    dpd = np.where(bad_row, day - ds[firm], np.minimum(dpd, 89))
    instalment = np.round(principal[rl] * (1 + rate[rl] / 100) / 12, 2)
    eb.add("repayment", day, lags(rng, len(rl), 1, 12), firm=ctx.gidx[firm], amount=instalment, value=dpd,
           code=ids.take(rl))
    observed = np.full(ctx.n, NO_DAY, dtype=np.int64)
    hit = dpd >= DELINQUENCY_DAYS
    if hit.any():
        first = np.full(ctx.n, np.iinfo(np.int64).max)
        np.minimum.at(first, firm[hit], day[hit])
        observed = np.where(first < np.iinfo(np.int64).max, first, NO_DAY)

    # bank sues a third of its defaulted borrowers
    sued = np.flatnonzero((observed != NO_DAY) & (rng.random(ctx.n) < 0.35))
    sue_day = observed[sued] + rng.integers(15, 120, len(sued))
    ok = sue_day <= horizon_end
    eb.add("lawsuit", sue_day[ok], lags(rng, int(ok.sum()), 7, 45), firm=ctx.gidx[sued[ok]], code="defendant",
           amount=np.round(ctx.net.principal_wan[sued[ok]] * 1e4, -2))

    # defaulters without an observed loan default: enforcement, exit or bankruptcy
    other = np.flatnonzero(defaulted & (observed == NO_DAY))
    t = out.target_day[other]
    mech = np.searchsorted([0.5, 0.85], rng.random(len(other)))
    e = mech == 0
    eb.add("enforcement", t[e], lags(rng, int(e.sum()), 3, 30), firm=ctx.gidx[other[e]],
           amount=np.round(np.exp(rng.normal(10.95, 2.0, int(e.sum()))), 2))
    x = mech == 1
    status = np.where(rng.random(int(x.sum())) < 0.6, "revoked", "cancelled").astype(object)
    eb.add("status_change", t[x], lags(rng, int(x.sum()), 1, 15), firm=ctx.gidx[other[x]],
           code=pa.array(status, pa.string()))
    eb.add("market_exit", t[x], lags(rng, int(x.sum()), 1, 15), firm=ctx.gidx[other[x]],
           code=pa.array(status, pa.string()))
    bk = mech == 2
    eb.add("bankruptcy", t[bk], lags(rng, int(bk.sum()), 5, 40), firm=ctx.gidx[other[bk]], code="filed")
    observed[other] = t
    return observed

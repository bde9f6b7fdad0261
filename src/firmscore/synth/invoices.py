"""Supplier-buyer invoice flows, aggregated per (seller, buyer, month), and the trade relations.

Each trading firm sells to a handful of customers, more for larger sellers (55 % in its own community, the rest
anywhere in the universe, so trade crosses blocks and files); shares follow a Dirichlet(0.7), so the top
customer typically takes about a third. A month's invoices to one customer become one
``invoice_out`` row for the seller and its mirror ``invoice_in`` row for the buyer (``value`` =
number of invoices aggregated). Voided invoices (≈ 8 %, more for distressed sellers) are extra
rows with ``code = voided``; credit notes (≈ 3 %) are rows with a negative amount. Fraud rings
invoice each other in a circle for their last 4-9 months with large round sums.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from firmscore.synth.config import COMMUNITY_SIZE, INVOICE_MONTHS, month_start
from firmscore.synth.context import BlockContext, lags
from firmscore.synth.frames import EventBuffer, RelationBuffer
from firmscore.synth.outcome import OWN
from firmscore.synth.population import sigmoid

#: Spring-festival trough in February, year-end peak (cumcm2020c per-firm median index)
SEASON = np.array([0.98, 0.42, 0.65, 0.75, 0.79, 0.85, 0.91, 0.92, 0.94, 0.97, 1.04, 1.26])


def _pairs(ctx: BlockContext, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(seller local index, buyer global index, share of the seller's sales)."""
    f = ctx.firms
    n_universe = ctx.cfg.n_enterprises
    sellers = np.flatnonzero(f.invoicing & (f.ring < 0) & (ctx.end > ctx.cfg.as_of_day - 365))
    # bigger sellers have more customers (wholesalers become hubs of many firms' purchases)
    size = np.log(np.maximum(ctx.turnover[sellers], 1.0)) - np.log(6e6)
    m = np.minimum(1 + rng.poisson(np.exp(rng.normal(0.8 + 0.35 * size, 0.5))), 60)
    s = np.repeat(sellers, m)
    g = ctx.gidx[s]
    lo = (g // COMMUNITY_SIZE) * COMMUNITY_SIZE
    span = np.minimum(n_universe, lo + COMMUNITY_SIZE) - lo
    local = rng.random(len(s)) < 0.55
    buyer = np.where(local, lo + (rng.random(len(s)) * span).astype(np.int64), rng.integers(0, n_universe, len(s)))
    ok = buyer != g
    s, buyer = s[ok], buyer[ok]
    key = s * n_universe + buyer
    _, first = np.unique(key, return_index=True)
    first = np.sort(first)
    s, buyer = s[first], buyer[first]
    w = rng.gamma(0.7, 1.0, len(s))
    tot = np.bincount(s, weights=w, minlength=ctx.n)
    return s, buyer, w / np.maximum(tot[s], 1e-12)


def invoice_events(ctx: BlockContext, eb: EventBuffer, rb: RelationBuffer) -> None:
    """Monthly invoice aggregates of the last :data:`INVOICE_MONTHS` months and trade relations."""
    rng = ctx.rng(40)
    as_of = ctx.cfg.as_of_day
    s, buyer, share = _pairs(ctx, rng)
    months = month_start(as_of, np.arange(-INVOICE_MONTHS, 0))
    cal_month = (months.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12)
    p_active = np.clip(0.3 + 0.9 * share, 0.3, 0.95)
    active = rng.random((len(s), INVOICE_MONTHS)) < p_active[:, None]
    pi, t = np.nonzero(active)
    seller = s[pi]
    day = months[t] + rng.integers(0, 28, len(pi))
    imminent = ctx.outcome.cause[seller] == OWN
    trend = np.exp(ctx.growth[seller] * (t - (INVOICE_MONTHS - 1)) / 12
                   - np.where(imminent, 0.3 * np.maximum(t - (INVOICE_MONTHS - 5), 0), 0.0))
    amount = (ctx.turnover[seller] / 12 * share[pi] * SEASON[cal_month[t]] * trend
              * np.exp(rng.normal(0, 0.35, len(pi))))
    amount = np.round(amount, 2)
    avg_invoice = np.minimum(95_000, np.exp(rng.normal(10.4, 1.0, ctx.n)))
    count = np.maximum(1, np.round(amount / avg_invoice[seller]))
    valid = (day <= ctx.end[seller]) & (amount > 0)
    seller, buyer_r, day = seller[valid], buyer[pi[valid]], day[valid]
    amount, count = amount[valid], count[valid]

    # fraud rings: circular invoicing among members in their last months
    ring_s: list[np.ndarray] = []
    ring_b: list[np.ndarray] = []
    ring_d: list[np.ndarray] = []
    ring_a: list[np.ndarray] = []
    for members in ctx.firms.ring_members:
        length = int(rng.integers(4, 10))
        k = len(members)
        src = np.repeat(members, length)
        dst = np.repeat(np.roll(members, -1), length)
        tt = np.tile(np.arange(INVOICE_MONTHS - length, INVOICE_MONTHS), k)
        ring_s.append(src)
        ring_b.append(ctx.gidx[dst])
        ring_d.append(months[tt] + rng.integers(0, 28, len(tt)))
        ring_a.append(np.round(np.exp(rng.normal(13.5, 0.4, len(tt))), -4))
    if ring_s:
        rs, rbuy, rd, ra = (np.concatenate(x) for x in (ring_s, ring_b, ring_d, ring_a))
        seller = np.concatenate([seller, rs])
        buyer_r = np.concatenate([buyer_r, rbuy])
        day = np.concatenate([day, rd])
        amount = np.concatenate([amount, ra])
        count = np.concatenate([count, np.maximum(1, np.round(ra / 95_000))])

    # voided invoices (extra rows) and credit notes (negative rows)
    void_rate = sigmoid(-2.6 + 0.45 * ctx.stress + rng.normal(0, 0.5, ctx.n))
    v = rng.random(len(seller)) < void_rate[seller]
    neg = rng.random(len(seller)) < 0.03
    neg_day = np.minimum(day[neg] + rng.integers(0, 21, int(neg.sum())), as_of)
    all_s = np.concatenate([seller, seller[v], seller[neg]])
    all_b = np.concatenate([buyer_r, buyer_r[v], buyer_r[neg]])
    all_d = np.concatenate([day, day[v], neg_day])
    all_a = np.concatenate([amount, np.round(amount[v] * rng.uniform(0.05, 0.4, int(v.sum())), 2),
                            -np.round(amount[neg] * rng.uniform(0.02, 0.3, int(neg.sum())), 2)])
    all_n = np.concatenate([count, np.maximum(1, np.round(count[v] * 0.1)), np.ones(int(neg.sum()))])
    n_valid = len(seller)
    code_idx = np.concatenate([np.zeros(n_valid, dtype=np.int64), np.ones(int(v.sum()), dtype=np.int64),
                               np.zeros(int(neg.sum()), dtype=np.int64)])
    codes = pa.array(["valid", "voided"], pa.string()).take(pa.array(code_idx))
    g_seller = ctx.gidx[all_s]
    eb.add("invoice_out", all_d, lags(rng, len(all_d), 0, 2), firm=g_seller, amount=all_a, value=all_n, code=codes,
           counterparty=all_b)
    eb.add("invoice_in", all_d, lags(rng, len(all_d), 0, 3), firm=all_b, amount=all_a, value=all_n, code=codes,
           counterparty=g_seller)

    # trade relations: one per (seller, buyer) with the valid net amount and the first/last invoice day
    valid_rows = code_idx == 0
    key = g_seller[valid_rows] * ctx.cfg.n_enterprises + all_b[valid_rows]
    uk, inv = np.unique(key, return_inverse=True)
    total = np.bincount(inv, weights=all_a[valid_rows])
    first = np.full(len(uk), np.iinfo(np.int64).max)
    last = np.zeros(len(uk), dtype=np.int64)
    np.minimum.at(first, inv, all_d[valid_rows])
    np.maximum.at(last, inv, all_d[valid_rows])
    rb.add("trade", first, last + 1, src_firm=uk // ctx.cfg.n_enterprises, dst_firm=uk % ctx.cfg.n_enterprises,
           amount=np.round(total, 2), end=last)

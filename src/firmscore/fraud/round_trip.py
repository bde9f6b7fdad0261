"""Invoice round trips (对开 / 循环开票): money invoiced around a loop of firms, the same amount each hop,
within days, so that every firm on the loop books turnover that never left the loop.

A *matched cycle* is a sequence of invoices ``n0 → n1 → … → n0`` of length 2 to :data:`MAX_LENGTH`
whose amounts are all within :data:`AMOUNT_TOL` (log-ratio) of the first one and whose dates all lie
within a span of :data:`WINDOW_DAYS` (a span, not an order: where the money enters a loop depends on
which firm one starts reading it from). Loops found by topology alone (the graph's
``rel_trade_cycle_member``) are common in real supply chains; matching amounts in short windows are
what round-tripping leaves behind. The search is a path extension in DuckDB: invoices are joined on
"next seller = previous buyer" and the first invoice's amount bin (the bin and its two neighbours),
each loop is anchored at its smallest node so it is found once, and nodes may not repeat. Counterparties
without an enterprise record are nodes too (real invoice data names them), though only firms get a
strength.

Per firm: ``rounds`` = matched cycles through it, one per first invoice (the tightest,
:func:`tightest_per_round`), and ``share`` = the part of
its invoiced volume those cycles carry; ``strength = (1 − 0.4^rounds) · (0.4 + 0.6 · min(1, share / 0.3))``:
one coincidental match in a big trading book stays low, three rounds that carry a third of the book is
close to 1.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from firmscore.fraud.evidence import as_int, capped, money
from firmscore.fraud.inputs import FraudInputs
from firmscore.fraud.types import Typology, TypologyResult, empty_evidence, result
from firmscore.i18n import both

MAX_LENGTH = 5
AMOUNT_TOL = 0.06
WINDOW_DAYS = 60
SHARE_FULL = 0.3
MIN_AMOUNT = 1000.0


def matched_cycles(invoices: pd.DataFrame, *, max_length: int = MAX_LENGTH, tol: float = AMOUNT_TOL,
                   window: int = WINDOW_DAYS) -> pd.DataFrame:
    """Every matched cycle: one row per (cycle, hop) — ``cycle``, ``hop``, ``seller``, ``buyer``, ``day``,
    ``amount``, ``record_id`` (``cycle`` numbers cycles from 0 in a stable order)."""
    con = duckdb.connect(":memory:")
    try:
        inv = invoices[invoices["amount"] >= MIN_AMOUNT].reset_index(drop=True)
        inv = inv.assign(i=np.arange(len(inv), dtype=np.int64))
        con.register("inv_df", inv)
        step = float(np.log1p(tol))
        con.execute(
            f"""CREATE TEMP TABLE e AS SELECT i, seller AS s, buyer AS b, day AS d, ln(amount) AS la,
                CAST(floor(ln(amount) / {step}) AS BIGINT) AS bin FROM inv_df"""
        )
        con.execute("CREATE TEMP TABLE ex AS SELECT e.*, bin + k AS jb FROM e, (VALUES (-1), (0), (1)) t(k)")
        con.execute(
            "CREATE TEMP TABLE p1 AS SELECT i AS i0, s AS n0, b AS n1, d AS dmin, d AS dmax, la AS la0, bin AS bin0 "
            "FROM e WHERE b > s"
        )
        found: list[pd.DataFrame] = []
        prev_nodes = ["n0", "n1"]
        prev_ids = ["i0"]
        for k in range(1, max_length):
            last = prev_nodes[-1]
            nxt = f"n{k + 1}"
            distinct = " AND ".join(f"x.b <> p.{c}" for c in prev_nodes[1:])
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE p{k + 1} AS
                SELECT p.* EXCLUDE (dmin, dmax), x.i AS i{k}, x.b AS {nxt}, least(p.dmin, x.d) AS dmin,
                       greatest(p.dmax, x.d) AS dmax
                FROM p{k} p JOIN ex x ON x.s = p.{last} AND x.jb = p.bin0
                WHERE greatest(p.dmax, x.d) - least(p.dmin, x.d) <= {window} AND abs(x.la - p.la0) <= {step}
                  AND (x.b = p.n0 OR (x.b > p.n0 AND {distinct}))"""
            )
            ids = [*prev_ids, f"i{k}"]
            closed = con.sql(f"SELECT {', '.join(ids)} FROM p{k + 1} WHERE {nxt} = n0").df()
            if len(closed):
                found.append(closed.assign(length=k + 1))
            if k + 1 < max_length:
                con.execute(f"DELETE FROM p{k + 1} WHERE {nxt} = n0")
            prev_nodes.append(nxt)
            prev_ids = ids
        if not found:
            return pd.DataFrame(columns=["cycle", "hop", "seller", "buyer", "day", "amount", "record_id"])
        hops = []
        cycle_base = 0
        for frame in found:
            cols = [c for c in frame.columns if c.startswith("i")]
            m = len(frame)
            for h, c in enumerate(cols):
                hops.append(pd.DataFrame({"cycle": np.arange(m) + cycle_base, "hop": h, "i": frame[c].to_numpy()}))
            cycle_base += m
        hop = pd.concat(hops, ignore_index=True)
        hop = hop.join(inv.drop(columns=["i"]), on="i").drop(columns=["i"])
        return hop.sort_values(["cycle", "hop"], kind="stable").reset_index(drop=True)
    finally:
        con.close()


def tightest_per_round(hops: pd.DataFrame) -> pd.DataFrame:
    """One loop per first invoice (a *round*): the one with the shortest span, so that legs of neighbouring
    rounds combined into extra loops neither count as more rounds nor crowd the evidence."""
    if hops.empty:
        return hops
    per = hops.groupby("cycle").agg(first=("record_id", "first"), lo=("day", "min"), hi=("day", "max"))
    per["span"] = per["hi"] - per["lo"]
    keep = per.reset_index().sort_values(["first", "span", "cycle"], kind="stable").drop_duplicates("first")
    return hops[hops["cycle"].isin(keep["cycle"])].reset_index(drop=True)


def detect_round_trips(inputs: FraudInputs) -> TypologyResult:
    """Per-firm round-trip strength from the matched cycles through it."""
    n = inputs.n
    strength = np.zeros(n)
    hops = tightest_per_round(matched_cycles(inputs.invoices))
    if hops.empty or n == 0:
        return result(Typology.ROUND_TRIP, strength, empty_evidence())
    # every node of a cycle is a seller of one of its hops
    on = hops[["cycle", "seller"]].rename(columns={"seller": "node"})
    on = on[on["node"] < n].drop_duplicates()
    rounds = on.groupby("node")["cycle"].nunique()
    inv = inputs.invoices
    volume = np.zeros(n)
    np.add.at(volume, inv["seller"].to_numpy()[inv["seller"].to_numpy() < n],
              inv["amount"].to_numpy()[inv["seller"].to_numpy() < n])
    np.add.at(volume, inv["buyer"].to_numpy()[inv["buyer"].to_numpy() < n],
              inv["amount"].to_numpy()[inv["buyer"].to_numpy() < n])
    # cycle volume per firm: its sold and bought hops (distinct invoices)
    mine = pd.concat([hops[["seller", "record_id", "amount"]].rename(columns={"seller": "node"}),
                      hops[["buyer", "record_id", "amount"]].rename(columns={"buyer": "node"})])
    mine = mine[mine["node"] < n].drop_duplicates(["node", "record_id"])
    cyc_vol = mine.groupby("node")["amount"].sum()
    idx = rounds.index.to_numpy(dtype=np.int64)
    r = rounds.to_numpy(dtype=np.float64)
    share = cyc_vol.reindex(rounds.index).to_numpy() / np.maximum(volume[idx], 1e-9)
    strength[idx] = (1 - 0.4 ** r) * (0.4 + 0.6 * np.minimum(1.0, share / SHARE_FULL))
    # evidence: the firm's cycles, strongest (most recent first invoice) first, up to three
    firsts = hops[hops["hop"] == 0].set_index("cycle")
    per_node = on.merge(firsts[["day"]], left_on="cycle", right_index=True).sort_values(
        ["node", "day", "cycle"], ascending=[True, False, True], kind="stable")
    by_cycle = {as_int(c): g for c, g in hops.groupby("cycle", sort=False)}
    rows = []
    for node, g in per_node.groupby("node", sort=True):
        recs: list[str] = []
        paths: list[str] = []
        for c in g["cycle"].to_numpy()[:3]:
            cyc = by_cycle[int(c)]
            recs += cyc["record_id"].astype(str).tolist()
            sellers = [int(x) for x in cyc["seller"].to_numpy()]
            nodes = [inputs.node_id(x) for x in [*sellers, sellers[0]]]
            legs = [f"{nodes[h]} →({money(float(a))}, {_iso(int(d))})" for h, (a, d) in
                    enumerate(zip(cyc["amount"].to_numpy(), cyc["day"].to_numpy(), strict=True))]
            paths.append(" ".join(legs) + f" {nodes[-1]}")
        i = as_int(node)
        zh, en = both("fraud.round_trip", rounds=int(rounds.loc[node]), share=float(share[np.searchsorted(idx, i)]),
                      tol=AMOUNT_TOL, days=WINDOW_DAYS)
        rows.append((i, capped(recs), capped(paths, 3), zh, en))
    ev = pd.DataFrame(rows, columns=["firm", "record_ids", "paths", "explanation_zh", "explanation_en"])
    return result(Typology.ROUND_TRIP, strength, ev)


def _iso(day: int) -> str:
    return str(np.datetime64(day, "D"))

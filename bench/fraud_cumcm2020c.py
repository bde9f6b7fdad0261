"""What the round-trip detector finds in the real cumcm2020c invoice network (no labels: counts and examples).

The 425 firms (``E…``) report every VAT invoice they issued and received; their counterparties are
anonymised codes (``A…``) whose own invoices are not in the data, so the network is bipartite: a loop
must run firm → counterparty → firm → counterparty → … → firm, and a 2-loop (a firm selling to and
buying from the same counterparty) is possible but absent here. The whole history (Oct 2016 – Feb
2020) is searched: nodes, edges, reciprocal pairs, strongly connected components and topological loops
up to length 4 (the graph's circle finder), then *matched* loops (:func:`firmscore.fraud.round_trip.
matched_cycles`: every leg within 5 % of the same amount, all legs within 45 days), and the per-firm
strength of ``firmscore fraud --as-of 2020-02-29``. Two worked examples are printed.

Usage::

    .venv/bin/python bench/fraud_cumcm2020c.py [--home bench-homes/cumcm2020c-fraud] [--datasets DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd

from firmscore.config import shared_datasets_dir
from firmscore.fraud.evidence import money
from firmscore.fraud.round_trip import AMOUNT_TOL, MAX_LENGTH, WINDOW_DAYS, matched_cycles
from firmscore.fraud.run import run_fraud
from firmscore.graph.build import csr_from_edges
from firmscore.graph.circles import find_circles
from firmscore.ingest import ingest_paths
from firmscore.store import DataHome

AS_OF = dt.date(2020, 2, 29)


def all_invoices(home: DataHome) -> tuple[pd.DataFrame, list[str]]:
    """Every valid positive invoice of the history as (seller, buyer, day, amount, record_id) node indexes."""
    con = home.connect()
    try:
        df = con.sql(
            """SELECT CASE WHEN event_type = 'invoice_out' THEN subject_id ELSE counterparty_id END AS s,
                      CASE WHEN event_type = 'invoice_out' THEN counterparty_id ELSE subject_id END AS b,
                      datediff('day', DATE '1970-01-01', event_date)::INTEGER AS day, amount, record_id
               FROM event WHERE event_type IN ('invoice_out', 'invoice_in') AND counterparty_id IS NOT NULL
                 AND coalesce(code, 'valid') <> 'voided' AND amount > 0"""
        ).df()
    finally:
        con.close()
    nodes = sorted(set(df["s"]) | set(df["b"]))
    index = {n: i for i, n in enumerate(nodes)}
    out = pd.DataFrame({"seller": df["s"].map(index).astype(np.int64), "buyer": df["b"].map(index).astype(np.int64),
                        "day": df["day"], "amount": df["amount"], "record_id": df["record_id"]})
    return out, nodes


def relays(inv: pd.DataFrame, nodes: list[str]) -> None:
    """Relays, the visible half of a loop: the same amount going in and out of one node within days.

    Through a counterparty (firm → counterparty → another firm) and through a firm (its purchase from one
    counterparty matched by a sale of the same amount to another), each output invoice counted once.
    """
    import duckdb

    is_firm = np.array([x.startswith("cumcm:E") for x in nodes])
    con = duckdb.connect(":memory:")
    try:
        con.register("inv", inv.assign(sf=is_firm[inv["seller"].to_numpy()], bf=is_firm[inv["buyer"].to_numpy()]))
        step = float(np.log1p(AMOUNT_TOL))
        df = con.sql(
            f"""SELECT a.seller AS src, a.buyer AS mid, b.buyer AS dst, a.day AS d1, b.day AS d2, a.amount AS a1,
                       b.amount AS a2, a.record_id AS r1, b.record_id AS r2, a.bf AS via_firm
                FROM inv a JOIN inv b ON b.seller = a.buyer AND b.buyer <> a.seller
                WHERE b.day BETWEEN a.day AND a.day + {WINDOW_DAYS} AND abs(ln(b.amount / a.amount)) <= {step}
                  AND a.amount >= 10000
                QUALIFY row_number() OVER (PARTITION BY b.record_id ORDER BY b.day - a.day, a.record_id) = 1"""
        ).df()
    finally:
        con.close()
    out_volume = inv.groupby("seller")["amount"].sum()
    for via_firm, label in ((False, "through a counterparty (firm → counterparty → firm)"),
                            (True, "through a firm (counterparty → firm → counterparty)")):
        d = df[df["via_firm"] == via_firm]
        if not via_firm:
            d = d[is_firm[d["src"].to_numpy()] & is_firm[d["dst"].to_numpy()]]
        print(f"relays {label}, ≥ ¥10,000, within {AMOUNT_TOL:.0%} and {WINDOW_DAYS} days: {len(d):,} matched "
              f"output invoices, {d['mid'].nunique():,} relaying nodes")
        if d.empty:
            continue
        per_mid = d.groupby("mid").agg(n=("r2", "size"), amount=("a2", "sum"))
        per_mid["share"] = per_mid["amount"] / out_volume.reindex(per_mid.index).to_numpy()
        if via_firm:
            print(f"  firms whose matched pass-through sales exceed 20 % of their sales: "
                  f"{int((per_mid['share'] > 0.2).sum())} of {int(is_firm.sum())}; median share "
                  f"{per_mid['share'].median():.1%}")
        for k, (mid, row) in enumerate(per_mid.sort_values("share", ascending=False).head(2).iterrows(), 1):
            ex = d[d["mid"] == mid].sort_values(["a2", "r2"], ascending=[False, True]).iloc[0]
            print(f"  example {k}: {nodes[int(ex['src'])]} →({money(ex['a1'])}, {np.datetime64(int(ex['d1']), 'D')}) "
                  f"{nodes[int(mid)]} →({money(ex['a2'])}, {np.datetime64(int(ex['d2']), 'D')}) "
                  f"{nodes[int(ex['dst'])]}; {int(row['n']):,} matched sales of {nodes[int(mid)]}, "
                  f"{row['share']:.1%} of its sales; records {ex['r1']}, {ex['r2']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=Path("bench-homes/cumcm2020c-fraud"))
    ap.add_argument("--datasets", type=Path, default=None)
    args = ap.parse_args()
    dh = DataHome.open(args.home)
    if not (args.home / "data" / "event").exists():
        t0 = time.perf_counter()
        ingest_paths(dh, [(args.datasets or shared_datasets_dir()) / "cumcm2020c"], source="cumcm2020c",
                     ledger=False, workers=2)
        print(f"ingested in {time.perf_counter() - t0:.1f} s")
    inv, nodes = all_invoices(dh)
    n = len(nodes)
    firms = sum(1 for x in nodes if x.startswith("cumcm:E"))
    pairs = inv[["seller", "buyer"]].drop_duplicates()
    rev = pairs.merge(pairs, left_on=["seller", "buyer"], right_on=["buyer", "seller"])
    print(f"invoices (valid, positive): {len(inv):,}; nodes {n:,} ({firms} firms, {n - firms:,} counterparties); "
          f"directed edges {len(pairs):,}; reciprocal pairs {len(rev) // 2:,}")
    adj = csr_from_edges(pairs["seller"].to_numpy(), pairs["buyer"].to_numpy(), np.ones(len(pairs), dtype=np.bool_),
                         (n, n), np.dtype(np.bool_))
    t0 = time.perf_counter()
    circ = find_circles(adj, max_length=MAX_LENGTH, max_cycles=2_000_000)
    members = circ.scc_size > 0
    print(f"non-trivial SCCs: {circ.n_circles:,}, {int(members.sum()):,} nodes ({int(members[:n].sum())} in them); "
          f"largest {int(circ.scc_size.max()):,}; topological loops ≤ {MAX_LENGTH}: {len(circ.cycles):,}"
          f"{'' if circ.complete else ' (listing stopped: lower bound)'}; firms on one: "
          f"{len({v for c in circ.cycles for v in c if nodes[v].startswith('cumcm:E')})} "
          f"({time.perf_counter() - t0:.1f} s)")
    t0 = time.perf_counter()
    hops = matched_cycles(inv)
    n_cyc = int(hops["cycle"].nunique()) if len(hops) else 0
    print(f"matched loops (legs within {AMOUNT_TOL:.0%}, span ≤ {WINDOW_DAYS} days): {n_cyc:,} "
          f"({time.perf_counter() - t0:.1f} s)")
    if n_cyc:
        length = hops.groupby("cycle")["hop"].size()
        print("  by length:", length.value_counts().sort_index().to_dict())
        on = {nodes[v] for v in hops["seller"] if nodes[v].startswith("cumcm:E")}
        print(f"  firms on a matched loop: {len(on)}: {sorted(on, key=lambda x: int(x.split('E')[-1]))[:20]}")
        per_cycle = hops.groupby("cycle").agg(amount=("amount", "sum"), day=("day", "min"))
        for k, c in enumerate(per_cycle.sort_values("amount", ascending=False).index[:2], 1):
            g = hops[hops["cycle"] == c]
            legs = " ".join(f"{nodes[s]} →({money(a)}, {np.datetime64(int(d), 'D')})"
                            for s, a, d in zip(g["seller"], g["amount"], g["day"], strict=True))
            print(f"  example {k}: {legs} {nodes[int(g['seller'].iat[0])]}; records {list(g['record_id'])}")
    relays(inv, nodes)
    t0 = time.perf_counter()
    _, results = run_fraud(dh, AS_OF)
    print(f"firmscore fraud --as-of {AS_OF} in {time.perf_counter() - t0:.1f} s:")
    for ty, r in results.items():
        print(f"  {ty.value}: strength > 0 for {int((r.strength > 0).sum())} firms, ≥ 0.5 for "
              f"{int((r.strength >= 0.5).sum())}")


if __name__ == "__main__":
    main()

"""Benchmark: federated vs centralised vs single-party scorecards, and the cost of each protocol step.

Run by hand (not part of the test suite)::

    .venv/bin/python bench/federated.py --quality            # Polish ratios split by column
    .venv/bin/python bench/federated.py --psi 1000000        # PSI of 1M × 1M ids (half in common)
    .venv/bin/python bench/federated.py --cost 100000 --cost-iterations 5

Quality: the Polish bankruptcy ratios (``<datasets>/polish/1year.arff``, 7,027 firms, 64 ratios) are
split by column — every fourth ratio with the labels at the guest (bank), the rest at the host
(platform). Stratified 70/30 train/test split; AUC on the test rows of: host-only and guest-only
local cards (the host-only card is what the platform could build if it had the labels, an upper
bound), the federated card (both parties, the real protocol in one process, every frame signed and
checked) and the centralised card on the pooled columns. All four use the same settings
(``refine=False``, no correlation filter). Target: federated within 0.005 of centralised, clearly
above the better single party.

Cost: ``n`` common firms × (30 host + 10 guest) synthetic features; binning in full, the regression
for ``--cost-iterations`` iterations (per-iteration time and bytes are what a full run repeats;
the table extrapolates to the iterations the quality run needed). PSI: ``n`` × ``n`` ids.
Timings on a shared, loaded 2-core machine: report ratios, not absolutes.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rich.console import Console
from rich.table import Table
from scipy.special import expit

from firmscore.config import shared_datasets_dir
from firmscore.federate import psi
from firmscore.federate.guest import GuestOutcome, train_guest
from firmscore.federate.session import GuestLink, HostEndpoint
from firmscore.federate.settings import FedSettings, PartyData
from firmscore.model.binning.process import BinningProcess
from firmscore.model.metrics import roc_auc
from firmscore.model.public_data import load_polish
from firmscore.model.scorecard import Scorecard

console = Console()


def federated(guest: PartyData, host: PartyData, settings: FedSettings, bits: int = 2048
              ) -> tuple[GuestOutcome, HostEndpoint, GuestLink, float]:
    gk, hk = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    endpoint = HostEndpoint(key=hk, peer=gk.public_key(), data=host)
    link = GuestLink.open(session="bench", key=gk, peer=hk.public_key(), send=endpoint.answer)
    t = time.perf_counter()
    out = train_guest(data=guest, settings=settings, ask=link.ask, session="bench", paillier_bits=bits)
    return out, endpoint, link, time.perf_counter() - t


def local_card(X: pd.DataFrame, y: np.ndarray) -> Scorecard:
    return Scorecard(binning_process=BinningProcess(refine=False), max_corr=None).fit(X, y)


def quality() -> None:
    ds = load_polish(shared_datasets_dir() / "polish" / "1year.arff")
    X, y = ds.X.reset_index(drop=True), ds.y.astype(np.float64)
    ids = np.array([f"PL{i:06d}" for i in range(len(y))])
    rng = np.random.default_rng(7)
    test = np.zeros(len(y), dtype=bool)
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        test[rng.choice(idx, round(0.3 * idx.size), replace=False)] = True
    gcols = list(X.columns[::4])
    hcols = [c for c in X.columns if c not in gcols]
    tr = ~test
    settings = FedSettings()
    out, endpoint, link, secs = federated(
        PartyData(ids=list(ids[tr]), X=X.loc[tr, gcols].reset_index(drop=True), y=y[tr]),
        PartyData(ids=list(ids[tr]), X=X.loc[tr, hcols].reset_index(drop=True)), settings)
    hcard = endpoint.sessions["bench"].training.card  # type: ignore[union-attr]
    assert hcard is not None
    Xt = X.loc[test].reset_index(drop=True)
    g_pts, _ = out.card.partial(Xt)
    h_pts, _ = hcard.partial(Xt)
    fed_score = out.card.base_points + g_pts + h_pts
    rows = []
    for name, cols in (("host only (platform, if it had labels)", hcols), ("guest only (bank)", gcols),
                       ("centralised (pooled)", list(X.columns))):
        sc = local_card(X.loc[tr, cols].reset_index(drop=True), y[tr])
        rows.append((name, roc_auc(y[test], -sc.score(Xt[cols]).astype(float)), len(sc.card_.features)))
    rows.insert(2, ("federated (guest + host)", roc_auc(y[test], -fed_score.astype(float)),
                    len(out.card.features) + len(hcard.features)))
    central = rows[3][1]
    t = Table(title=f"Polish 1year, {int(tr.sum())} train / {int(test.sum())} test firms, "
                    f"{len(gcols)} guest + {len(hcols)} host ratios")
    for c in ("card", "test AUC", "Δ vs centralised", "features"):
        t.add_column(c)
    for name, auc, nf in rows:
        t.add_row(name, f"{auc:.4f}", f"{auc - central:+.4f}", str(nf))
    console.print(t)
    console.print(f"federated training: {secs:.1f} s, {out.iterations} iterations, timings {out.timings}, "
                  f"bytes guest→host {link.channel.bytes_sent:,}, host→guest {link.channel.bytes_received:,}")


def cost(n: int, iterations: int, bits: int) -> None:
    rng = np.random.default_rng(3)
    H = pd.DataFrame(rng.normal(size=(n, 30)), columns=[f"h{j}" for j in range(30)])
    G = pd.DataFrame(rng.normal(size=(n, 10)), columns=[f"g{j}" for j in range(10)])
    z = -3 + H.iloc[:, :10].to_numpy() @ rng.uniform(0.1, 0.4, 10) + G.iloc[:, :5].to_numpy() @ rng.uniform(0.1, 0.4, 5)
    y = (rng.random(n) < expit(z)).astype(np.float64)
    ids = [f"C{i:09d}" for i in range(n)]
    out, _, link, secs = federated(PartyData(ids=ids, X=G, y=y), PartyData(ids=ids, X=H),
                                   FedSettings(max_iter=iterations), bits)
    per_iter = out.timings["regression"] / max(out.iterations, 1)
    t = Table(title=f"cost: {n:,} common firms × (30 host + 10 guest) features, Paillier {bits} bits, CKKS N=8192")
    for c in ("step", "seconds"):
        t.add_column(c)
    for k, v in out.timings.items():
        t.add_row(k, f"{v:.1f}")
    t.add_row("regression per iteration", f"{per_iter:.1f}")
    t.add_row("binning + 100 iterations (extrapolated)", f"{out.timings['binning'] + 100 * per_iter:.0f}")
    t.add_row("target (binning + regression)", "600")
    console.print(t)
    console.print(f"bytes guest→host {link.channel.bytes_sent:,}, host→guest {link.channel.bytes_received:,} "
                  f"over {out.iterations} iterations (total {secs:.0f} s)")


def psi_cost(n: int, workers: int) -> None:
    guest = [f"9111{i:014d}" for i in range(n)]
    host = [f"9111{i:014d}" for i in range(n // 2, n + n // 2)]
    a, b = psi.new_secret(), psi.new_secret()
    t0 = time.perf_counter()
    g1 = psi.blind(a, psi.hash_ids(guest), workers)
    h1 = psi.blind(b, psi.hash_ids(host), workers)
    gb = psi.blind(b, g1, workers)
    hb = psi.blind(a, h1, workers)
    mine, _ = psi.matches(gb, hb)
    secs = time.perf_counter() - t0
    assert len(mine) == n - n // 2
    console.print(f"PSI {n:,} × {n:,} ids ({len(mine):,} common), {workers} workers per side, both sides' work "
                  f"in one process (sequential): {secs:.1f} s; {4 * n:,} X25519 operations, "
                  f"{(4 * n) / secs:,.0f} ops/s; bytes each way {64 * n:,}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--psi", type=int, default=0)
    ap.add_argument("--psi-workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--cost", type=int, default=0)
    ap.add_argument("--cost-iterations", type=int, default=5)
    ap.add_argument("--paillier-bits", type=int, default=2048)
    args = ap.parse_args()
    if args.quality:
        quality()
    if args.psi:
        psi_cost(args.psi, args.psi_workers)
    if args.cost:
        cost(args.cost, args.cost_iterations, args.paillier_bits)


if __name__ == "__main__":
    main()

"""Fraud typologies measured on a BLIND synthetic universe (issue 19).

Two universes are generated: *dev* (seed ``--dev-seed``, the ``dev`` plan) and *blind* (seed
``--blind-seed``, the ``blind`` plan: another mixture of typologies and their camouflage, see
``firmscore.synth.fraud_config``). Each gets its fraud planted, is ingested into its own home and
scored by ``firmscore fraud`` (``run_fraud``, timed). The detectors never see the plan or the truth.

On dev, an "analyst" reviews the top ``--reviews`` firms of every typology (by strength, down to 0.2)
and records verdicts from the dev truth; the thresholds are re-tuned from those verdicts exactly as
``firmscore fraud --verdict`` does. The blind universe is then reported with the default thresholds
and with the dev-tuned ones, per typology, over the firms in business on the as-of date:
precision, recall, precision in a review budget of 1 % of firms (top 1 % by that typology's
strength; ``max`` is what a perfect ranking could reach when there are fewer positives than the
budget), false-positive rate on clean firms (no fraud of any kind), and the queue's top-1 % precision
(any typology).

Usage::

    .venv/bin/python bench/fraud.py [--size 20000] [--dev-seed 7] [--blind-seed 2026] [--work DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table

from firmscore.fraud.artifact import open_fraud_artifact
from firmscore.fraud.queue import TYPOLOGIES, queue_score
from firmscore.fraud.run import run_fraud
from firmscore.fraud.thresholds import DEFAULT_THRESHOLD, tune_threshold
from firmscore.ingest import ingest_paths
from firmscore.store import DataHome
from firmscore.synth import generate
from firmscore.synth.fraud_config import PRESETS
from firmscore.synth.fraud_plant import TRUTH_FILE, plant_fraud

AS_OF = dt.date(2025, 6, 30)


def build(work: Path, name: str, size: int, seed: int, console: Console,
          plan_name: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Generate, plant, ingest and detect one universe: (indicators, truth, seconds of ``run_fraud``)."""
    uni, home = work / f"{name}-universe", work / f"{name}-home"
    t0 = time.perf_counter()
    generate(uni, size, seed, as_of=AS_OF, progress=False)
    plan = plant_fraud(uni, PRESETS[plan_name or name], seed=seed)
    console.print(f"{name}: generated + planted in {time.perf_counter() - t0:.1f} s; truth firms {plan.truth_firms}")
    t0 = time.perf_counter()
    ingest_paths(home, [uni], source="synth", ledger=False, workers=2)
    console.print(f"{name}: ingested in {time.perf_counter() - t0:.1f} s")
    dh = DataHome.open(home)
    t0 = time.perf_counter()
    run_fraud(dh, AS_OF)
    seconds = time.perf_counter() - t0
    console.print(f"{name}: firmscore fraud in {seconds:.1f} s")
    art = open_fraud_artifact(dh, AS_OF)
    truth = pq.read_table(uni / "truth" / TRUTH_FILE).to_pandas()
    return art.indicators, truth, seconds


def labels(ind: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Boolean frame (firm × typology) of the truth, aligned with ``ind``."""
    out = pd.DataFrame(False, index=ind.index, columns=list(TYPOLOGIES))
    pos = ind.reset_index().merge(truth, on="enterprise_id")
    for ty, g in pos.groupby("typology"):
        out.loc[g["index"].to_numpy(), str(ty)] = True
    return out


def tune_on_dev(ind: pd.DataFrame, y: pd.DataFrame, reviews: int) -> dict[str, float]:
    """Thresholds re-tuned from simulated verdicts on the top ``reviews`` dev firms of every typology."""
    out = {}
    active = ind["active"].to_numpy(dtype=bool)
    for ty in TYPOLOGIES:
        s = np.where(active, ind[ty].to_numpy(), -1.0)
        top = np.argsort(-s, kind="stable")[:reviews]
        top = top[s[top] >= 0.2]
        out[ty], _ = tune_threshold(s[top], y[ty].to_numpy()[top], current=DEFAULT_THRESHOLD)
    return out


def report(ind: pd.DataFrame, y: pd.DataFrame, thresholds: dict[str, float], title: str, console: Console) -> None:
    active = ind["active"].to_numpy(dtype=bool)
    n = int(active.sum())
    budget = max(1, round(0.01 * n))
    clean = active & ~y.to_numpy().any(axis=1)
    table = Table(title=title)
    for col in ("typology", "threshold", "positives", "flagged", "precision", "recall", "P@1%", "P@1% max",
                "clean FPR"):
        table.add_column(col, justify="left" if col == "typology" else "right")
    flagged_any = np.zeros(len(ind), dtype=bool)
    for ty in TYPOLOGIES:
        s = ind[ty].to_numpy()
        pos = y[ty].to_numpy() & active
        flag = (s >= thresholds[ty]) & active
        flagged_any |= flag
        tp = int((flag & pos).sum())
        order = np.lexsort((ind["enterprise_id"].to_numpy(dtype=object), -np.where(active, s, -1.0)))[:budget]
        p_at = float(pos[order].mean())
        table.add_row(ty, f"{thresholds[ty]:.2f}", f"{int(pos.sum()):,}", f"{int(flag.sum()):,}",
                      f"{tp / flag.sum():.3f}" if flag.any() else "–", f"{tp / pos.sum():.3f}" if pos.any() else "–",
                      f"{p_at:.3f}", f"{min(1.0, pos.sum() / budget):.3f}", f"{(flag & clean).sum() / clean.sum():.4f}")
    any_pos = y.to_numpy().any(axis=1) & active
    q = queue_score(ind, thresholds)
    top = np.lexsort((ind["enterprise_id"].to_numpy(dtype=object), -q))[:budget]
    table.add_row("queue (any)", "", f"{int(any_pos.sum()):,}", f"{int(flagged_any.sum()):,}",
                  f"{(flagged_any & any_pos).sum() / max(flagged_any.sum(), 1):.3f}",
                  f"{(flagged_any & any_pos).sum() / max(any_pos.sum(), 1):.3f}", f"{any_pos[top].mean():.3f}",
                  f"{min(1.0, any_pos.sum() / budget):.3f}", f"{(flagged_any & clean).sum() / clean.sum():.4f}")
    console.print(table)
    console.print(f"firms in business: {n:,}; review budget 1 % = {budget:,} firms; clean firms {int(clean.sum()):,}")


def by_camouflage(ind: pd.DataFrame, truth: pd.DataFrame, thresholds: dict[str, float], console: Console,
                  name: str) -> None:
    """Recall per typology and camouflage tag (``generator`` for the generator's own rings and circles)."""
    active = ind.set_index("enterprise_id")["active"]
    t = truth[truth["enterprise_id"].isin(active[active].index)].copy()
    row = pd.Series(np.arange(len(ind)), index=ind["enterprise_id"])
    strength = {ty: ind[ty].to_numpy(dtype=np.float64) for ty in TYPOLOGIES}
    t["strength"] = [strength[str(ty)][int(row[e])] for e, ty in zip(t["enterprise_id"], t["typology"], strict=True)]
    t["found"] = t["strength"] >= t["typology"].map(thresholds)
    rows = []
    for (ty, origin), g in t.groupby(["typology", "origin"]):
        tags = g["camouflage"].fillna("").str.split(",")
        for tag in sorted({x for xs in tags for x in xs} | {""}):
            sel = g[tags.map(lambda xs, tag=tag: tag in xs if tag else xs == [""])]
            if len(sel):
                rows.append((str(ty), str(origin), tag or "none", len(sel), float(sel["found"].mean())))
    table = Table(title=f"recall by camouflage ({name}, default thresholds)")
    for col in ("typology", "origin", "camouflage", "firms", "recall"):
        table.add_column(col, justify="right" if col in ("firms", "recall") else "left")
    for ty, origin, tag, n, r in rows:
        table.add_row(ty, origin, tag, f"{n:,}", f"{r:.3f}")
    console.print(table)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--dev-seed", type=int, default=7)
    ap.add_argument("--blind-seed", type=int, default=2026)
    ap.add_argument("--dev-plan", default="dev", choices=sorted(PRESETS), help="plan of the dev universe")
    ap.add_argument("--dev-only", action="store_true", help="build and report the dev universe only")
    ap.add_argument("--reviews", type=int, default=60, help="dev verdicts per typology for re-tuning")
    ap.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one, removed)")
    args = ap.parse_args()
    console = Console(width=150)
    work = args.work or Path(tempfile.mkdtemp(prefix="fraud-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        dev_ind, dev_truth, _ = build(work, "dev", args.size, args.dev_seed, console, args.dev_plan)
        y_dev = labels(dev_ind, dev_truth)
        default = dict.fromkeys(TYPOLOGIES, DEFAULT_THRESHOLD)
        report(dev_ind, y_dev, default,
               f"DEV universe (seed {args.dev_seed}, plan {args.dev_plan}), default thresholds", console)
        if args.dev_only:
            by_camouflage(dev_ind, dev_truth, default, console, "dev")
            return
        blind_ind, blind_truth, seconds = build(work, "blind", args.size, args.blind_seed, console)
        y_blind = labels(blind_ind, blind_truth)
        tuned = tune_on_dev(dev_ind, y_dev, args.reviews)
        console.print(f"thresholds re-tuned from {args.reviews} dev verdicts per typology: {tuned}")
        report(blind_ind, y_blind, default, f"BLIND universe (seed {args.blind_seed}), default thresholds", console)
        report(blind_ind, y_blind, tuned, f"BLIND universe (seed {args.blind_seed}), thresholds tuned on dev", console)
        by_camouflage(blind_ind, blind_truth, default, console, "blind")
        console.print(f"firmscore fraud on the blind universe ({len(blind_ind):,} firms): {seconds:.1f} s")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

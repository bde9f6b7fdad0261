#!/usr/bin/env python
"""firmscore's scorecard against optbinning, side by side on the peers' benchmark data.

Data and workflow are those of ``../shared/bench/peer_bench.py`` (imported from there; pass
``--peer-bench`` or set ``FIRMSCORE_PEER_BENCH`` to move it): ``make_data(n, seed)`` with 30
numeric features, the same 70/30 split, "fit" = binning of all 30 features + WOE + logistic
regression + scorecard (points) table, "score" = raw test features → points through the
library's own scoring call, AUC and KS of ``-points`` on the test set. Scaling as in
peer_bench (PDO 20, 600 points at good:bad odds 50:1; our integer points, range wide enough
that nothing is clipped).

Each library runs in its own process, one after the other (never in parallel): firmscore in
this project's interpreter, optbinning in the peers' virtual environment (``--peers-python``,
default ``~/peers-venv/bin/python``) through ``peer_bench.py --lib optbinning``; peak memory is
each process's own maximum RSS.

    .venv/bin/python bench/scorecard_vs_peers.py --n 100000
    .venv/bin/python bench/scorecard_vs_peers.py --n 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PEER_BENCH = Path(os.environ.get("FIRMSCORE_PEER_BENCH", REPO.parent / "shared" / "bench" / "peer_bench.py"))
PDO, BASE_SCORE, BASE_ODDS = 20.0, 600.0, 50.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_firmscore(n: int, seed: int, peer_bench: Path) -> dict[str, Any]:
    """The peer_bench workflow with firmscore (runs in a child process, see ``--worker``)."""
    import numpy as np

    sys.path.insert(0, str(peer_bench.parent))
    from peer_bench import auc_ks, make_data, split

    from firmscore.model import Scorecard

    rec: dict[str, Any] = {"lib": "firmscore", "n": n, "seed": seed}
    X, y, _ = make_data(n, seed)
    tr, te = split(n, seed)
    Xtr, Xte = X.iloc[tr].reset_index(drop=True), X.iloc[te].reset_index(drop=True)
    ytr, yte = y[tr], y[te]
    del X
    t = time.perf_counter()
    sc = Scorecard(pdo=PDO, base_score=BASE_SCORE, base_odds=BASE_ODDS, score_min=-100_000, score_max=100_000)
    sc.fit(Xtr, ytr)
    table = sc.points_table()
    rec["fit_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    pts = sc.points(Xte)
    dt = time.perf_counter() - t
    rec["score_s"] = round(dt, 4)
    rec["score_rows_per_s"] = round(len(Xte) / dt, 0)
    rec["auc"], rec["ks"] = auc_ks(yte, -pts.astype(float))
    rec["n_vars_in_card"] = len(sc.card_.features)
    rec["mean_bins_per_var_incl_special_missing"] = float(table.groupby("feature").size().mean())
    rec["points_min_mean_max"] = [int(pts.min()), round(float(np.mean(pts)), 1), int(pts.max())]
    rec["peak_rss_self_mb"] = round(_rss_mb(), 1)
    rec["status"] = "ok"
    return rec


def run_child(cmd: list[str], out: Path, timeout: float) -> dict[str, Any] | None:
    """Run one benchmark process; return the last JSON record it appended to ``out``."""
    before = out.read_text().count("\n") if out.exists() else 0
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not out.exists() or out.read_text().count("\n") == before:
        sys.stderr.write(f"{cmd[0]} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}\n")
        return None
    return dict(json.loads(out.read_text().splitlines()[-1]))


def _fmt(v: Any, kind: str) -> str:
    if v is None:
        return "—"
    if kind == "s":
        return f"{v:.2f}"
    if kind == "rps":
        return f"{v:,.0f}"
    if kind == "mb":
        return f"{v / 1024:.2f} GB" if v >= 1024 else f"{v:.0f} MB"
    return f"{v:.4f}"


def print_table(ours: dict[str, Any], peer: dict[str, Any] | None, n: int) -> None:
    from rich.console import Console
    from rich.table import Table

    rows = [
        ("fit (s)", "fit_s", "s", "optbinning / firmscore", lambda a, b: b / a),
        ("scoring (rows/s)", "score_rows_per_s", "rps", "firmscore / optbinning", lambda a, b: a / b),
        ("test AUC", "auc", "f", "firmscore − optbinning", lambda a, b: a - b),
        ("test KS", "ks", "f", "firmscore − optbinning", lambda a, b: a - b),
        ("peak RSS", "peak_rss_self_mb", "mb", "optbinning / firmscore", lambda a, b: b / a),
    ]
    t = Table(title=f"Scorecard benchmark, n = {n:,} (train {round(n * 0.7):,} / test {round(n * 0.3):,})")
    for col in ("metric", "firmscore", "optbinning", "ratio / difference", "meaning"):
        t.add_column(col, justify="right" if col not in ("metric", "meaning") else "left")
    for label, key, kind, meaning, f in rows:
        a = ours.get(key)
        b = peer.get(key) if peer else None
        r = f(a, b) if a is not None and b is not None else None
        rs = "—" if r is None else (f"{r:+.4f}" if kind == "f" else f"{r:.1f}×")
        t.add_row(label, _fmt(a, kind), _fmt(b, kind), rs, meaning)
    Console().print(t)
    if peer:
        key = "mean_bins_per_var_incl_special_missing"
        print(
            f"bins per variable (incl. special/missing): firmscore {ours[key]:.1f}, "
            f"optbinning {peer.get(key, float('nan')):.1f}; "
            f"variables in card: firmscore {ours['n_vars_in_card']}, optbinning {peer.get('n_vars_in_card')}"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, required=True, help="rows (70%% train / 30%% test)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--peer-bench", type=Path, default=DEFAULT_PEER_BENCH, help="path of peer_bench.py")
    ap.add_argument("--peers-python", default=os.path.expanduser("~/peers-venv/bin/python"))
    ap.add_argument("--skip-peers", action="store_true", help="only run firmscore")
    ap.add_argument("--out", type=Path, default=None, help="JSONL file to append both records to")
    ap.add_argument("--timeout", type=float, default=1800.0)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not args.peer_bench.is_file():
        ap.error(f"peer_bench.py not found at {args.peer_bench} (use --peer-bench or FIRMSCORE_PEER_BENCH)")

    if args.worker:
        rec = run_firmscore(args.n, args.seed, args.peer_bench)
        with open(args.out, "a") as f:
            f.write(json.dumps(rec) + "\n")
        return 0

    from rich.console import Console

    console = Console(stderr=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.jsonl"
        me = [sys.executable, __file__, "--worker", "--n", str(args.n), "--seed", str(args.seed),
              "--peer-bench", str(args.peer_bench), "--out", str(out)]
        with console.status(f"firmscore: fit and score on {args.n:,} rows …"):
            ours = run_child(me, out, args.timeout)
        if ours is None:
            return 1
        peer = None
        if not args.skip_peers:
            if not Path(args.peers_python).exists():
                console.print(f"[yellow]peers' venv not found at {args.peers_python}; see ../shared/bench/README.md")
            else:
                cmd = [args.peers_python, str(args.peer_bench), "--lib", "optbinning", "--n", str(args.n),
                       "--seed", str(args.seed), "--out", str(out)]
                with console.status(f"optbinning: fit and score on {args.n:,} rows …"):
                    peer = run_child(cmd, out, args.timeout)
        if args.out:
            with open(args.out, "a") as f:
                for r in (ours, peer):
                    if r:
                        f.write(json.dumps(r) + "\n")
    print_table(ours, peer, args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())

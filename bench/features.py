"""Benchmark: the five-dimension feature matrix of a 1M-enterprise synthetic universe.

Run by hand (not part of the test suite)::

    .venv/bin/python bench/features.py                      # 1M firms, 4GB DuckDB limit, 2 threads
    .venv/bin/python bench/features.py --enterprises 100000 --work /tmp/fb-100k

Stages: ``firmscore synth`` → ``firmscore ingest --source synth --no-ledger`` (skipped when the
work folder already holds them) → ``firmscore features`` in a child process, whose peak RSS is
read from ``getrusage(RUSAGE_CHILDREN)`` so that synth/ingest memory is not counted. Then labels
and the top features by information value (not timed). Targets: under 3 minutes on 2 cores,
peak RSS under 5 GB, with a 4 GB DuckDB memory limit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from firmscore.features.compute import read_features
from firmscore.features.labels import build_labels, outcome_counts, write_labels
from firmscore.features.report import coverage_report
from firmscore.store import DataHome

TARGET_SECONDS = 180.0
TARGET_RSS_GB = 5.0


def _cli(*args: str) -> float:
    """Run ``firmscore`` with ``args``; return the wall time. Fails loudly with the command's output."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "firmscore.cli", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"firmscore {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=Path("/tmp/firmscore-bench-features"))
    parser.add_argument("--as-of", default="2025-06-30")
    parser.add_argument("--horizon", default="12m")
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--with-graph", action="store_true",
                        help="Also compute the graph module's registered features (timed with the rest).")
    args = parser.parse_args()
    console = Console()
    raw, home_dir = args.work / "synth", args.work / "home"
    as_of = dt.date.fromisoformat(args.as_of)

    if not (raw / "manifest.json").exists():
        console.print(f"synth {args.enterprises:,} enterprises → {raw}")
        _cli("synth", "-n", str(args.enterprises), "--seed", str(args.seed), "--out", str(raw), "--quiet",
             "--as-of", args.as_of)
    if not (home_dir / "data" / "event").exists():
        console.print(f"ingest → {home_dir}")
        _cli("ingest", "--home", str(home_dir), "--source", "synth", "--no-ledger", str(raw))

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scope = [] if args.with_graph else ["--builtin-only"]
    elapsed = _cli("features", "--home", str(home_dir), "--as-of", args.as_of,
                   "--memory-limit", args.memory_limit, "--threads", str(args.threads), *scope)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak_kb <= before:
        console.print("[yellow]peak RSS of the features process is not above earlier stages'; "
                      "showing the maximum over all children[/yellow]")
    peak_gb = peak_kb / 1024 / 1024

    home = DataHome(home_dir)
    features, meta = read_features(home, as_of)
    events = int(meta["events_in_snapshot"])
    table = Table(title=f"features as of {args.as_of}: {features.num_rows:,} enterprises")
    for col in ("measure", "value", "target", "ratio to target"):
        table.add_column(col, justify="right" if col != "measure" else "left")
    table.add_row("enterprises", f"{features.num_rows:,}", "", "")
    table.add_row("events in snapshot", f"{events:,}", "", "")
    table.add_row("features", f"{features.num_columns - 1}", "", "")
    table.add_row("elapsed (CLI, incl. start-up)", f"{elapsed:.1f} s", f"{TARGET_SECONDS:.0f} s",
                  f"{elapsed / TARGET_SECONDS:.2f}")
    table.add_row("compute (library)", f"{meta['elapsed_s']:.1f} s", "", "")
    table.add_row("events / s", f"{events / elapsed:,.0f}", "", "")
    table.add_row("peak RSS", f"{peak_gb:.2f} GB", f"{TARGET_RSS_GB:.0f} GB", f"{peak_gb / TARGET_RSS_GB:.2f}")
    table.add_row("DuckDB memory limit / threads", f"{args.memory_limit} / {args.threads}", "", "")
    console.print(table)
    steps = Table(title="time per step (s)")
    steps.add_column("step")
    steps.add_column("seconds", justify="right")
    for name, secs in meta["timings_s"].items():
        steps.add_row(name, f"{secs:.2f}")
    console.print(steps)

    labels = build_labels(home, as_of, args.horizon)
    write_labels(home, as_of, args.horizon, labels)
    rows = [r for r in coverage_report(features, labels) if not math.isnan(r["iv"])][: args.top]
    counts = outcome_counts(labels)
    top = Table(title=f"top {args.top} features by IV (label {args.horizon}, default rate {counts.default_rate:.2%} "
                f"of {counts.known:,} known outcomes, {counts.unknown:,} unknown)")
    for col in ("#", "feature", "dimension", "fill", "AUC", "IV"):
        top.add_column(col, justify="left" if col in ("feature", "dimension") else "right")
    for i, r in enumerate(rows, start=1):
        top.add_row(str(i), r["feature"], r["dimension"], f"{r['fill_rate']:.1%}", f"{r['auc']:.3f}", f"{r['iv']:.3f}")
    console.print(top)
    (args.work / "bench-features.json").write_text(json.dumps({
        "enterprises": features.num_rows, "events": events, "elapsed_s": elapsed, "peak_rss_gb": peak_gb,
        "memory_limit": args.memory_limit, "threads": args.threads, "timings_s": meta["timings_s"],
        "top_iv": rows}, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Benchmark: synthetic universe generation and ingestion throughput (issue 2).

Prints one table: synth throughput (enterprises/s, events/s) and peak RSS at each size, and
ingest throughput (rows/s) on the largest universe, without and with the evidence ledger.
Each stage runs in its own process so that peak RSS is that stage's own (``ru_maxrss`` of the
child). Run by hand, not by the test suite::

    .venv/bin/python bench/ingest_synth.py --sizes 100000 1000000 --ingest-size 1000000 [--ledger-size 100000]

Targets: 1M enterprises with all relations and events generated in under 5 minutes with peak RSS
under 3 GB; ingest at least 200,000 rows/s.

Ingest rows also show the CPU seconds of the run (the process and its workers) and rows per
CPU-second × the CPU count: on a shared, loaded machine wall time measures the neighbours, the CPU
figure the code. Compare two versions in the same run of the machine, by ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

CHILD_SYNTH = """
import json, resource, sys
from pathlib import Path
from firmscore.synth import generate
s = generate(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), progress=False)
open(sys.argv[-1], "w").write(json.dumps({"elapsed": s.elapsed_seconds, "records": s.records,
                  "ent_per_s": s.enterprises_per_second, "ev_per_s": s.events_per_second,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

CHILD_INGEST = """
import json, os, resource, sys, time
from firmscore.ingest import ingest_paths
t = time.perf_counter()
r = ingest_paths(sys.argv[1], [sys.argv[2]], source="synth", ledger=sys.argv[3] == "1",
                 workers=os.cpu_count() or 1)
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[-1], "w").write(json.dumps({"elapsed": time.perf_counter() - t, "read": r.total("read"),
                  "accepted": r.total("accepted"), "reconciled": r.reconciled,
                  "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                  "peak_kb": max(me.ru_maxrss, kids.ru_maxrss)}))
"""


def run_child(code: str, *args: str) -> tuple[dict[str, Any], float]:
    """Run ``code`` in a fresh interpreter; return its JSON output and its own peak RSS in GB."""
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        # the child writes its figures to a file: worker processes may share its stdout
        subprocess.run([sys.executable, "-c", code, *args, result.name], check=True, capture_output=True, text=True)
        res = json.loads(Path(result.name).read_text(encoding="utf-8"))
    return res, res["peak_kb"] / 1024 / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--ingest-size", type=int, default=1_000_000, help="universe size to ingest (0: skip)")
    ap.add_argument("--ledger-size", type=int, default=0,
                    help="also ingest this universe size with the evidence ledger (0: skip; its database takes "
                         "about 650 bytes per record)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    console = Console(width=160)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="fs-bench-"))
    table = Table(title=f"firmscore synth + ingest ({platform.node()}, {platform.processor() or platform.machine()})")
    for col in ("stage", "size", "seconds", "throughput", "peak RSS (GB)", "target", "vs target", "met"):
        table.add_column(col, justify="right" if col not in ("stage", "target") else "left")
    try:
        for n in sorted(args.sizes):
            out = work / f"synth-{n}"
            shutil.rmtree(out, ignore_errors=True)
            console.print(f"synth {n:,} enterprises …")
            res, peak = run_child(CHILD_SYNTH, str(out), str(n), str(args.seed))
            met = "" if n != 1_000_000 else ("✓" if res["elapsed"] < 300 and peak < 3 else "✗")
            ratio = "" if n != 1_000_000 else f"{300 / res['elapsed']:.1f}× faster, {3 / peak:.1f}× less"
            table.add_row("synth", f"{n:,}", f"{res['elapsed']:.1f}",
                          f"{res['ent_per_s']:,.0f} ent/s; {res['ev_per_s']:,.0f} events/s; "
                          f"{sum(res['records'].values()):,} records", f"{peak:.2f}",
                          "1M < 300 s, < 3 GB", ratio, met)
        runs = [(args.ingest_size, False)] if args.ingest_size else []
        if args.ledger_size:
            runs.append((args.ledger_size, True))
        for n, ledger in runs:
            src = work / f"synth-{n}"
            if not src.exists():
                run_child(CHILD_SYNTH, str(src), str(n), str(args.seed))
            home = work / f"home-{n}-{int(ledger)}"
            shutil.rmtree(home, ignore_errors=True)
            console.print(f"ingest {n:,}-enterprise universe (ledger={ledger}) …")
            t = time.perf_counter()
            res, peak = run_child(CHILD_INGEST, str(home), str(src), "1" if ledger else "0")
            rate = res["read"] / res["elapsed"]
            cpus = os.cpu_count() or 1
            cpu_rate = res["read"] / max(res["cpu"], 1e-9) * cpus
            table.add_row("ingest" + (" + ledger" if ledger else ""), f"{int(res['read']):,} rows",
                          f"{res['elapsed']:.1f}",
                          f"{rate:,.0f} rows/s wall; {res['cpu']:.0f} CPU s: {cpu_rate:,.0f} rows/s at "
                          f"{cpus} CPUs of its own", f"{peak:.2f}",
                          "≥ 200,000 rows/s" if not ledger else "", f"{rate / 200_000:.2f}×" if not ledger else "",
                          ("✓" if rate >= 200_000 else "✗") if not ledger else "")
            console.print(f"  reconciled: {res['reconciled']}, wall {time.perf_counter() - t:.1f} s, "
                          f"load average {os.getloadavg()[0]:.1f}")
            if ledger:
                shutil.rmtree(home, ignore_errors=True)  # its ledger database is large
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    console.print(table)


if __name__ == "__main__":
    main()

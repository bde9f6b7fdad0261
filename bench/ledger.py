"""Benchmark of the evidence ledger's Merkle log against pymerkle, on the same leaves, on SQLite.

Measures, for our log and for ``pymerkle.SqliteTree``:

* append throughput (leaves/s, batched; leaf generation is outside the timer);
* inclusion proof time at the full size, first pass over random leaves and warm (same leaves again);
* restart time: open the database and know the current size and root;
* full verification rate: re-hash every stored entry and check the tree (leaves/s).

Our ``EvidenceLedger.append_records`` (canonical encoding + sealing + Merkle append) is measured on a
smaller event table for information: that is the rate the ingestion stage sees.

Run by hand, e.g. ``.venv/bin/python bench/ledger.py --size 10000000 --pymerkle-size 1000000``.
pymerkle's proofs and root are O(n) over its leaf table, so it is run at ``--pymerkle-size``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from firmscore.ledger.audit import audit_log
from firmscore.ledger.hasher import hash_leaf
from firmscore.ledger.log import MerkleLog
from firmscore.ledger.storage.sqlite import SqliteStorage
from firmscore.ledger.verify import verify_inclusion

console = Console(width=150)


def leaf_batches(n: int, batch: int, leaf_bytes: int, seed: int) -> Iterator[list[bytes]]:
    """Deterministic pseudo-random leaves (the same for both implementations)."""
    rng = np.random.default_rng(seed)
    done = 0
    while done < n:
        k = min(batch, n - done)
        buf = rng.bytes(k * leaf_bytes)
        yield [buf[i : i + leaf_bytes] for i in range(0, len(buf), leaf_bytes)]
        done += k


def time_append(append: Any, n: int, args: argparse.Namespace, label: str) -> tuple[float, float]:
    """(wall-clock leaves/s, CPU-time leaves/s) of appending ``n`` leaves in batches."""
    spent = cpu = 0.0
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"append {label}", total=n)
        for datas in leaf_batches(n, args.batch, args.leaf_bytes, args.seed):
            t0, c0 = time.perf_counter(), time.process_time()
            append(datas)
            spent += time.perf_counter() - t0
            cpu += time.process_time() - c0
            bar.advance(task, len(datas))
    return n / spent, n / cpu


def bench_ours(path: Path, n: int, args: argparse.Namespace) -> dict[str, float]:
    log = MerkleLog(SqliteStorage(path))
    out: dict[str, float] = {"size": n}
    out["append"], out["append_cpu"] = time_append(log.append, n, args, f"firmscore ({n:,})")
    root = log.root
    log.storage.close()
    opens = []
    for _ in range(5):
        t0 = time.perf_counter()
        reopened = MerkleLog(SqliteStorage(path))
        opens.append(time.perf_counter() - t0)
        assert reopened.root == root and reopened.size == n
        reopened.storage.close()
    out["restart_s"] = statistics.median(opens)
    log = MerkleLog(SqliteStorage(path))
    rnd = random.Random(args.seed)
    idx = [rnd.randrange(n) for _ in range(args.proofs)]
    t0 = time.perf_counter()
    proofs = [log.inclusion_proof(i) for i in idx]
    out["proof_first_ms"] = (time.perf_counter() - t0) / len(idx) * 1e3
    t0 = time.perf_counter()
    proofs = [log.inclusion_proof(i) for i in idx]
    out["proof_warm_ms"] = (time.perf_counter() - t0) / len(idx) * 1e3
    leaf_hashes = [log.leaf_hash(i) for i in idx]
    t0 = time.perf_counter()
    for i, p, h in zip(idx, proofs, leaf_hashes, strict=True):
        verify_inclusion(i, n, h, p, root)
    out["verify_proof_ms"] = (time.perf_counter() - t0) / len(idx) * 1e3
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("full verification firmscore", total=n)
        t0, c0 = time.perf_counter(), time.process_time()
        report = audit_log(log.storage, None, lambda k: bar.advance(task, k))
        out["full_verify"] = n / (time.perf_counter() - t0)
        out["full_verify_cpu"] = n / (time.process_time() - c0)
    assert report.ok, report.problems[:5]
    out["db_mb"] = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    log.storage.close()
    return out


def bench_pymerkle(path: Path, n: int, args: argparse.Namespace) -> dict[str, float]:
    import sqlite3

    from pymerkle import SqliteTree
    from pymerkle import verify_inclusion as pm_verify

    tree = SqliteTree(str(path))
    out: dict[str, float] = {"size": n}
    out["append"], out["append_cpu"] = time_append(tree.append_entries, n, args, f"pymerkle ({n:,})")
    root = tree.get_root()
    tree.close()
    t0 = time.perf_counter()
    tree = SqliteTree(str(path))
    size, root2 = tree.get_size(), tree.get_root()
    out["restart_s"] = time.perf_counter() - t0
    assert size == n and root2 == root
    rnd = random.Random(args.seed)
    k = min(args.proofs, args.pymerkle_proofs)
    idx = [rnd.randrange(n) + 1 for _ in range(k)]  # pymerkle counts leaves from 1
    t0 = time.perf_counter()
    proofs = [tree.prove_inclusion(i, n) for i in idx]
    out["proof_first_ms"] = (time.perf_counter() - t0) / k * 1e3
    t0 = time.perf_counter()
    proofs = [tree.prove_inclusion(i, n) for i in idx]
    out["proof_warm_ms"] = (time.perf_counter() - t0) / k * 1e3
    bases = [tree.get_leaf(i) for i in idx]
    t0 = time.perf_counter()
    for b, p in zip(bases, proofs, strict=True):
        pm_verify(b, root, p)
    out["verify_proof_ms"] = (time.perf_counter() - t0) / k * 1e3
    # Full verification: re-hash every stored entry, compare with the stored leaf hash, recompute the root.
    t0, c0 = time.perf_counter(), time.process_time()
    con = sqlite3.connect(str(path))
    cur = con.execute("SELECT entry, hash FROM leaf ORDER BY id")
    bad = 0
    while rows := cur.fetchmany(65536):
        bad += sum(1 for e, h in rows if hash_leaf(e) != h)
    con.close()
    tree.cache_clear()
    assert tree.get_root() == root and bad == 0
    out["full_verify"] = n / (time.perf_counter() - t0)
    out["full_verify_cpu"] = n / (time.process_time() - c0)
    out["db_mb"] = path.stat().st_size / 1e6
    tree.close()
    return out


def bench_ingest_path(folder: Path, n: int) -> float:
    """Rows/s of ``EvidenceLedger.append_records`` on canonical event rows (encoding + sealing + append)."""
    from datetime import UTC, date, datetime

    import pyarrow as pa

    from firmscore.datamodel import schema_for
    from firmscore.ledger import EvidenceLedger

    types = ["invoice_out", "tax_payment", "lawsuit", "annual_report", "social_insurance"]
    table = pa.table(
        {
            "event_type": [types[i % 5] for i in range(n)],
            "subject_type": ["enterprise"] * n,
            "subject_id": [f"91110000{i % 99991:010d}" for i in range(n)],
            "amount": [i * 1.25 for i in range(n)],
            "value": [None] * n,
            "code": ["valid"] * n,
            "counterparty_id": [None] * n,
            "attrs": [None] * n,
            "record_id": [f"r{i:012d}" for i in range(n)],
            "source": ["bench"] * n,
            "source_record_id": [str(i) for i in range(n)],
            "content_hash": ["0" * 64] * n,
            "version": [1] * n,
            "observed_at": [datetime(2024, 1, 1, tzinfo=UTC)] * n,
            "effective_from": [date(2023, 6, 1)] * n,
            "effective_to": [None] * n,
            "legal_expiry": [None] * n,
            "batch_id": ["bench"] * n,
        },
        schema=schema_for("event"),
    )
    led = EvidenceLedger.connect(f"sqlite:///{folder / 'ingest.db'}")
    t0 = time.perf_counter()
    step = 50_000
    for lo in range(0, n, step):
        led.append_records("event", table.slice(lo, step))
    rate = n / (time.perf_counter() - t0)
    led.close()
    return rate


def fmt_rate(x: float) -> str:
    return f"{x:,.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=10_000_000, help="leaves in our log (default 10M)")
    ap.add_argument("--pymerkle-size", type=int, default=1_000_000, help="leaves in pymerkle's tree")
    ap.add_argument("--batch", type=int, default=100_000, help="leaves per append batch")
    ap.add_argument("--leaf-bytes", type=int, default=96, help="bytes per leaf entry")
    ap.add_argument("--proofs", type=int, default=2000, help="random inclusion proofs to time")
    ap.add_argument("--pymerkle-proofs", type=int, default=100, help="cap on pymerkle proofs (they are slow)")
    ap.add_argument("--ingest-rows", type=int, default=200_000, help="rows for the append_records measurement")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--workdir", type=Path, default=None, help="where the databases go (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the databases")
    args = ap.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        ours_same = bench_ours(work / "ours-same.db", args.pymerkle_size, args)
        theirs = bench_pymerkle(work / "pymerkle.db", args.pymerkle_size, args)
        ours = bench_ours(work / "ours.db", args.size, args) if args.size != args.pymerkle_size else ours_same
        ingest = bench_ingest_path(work, args.ingest_rows) if args.ingest_rows else float("nan")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    table = Table(title="Evidence ledger vs pymerkle (SQLite, same leaves)")
    table.add_column("metric")
    table.add_column(f"firmscore @ {ours['size']:,.0f}", justify="right")
    table.add_column(f"firmscore @ {ours_same['size']:,.0f}", justify="right")
    table.add_column(f"pymerkle @ {theirs['size']:,.0f}", justify="right")
    table.add_column("ratio (same size)", justify="right")
    table.add_column("target", justify="right")
    rows = [
        ("append (leaves/s, wall clock)", "append", fmt_rate, True, ">= 300,000"),
        ("append (leaves/s, CPU time)", "append_cpu", fmt_rate, True, ""),
        ("inclusion proof, first pass (ms)", "proof_first_ms", lambda x: f"{x:.4f}", False, ""),
        ("inclusion proof, warm (ms)", "proof_warm_ms", lambda x: f"{x:.4f}", False, "< 0.2"),
        ("proof verification (ms)", "verify_proof_ms", lambda x: f"{x:.4f}", False, ""),
        ("restart / open (s)", "restart_s", lambda x: f"{x:.4f}", False, "< 1"),
        ("full verification (leaves/s, wall)", "full_verify", fmt_rate, True, ""),
        ("full verification (leaves/s, CPU)", "full_verify_cpu", fmt_rate, True, ""),
        ("database size (MB)", "db_mb", lambda x: f"{x:,.0f}", False, ""),
    ]
    for label, key, f, higher_better, target in rows:
        a, b = ours_same[key], theirs[key]
        ratio = a / b if higher_better else b / a
        table.add_row(label, f(ours[key]), f(a), f(b), f"{ratio:,.1f}x", target)
    console.print(table)
    console.print(
        f"leaves of {args.leaf_bytes} bytes, batches of {args.batch:,}; load average at the end "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs (CPU-time rates discount "
        "other processes on a shared machine)."
    )
    console.print(
        "ratio = how many times better firmscore is than pymerkle at the same size (throughput ratio, or time ratio "
        f"for times). EvidenceLedger.append_records incl. canonical encoding and sealing: {fmt_rate(ingest)} rows/s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Load test of the credit service with a compiled load generator (Debian's ``wrk``), on loopback.

Single-score lookups with authentication, a purpose and query logging on, at a paced rate (each wrk
connection waits between requests, so the offered rate is fixed rather than "as fast as possible"):

    .venv/bin/python bench/api_load.py --home ./firmscore-data            # 1,000 req/s for 60 s, then the ramp
    .venv/bin/python bench/api_load.py --home H --rates 500 1000 2000 --duration 20 --rescore 20

Prints throughput, p50/p90/p99/p99.9 and errors per rate, the highest rate with p99 ≤ 50 ms, and
(``--rescore N``) per-firm rescoring latencies. Installs ``wrk`` with apt when it is missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

LUA = """
local ids = {IDS}
local token = "{TOKEN}"
local n = 0
local pause = {DELAY}
request = function()
  n = n + 1
  local id = ids[(n * 7919) % #ids + 1]
  return wrk.format("GET", "/v1/enterprises/" .. id .. "/score?purpose=loan_approval",
                    {{["Authorization"] = "Bearer " .. token, ["Accept-Language"] = "en"}})
end
delay = function() return pause end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {{"requests": %d, "duration_us": %d, "p50": %d, "p90": %d, "p99": %d, ' ..
    '"p999": %d, "max": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and apt-get could not install it")
    return found


def run_wrk(wrk: str, url: str, ids: list[str], token: str, rate: float, duration: int, conns: int,
            workdir: Path, latency_ms: float = 1.0) -> dict[str, float]:
    # each connection sends, waits for the answer, then pauses: conns / (pause + latency) ≈ rate, so the
    # pause is the period minus the latency measured at the warm-up (wrk has no constant-throughput mode)
    delay_ms = max(0, round(conns * 1000.0 / rate - latency_ms))
    script = workdir / f"load_{int(rate)}.lua"
    table = "{" + ",".join(f'"{i}"' for i in ids) + "}"
    script.write_text(LUA.replace("{IDS}", table).replace("{TOKEN}", token).replace("{DELAY}", str(delay_ms))
                      .replace("{{", "{").replace("}}", "}"), encoding="utf-8")
    out = subprocess.run([wrk, "-t1", f"-c{conns}", f"-d{duration}s", "--timeout", "5s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    r = json.loads(line[len("RESULT "):])
    secs = r["duration_us"] / 1e6
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    return {"offered": rate, "rps": r["requests"] / secs, "p50": r["p50"] / 1000, "p90": r["p90"] / 1000,
            "p99": r["p99"] / 1000, "p999": r["p999"] / 1000, "errors": errors, "requests": r["requests"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", default="./firmscore-data")
    ap.add_argument("--rate", type=float, default=1000.0, help="the sustained-rate test")
    ap.add_argument("--duration", type=int, default=60)
    ap.add_argument("--rates", type=float, nargs="*", default=[1500, 2000, 2500, 3000],
                    help="the ramp for the highest rate with p99 <= 50 ms")
    ap.add_argument("--ramp-duration", type=int, default=20)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--port", type=int, default=8791)
    ap.add_argument("--rescore", type=int, default=0, help="also time per-firm rescoring of N firms")
    ap.add_argument("--workers", type=int, nargs="+", default=[1],
                    help="server processes; several values run the same load against each, one after the other")
    args = ap.parse_args()

    from firmscore.store import DataHome

    wrk = ensure_wrk()
    home = DataHome.open(args.home)
    scores = sorted((home.root / "scores").glob("as_of=*"))[-1] / "scores.parquet"
    ids = pq.read_table(scores, columns=["enterprise_id"]).column(0).to_pylist()
    work = Path(tempfile.mkdtemp(prefix="api_load_"))
    rows: list[tuple[str, dict[str, float]]] = []
    for workers in args.workers:
        rows.extend((f"{phase} w={workers}", r) for phase, r in _load(wrk, home, ids, work / f"w{workers}", workers,
                                                                      args))
    _print(rows, ids, args)
    if args.rescore:
        _rescore(home, ids, args.rescore)
    print(f"server logs: {work}/w*/server.log")


def _load(wrk: str, home: Any, ids: list[str], work: Path, workers: int,
          args: argparse.Namespace) -> list[tuple[str, dict[str, float]]]:
    from service.live import LiveServer  # tests/service/live.py: the same subprocess harness as the HTTP tests

    work.mkdir(parents=True)
    server = LiveServer(home, f"sqlite:///{work / 'op.db'}", work / "server.log", port=args.port)
    server.provision(ids[0], ids[1])
    # measure latency, not the rate limit
    server.extra_args = ["--rate", "1000000", "--burst", "1000000", "--workers", str(workers)]
    server.start()
    rows: list[tuple[str, dict[str, float]]] = []
    try:
        token = server.token("client")
        httpx.get(f"{server.url}/v1/enterprises/{ids[0]}/score?purpose=loan_approval",
                  headers={"Authorization": f"Bearer {token}"}).raise_for_status()
        warm = run_wrk(wrk, server.url, ids[:5000], token, 300, 5, args.connections, work)  # warm-up
        lat = warm["p50"]
        rows.append(("sustained", run_wrk(wrk, server.url, ids[:5000], token, args.rate, args.duration,
                                          args.connections, work, lat)))
        for rate in args.rates:
            rows.append(("ramp", run_wrk(wrk, server.url, ids[:5000], token, rate, args.ramp_duration,
                                         max(args.connections, int(rate / 40)), work, lat)))
    finally:
        server.stop()
    return rows


def _print(rows: list[tuple[str, dict[str, float]]], ids: list[str], args: argparse.Namespace) -> None:
    print(f"\nfirmscore service under wrk — {len(ids):,} firms, single-score lookups with auth, purpose and "
          f"query log (group commit, SQLite WAL synchronous=FULL)")
    print(f"{'phase':<16}{'offered/s':>10}{'achieved/s':>11}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}"
          f"{'p99.9 ms':>9}{'errors':>8}{'requests':>10}")
    for phase, r in rows:
        print(f"{phase:<16}{r['offered']:>10.0f}{r['rps']:>11.0f}{r['p50']:>8.2f}{r['p90']:>8.2f}{r['p99']:>8.2f}"
              f"{r['p999']:>9.2f}{int(r['errors']):>8}{int(r['requests']):>10}")
    for workers in args.workers:
        mine = [(p, r) for p, r in rows if p.endswith(f" w={workers}")]
        s = mine[0][1]
        ok = s["p99"] <= 20 and s["errors"] == 0 and s["rps"] >= 0.95 * args.rate
        print(f"workers={workers}: target p99 <= 20 ms at {args.rate:.0f}/s for {args.duration} s, zero errors: "
              f"{'MET' if ok else 'NOT MET'} (p99 {s['p99']:.2f} ms = {s['p99'] / 20:.2f}x the target, "
              f"{s['rps']:.0f}/s achieved)")
        good = [r for _, r in mine if r["p99"] <= 50 and r["errors"] == 0]
        best = max(good, key=lambda r: r["rps"]) if good else None
        print(f"workers={workers}: highest rate with p99 <= 50 ms: "
              + (f"{best['rps']:.0f}/s (offered {best['offered']:.0f}/s)" if best else "none of the rates tried"))


def _rescore(home: Any, ids: list[str], n: int) -> None:
    from firmscore.scoring.rescore import rescore_firm

    times = []
    for eid in ids[:: max(1, len(ids) // n)][:n]:
        t0 = time.perf_counter()
        rescore_firm(home, eid)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    print(f"per-firm rescoring of {len(times)} firms: p50 {statistics.median(times):.0f} ms, p99 {p99:.0f} ms "
          f"(targets 300 ms / 1 s: {statistics.median(times) / 300:.2f}x / {p99 / 1000:.2f}x)")


if __name__ == "__main__":
    main()

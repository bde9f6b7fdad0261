"""Crash test: SIGKILL a process in the middle of appending; the log still verifies, no ack is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from firmscore.ledger import EvidenceLedger
from firmscore.store import DataHome

WRITER = Path(__file__).with_name("crash_writer.py")


def _acks(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.count(" ") == 3]


def test_sigkill_mid_batch_loses_no_acknowledged_record(tmp_path: Path) -> None:
    home, ack = tmp_path / "home", tmp_path / "acks.txt"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, str(WRITER), str(home), str(ack)], env=env)
    try:
        deadline = time.monotonic() + 60
        while len(_acks(ack)) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        time.sleep(0.037)  # land somewhere inside the next batch
        assert proc.poll() is None, "writer died on its own"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    acks = _acks(ack)
    assert len(acks) >= 3
    led = EvidenceLedger.for_home(DataHome(home))
    try:
        report = led.verify_all()
        assert report.ok, [p.en for p in report.problems]
        acked_size = int(acks[-1][3])
        assert led.size >= acked_size
        assert led.size % 3000 == 0  # a batch is all or nothing
        wanted = [rid for _, first, last, _ in acks for rid in (first, last)]
        found = led.leaf_indexes(wanted)
        assert set(found) == set(wanted)
        for b, first, last, _ in acks:
            assert found[last] - found[first] == 2999, b
        proof = led.prove(acks[-1][2])
        proof.verify(led.verifier)
        assert led.checkpoint().size == led.size
    finally:
        led.close()

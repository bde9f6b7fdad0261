"""One writer per home: a second writer is refused with the holder named; readers keep working."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firmscore.cli import app
from firmscore.ingest import ingest_paths
from firmscore.ledger import EvidenceLedger
from firmscore.store import DataHome
from firmscore.store.lock import HomeLocked, held, writer

HOLDER = """
import sys, time
from pathlib import Path
from firmscore.store import DataHome
from firmscore.store.lock import writer
with writer(DataHome(Path(sys.argv[1])), "ingest"):
    print("locked", flush=True)
    time.sleep(120)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


def test_second_writer_is_refused_naming_the_holder_and_readers_work(
        home: DataHome, enterprise_csv: Callable[[int, str], tuple[Path, Path]]) -> None:
    src, mapping = enterprise_csv(5, "e.csv")
    ingest_paths(home, [src], mapping=str(mapping))
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(home.root)], stdout=subprocess.PIPE, text=True,
                            env=_env())
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(HomeLocked) as refused, writer(home, "score"):
            pass
        assert refused.value.holder["pid"] == proc.pid and refused.value.holder["command"] == "ingest"
        assert str(proc.pid) in str(refused.value) and "数据目录" in str(refused.value)
        src2, _ = enterprise_csv(3, "e2.csv")
        result = CliRunner().invoke(app, ["ingest", "--home", str(home.root), "--mapping", str(mapping), str(src2)])
        assert result.exit_code == 2
        assert f"process {proc.pid} (ingest)" in result.output and f"进程 {proc.pid}" in result.output
        assert "Traceback" not in result.output
        # readers take no lock
        status = CliRunner().invoke(app, ["status", "--home", str(home.root)])
        assert status.exit_code == 0, status.output
        assert home.counts()["enterprise"] == 5
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # a killed holder releases the lock with its file descriptor
        proc.wait(timeout=30)
    with writer(home, "score"):
        assert held(home)
    assert not held(home)


def test_the_lock_is_reentrant_for_its_thread_only(home: DataHome) -> None:
    errors: list[BaseException] = []

    def other() -> None:
        try:
            with writer(home, "features"):
                pass
        except HomeLocked as exc:
            errors.append(exc)

    with writer(home, "score"), writer(home, "trust"):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert len(errors) == 1 and errors[0].holder["command"] == "score"  # type: ignore[attr-defined]
    with writer(home, "features"):  # released after the outer hold
        pass


def test_two_concurrent_ingests_one_is_refused_cleanly(tmp_path: Path,
                                                       enterprise_csv: Callable[[int, str], tuple[Path, Path]]) -> None:
    src, mapping = enterprise_csv(40_000, "big.csv")
    home = DataHome(tmp_path / "home")
    cmd = [sys.executable, "-m", "firmscore.cli", "ingest", "--home", str(home.root), "--mapping", str(mapping),
           str(src)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
             for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    codes = [p.returncode for p in procs]
    assert sorted(codes) in ([0, 0], [0, 2]), (codes, outs)
    for code, (out, err) in zip(codes, outs, strict=True):
        assert "Traceback" not in out + err and "IntegrityError" not in out + err
        if code == 2:
            assert "in use by another writer" in err and "(ingest)" in err
    assert home.counts()["enterprise"] == 40_000  # stored once
    assert len(list(home.batches())) == codes.count(0)
    with EvidenceLedger.for_home(home) as log:
        assert log.size == 40_000
        assert log.verify_all().ok

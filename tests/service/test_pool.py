"""``firmscore serve --workers 2``: several server processes and one ledger appender process.

Real HTTP to a real pool: every answer is in the query log before it is sent, whichever worker
answered; the appender (not the workers) gives every entry its ledger leaf; a SIGKILL of ``serve``
takes its workers and appender down with it (no orphan keeps the port), and the restart appends what
the crash left pending. The ledger verifies after each run.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from firmscore.ledger import EvidenceLedger
from firmscore.service.scorebook import ScoreBook
from firmscore.service.store.db import make_engine
from firmscore.store import DataHome

from .conftest import firms_with_personal_credit
from .live import LiveServer, burst

pytestmark = pytest.mark.xdist_group("service")


def _pending(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as con:
            total = con.execute(text("SELECT count(*) FROM query_log")).scalar_one()
            pending = con.execute(text("SELECT count(*) FROM query_log WHERE leaf_index IS NULL")).scalar_one()
        return int(total), int(pending)
    finally:
        engine.dispose()


def _stored(db_url: str) -> set[str]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as con:
            return {r[0] for r in con.execute(text("SELECT entry_id FROM query_log"))}
    finally:
        engine.dispose()


def _port_free(server: LiveServer, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{server.url}/v1/health", timeout=0.5)
        except httpx.HTTPError:
            return True
        time.sleep(0.2)
    return False


def test_a_pool_logs_every_answer_and_one_appender_leaves_them(scored_home: DataHome, score_book: ScoreBook,
                                                               tmp_path: Path) -> None:
    firms = firms_with_personal_credit(score_book, 2)
    server = LiveServer(scored_home, f"sqlite:///{tmp_path / 'op.db'}", tmp_path / "server.log",
                        extra_args=["--workers", "2"])
    server.provision(*firms)
    with EvidenceLedger.for_home(scored_home) as ledger:
        size_before = ledger.size
    server.start()
    try:
        received, errors = burst(server, sorted(score_book.position)[:100], 200, kill=False)
        assert not errors and len(received) >= 200
        assert set(received) <= _stored(server.db_url)
        deadline = time.monotonic() + 20
        while _pending(server.db_url)[1] and time.monotonic() < deadline:
            time.sleep(0.2)
        total, pending = _pending(server.db_url)
        assert pending == 0 and total >= len(received)
    finally:
        server.stop()
    assert "2 workers + 1 ledger appender" in server.log.read_text(encoding="utf-8", errors="replace")
    assert "exit code" not in server.log.read_text(encoding="utf-8", errors="replace")
    with EvidenceLedger.for_home(scored_home) as ledger:
        assert ledger.size - size_before >= total  # each entry once: no second appender doubled them
        report = ledger.verify_all()
        assert report.ok, report.problems[:5]
        leaves = ledger.leaf_indexes(received[:50])
    assert len(leaves) == len(set(received[:50])) and len(set(leaves.values())) == len(leaves)


def test_sigkill_of_a_pool_leaves_no_orphan_and_loses_no_logged_answer(scored_home: DataHome,
                                                                       score_book: ScoreBook,
                                                                       tmp_path: Path) -> None:
    firms = firms_with_personal_credit(score_book, 2)
    server = LiveServer(scored_home, f"sqlite:///{tmp_path / 'op.db'}", tmp_path / "server.log",
                        extra_args=["--workers", "2"])
    server.provision(*firms)
    server.start()
    received, errors = burst(server, sorted(score_book.position)[:100], 300, kill=True)
    assert len(received) >= 300 and errors, "the burst was cut by the kill"
    assert _port_free(server), "a worker outlived the killed server"
    assert set(received) <= _stored(server.db_url), "an answer was sent without its log entry"
    server.start()  # the restart's appender appends what the crash left pending
    try:
        deadline = time.monotonic() + 20
        while _pending(server.db_url)[1] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _pending(server.db_url)[1] == 0
    finally:
        server.stop()
    with EvidenceLedger.for_home(scored_home) as ledger:
        report = ledger.verify_all()
        assert report.ok, report.problems[:5]
        assert len(ledger.leaf_indexes(received[:50])) == len(set(received[:50]))

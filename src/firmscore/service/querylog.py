"""The query log: every response that carries enterprise data, recorded before it is sent.

:class:`QueryLog` runs two group commits on one writer thread each:

1. **store**: requests hand their entry to :meth:`QueryLog.record` and wait; the writer inserts
   every waiting entry in one transaction and commits (SQLite ``synchronous=FULL`` or PostgreSQL),
   then releases the requests. So no response leaves before its entry is durable, and a burst of
   requests costs one commit, not one per request.
2. **ledger**: entries without a leaf are appended to the evidence ledger in batches (every
   ``interval_s`` or ``max_batch`` entries) and their leaf indexes written back. An entry whose
   ledger commit did not happen (a crash) is committed when the service starts again.

Exactly one appender may run per store (two would append the same pending entries twice). With one
server process it is this object's ledger thread; with several worker processes the workers run
``ledger=False`` and :mod:`firmscore.service.appender` runs the one appender in a process of its
own, so that the requests do not share an interpreter lock with the ledger's hashing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import queue
import threading
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from firmscore.service import ledger_adapter
from firmscore.service.store.models import QueryLogEntry
from firmscore.store.home import DataHome

log = logging.getLogger("firmscore.service.querylog")

_TABLE = cast(Table, QueryLogEntry.__table__)
#: one executemany for a whole batch's leaves (an UPDATE statement per entry held the GIL the requests need)
_SET_LEAF = (update(_TABLE).where(_TABLE.c.seq == bindparam("entry_seq"), _TABLE.c.leaf_index.is_(None))
             .values(leaf_index=bindparam("leaf")))


@dataclass(kw_only=True)
class Entry:
    """What one response returned, to whom and why."""

    institution_id: str | None
    principal: str
    role: str
    purpose: str
    endpoint: str
    enterprise_id: str | None
    returned: dict[str, Any]
    entry_id: str = field(default_factory=lambda: "q-" + uuid.uuid4().hex)
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def row(self) -> dict[str, Any]:
        return {"entry_id": self.entry_id, "at": self.at, "institution_id": self.institution_id,
                "principal": self.principal, "role": self.role, "purpose": self.purpose, "endpoint": self.endpoint,
                "enterprise_id": self.enterprise_id,
                "returned": json.dumps(self.returned, ensure_ascii=False, sort_keys=True, separators=(",", ":"))}


def ledger_content(row: QueryLogEntry) -> dict[str, Any]:
    """The entry as logged in the ledger (everything but the local sequence and the leaf itself)."""
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
    return {"entry_id": row.entry_id, "at": at.isoformat(), "institution_id": row.institution_id,
            "principal": row.principal, "role": row.role, "purpose": row.purpose, "endpoint": row.endpoint,
            "enterprise_id": row.enterprise_id, "returned": json.loads(row.returned)}


class QueryLog:
    def __init__(self, sessions: sessionmaker[Session], home: DataHome, *, interval_s: float = 0.25,
                 max_batch: int = 5000, ledger: bool = True) -> None:
        self.sessions = sessions
        self.home = home
        self.interval_s = interval_s
        self.max_batch = max_batch
        self._queue: queue.Queue[tuple[list[Entry], Future[None]] | None] = queue.Queue()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._store_thread = threading.Thread(target=self._store_loop, name="querylog-store", daemon=True)
        self._ledger_thread = threading.Thread(target=self._ledger_loop, name="querylog-ledger", daemon=True)
        self.ledger_error: str | None = None
        self._ledger_lock = threading.Lock()  # one ledger appender per process
        self.ledger = ledger  # False: another process appends (see the module docstring)

    def start(self) -> None:
        if self.ledger:
            self.commit_to_ledger()  # entries left by a crash first
        self._store_thread.start()
        if self.ledger:
            self._ledger_thread.start()

    def stop(self) -> None:
        self._queue.put(None)
        self._store_thread.join(timeout=10)
        if self.ledger:
            self.stop_ledger()
            self._ledger_thread.join(timeout=30)
            self.commit_to_ledger()

    def run_ledger(self) -> None:
        """Be the store's one ledger appender in this thread until :meth:`stop_ledger`, then commit once more.

        What :mod:`firmscore.service.appender` runs; pending entries (a crash's) are appended first.
        """
        self.commit_to_ledger()
        self._ledger_loop()
        self.commit_to_ledger()

    def stop_ledger(self) -> None:
        """End the ledger loop at its next wake-up (safe from a signal handler: it only sets two events)."""
        self._stop.set()
        self._wake.set()

    # ------------------------------------------------------------------ store group commit
    async def record(self, *entries: Entry) -> None:
        """Durably store ``entries``; returns once they are committed."""
        fut: Future[None] = Future()
        self._queue.put((list(entries), fut))
        await asyncio.wrap_future(fut)

    def record_sync(self, *entries: Entry) -> None:
        fut: Future[None] = Future()
        self._queue.put((list(entries), fut))
        fut.result(timeout=30)

    def _store_loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            stop = False
            while len(batch) < 2000:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            rows = [e.row() for entries, _ in batch for e in entries]
            try:
                with self.sessions.begin() as s:
                    s.execute(insert(QueryLogEntry), rows)
                for _, fut in batch:
                    fut.set_result(None)
            except Exception as exc:  # the requests fail with 503 rather than send an unlogged answer
                log.error("query log store commit failed: %s", type(exc).__name__)
                for _, fut in batch:
                    fut.set_exception(exc)
            self._wake.set() if sum(len(e) for e, _ in batch) >= self.max_batch else None
            if stop:
                return

    # ------------------------------------------------------------------ ledger group commit
    def _ledger_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval_s)
            self._wake.clear()
            try:
                self.commit_to_ledger()
                self.ledger_error = None
            except Exception as exc:  # retried at the next interval; entries stay pending, never lost
                self.ledger_error = type(exc).__name__
                log.error("query log ledger commit failed: %s", type(exc).__name__)

    def commit_to_ledger(self) -> int:
        """Append every entry without a leaf to the ledger; returns how many were committed."""
        with self._ledger_lock:
            return self._commit_to_ledger()

    def _commit_to_ledger(self) -> int:
        done = 0
        rows = self._pending()
        if not rows:
            return 0  # the ledger is opened only when there is something to append (this runs every interval)
        with ledger_adapter.open_ledger(self.home) as ledger:
            while rows:
                leaves = ledger_adapter.append_query_log(ledger, [(r.entry_id, ledger_content(r)) for r in rows])
                with self.sessions.begin() as s:
                    s.connection().execute(_SET_LEAF, [{"entry_seq": r.seq, "leaf": leaf}
                                                       for r, leaf in zip(rows, leaves, strict=True)])
                done += len(rows)
                rows = self._pending()
        return done

    def _pending(self) -> list[QueryLogEntry]:
        with self.sessions() as s:
            return list(s.scalars(select(QueryLogEntry).where(QueryLogEntry.leaf_index.is_(None))
                                  .order_by(QueryLogEntry.seq).limit(self.max_batch)))

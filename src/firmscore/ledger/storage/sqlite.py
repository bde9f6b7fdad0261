"""SQLite back end: one file under ``<home>/ledger/``, WAL journal, triggers for append-only tables."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from firmscore.ledger.storage.base import APPEND_ONLY_TABLES, SHREDDABLE_TABLES, SqlStorage


class SqliteStorage(SqlStorage):
    """Ledger tables in a SQLite file.

    WAL with ``synchronous=NORMAL`` makes a committed transaction survive the death of the process
    (the crash test kills it with SIGKILL); pass ``synchronous="FULL"`` to also survive power loss.
    """

    def __init__(self, path: Path | str, synchronous: str = "NORMAL") -> None:
        self.path = Path(path)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not self.path.exists():  # created private; SQLite gives its -wal and -shm files the same mode
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA page_size=16384")  # new databases only: fewer overflow pages for leaf bundles
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA secure_delete=ON")  # erased secrets are overwritten with zeros, not left in free pages
        super().__init__(conn)
        self.create_schema()

    def begin(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")

    def shred_freed_pages(self) -> None:
        """Fold the WAL into the database and truncate it: the WAL no longer holds pages from before a delete."""
        self.end_read()
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def end_read(self) -> None:
        if self.conn.in_transaction:
            self.conn.commit()

    def table_exists(self, name: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        return row is not None

    def trigger_statements(
        self, append_only: Sequence[str] = APPEND_ONLY_TABLES, shreddable: Sequence[str] = SHREDDABLE_TABLES
    ) -> list[str]:
        out = []
        for table in append_only:
            for op in ("UPDATE", "DELETE"):
                out.append(
                    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
                )
        for table in shreddable:
            out.append(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows may be erased but never changed'); END"
            )
        return out

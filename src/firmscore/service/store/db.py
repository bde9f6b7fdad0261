"""Opening the operational store and migrating it to the current revision.

SQLite runs in WAL mode with ``synchronous=FULL``: a commit is on disk when it returns, which is
what "no response before its log entry is durable" needs; readers never wait for the writer.
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

HEAD = "head"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets its pragmas on every connection."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at the migrations shipped in the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("firmscore.service.store") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = HEAD) -> None:
    """Migrate the store at ``url`` to ``revision`` (creating it when empty)."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def connect_store(url: str, migrate: bool = True) -> tuple[Engine, sessionmaker[Session]]:
    """Engine and session factory of the store at ``url``, migrated to the head revision first."""
    if migrate:
        upgrade(url)
    engine = make_engine(url)
    return engine, sessionmaker(engine, expire_on_commit=False)

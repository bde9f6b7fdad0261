"""Operational store migrations: upgrade from an empty database and from the previous revision, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text

from firmscore.service.store.db import current_revision, make_engine, upgrade

pytestmark = pytest.mark.xdist_group("service")
HEAD_TABLES = {"institution", "api_client", "api_key", "account", "revoked_token", "consent", "query_log"}


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_from_empty(db_url: str) -> None:
    upgrade(db_url)
    assert current_revision(db_url) == "0002"
    assert tables(db_url) >= HEAD_TABLES
    upgrade(db_url)  # idempotent
    assert current_revision(db_url) == "0002"


def test_upgrade_from_the_previous_revision_keeps_the_data(tmp_path_factory: pytest.TempPathFactory,
                                                           db_url: str) -> None:
    url = db_url
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('prev') / 'op.db'}"
    else:
        import os

        from .conftest import pg_database_url
        url = pg_database_url(os.environ["FIRMSCORE_PG_DSN"])
    upgrade(url, "0001")
    assert current_revision(url) == "0001"
    assert "consent" not in tables(url)
    now = dt.datetime.now(dt.UTC)
    engine = make_engine(url)
    try:
        with engine.begin() as con:
            con.execute(text("INSERT INTO institution VALUES ('bank-x', '某银行', 'Bank X', true, :t)"), {"t": now})
            con.execute(text("INSERT INTO query_log (entry_id, at, institution_id, principal, role, purpose, endpoint, "
                             "enterprise_id, returned) VALUES ('q-1', :t, 'bank-x', 'c', 'client', 'loan_approval', "
                             "'score', 'E1', '{}')"), {"t": now})
    finally:
        engine.dispose()
    upgrade(url)
    assert current_revision(url) == "0002" and tables(url) >= HEAD_TABLES
    engine = make_engine(url)
    try:
        with engine.connect() as con:
            assert con.execute(text("SELECT name_en FROM institution")).scalar_one() == "Bank X"
            assert con.execute(text("SELECT entry_id FROM query_log")).scalar_one() == "q-1"
        # the triggers of 0002 apply to rows written before it
        with pytest.raises(Exception, match="append-only"), engine.begin() as con:
            con.execute(text("DELETE FROM query_log"))
        with engine.begin() as con:  # setting the leaf index once is allowed
            con.execute(text("UPDATE query_log SET leaf_index = 7 WHERE entry_id = 'q-1'"))
        with pytest.raises(Exception, match="append-only"), engine.begin() as con:
            con.execute(text("UPDATE query_log SET leaf_index = 8 WHERE entry_id = 'q-1'"))
    finally:
        engine.dispose()


def test_sqlite_store_is_wal_inside_the_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    from pathlib import Path

    from firmscore.service.settings import ServiceSettings

    home = Path(tmp_path_factory.mktemp("h")) / "home"
    settings = ServiceSettings(home=home)
    assert settings.db_url.startswith("sqlite:///") and str(home) in settings.db_url
    upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    try:
        with engine.connect() as con:
            assert con.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert con.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL
    finally:
        engine.dispose()
    assert (home / "service").stat().st_mode & 0o777 == 0o700

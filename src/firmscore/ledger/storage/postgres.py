"""PostgreSQL back end (psycopg 3): the same tables in a schema of the operational database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from firmscore.ledger.storage.base import APPEND_ONLY_TABLES, SHREDDABLE_TABLES, SqlStorage

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresStorage(SqlStorage):
    """Ledger tables in PostgreSQL, in ``schema`` (created if missing) or the default search path.

    Append-only tables get row triggers that raise on UPDATE and DELETE and a statement trigger
    that raises on TRUNCATE (which row triggers would not see).
    """

    placeholder = "%s"
    blob_type = "BYTEA"
    bigint_type = "BIGINT"

    def __init__(self, url: str, schema: str | None = None) -> None:
        import psycopg

        conn: Any = psycopg.connect(url)
        self.schema = schema
        if schema is not None:
            if not _IDENT.match(schema):
                raise ValueError(f"invalid PostgreSQL schema name: {schema!r}")
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            conn.execute(f"SET search_path TO {schema}")
            conn.commit()
        super().__init__(conn)
        self.create_schema()

    def _bulk(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """COPY rows in (several times faster than INSERT for the record index of a large batch)."""
        if not rows:
            return
        cur = self.conn.cursor()
        try:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cur.close()

    def table_exists(self, name: str) -> bool:
        row = self._one("SELECT to_regclass(%s)", (name,))
        self.conn.commit()
        return row is not None and row[0] is not None

    def trigger_statements(
        self, append_only: Sequence[str] = APPEND_ONLY_TABLES, shreddable: Sequence[str] = SHREDDABLE_TABLES
    ) -> list[str]:
        out = [
            "CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$",
        ]
        for table in append_only:
            out.append(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
            )
            out.append(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()"
            )
        for table in shreddable:
            out.append(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
            )
        return out

"""Point-in-time views of the canonical records that the graph reads.

The rules are the platform's point-in-time rules (the same ones the feature engine applies):

1. **observed by D**: only versions observed before the end of day D (UTC); per record key
   (``source``, ``source_record_id``) the latest such version wins;
2. **legal expiry**: a record whose ``legal_expiry`` is on or before D is not used;
3. **retraction**: a record withdrawn by a ``retraction`` observed by D is not used.

For relations, validity is then checked on the surviving version: ``effective_from`` on or before
D (or unknown) and ``effective_to`` after D (or open). The views are ``TEMP`` and prefixed ``g_``
so that they never replace the feature engine's views on a shared connection.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from firmscore.engines.point_in_time import as_of_literal, cutoff_literal, render, versioned_view

TABLES: tuple[str, ...] = ("enterprise", "relation", "event")


def _versioned(table: str, as_of: dt.date) -> str:
    return render(versioned_view(table, retracted="g_retracted"), as_of)


def create_snapshot_views(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Create ``g_retracted``, ``g_enterprise``, ``g_relation`` and ``g_event`` for ``as_of``.

    ``g_enterprise`` keeps one row per ``enterprise_id`` (the latest observed version across
    sources), ``g_relation`` only the relations valid on D.
    """
    con.execute(
        "CREATE OR REPLACE TEMP VIEW g_retracted AS SELECT DISTINCT target_record_id FROM retraction "
        f"WHERE observed_at < {cutoff_literal(as_of)}"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW g_enterprise AS
        SELECT * FROM ({_versioned("enterprise", as_of)})
        QUALIFY row_number() OVER (PARTITION BY enterprise_id ORDER BY observed_at DESC, version DESC) = 1"""
    )
    d = as_of_literal(as_of)
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW g_relation AS
        SELECT * FROM ({_versioned("relation", as_of)})
        WHERE (effective_from IS NULL OR effective_from <= {d}) AND (effective_to IS NULL OR effective_to > {d})"""
    )
    con.execute(f"CREATE OR REPLACE TEMP VIEW g_event AS {_versioned('event', as_of)}")


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> pa.Table:
    """Run ``sql`` and return the result as an Arrow table (no per-row Python)."""
    rel = con.sql(sql, params=params) if params else con.sql(sql)
    if rel is None:  # pragma: no cover - DuckDB returns a relation for every SELECT
        raise RuntimeError(f"query returned no result: {sql[:80]}")
    return rel.to_arrow_table()


def scalar_int(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The single integer a query returns (e.g. a count), fully consuming the result."""
    rows = con.sql(sql).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0

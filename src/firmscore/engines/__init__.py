"""Execution engines: one SQL definition (DuckDB dialect), several runtimes.

Feature, label and evidence SQL is written once in the DuckDB dialect. :class:`DuckDBEngine`
runs it in-process, out of core; a Spark engine (later) runs the same text after
:func:`to_spark_sql` translates it with sqlglot, so no definition is ever written twice.
"""

from __future__ import annotations

from firmscore.engines.base import Engine
from firmscore.engines.dialects import to_dialect, to_spark_sql
from firmscore.engines.duckdb_engine import DuckDBEngine, open_engine

__all__ = ["DuckDBEngine", "Engine", "open_engine", "to_dialect", "to_spark_sql"]

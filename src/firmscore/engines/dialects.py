"""Translation of the project's DuckDB-dialect SQL to other engines' dialects, with sqlglot."""

from __future__ import annotations

import sqlglot


def to_dialect(sql: str, dialect: str) -> str:
    """Translate DuckDB SQL (one or more statements) to ``dialect``; identity for ``duckdb``.

    Raises ``sqlglot.errors.ParseError`` / ``UnsupportedError`` when a construct cannot be
    expressed, which is what the transpile test relies on to catch non-portable definitions.
    """
    if dialect == "duckdb":
        return sql
    out = sqlglot.transpile(sql, read="duckdb", write=dialect, unsupported_level=sqlglot.ErrorLevel.RAISE)
    return ";\n".join(out)


def to_spark_sql(sql: str) -> str:
    """The Spark SQL text of a DuckDB-dialect statement."""
    return to_dialect(sql, "spark")

"""Export a scorecard as a SQL expression (DuckDB, Spark SQL, PostgreSQL).

The expression reproduces :meth:`CardModel.score` exactly: for each feature a ``CASE`` that
tests, in order, missing (``NULL``, and ``NaN`` for floating columns), each special code, then the
right-closed intervals ``x <= split`` and finally the open top bin (categorical features: ``IN``
lists on the text of the value; unknown labels score as missing, as in Python). Points are
integers, so the sum is exact in every engine; the total is clipped with ``LEAST``/``GREATEST``.

Split values are written as ``CAST('<shortest round-trip repr>' AS DOUBLE)``: every engine parses
the string with a correctly rounded decimal-to-binary conversion, so the comparison uses the
same IEEE double as numpy (a bare literal like ``0.1577`` would be a DECIMAL in DuckDB and
PostgreSQL, whose conversion is not guaranteed to land on the same double).
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlglot
from sqlglot import exp

from firmscore.model.card import CardFeature, CardModel

DIALECTS = ("duckdb", "spark", "postgres")

_DOUBLE = {"duckdb": "DOUBLE", "spark": "DOUBLE", "postgres": "DOUBLE PRECISION"}
_TEXT = {"duckdb": "VARCHAR", "spark": "STRING", "postgres": "TEXT"}


def _check_dialect(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {DIALECTS}, got {dialect!r}")


def _ident(name: str, dialect: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect=dialect)


def _num(v: float, dialect: str) -> str:
    return f"CAST('{float(v)!r}' AS {_DOUBLE[dialect]})"


def _text(v: str) -> str:
    return "'" + str(v).replace("'", "''") + "'"


def _is_missing(col: str, dialect: str, numerical: bool) -> str:
    if not numerical:
        return f"{col} IS NULL"
    if dialect == "postgres":
        return f"({col} IS NULL OR {col} = CAST('NaN' AS DOUBLE PRECISION))"
    return f"({col} IS NULL OR isnan({col}))"


def feature_points_sql(feature: CardFeature, dialect: str = "duckdb", column: str | None = None) -> str:
    """``CASE`` expression giving the integer points of one feature."""
    _check_dialect(dialect)
    rule = feature.rule
    col = _ident(column or rule.feature, dialect)
    pts = feature.points
    k = rule.n_regular
    numerical = rule.kind == "numerical"
    parts = [f"CASE WHEN {_is_missing(col, dialect, numerical)} THEN {pts[rule.missing_index]}"]
    if numerical:
        for j, c in enumerate(rule.special_codes):
            parts.append(f"WHEN {col} = {_num(c, dialect)} THEN {pts[k + j]}")
        for i, s in enumerate(rule.splits):
            parts.append(f"WHEN {col} <= {_num(s, dialect)} THEN {pts[i]}")
        parts.append(f"ELSE {pts[k - 1]} END")
    else:
        as_text = f"CAST({col} AS {_TEXT[dialect]})"
        for j, c in enumerate(rule.special_codes):
            parts.append(f"WHEN {as_text} = {_text(c)} THEN {pts[k + j]}")
        for i, group in enumerate(rule.categories):
            parts.append(f"WHEN {as_text} IN ({', '.join(_text(c) for c in group)}) THEN {pts[i]}")
        parts.append(f"ELSE {pts[rule.missing_index]} END")
    return " ".join(parts)


def score_expression(card: CardModel, dialect: str = "duckdb", columns: Mapping[str, str] | None = None) -> str:
    """SQL expression of the enterprise score of ``card`` (integer, clipped to the score range).

    ``columns`` maps feature id → column name where the table's names differ.
    """
    _check_dialect(dialect)
    cols = dict(columns or {})
    terms = [str(int(card.base_points))]
    terms += [f"({feature_points_sql(f, dialect, cols.get(f.name))})" for f in card.features]
    total = "\n  + ".join(terms)
    s = card.scaling
    return f"LEAST(GREATEST(\n  {total}, {int(s.score_min)}), {int(s.score_max)})"


def score_query(
    card: CardModel,
    table: str,
    id_column: str | None = None,
    dialect: str = "duckdb",
    include_points: bool = False,
    columns: Mapping[str, str] | None = None,
) -> str:
    """``SELECT`` of the score (and optionally each feature's points) from ``table``.

    The query is parsed with sqlglot in the target dialect before it is returned, so a broken
    export fails here rather than in the warehouse.
    """
    _check_dialect(dialect)
    cols = dict(columns or {})
    select: list[str] = []
    if id_column:
        select.append(_ident(id_column, dialect))
    if include_points:
        for f in card.features:
            case = feature_points_sql(f, dialect, cols.get(f.name))
            select.append(f"({case}) AS {_ident('points_' + f.name, dialect)}")
    select.append(f"{score_expression(card, dialect, cols)} AS {_ident('score', dialect)}")
    sql = "SELECT " + ",\n".join(select) + f"\nFROM {table}"
    sqlglot.parse_one(sql, read=dialect)
    return sql

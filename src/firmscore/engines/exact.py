"""Exact, order-independent sums: the same records give the same feature values bit for bit.

A parallel engine adds floating-point values in whatever order its threads finish, and
floating-point addition is not associative: two runs over the same data differed in the last bit
of invoice totals, which was enough to move a firm across a bin edge and to change a model's
content hash. Every ``SUM`` is therefore rewritten to add exact decimals
(``DECIMAL(38, 6)``: 32 integer digits, micro-unit precision) and convert the total back to
``DOUBLE``. Integer-valued sums were already exact and are unchanged in value; DuckDB and Spark
both sum decimals exactly, so the rewrite travels with the SQL to either engine.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

EXACT_TYPE = "DECIMAL(38, 6)"


def exact_sums(sql: str, dialect: str = "duckdb") -> str:
    """Rewrite every ``SUM(x)`` (plain, ``FILTER``-ed or windowed) as an exact decimal sum."""
    if "sum(" not in sql.lower():
        return sql
    tree = sqlglot.parse_one(sql, read=dialect)
    for node in list(tree.find_all(exp.Sum)):
        node.set("this", exp.Cast(this=node.this.copy(), to=exp.DataType.build(EXACT_TYPE)))
        wrap: exp.Expression = node
        if isinstance(wrap.parent, exp.Filter):
            wrap = wrap.parent
        if isinstance(wrap.parent, exp.Window):
            wrap = wrap.parent
        wrap.replace(exp.Cast(this=wrap.copy(), to=exp.DataType.build("DOUBLE")))
    return tree.sql(dialect=dialect)

"""Property tests of ``engines/exact.py``: rewritten sums give the same bits in any row order.

Bit-for-bit reproducibility of features (and so of model hashes and ``verify-score``) rests on
this rewrite, so it is checked against the exact rational sum on random data, for plain,
``FILTER``-ed and windowed sums, under row permutations and different thread counts.
"""

from __future__ import annotations

import math
from fractions import Fraction

import duckdb
import pyarrow as pa
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmscore.engines.exact import EXACT_TYPE, exact_sums

#: Amounts with at most six decimals (micro-units), as the feature SQL sums them.
MICROS = st.integers(min_value=-(10**12), max_value=10**12)
ROWS = st.lists(st.tuples(MICROS, st.integers(min_value=0, max_value=3)), min_size=1, max_size=60)


def _run(sql: str, rows: list[tuple[int, int]], threads: int) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    try:
        con.execute(f"SET threads = {threads}")
        table = pa.table({"x": pa.array([n / 1e6 for n, _ in rows], pa.float64()),
                          "g": pa.array([g for _, g in rows], pa.int64())})
        con.register("t", table)
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _close_to_exact(value: object, exact: Fraction) -> bool:
    """Within one unit in the last place of the exactly rounded total."""
    assert isinstance(value, float)
    nearest = float(exact)
    return abs(value - nearest) <= math.ulp(nearest)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, data=st.data())
def test_plain_and_filtered_sums_are_exact_and_order_independent(rows: list[tuple[int, int]],
                                                                  data: st.DataObject) -> None:
    sql = exact_sums("SELECT sum(x) AS s, sum(x) FILTER (WHERE g = 1) AS f FROM t")
    assert sql.count(EXACT_TYPE) == 2
    permuted = data.draw(st.permutations(rows))
    first = _run(sql, rows, threads=1)
    second = _run(sql, permuted, threads=4)
    assert first == second  # the same bits whatever the row order and the parallelism
    s, f = first[0]
    assert _close_to_exact(s, Fraction(sum(n for n, _ in rows), 10**6))
    filtered = [n for n, g in rows if g == 1]
    assert (f is None) if not filtered else _close_to_exact(f, Fraction(sum(filtered), 10**6))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, data=st.data())
def test_windowed_sums_are_exact_per_partition(rows: list[tuple[int, int]], data: st.DataObject) -> None:
    sql = exact_sums("SELECT DISTINCT g, sum(x) OVER (PARTITION BY g) AS s FROM t ORDER BY g")
    first = _run(sql, rows, threads=1)
    assert first == _run(sql, data.draw(st.permutations(rows)), threads=3)
    for g, s in first:
        assert _close_to_exact(s, Fraction(sum(n for n, k in rows if k == g), 10**6))


@given(expr=st.sampled_from(["count(*)", "avg(x)", "max(x) - min(x)", "ln(1 + abs(x))"]))
def test_sql_without_sums_is_left_alone_and_sums_stay_valid_sql(expr: str) -> None:
    plain = f"SELECT {expr} FROM t"
    assert exact_sums(plain) == plain
    rewritten = exact_sums(f"SELECT {expr}, sum(x * 2) AS s FROM t GROUP BY g")
    assert sqlglot.parse_one(rewritten, read="duckdb") is not None
    assert f"CAST(x * 2 AS {EXACT_TYPE})" in rewritten

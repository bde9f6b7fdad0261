"""SQL export: DuckDB and PostgreSQL compute exactly the Python scores; every dialect parses (Spark runs in
``test_sql_export_spark``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlglot
from model_helpers import edge_case_scorecard

from firmscore.model import Scorecard
from firmscore.model.expert import EXPERT_CARDS_DIR, load_expert_card
from firmscore.model.sql_export import score_expression, score_query


@pytest.fixture(scope="module")
def case() -> tuple[Scorecard, pd.DataFrame]:
    return edge_case_scorecard(6000, 21, 1500, 22)


def test_duckdb_scores_equal_python(case) -> None:
    import duckdb

    sc, test = case
    con = duckdb.connect()
    con.register("features", test)
    sql = score_query(sc.card_, "features", "enterprise_id", dialect="duckdb", include_points=True)
    out = con.execute(sql).df().set_index("enterprise_id").loc[test["enterprise_id"]]
    assert np.array_equal(out["score"].to_numpy(), sc.points(test))
    pts = sc.card_.points(test)
    for f in sc.card_.features:
        assert np.array_equal(out[f"points_{f.name}"].to_numpy(), pts[f.name].to_numpy()), f.name


def test_duckdb_null_and_nan_both_count_as_missing(case) -> None:
    import duckdb

    sc, test = case
    f = next(f for f in sc.card_.features if f.rule.kind == "numerical")
    expr = score_expression(sc.card_, "duckdb")
    con = duckdb.connect()
    row = test.head(1).drop(columns=["enterprise_id"])
    con.register("r", row)
    cols = ", ".join(f'CAST(NULL AS DOUBLE) AS "{c}"' if c == f.name else f'"{c}"' for c in row.columns)
    fetched = con.execute(f"SELECT {expr} FROM (SELECT {cols} FROM r)").fetchone()
    assert fetched is not None
    null_score = fetched[0]
    nan_row = row.copy()
    nan_row[f.name] = np.nan
    assert null_score == sc.points(nan_row)[0]


def test_postgres_scores_equal_python(case, pg_dsn: str) -> None:
    import psycopg

    sc, test = case
    cols = [c for c in test.columns if c != "enterprise_id"]
    types = {c: ("TEXT" if test[c].dtype == object else "DOUBLE PRECISION") for c in cols}
    with psycopg.connect(pg_dsn) as con:
        con.execute(
            "CREATE TEMP TABLE features (enterprise_id TEXT, "
            + ", ".join(f'"{c}" {types[c]}' for c in cols)
            + ")"
        )
        rows = []
        for i, r in enumerate(test.itertuples(index=False)):
            vals = []
            for c, v in zip(test.columns, r, strict=True):
                if c != "enterprise_id" and types.get(c) == "DOUBLE PRECISION" and isinstance(v, float) and np.isnan(v):
                    v = None if i % 2 else float("nan")  # both NULL and NaN must read as missing
                vals.append(v)
            rows.append(vals)
        with con.cursor() as cur:
            ph = ", ".join(["%s"] * len(test.columns))
            cur.executemany(f"INSERT INTO features VALUES ({ph})", rows)
        sql = score_query(sc.card_, "features", "enterprise_id", dialect="postgres")
        got: dict[str, int] = dict(con.execute(sql).fetchall())
    assert np.array_equal(np.array([got[e] for e in test["enterprise_id"]]), sc.points(test))


@pytest.mark.parametrize("dialect", ["spark", "duckdb", "postgres"])
def test_queries_parse_in_every_dialect(case, dialect: str) -> None:
    sc, _ = case
    for card in (sc.card_, load_expert_card(EXPERT_CARDS_DIR / "sme_expert_v1.yaml")):
        sql = score_query(card, "db.features", "enterprise_id", dialect=dialect, include_points=True)
        tree = sqlglot.parse_one(sql, read=dialect)
        assert tree.find(sqlglot.exp.Case) is not None
        assert isinstance(tree, sqlglot.exp.Select)
        assert "score" in [s.alias_or_name for s in tree.selects]
    with pytest.raises(ValueError, match="dialect"):
        score_expression(sc.card_, "oracle")

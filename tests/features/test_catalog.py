"""The catalog: completeness, one declaration format, generated docs, Spark portability."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sqlglot
from typer.testing import CliRunner

from firmscore.cli import app
from firmscore.engines import to_spark_sql
from firmscore.features import all_features, compute_features, get_feature
from firmscore.features.catalog import FEATURES, SQL_FEATURES
from firmscore.features.compile import block_query, catalog_entry, prelude_views, standalone_sql
from firmscore.features.docs import render_markdown
from firmscore.features.spec import ENTRY_KEYS, Dimension, FeatureSpec
from firmscore.graph.features import ARTIFACT_COLUMNS
from firmscore.store import DataHome

from .history import AS_OF, History

DOCS = Path(__file__).resolve().parents[2] / "docs" / "features.md"


def test_catalog_covers_five_dimensions_with_complete_entries() -> None:
    specs = list(FEATURES)
    assert len(specs) >= 60
    per_dim = Counter(s.dimension for s in specs)
    assert set(per_dim) == set(Dimension) and min(per_dim.values()) >= 5
    assert len({s.id for s in specs}) == len(specs)
    for spec in specs:
        assert spec.id.startswith({"basic": "basic_", "behaviour": "beh_", "performance": "perf_",
                                   "relationship": "rel_", "legal_rep": "lr_"}[spec.dimension.value])


def test_docs_are_generated_from_the_catalog() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_markdown(), (
        "docs/features.md is stale: run python -m firmscore.features.docs docs/features.md")


def test_every_feature_sql_transpiles_to_spark() -> None:
    for spec in SQL_FEATURES:
        spark = to_spark_sql(standalone_sql(spec, AS_OF))
        assert spec.id in spark
        # the Spark text parses back as Spark SQL
        assert sqlglot.parse_one(spark, read="spark") is not None
    for name, sql in prelude_views(AS_OF):
        assert to_spark_sql(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}").startswith("CREATE OR REPLACE TEMPORARY")


def test_standalone_feature_sql_runs_and_agrees_with_the_block_query(home: DataHome, history: History) -> None:
    history.enterprise("E1")
    history.event("E1", "penalty", "2025-01-01", amount=99.0)
    history.flush()
    con = home.connect()
    try:
        spec = next(s for s in SQL_FEATURES if s.id == "perf_penalty_amount_24m_log")
        alone = con.sql(standalone_sql(spec, AS_OF)).fetchall()
        for name, sql in prelude_views(AS_OF):
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
        together = con.sql(block_query("event", [spec], AS_OF)).fetchall()
        assert alone == together == [("E1", pytest.approx(2.0))]
    finally:
        con.close()


def test_features_are_declared_keyword_only_with_one_definition() -> None:
    meaning = {"id": "basic_x", "dimension": Dimension.BASIC, "name_zh": "x", "name_en": "x", "description_zh": "x",
               "description_en": "x", "unit": "count", "direction": 0, "window": "as of",
               "record_types": ("enterprise",)}
    with pytest.raises(TypeError):
        FeatureSpec("basic_x", Dimension.BASIC)  # type: ignore[misc]
    with pytest.raises(ValueError, match="either block and expr"):
        FeatureSpec(**meaning)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="either block and expr"):
        FeatureSpec(**meaning, block="enterprise", expr="1", graph_column="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="graph column takes no"):
        FeatureSpec(**meaning, graph_column="x", fill=0.0)  # type: ignore[arg-type]
    assert not FeatureSpec(**meaning, graph_column="x").is_sql  # type: ignore[arg-type]


def test_graph_features_are_exactly_the_graph_artifact_columns() -> None:
    declared = [s.graph_column for s in all_features() if not s.is_sql]
    assert declared == list(ARTIFACT_COLUMNS)
    assert [s.id for s in all_features()] == [*(s.id for s in SQL_FEATURES), *declared]


@pytest.mark.parametrize("spec", FEATURES, ids=[s.id for s in FEATURES])
def test_each_feature_has_a_complete_entry_and_portable_sql(spec: FeatureSpec) -> None:
    """Every declaration, SQL or graph, in one format: a new feature is covered here without a new test."""
    entry = catalog_entry(spec)
    assert tuple(entry) == ENTRY_KEYS
    assert all(entry[k] not in ("", None) for k in ("name_zh", "name_en", "description_zh", "description_en",
                                                      "unit", "window", "sql")), spec.id
    assert get_feature(spec.id) is spec
    if spec.is_sql:
        assert sqlglot.parse_one(to_spark_sql(standalone_sql(spec, AS_OF)), read="spark") is not None
    else:
        assert f"SELECT enterprise_id, {spec.graph_column} FROM read_parquet(" in entry["sql"]


def test_explain_prints_both_languages_and_sql() -> None:
    result = CliRunner().invoke(app, ["features", "--explain", "beh_customer_hhi"])
    assert result.exit_code == 0, result.output
    assert "客户集中度" in result.output and "Customer concentration" in result.output
    assert "sum(share * share)" in result.output
    bad = CliRunner().invoke(app, ["features", "--explain", "no_such_feature"])
    assert bad.exit_code == 2 and "no_such_feature" in bad.output


def test_event_family_split_gives_the_same_values_as_one_event_query(home: DataHome, history: History) -> None:
    history.enterprise("E1", registered_capital=1000.0)
    history.enterprise("E2")
    history.event("E1", "invoice_out", "2025-03-01", amount=100.0, counterparty_id="C")
    history.event("E1", "loan", "2025-01-01", amount=50.0, end_date="2026-01-01")
    history.event("E1", "enforcement", "2025-02-01", amount=10.0)
    history.event("E2", "repayment", "2025-02-01", value=100.0)
    history.event("E2", "registry_change", "2025-02-01", code="address")
    history.flush()
    from firmscore.engines import DuckDBEngine
    from firmscore.features.compute import install_prelude

    event_specs = [s for s in SQL_FEATURES if s.block == "event"]
    engine = DuckDBEngine(home)
    try:
        install_prelude(engine, AS_OF, materialize=True)
        whole = engine.query(block_query("event", event_specs, AS_OF)).to_pandas().set_index("enterprise_id")
    finally:
        engine.close()
    result = compute_features(home, AS_OF, features=event_specs)
    split = result.table.to_pandas().set_index("enterprise_id")
    sourced = [s for s in event_specs if result.metadata["coverage"][s.id]["source_present"]]
    assert len(sourced) >= 20
    for spec in sourced:
        for eid in ("E1", "E2"):
            a, b = whole.loc[eid, spec.id], split.loc[eid, spec.id]
            # fill values stand in where a family has no row; otherwise the two must agree exactly
            assert (a == b) or (a != a and b != b) or (spec.fill is not None and b == spec.fill), (spec.id, eid, a, b)

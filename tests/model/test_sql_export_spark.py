"""SQL export on real Spark (local mode): Spark SQL computes exactly the Python scores."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pandas as pd
import pytest
from model_helpers import edge_case_scorecard

from firmscore.model.expert import EXPERT_CARDS_DIR, load_expert_card
from firmscore.model.sql_export import score_query


@pytest.fixture(scope="module")
def spark(requirement):
    requirement(shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME")),
                "Java is not installed (Spark needs a JVM)")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        requirement(False, "pyspark is not installed")
    session = (
        SparkSession.builder.master("local[1]").appName("firmscore-tests")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    yield session
    session.stop()


def _spark_frame(spark, test: pd.DataFrame):
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    numeric = {c: pd.api.types.is_numeric_dtype(test[c]) for c in test.columns}
    fields = [StructField(c, DoubleType() if numeric[c] else StringType(), True) for c in test.columns]
    rows = []
    for i, rec in enumerate(test.itertuples(index=False)):
        vals = []
        for c, v in zip(test.columns, rec, strict=True):
            if not numeric[c]:
                v = None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            elif np.isnan(v):
                v = None if i % 2 else float("nan")  # both NULL and NaN must read as missing
            else:
                v = float(v)
            vals.append(v)
        rows.append(tuple(vals))
    return spark.createDataFrame(rows, StructType(fields))


def test_spark_scores_equal_python(spark) -> None:
    sc, test = edge_case_scorecard(4000, 31, 600, 32)
    _spark_frame(spark, test).createOrReplaceTempView("features")
    for card in (sc.card_, load_expert_card(EXPERT_CARDS_DIR / "sme_expert_v1.yaml")):
        if not set(card.feature_names) <= set(test.columns):
            continue
        sql = score_query(card, "features", "enterprise_id", dialect="spark", include_points=True)
        got = {r["enterprise_id"]: r for r in spark.sql(sql).collect()}
        assert np.array_equal(np.array([got[e]["score"] for e in test["enterprise_id"]]), card.score(test))
        pts = card.points(test)
        for f in card.features:
            spark_pts = np.array([got[e][f"points_{f.name}"] for e in test["enterprise_id"]])
            assert np.array_equal(spark_pts, pts[f.name].to_numpy()), f.name

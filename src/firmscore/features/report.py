"""Coverage report: per feature fill rate, distinct values, univariate AUC and IV vs the label."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from firmscore.features.catalog import all_features
from firmscore.features.compute import value_coverage
from firmscore.features.univariate import information_value, univariate_auc


def coverage_report(features: pa.Table, labels: pa.Table | None = None, n_bins: int = 10) -> list[dict[str, Any]]:
    """One row per feature column of ``features``.

    Rows are joined to ``labels`` on ``enterprise_id`` (only labelled enterprises enter AUC/IV,
    fill rate and distinct values are over the whole matrix). Sorted by IV, highest first.
    """
    frame = features.to_pandas()
    joined: pd.DataFrame | None = None
    if labels is not None:
        lab = labels.select(["enterprise_id", "default_flag"]).to_pandas()
        joined = frame.merge(lab, on="enterprise_id", how="inner")
    meta = {s.id: s for s in all_features()}
    rows: list[dict[str, Any]] = []
    for col in frame.columns:
        if col == "enterprise_id":
            continue
        row: dict[str, Any] = {
            "feature": col,
            "dimension": meta[col].dimension.value if col in meta else "",
            "direction": meta[col].direction if col in meta else 0,
            **value_coverage(frame[col].to_numpy(dtype=np.float64)),
            "auc": float("nan"),
            "iv": float("nan"),
        }
        if joined is not None and len(joined):
            xv = joined[col].to_numpy(dtype=np.float64)
            yv = joined["default_flag"].to_numpy(dtype=np.int64)
            row["auc"] = univariate_auc(xv, yv)
            row["iv"] = information_value(xv, yv, n_bins)
        rows.append(row)
    rows.sort(key=lambda r: -r["iv"] if not np.isnan(r["iv"]) else float("inf"))
    return rows

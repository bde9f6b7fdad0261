"""Coverage report: per feature fill rate, distinct values, concentration, univariate AUC and IV vs the label.

AUC and IV are over the firms of known outcome only (an unknown outcome is not a good one); fill rate,
distinct values and constant / near-constant flags are over the whole matrix, what the scorecard will see.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from firmscore.features.catalog import all_features
from firmscore.features.compute import value_coverage
from firmscore.features.labels import known_outcomes
from firmscore.features.univariate import degeneracy, information_value, top_value_share, univariate_auc


def coverage_report(features: pa.Table, labels: pa.Table | None = None, n_bins: int = 10) -> list[dict[str, Any]]:
    """One row per feature column of ``features``.

    Rows are joined to ``labels`` on ``enterprise_id`` (only enterprises of known outcome enter AUC/IV;
    fill rate, distinct values, ``top_share`` and ``degenerate`` — ``"constant"``, ``"near_constant"`` or
    ``None``, :func:`~firmscore.features.univariate.degeneracy` — are over the whole matrix). Sorted by IV,
    highest first.
    """
    frame = features.to_pandas()
    joined: pd.DataFrame | None = None
    if labels is not None:
        lab = known_outcomes(labels).select(["enterprise_id", "default_flag"]).to_pandas()
        joined = frame.merge(lab, on="enterprise_id", how="inner")
    meta = {s.id: s for s in all_features()}
    rows: list[dict[str, Any]] = []
    for col in frame.columns:
        if col == "enterprise_id":
            continue
        values = frame[col].to_numpy(dtype=np.float64)
        row: dict[str, Any] = {
            "feature": col,
            "dimension": meta[col].dimension.value if col in meta else "",
            "direction": meta[col].direction if col in meta else 0,
            **value_coverage(values),
            "top_share": top_value_share(values)[0],
            "degenerate": degeneracy(values),
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

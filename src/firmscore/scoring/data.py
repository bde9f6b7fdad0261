"""Loading the modelling table: the feature matrix of a date joined to its outcome labels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from firmscore.features import all_features, read_features, read_labels
from firmscore.features.labels import OutcomeCounts, known_outcomes, outcome_counts
from firmscore.store.home import DataHome


def as_frame(table: pa.Table) -> pd.DataFrame:
    """A feature table as the float64 frame the model scores, indexed by enterprise id.

    Scoring and :func:`firmscore.scoring.verify_score` must convert identically, or a recomputed
    score could differ from the stored one in the last bit.
    """
    return table.to_pandas().set_index("enterprise_id").astype("float64")


def feature_frame(home: DataHome, as_of: dt.date) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The stored feature matrix of ``as_of`` as a DataFrame indexed by enterprise id."""
    table, meta = read_features(home, as_of)
    return as_frame(table), meta


@dataclass(frozen=True)
class ModellingTable:
    """Features and known outcomes of the firms a model may learn from or be validated on.

    ``outcomes`` counts the labels of the firms that have a feature row, unknowns included: the unknowns
    are not in ``X`` / ``y`` (they would be silently treated as goods), but every report says how many.
    """

    X: pd.DataFrame
    y: pd.Series
    outcomes: OutcomeCounts

    @property
    def unknown(self) -> int:
        return self.outcomes.unknown


def modelling_table(home: DataHome, as_of: dt.date, horizon: str) -> ModellingTable:
    """Features of ``as_of`` and the default flag over ``(as_of, as_of + horizon]`` for firms of known outcome."""
    X, _ = feature_frame(home, as_of)
    table = read_labels(home, as_of, horizon)
    featured = table.filter(pc.is_in(table.column("enterprise_id"), pa.array(X.index.astype(str))))
    labels = known_outcomes(featured).to_pandas().set_index("enterprise_id")
    joined = X.join(labels["default_flag"], how="inner")
    y = joined.pop("default_flag").astype("int8")
    return ModellingTable(joined, y, outcome_counts(featured))


def feature_metadata() -> dict[str, dict[str, Any]]:
    """Catalog facts per feature id: names, dimension and risk direction (for cards and reasons)."""
    out: dict[str, dict[str, Any]] = {}
    for spec in all_features():
        dim = getattr(spec.dimension, "value", spec.dimension)
        out[spec.id] = {
            "name_zh": spec.name_zh,
            "name_en": spec.name_en,
            "dimension": str(dim),
            "direction": int(spec.direction),
        }
    return out

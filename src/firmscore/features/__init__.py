"""Five-dimension feature engine: point-in-time, catalogued, one SQL code path.

Public API::

    compute_features(home_or_engine, as_of) -> FeatureMatrix     # matrix + metadata
    write_features(home, matrix) / read_features(home, as_of)
    evidence(home_or_con, enterprise_id, feature_ids, as_of) -> {feature_id: [record_id]}
    build_labels(home, as_of, horizon="12m", triggers=...) -> pyarrow.Table
    firm_features(home, as_of, enterprise_ids) -> FeatureMatrix    # a few firms' rows, same values
    all_features() / get_feature(id)                              # the catalog (features/catalog/)
"""

from __future__ import annotations

from firmscore.features.catalog import all_features, catalog_version, get_feature
from firmscore.features.compute import FeatureMatrix, compute_features, firm_features, read_features, write_features
from firmscore.features.evidence import evidence
from firmscore.features.labels import DEFAULT_TRIGGERS, build_labels, read_labels, write_labels
from firmscore.features.spec import Dimension, FeatureSpec

__all__ = [
    "DEFAULT_TRIGGERS",
    "Dimension",
    "FeatureMatrix",
    "FeatureSpec",
    "all_features",
    "build_labels",
    "catalog_version",
    "compute_features",
    "evidence",
    "firm_features",
    "get_feature",
    "read_features",
    "read_labels",
    "write_features",
    "write_labels",
]

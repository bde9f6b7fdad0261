"""The feature catalog: every feature of the five dimensions, declared one way, gathered here.

Each dimension module of this folder declares its features as :class:`FeatureSpec` objects
(keyword arguments only): SQL ones by a block expression, the graph stage's multi-hop ones by the
column of the graph artifact (:mod:`.relationship_graph`). They are gathered explicitly below, in
matrix column order: nothing registers itself at import time and nothing is imported by name.
Adding a feature is one declaration in its dimension's module; the catalog tests then cover it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from firmscore.features.catalog.basic import BASIC_FEATURES
from firmscore.features.catalog.behaviour import BEHAVIOUR_FEATURES
from firmscore.features.catalog.legal_rep import LEGAL_REP_FEATURES
from firmscore.features.catalog.performance import PERFORMANCE_FEATURES
from firmscore.features.catalog.relationship import RELATIONSHIP_SQL_FEATURES
from firmscore.features.catalog.relationship_graph import GRAPH_FEATURES
from firmscore.features.compile import catalog_entry
from firmscore.features.spec import FeatureSpec

#: Bumped when the meaning of existing features changes (the content hash catches the rest).
CATALOG_SCHEMA_VERSION = "1"

#: The features computed by this package's SQL blocks.
SQL_FEATURES: tuple[FeatureSpec, ...] = (
    *BASIC_FEATURES,
    *BEHAVIOUR_FEATURES,
    *PERFORMANCE_FEATURES,
    *RELATIONSHIP_SQL_FEATURES,
    *LEGAL_REP_FEATURES,
)

#: Every feature in matrix column order: SQL features, then the graph artifact's columns.
FEATURES: tuple[FeatureSpec, ...] = (*SQL_FEATURES, *GRAPH_FEATURES)


def _check_unique(specs: Iterable[FeatureSpec]) -> None:
    seen: set[str] = set()
    for spec in specs:
        if spec.id in seen:
            raise ValueError(f"feature id {spec.id!r} is declared twice in the catalog")
        seen.add(spec.id)


_check_unique(FEATURES)


def all_features(include_graph: bool = True) -> list[FeatureSpec]:
    """Every catalog entry in matrix column order (``include_graph=False``: the SQL features only)."""
    return list(FEATURES if include_graph else SQL_FEATURES)


def get_feature(feature_id: str) -> FeatureSpec:
    """A catalog entry by id; ``KeyError`` names the unknown id."""
    for spec in FEATURES:
        if spec.id == feature_id:
            return spec
    raise KeyError(f"unknown feature {feature_id!r}")


def catalog_version(specs: Iterable[FeatureSpec] | None = None) -> str:
    """``<schema>+<hash>``: changes whenever any definition changes, so matrices are traceable."""
    entries = [catalog_entry(s) for s in (specs if specs is not None else FEATURES)]
    digest = hashlib.sha256(json.dumps(entries, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return f"{CATALOG_SCHEMA_VERSION}+{digest[:12]}"

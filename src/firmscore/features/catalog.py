"""The feature catalog: built-in SQL features plus entries registered by other modules.

The graph module joins through :func:`register` (called by :func:`load_plugins` when
``firmscore.graph.features`` exists and provides ``RELATIONSHIP_FEATURES`` and
``compute_relationship_features(con, as_of)``), so this package never imports graph code
directly and works unchanged while that module is absent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from firmscore.features.defs_basic import BASIC_FEATURES
from firmscore.features.defs_behaviour import BEHAVIOUR_FEATURES
from firmscore.features.defs_legal_rep import LEGAL_REP_FEATURES
from firmscore.features.defs_performance import PERFORMANCE_FEATURES
from firmscore.features.defs_relationship import RELATIONSHIP_SQL_FEATURES
from firmscore.features.spec import FeatureSpec, spec_from_entry

#: Bumped when the meaning of existing features changes (the content hash catches the rest).
CATALOG_SCHEMA_VERSION = "1"

#: Computes external features: (connection with the pit_* views installed, as_of) → enterprise_id + float64 columns.
ExternalCompute = Callable[[duckdb.DuckDBPyConnection, dt.date], pa.Table]

GRAPH_PLUGIN = "firmscore.graph.features"

BUILTIN_FEATURES: tuple[FeatureSpec, ...] = (
    *BASIC_FEATURES,
    *BEHAVIOUR_FEATURES,
    *PERFORMANCE_FEATURES,
    *RELATIONSHIP_SQL_FEATURES,
    *LEGAL_REP_FEATURES,
)


@dataclass(frozen=True)
class ExternalGroup:
    """Features registered by another module, and the function that computes them."""

    origin: str
    specs: tuple[FeatureSpec, ...]
    compute: ExternalCompute


_EXTERNAL: dict[str, ExternalGroup] = {}
_PLUGINS_LOADED: set[str] = set()


def register(origin: str, entries: Iterable[dict[str, Any] | FeatureSpec], compute: ExternalCompute) -> None:
    """Add externally computed features to the catalog (idempotent per ``origin``).

    Raises ``ValueError`` when an id collides with a built-in or another origin's feature.
    """
    specs = tuple(e if isinstance(e, FeatureSpec) else spec_from_entry(e) for e in entries)
    taken = {s.id for s in BUILTIN_FEATURES}
    for other, group in _EXTERNAL.items():
        if other != origin:
            taken |= {s.id for s in group.specs}
    clash = sorted({s.id for s in specs} & taken)
    if clash:
        raise ValueError(f"features from {origin} collide with existing ids: {clash}")
    _EXTERNAL[origin] = ExternalGroup(origin, specs, compute)


def unregister(origin: str) -> None:
    """Remove an origin's features (tests, or a plugin that is switched off)."""
    _EXTERNAL.pop(origin, None)
    _PLUGINS_LOADED.discard(origin)


def load_plugins() -> None:
    """Register the graph module's relationship features when that module is installed."""
    if GRAPH_PLUGIN in _PLUGINS_LOADED:
        return
    _PLUGINS_LOADED.add(GRAPH_PLUGIN)
    try:
        module = importlib.import_module(GRAPH_PLUGIN)
    except ImportError:
        return
    entries = getattr(module, "RELATIONSHIP_FEATURES", None)
    compute = getattr(module, "compute_relationship_features", None)
    if entries is None or compute is None:
        return
    register(GRAPH_PLUGIN, entries, compute)


def external_groups() -> list[ExternalGroup]:
    """The registered external groups."""
    load_plugins()
    return list(_EXTERNAL.values())


def all_features(include_external: bool = True) -> list[FeatureSpec]:
    """Every catalog entry in matrix column order (built-ins first)."""
    specs = list(BUILTIN_FEATURES)
    if include_external:
        for group in external_groups():
            specs.extend(group.specs)
    return specs


def get_feature(feature_id: str) -> FeatureSpec:
    """A catalog entry by id; ``KeyError`` names the unknown id."""
    for spec in all_features():
        if spec.id == feature_id:
            return spec
    raise KeyError(f"unknown feature {feature_id!r}")


def catalog_version(specs: Iterable[FeatureSpec] | None = None) -> str:
    """``<schema>+<hash>``: changes whenever any definition changes, so matrices are traceable."""
    entries = [s.as_entry() for s in (specs if specs is not None else all_features())]
    digest = hashlib.sha256(json.dumps(entries, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return f"{CATALOG_SCHEMA_VERSION}+{digest[:12]}"

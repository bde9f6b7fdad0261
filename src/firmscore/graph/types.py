"""Edge types of the relationship graph and how each one is stored.

The graph keeps one sparse matrix per edge type. Every canonical relation ends on an enterprise
(``dst`` is held, receives or is represented), so the column space of every matrix is the
enterprises; the row space depends on who can be the source. Keeping each matrix only as tall as
its source kind (and storing unweighted types with one-byte data) is what keeps the graph within
about 12 bytes per edge at national scale.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from firmscore.datamodel.enums import RelationType


class SourceKind(StrEnum):
    """Which nodes can be the source (row) of an edge type."""

    ENTERPRISE = "enterprise"
    PERSON = "person"
    ANY = "any"


#: The typed edges of the graph: exactly the canonical relation types, so one edge matrix exists per
#: :class:`~firmscore.datamodel.RelationType` and a new relation type cannot be forgotten here.
EdgeType = RelationType


#: Who may be the source of each edge type (rows of its matrix).
SOURCE_KIND: dict[EdgeType, SourceKind] = {
    EdgeType.SHAREHOLDING: SourceKind.ANY,
    EdgeType.INVESTMENT: SourceKind.ENTERPRISE,  # an enterprise's outward investment
    EdgeType.LEGAL_REPRESENTATIVE: SourceKind.PERSON,
    EdgeType.OFFICER: SourceKind.PERSON,
    EdgeType.GUARANTEE: SourceKind.ENTERPRISE,
    EdgeType.BRANCH: SourceKind.ENTERPRISE,
    EdgeType.TRADE: SourceKind.ENTERPRISE,
    EdgeType.SHARED_ADDRESS: SourceKind.ENTERPRISE,
    EdgeType.SHARED_PHONE: SourceKind.ENTERPRISE,
}

#: Weight meaning per type; types absent here are unweighted (stored as boolean data).
WEIGHT_MEANING: dict[EdgeType, str] = {
    EdgeType.SHAREHOLDING: "share in [0, 1]",
    EdgeType.INVESTMENT: "share in [0, 1]",
    EdgeType.GUARANTEE: "guaranteed amount (CNY)",
    EdgeType.TRADE: "invoiced amount (CNY)",
}

#: Undirected types: stored once with src < dst, read in both directions.
UNDIRECTED: frozenset[EdgeType] = frozenset({EdgeType.SHARED_ADDRESS, EdgeType.SHARED_PHONE})


def data_dtype(edge_type: EdgeType) -> np.dtype:
    """Storage dtype of the edge data: ``float32`` for weighted types, ``bool`` otherwise."""
    return np.dtype(np.float32) if edge_type in WEIGHT_MEANING else np.dtype(np.bool_)


#: Share assumed when a shareholding or investment record carries no share (a minority stake).
DEFAULT_UNKNOWN_SHARE = 0.2

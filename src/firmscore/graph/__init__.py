"""Relationship graph risk: affiliates, guarantee circles, contagion and fraud rings.

The graph is held as one int32-indexed scipy CSR matrix per edge type (:mod:`.build`); features
(:mod:`.features`, sealed as one point-in-time artifact per as-of date by :mod:`.artifact`),
contagion (:mod:`.contagion`) and explanations (:mod:`.explain`) are vectorised operations on
those matrices.
"""

from firmscore.graph.build import EdgeSet, RelationGraph, build_graph, graph_from_arrays
from firmscore.graph.circles import CircleResult, find_circles
from firmscore.graph.contagion import ContagionModel, propagate
from firmscore.graph.types import EdgeType

__all__ = [
    "CircleResult",
    "ContagionModel",
    "EdgeSet",
    "EdgeType",
    "RelationGraph",
    "build_graph",
    "find_circles",
    "graph_from_arrays",
    "propagate",
]

"""Bytes per edge of the CSR storage on a medium random graph (the ~12 bytes/edge budget)."""

from __future__ import annotations

import numpy as np
import pytest

from firmscore.graph import EdgeType, graph_from_arrays
from firmscore.graph.types import SOURCE_KIND, SourceKind

#: Edge counts per type (a national-graph mix: 200k firms, 100k persons, ~2M edges).
MIX: dict[EdgeType, int] = {
    EdgeType.SHAREHOLDING: 400_000,
    EdgeType.INVESTMENT: 200_000,
    EdgeType.LEGAL_REPRESENTATIVE: 200_000,
    EdgeType.OFFICER: 300_000,
    EdgeType.GUARANTEE: 100_000,
    EdgeType.BRANCH: 50_000,
    EdgeType.TRADE: 500_000,
    EdgeType.SHARED_ADDRESS: 150_000,
    EdgeType.SHARED_PHONE: 100_000,
}


def test_csr_storage_is_at_most_12_bytes_per_edge() -> None:
    rng = np.random.default_rng(0)
    n_e, n_p = 200_000, 100_000
    edges = {}
    for t, m in MIX.items():
        kind = SOURCE_KIND[t]
        lo, hi = {SourceKind.ENTERPRISE: (0, n_e), SourceKind.PERSON: (n_e, n_e + n_p),
                  SourceKind.ANY: (0, n_e + n_p)}[kind]
        src = rng.integers(lo, hi, m, dtype=np.int32)
        dst = rng.integers(0, n_e, m, dtype=np.int32)
        keep = src != dst
        edges[t] = (src[keep], dst[keep], rng.random(int(keep.sum())).astype(np.float32))
    g = graph_from_arrays(n_e, n_p, edges, enterprise_ids=None, person_ids=None)
    for es in g.edges.values():
        assert es.matrix.indices.dtype == np.int32 and es.matrix.indptr.dtype == np.int32
    assert g.n_edges > 1_900_000
    assert g.nbytes / g.n_edges <= 12.0
    assert g.n_edges == pytest.approx(sum(MIX.values()), rel=0.01)

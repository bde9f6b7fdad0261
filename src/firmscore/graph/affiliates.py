"""Affiliates and portfolios: how much of a firm's circle is in distress.

Tie strength is the same raw weight contagion uses (share held, guarantee over capital, 1 for a
branch, legal representative or officer), symmetrised: a tie carries information both ways even
where risk flows one way. Shares over one and two hops are walk-weighted:
``share_k(v) = (S^k d)(v) / (S^k e)(v)`` with ``d`` the distress indicator and ``e`` the enterprise
indicator (persons relay but are not counted), minus the walks that return to ``v`` itself.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from firmscore.graph.build import RelationGraph, csr_from_edges
from firmscore.graph.contagion import raw_weights
from firmscore.graph.types import EdgeType

#: Types whose ties make firms affiliates, and the strength factor applied to their raw weight.
AFFILIATE_TYPES: dict[EdgeType, float] = {
    EdgeType.SHAREHOLDING: 1.0,
    EdgeType.INVESTMENT: 1.0,
    EdgeType.GUARANTEE: 1.0,
    EdgeType.BRANCH: 1.0,
    EdgeType.LEGAL_REPRESENTATIVE: 1.0,
    EdgeType.OFFICER: 0.5,
}

#: Types that tie a person to a firm (for the person portfolio signals).
PERSON_TYPES: tuple[EdgeType, ...] = (EdgeType.LEGAL_REPRESENTATIVE, EdgeType.OFFICER, EdgeType.SHAREHOLDING)


def strength_matrix(graph: RelationGraph) -> sp.csr_array:
    """Symmetric ``n_nodes × n_nodes`` tie-strength matrix over the affiliate types."""
    rows, cols, vals = [], [], []
    for t, factor in AFFILIATE_TYPES.items():
        es = graph.edge_set(t)
        if es.n_edges == 0:
            continue
        rows.append(es.src_nodes())
        cols.append(es.matrix.indices)
        vals.append(raw_weights(graph, es) * np.float32(factor))
    n = graph.n_nodes
    if not rows:
        return sp.csr_array((n, n), dtype=np.float32)
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    return csr_from_edges(np.concatenate([r, c]), np.concatenate([c, r]), np.concatenate([v, v]), (n, n),
                          np.dtype(np.float32))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros_like(num, dtype=np.float64)
    np.divide(num, den, out=out, where=den > 1e-12)
    return out


def affiliate_distress(graph: RelationGraph, distressed: np.ndarray) -> dict[str, np.ndarray]:
    """1- and 2-hop weighted distressed shares and the count of 1-hop enterprise affiliates."""
    n_e = graph.n_enterprises
    s = strength_matrix(graph).astype(np.float64)
    d = np.zeros(graph.n_nodes)
    d[:n_e] = distressed
    e = np.zeros(graph.n_nodes)
    e[:n_e] = 1.0
    sd, se = s @ d, s @ e
    self_walk = (s.multiply(s)) @ np.ones(graph.n_nodes)
    s2d = s @ sd - self_walk * d
    s2e = s @ se - self_walk * e
    binary = s.copy()
    binary.data = np.ones_like(binary.data)
    return {
        "rel_affiliate_distress_1hop": _ratio(sd, se)[:n_e],
        "rel_affiliate_distress_2hop": _ratio(np.maximum(s2d, 0.0), np.maximum(s2e, 0.0))[:n_e],
        "rel_affiliate_count": (binary @ e)[:n_e],
    }


def legal_rep_portfolio(graph: RelationGraph, failed: np.ndarray) -> dict[str, np.ndarray]:
    """Firms run by the firm's legal representative(s) and the share of the others that failed."""
    lr = graph.edge_set(EdgeType.LEGAL_REPRESENTATIVE).weights()  # persons × enterprises
    lr.data[:] = 1.0
    deg = lr @ np.ones(graph.n_enterprises)
    n_failed = lr @ failed.astype(np.float64)
    lr_t = lr.T.tocsr()
    n_lr = lr_t @ np.ones(graph.n_persons)
    firms = _ratio(lr_t @ deg, n_lr)
    others = lr_t @ deg - n_lr
    others_failed = lr_t @ n_failed - n_lr * failed
    return {
        "rel_legal_rep_firms": firms,
        "rel_legal_rep_failed_share": _ratio(others_failed, others),
    }


def person_bipartite(graph: RelationGraph) -> sp.csr_array:
    """``n_persons × n_enterprises`` 0/1 matrix: person tied to firm by any person type."""
    mats = []
    for t in PERSON_TYPES:
        es = graph.edge_set(t)
        m = es.weights()
        if es.row_offset == 0:  # shareholding rows span all nodes: keep the person rows
            m = m[graph.n_enterprises :]
        mats.append(m)
    b = sp.csr_array(sum(mats[1:], mats[0]))
    b.data = np.ones_like(b.data)
    return b


def person_max_firms(graph: RelationGraph) -> np.ndarray:
    """Per firm: the largest number of firms tied to any one of its persons (0 without persons)."""
    b = person_bipartite(graph)
    deg = b @ np.ones(graph.n_enterprises)
    bt = b.T.tocsr().astype(np.float64)
    bt.data = deg[bt.indices]
    if bt.nnz == 0:
        return np.zeros(graph.n_enterprises)
    return np.asarray(bt.max(axis=1).toarray()).ravel()

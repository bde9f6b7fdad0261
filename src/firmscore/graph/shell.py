"""Shell-company and fraud-ring signals.

Fraud rings on SME credit platforms look alike: many firms registered within weeks of each other
on one address or by one person, sharing phones, invoicing each other in circles to fake turnover.
Each signal here is cheap and vectorised; the ring flag combines them: a cluster of 3 to
``MAX_RING`` firms connected by shared addresses, phones or persons that also shows burst
registrations or circular invoicing.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import connected_components

from firmscore.graph.affiliates import person_bipartite
from firmscore.graph.build import RelationGraph, csr_from_edges
from firmscore.graph.types import EdgeType

#: Two registrations this many days apart or closer form a burst.
BURST_DAYS = 90
#: Clusters larger than this are business groups or registered-agent hubs, not rings.
MAX_RING = 500
#: Persons tied to more firms than this are left out of clusters (nominee services, hubs).
MAX_PERSON_FIRMS = 200


def group_sizes(groups: np.ndarray) -> np.ndarray:
    """Size of each item's group (``NaN`` where the group is unknown, ``-1``)."""
    out = np.full(groups.shape, np.nan)
    known = groups >= 0
    if known.any():
        counts = np.bincount(groups[known])
        out[known] = counts[groups[known]]
    return out


def burst_counts(groups: np.ndarray, days: np.ndarray, window: int = BURST_DAYS) -> np.ndarray:
    """Per item: other items of the same group with a date within ``window`` days (0 if unknown).

    One sort and two binary searches on the composite key ``group · K + day``.
    """
    out = np.zeros(groups.shape, dtype=np.float64)
    ok = (groups >= 0) & (days > np.iinfo(np.int64).min)
    if not ok.any():
        return out
    g = groups[ok].astype(np.int64)
    d = days[ok].astype(np.int64)
    span = int(d.max() - d.min()) + 2 * window + 1
    key = g * span + (d - d.min() + window)
    order = np.sort(key)
    hi = np.searchsorted(order, key + window, side="right")
    lo = np.searchsorted(order, key - window, side="left")
    out[ok] = hi - lo - 1
    return out


def _days(graph: RelationGraph) -> np.ndarray:
    col = graph.enterprises.column("established_date")
    arr = col.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    out = arr.astype(np.int64)
    out[np.isnat(arr)] = np.iinfo(np.int64).min
    return out


def registration_bursts(graph: RelationGraph) -> np.ndarray:
    """Max over (same address, same legal representative) of burst registration counts."""
    days = _days(graph)
    addr = graph.enterprises.column("address_group").to_numpy(zero_copy_only=False).astype(np.int64)
    lr = graph.enterprises.column("legal_rep_idx").to_numpy(zero_copy_only=False).astype(np.int64)
    return np.maximum(burst_counts(addr, days), burst_counts(lr, days))


def shell_clusters(graph: RelationGraph) -> np.ndarray:
    """Per firm: number of enterprises in its component of the shared address/phone/person graph."""
    n_e, n = graph.n_enterprises, graph.n_nodes
    rows, cols = [], []
    for t in (EdgeType.SHARED_ADDRESS, EdgeType.SHARED_PHONE):
        es = graph.edge_set(t)
        rows.append(es.src_nodes())
        cols.append(es.matrix.indices)
    b = person_bipartite(graph)
    deg = np.diff(b.indptr)
    keep = np.repeat(deg <= MAX_PERSON_FIRMS, deg)
    prow = np.repeat(np.arange(b.shape[0], dtype=np.int32), deg)[keep] + np.int32(n_e)
    rows.append(prow)
    cols.append(b.indices[keep])
    r, c = np.concatenate(rows), np.concatenate(cols)
    adj = csr_from_edges(r, c, np.ones(r.size, dtype=np.bool_), (n, n), np.dtype(np.bool_))
    _, labels = connected_components(adj, directed=False)
    ent_count = np.bincount(labels[:n_e], minlength=int(labels.max()) + 1 if labels.size else 0)
    return ent_count[labels[:n_e]].astype(np.float64)


def ring_flag(cluster_size: np.ndarray, bursts: np.ndarray, on_trade_cycle: np.ndarray) -> np.ndarray:
    """1 where the firm is in a 3..MAX_RING shell cluster and shows bursts or circular invoicing."""
    suspicious = (bursts >= 2) | (on_trade_cycle > 0)
    return ((cluster_size >= 3) & (cluster_size <= MAX_RING) & suspicious).astype(np.float64)

"""Guarantee circles and circular invoicing: strongly connected components, then bounded cycles.

A guarantee circle (互保圈/担保圈) is a set of firms that guarantee each other directly or around a
loop; one default travels all the way round. Strongly connected components (SCCs) find every such
set in linear time with scipy; listing the actual loops (simple cycles, Johnson's algorithm in
rustworkx) is exponential in the worst case, so it runs only on the nodes of non-trivial SCCs,
keeps cycles up to ``max_length`` and stops after ``max_cycles``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import rustworkx as rx
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components


@dataclass
class CircleResult:
    """SCCs and bounded simple cycles of a directed graph on ``n`` nodes.

    Attributes
    ----------
    scc_size : int32 array
        Size of the node's SCC when that SCC has at least two nodes, else 0.
    scc_label : int32 array
        SCC label of each node (meaningful where ``scc_size > 0``).
    n_cycles : int32 array
        Number of listed simple cycles through the node.
    cycles : list of tuple of int
        The listed cycles (node indexes), at most ``max_cycles``.
    complete : bool
        False when listing stopped at ``max_cycles`` (counts are then lower bounds).
    """

    scc_size: np.ndarray
    scc_label: np.ndarray
    n_cycles: np.ndarray
    cycles: list[tuple[int, ...]]
    complete: bool

    @property
    def n_circles(self) -> int:
        """Number of non-trivial SCCs (circles)."""
        return int(np.unique(self.scc_label[self.scc_size > 0]).size)


def _batches(sorted_labels: np.ndarray, batch_nodes: int) -> list[tuple[int, int]]:
    """Cut positions of label-sorted nodes into runs of whole SCCs of about ``batch_nodes`` nodes."""
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    bounds = np.r_[starts, sorted_labels.size]
    out, lo = [], 0
    for cut in bounds[1:]:
        if cut - lo >= batch_nodes:
            out.append((lo, int(cut)))
            lo = int(cut)
    if lo < sorted_labels.size:
        out.append((lo, int(sorted_labels.size)))
    return out


def _list_cycles(
    adjacency: sp.csr_array, labels: np.ndarray, members: np.ndarray, max_length: int, max_cycles: int,
    batch_nodes: int = 1000,
) -> tuple[list[tuple[int, ...]], bool]:
    """Simple cycles inside SCCs, listed batch by batch.

    Johnson's algorithm restarts its SCC search from every node, so its cost grows with the square
    of the graph it is given; feeding it batches of whole SCCs of about ``batch_nodes`` nodes keeps
    the total linear in the number of circle members.
    """
    members = members[np.argsort(labels[members], kind="stable")]
    sub = sp.csr_array(adjacency)[members][:, members].tocoo()
    same = labels[members[sub.row]] == labels[members[sub.col]]
    rows, cols = sub.row[same], sub.col[same]
    order = np.argsort(rows, kind="stable")
    rows, cols = rows[order], cols[order]
    cycles: list[tuple[int, ...]] = []
    seen = 0
    for lo, hi in _batches(labels[members], batch_nodes):
        a, b = np.searchsorted(rows, [lo, hi])
        g = rx.PyDiGraph(multigraph=False)
        g.add_nodes_from(range(hi - lo))
        g.add_edges_from_no_data(list(zip((rows[a:b] - lo).tolist(), (cols[a:b] - lo).tolist(), strict=True)))
        for cyc in rx.simple_cycles(g):
            seen += 1
            if seen > max_cycles:
                return cycles, False
            if len(cyc) <= max_length:
                cycles.append(tuple(int(members[lo + i]) for i in cyc))
    return cycles, True


def find_circles(adjacency: sp.csr_array, max_length: int = 6, max_cycles: int = 100_000) -> CircleResult:
    """SCCs of a square directed adjacency matrix, then simple cycles of length ≤ ``max_length``.

    Parameters
    ----------
    adjacency : scipy.sparse.csr_array
        Square matrix; a stored entry ``(i, j)`` is an edge i → j (weights are ignored).
    max_length : int
        Longest cycle kept (a loop of 10 firms is not a practical circle and costs a lot to list).
    max_cycles : int
        Stop after examining this many cycles (Johnson's algorithm can be exponential).
    """
    n = adjacency.shape[0]
    if adjacency.shape[0] != adjacency.shape[1]:
        raise ValueError(f"adjacency must be square, got shape {adjacency.shape}")
    n_comp, labels = connected_components(adjacency, directed=True, connection="strong")
    labels = labels.astype(np.int32)
    comp_size = np.bincount(labels, minlength=n_comp).astype(np.int32)
    size = comp_size[labels]
    scc_size = np.where(size >= 2, size, 0).astype(np.int32)
    n_cycles = np.zeros(n, dtype=np.int32)
    members = np.flatnonzero(scc_size > 0)
    cycles: list[tuple[int, ...]] = []
    complete = True
    if members.size:
        cycles, complete = _list_cycles(adjacency, labels, members, max_length, max_cycles)
        if cycles:
            flat = np.fromiter(itertools.chain.from_iterable(cycles), dtype=np.int64)
            n_cycles = np.bincount(flat, minlength=n).astype(np.int32)
    return CircleResult(scc_size, labels, n_cycles, cycles, complete)

"""Strongly connected components and bounded cycle listing on graphs with known circles."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from firmscore.graph.circles import find_circles


def _adj(n: int, edges: list[tuple[int, int]]) -> sp.csr_array:
    r, c = zip(*edges, strict=True)
    return sp.csr_array((np.ones(len(r), dtype=np.float32), (np.array(r), np.array(c))), shape=(n, n))


def test_known_circles_components_and_cycle_counts() -> None:
    # 0→1→2→0 and 1→0 (two cycles through 0 and 1); 3⇄4; 5→6 is a tail; 7 alone.
    adj = _adj(8, [(0, 1), (1, 2), (2, 0), (1, 0), (3, 4), (4, 3), (5, 6), (2, 5)])
    res = find_circles(adj, max_length=6)
    assert res.scc_size.tolist() == [3, 3, 3, 2, 2, 0, 0, 0]
    assert res.n_circles == 2
    assert res.scc_label[0] == res.scc_label[1] == res.scc_label[2] != res.scc_label[3]
    assert res.n_cycles.tolist() == [2, 2, 1, 1, 1, 0, 0, 0]
    assert sorted(len(c) for c in res.cycles) == [2, 2, 3]
    assert res.complete


def test_long_loops_are_in_the_component_but_not_listed() -> None:
    ring = [(i, (i + 1) % 7) for i in range(7)]
    res = find_circles(_adj(7, ring), max_length=6)
    assert (res.scc_size == 7).all()
    assert res.cycles == []
    assert res.n_cycles.sum() == 0
    assert find_circles(_adj(7, ring), max_length=7).n_cycles.tolist() == [1] * 7


def test_listing_stops_at_the_budget() -> None:
    n = 6  # complete digraph: many cycles
    adj = _adj(n, [(i, j) for i in range(n) for j in range(n) if i != j])
    res = find_circles(adj, max_length=6, max_cycles=10)
    assert not res.complete
    assert len(res.cycles) <= 10

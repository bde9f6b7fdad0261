"""Contagion: default risk that travels through guarantees, ownership and branches.

Each node ``v`` defaults on its own with ``p_own(v)`` or because a tied node ``u`` defaulted and the
shock crossed the tie with probability ``w(v, u)``. Treating shocks as independent gives

    p(v) = 1 − (1 − p_own(v)) · Π_u (1 − w(v, u) · p(u)),

solved as a fixed point: start from ``p = p_own`` and iterate the right-hand side in log space
(``log(1 − p) = log(1 − p_own) + Σ_u log1p(−w·p(u))``, one gather and one segmented sum per edge
type). The iteration is monotone and bounded, so it converges to the least fixed point; it stops
when no probability moves by more than ``tol``.

``w(v, u) = β_c · raw(v, u)`` per *channel* ``c``: ``raw`` is the tie's own strength (guaranteed
amount over the guarantor's registered capital, capped at 1; the share held; 1 for branches) and
``β_c`` a scale factor per channel. :meth:`ContagionModel.fit` calibrates ``β`` by moment matching:
for the firms exposed through channel ``c`` to a firm that defaulted in the training window, the
observed excess default rate over unexposed firms, divided by their mean exposure, is the
first-order lift the model must reproduce (``p(v) − p_own(v) ≈ β_c · raw · p(u)``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from firmscore.graph.build import EdgeSet, RelationGraph, merge_rows, pad_rows
from firmscore.graph.types import EdgeType

#: channel → (edge types, direction). ``forward``: the row node (source) is exposed to the column
#: node (target); ``reverse``: the target is exposed to the source.
CHANNELS: dict[str, tuple[tuple[EdgeType, ...], str]] = {
    "guarantor": ((EdgeType.GUARANTEE,), "forward"),  # guarantor pays when the borrower fails
    "borrower": ((EdgeType.GUARANTEE,), "reverse"),  # borrower loses its credit support
    "owner": ((EdgeType.SHAREHOLDING, EdgeType.INVESTMENT), "forward"),  # investor loses its stake
    "subsidiary": ((EdgeType.SHAREHOLDING, EdgeType.INVESTMENT), "reverse"),  # parent's distress hits the firm
    "head_office": ((EdgeType.BRANCH,), "forward"),
    "branch": ((EdgeType.BRANCH,), "reverse"),
}

#: Scale factors used before (or without) calibration: conservative priors.
PRIOR_WEIGHTS: dict[str, float] = {
    "guarantor": 0.3,
    "borrower": 0.05,
    "owner": 0.1,
    "subsidiary": 0.1,
    "head_office": 0.3,
    "branch": 0.3,
}

#: A guarantee with unknown amount counts as this fraction of the guarantor's capital.
UNKNOWN_GUARANTEE_EXPOSURE = 0.5


@dataclass
class Term:
    """One channel's edges of one type, with raw weights in the edge set's storage order."""

    channel: str
    edge_set: EdgeSet
    direction: str
    raw: np.ndarray  # float32, per stored edge
    src: np.ndarray | None  # int32 source node per edge (reverse terms only)


def raw_weights(graph: RelationGraph, edge_set: EdgeSet) -> np.ndarray:
    """Tie strength in [0, 1] of every stored edge of ``edge_set``."""
    data = edge_set.matrix.data
    t = edge_set.edge_type
    if t is EdgeType.GUARANTEE:
        cap = graph.enterprises.column("registered_capital").to_numpy(zero_copy_only=False).astype(np.float64)
        cap_src = cap[edge_set.src_nodes()]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(np.isfinite(cap_src) & (cap_src > 0), data / cap_src, 1.0)
        ratio = np.where(data > 0, ratio, UNKNOWN_GUARANTEE_EXPOSURE)
        return np.clip(ratio, 0.0, 1.0).astype(np.float32)
    return np.clip(data.astype(np.float32), 0.0, 1.0)


def build_terms(graph: RelationGraph, channels: tuple[str, ...]) -> list[Term]:
    """The propagation terms of the given channels (skipping empty edge sets)."""
    terms = []
    for ch in channels:
        types, direction = CHANNELS[ch]
        for t in types:
            es = graph.edge_set(t)
            if es.n_edges == 0:
                continue
            src = es.src_nodes() if direction == "reverse" else None
            terms.append(Term(ch, es, direction, raw_weights(graph, es), src))
    return terms


def _segment_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Sum of ``values`` per CSR row (empty rows give 0), without building a matrix."""
    cs = np.empty(values.size + 1, dtype=np.float64)
    cs[0] = 0.0
    np.cumsum(values, dtype=np.float64, out=cs[1:])
    return cs[indptr[1:]] - cs[indptr[:-1]]


@dataclass
class Kernel:
    """All terms merged for iteration: row ``v``'s segment ``indptr[v]:indptr[v+1]`` lists the nodes
    ``gather`` that ``v`` is exposed to, with weights ``coef`` (``β · raw``, float32)."""

    indptr: np.ndarray
    gather: np.ndarray
    coef: np.ndarray

    @property
    def n_edges(self) -> int:
        return int(self.gather.size)


def build_kernel(graph: RelationGraph, weights: Mapping[str, float], terms: list[Term] | None = None) -> Kernel:
    """Precompute the iteration kernel: reverse terms are transposed once, then all terms are merged."""
    n = graph.n_nodes
    active = tuple(c for c, b in weights.items() if b > 0)
    blocks = []
    for term in terms if terms is not None else build_terms(graph, active):
        beta = np.float32(weights.get(term.channel, 0.0))
        if beta <= 0:
            continue
        m = term.edge_set.matrix
        if term.direction == "forward":
            blocks.append((pad_rows(m.indptr, term.edge_set.row_offset, n), m.indices, term.raw * beta))
        else:
            t = sp.csr_array((term.raw, m.indices, m.indptr), shape=m.shape).T.tocsr()
            gather = t.indices.astype(np.int32) + np.int32(term.edge_set.row_offset)
            blocks.append((pad_rows(t.indptr, 0, n), gather, t.data.astype(np.float32) * beta))
    indptr, gather, coef = merge_rows(blocks, n)
    return Kernel(indptr, gather, coef.astype(np.float32, copy=False))


def _row_chunks(indptr: np.ndarray, n_chunks: int) -> list[tuple[int, int]]:
    """Split rows into ``n_chunks`` ranges holding about the same number of edges."""
    nnz = int(indptr[-1])
    cuts = np.searchsorted(indptr, np.linspace(0, nnz, n_chunks + 1)[1:-1]).tolist()
    bounds = [0, *cuts, indptr.size - 1]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def propagate(
    graph: RelationGraph,
    own_pd: np.ndarray,
    weights: Mapping[str, float],
    tol: float = 1e-6,
    max_iter: int = 200,
    terms: list[Term] | None = None,
    n_threads: int = 2,
    n_blocks: int = 32,
) -> tuple[np.ndarray, int, bool]:
    """Solve the contagion fixed point; returns (p over all nodes, sweeps, converged).

    ``own_pd`` has one entry per node (persons usually 0: they pass risk on, they do not start it).

    Each sweep updates the rows block by block (block Gauss–Seidel): a block reads the PDs already
    updated by earlier blocks of the same sweep. The linearised iteration matrix is non-negative,
    so this converges at least as fast as updating all rows at once (Stein–Rosenberg) and stays
    monotone from below, i.e. it reaches the same least fixed point. Within a block, rows are split
    into ``n_threads`` edge-balanced ranges computed in threads (numpy releases the GIL); new values
    are published only when the block is done, so results do not depend on thread timing. Per
    block the work is one gather, one ``log1p`` and one segmented sum over its edges.
    """
    p_own = np.clip(np.asarray(own_pd, dtype=np.float64), 0.0, 1.0)
    if p_own.shape != (graph.n_nodes,):
        raise ValueError(f"own_pd must have one value per node ({graph.n_nodes}), got shape {p_own.shape}")
    k = build_kernel(graph, weights, terms)
    base = np.log1p(-np.minimum(p_own, 1.0 - 1e-15))
    p = p_own.copy()
    p32 = p.astype(np.float32)
    cap = np.float32(1.0 - 1e-7)
    shock = np.empty(k.n_edges, dtype=np.float32)
    fresh = np.empty_like(p)
    threads = max(1, n_threads)
    chunks = _row_chunks(k.indptr, max(1, n_blocks) * threads) if k.n_edges else []
    blocks = [chunks[i : i + threads] for i in range(0, len(chunks), threads)]

    def work(rows: tuple[int, int]) -> None:
        r0, r1 = rows
        e0, e1 = int(k.indptr[r0]), int(k.indptr[r1])
        buf = shock[e0:e1]
        np.take(p32, k.gather[e0:e1], out=buf, mode="clip")  # 'clip' avoids the buffered copy of 'raise'
        buf *= k.coef[e0:e1]
        np.minimum(buf, cap, out=buf)
        np.negative(buf, out=buf)
        np.log1p(buf, out=buf)
        fresh[r0:r1] = -np.expm1(base[r0:r1] + _segment_sums(buf, k.indptr[r0 : r1 + 1] - e0))

    converged = not blocks
    it = 0
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for it in range(1, max_iter + 1 if blocks else 1):  # noqa: B007 - the count is returned
            delta = 0.0
            for block in blocks:
                list(pool.map(work, block))
                r0, r1 = block[0][0], block[-1][1]
                delta = max(delta, float(np.max(np.abs(fresh[r0:r1] - p[r0:r1]))))
                p[r0:r1] = fresh[r0:r1]
                p32[r0:r1] = fresh[r0:r1]
            if delta < tol:
                converged = True
                break
    return p, it, converged


class ContagionModel:
    """Calibrated contagion PD through guarantees, ownership and branches.

    Parameters
    ----------
    channels : tuple of str
        Channels of :data:`CHANNELS` to use.
    prior_weights : dict, optional
        Scale factor per channel before calibration (default :data:`PRIOR_WEIGHTS`).
    tol : float
        Convergence tolerance on the largest change of any probability.
    max_iter : int
        Iteration cap of the fixed point.
    min_exposed : int
        A channel keeps its prior when fewer firms than this are exposed in the training data.

    Attributes
    ----------
    weights_ : dict
        Calibrated scale factor per channel (after :meth:`fit`).
    calibration_ : dict
        Per channel: exposed firms, their default rate, the unexposed rate, mean exposure.
    n_iter_ : int, converged_ : bool
        Of the last :meth:`contagion_pd`.
    """

    def __init__(
        self,
        channels: tuple[str, ...] = tuple(CHANNELS),
        prior_weights: Mapping[str, float] | None = None,
        tol: float = 1e-6,
        max_iter: int = 200,
        min_exposed: int = 20,
    ) -> None:
        self.channels = channels
        self.prior_weights = prior_weights
        self.tol = tol
        self.max_iter = max_iter
        self.min_exposed = min_exposed

    def get_params(self, deep: bool = True) -> dict[str, object]:
        return {
            "channels": self.channels,
            "prior_weights": self.prior_weights,
            "tol": self.tol,
            "max_iter": self.max_iter,
            "min_exposed": self.min_exposed,
        }

    def set_params(self, **params: object) -> ContagionModel:
        for k, v in params.items():
            if k not in self.get_params():
                raise ValueError(f"unknown parameter {k!r} of ContagionModel")
            setattr(self, k, v)
        return self

    def _priors(self) -> dict[str, float]:
        src = PRIOR_WEIGHTS if self.prior_weights is None else self.prior_weights
        return {c: float(src.get(c, 0.0)) for c in self.channels}

    @property
    def effective_weights(self) -> dict[str, float]:
        """Calibrated weights when fitted, else the priors."""
        return dict(getattr(self, "weights_", None) or self._priors())

    def fit(
        self,
        graph: RelationGraph,
        y: np.ndarray,
        sources: np.ndarray | None = None,
        eligible: np.ndarray | None = None,
        days: np.ndarray | None = None,
    ) -> ContagionModel:
        """Calibrate the channel scale factors on observed defaults (arrays of one value per enterprise).

        Parameters
        ----------
        graph : RelationGraph
            The graph at the start of the training window.
        y : array of 0/1
            Default (or distress) observed during the training window: the outcome of the exposed.
        sources : array of 0/1, optional
            Firms whose default is the shock (default ``y``; e.g. distressed at the start or during).
        eligible : array of bool, optional
            Firms counted as exposed/unexposed (e.g. not yet distressed at the start; default all).
        days : array of int, optional
            Day number of each firm's default or shock (any large value when none). When given, a
            shock counts only for firms whose own default came later (or never): co-default within
            one window is otherwise symmetric and a channel would also learn the reverse direction.

        Notes
        -----
        For channel ``c``: ``exposure(v) = min(1, Σ_u raw_c(v, u) · source(u))``; eligible firms with
        exposure are compared with eligible firms exposed through no channel at all;
        ``β_c = (rate_exposed − rate_unexposed) / ((1 − rate_unexposed) · mean exposure)``, in [0, 1].
        """
        y = np.asarray(y, dtype=np.float64)
        n_e = graph.n_enterprises
        if y.shape != (n_e,):
            raise ValueError(f"y must have one value per enterprise ({n_e}), got shape {y.shape}")
        src_flag = y if sources is None else np.asarray(sources, dtype=np.float64)
        ok = np.ones(n_e, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
        y_nodes = np.zeros(graph.n_nodes)
        y_nodes[:n_e] = src_flag
        day_nodes = np.full(graph.n_nodes, np.iinfo(np.int64).max, dtype=np.int64)
        if days is not None:
            day_nodes[:n_e] = np.asarray(days, dtype=np.int64)
        exposure: dict[str, np.ndarray] = {c: np.zeros(graph.n_nodes) for c in self.channels}
        for term in build_terms(graph, self.channels):
            m = term.edge_set.matrix
            if term.direction == "forward":  # v = row (source node), u = column
                hit = term.raw * y_nodes[m.indices]
                if days is not None:
                    hit = hit * (day_nodes[m.indices] < day_nodes[term.edge_set.src_nodes()])
                sums = _segment_sums(hit, m.indptr)
                off = term.edge_set.row_offset
                exposure[term.channel][off : off + sums.size] += sums
            else:  # v = column (enterprise), u = source node
                assert term.src is not None
                hit = term.raw * y_nodes[term.src]
                if days is not None:
                    hit = hit * (day_nodes[term.src] < day_nodes[m.indices])
                exposure[term.channel][:n_e] += np.bincount(m.indices, weights=hit, minlength=n_e)
        any_exposed = np.zeros(n_e, dtype=bool)
        for e in exposure.values():
            any_exposed |= e[:n_e] > 0
        unexposed = ok & ~any_exposed
        base_rate = float(y[unexposed].mean()) if unexposed.any() else float(y[ok].mean())
        priors = self._priors()
        self.weights_: dict[str, float] = {}
        self.calibration_: dict[str, dict[str, float]] = {}
        for c in self.channels:
            e = np.minimum(exposure[c][:n_e], 1.0)
            exposed = (e > 0) & ok
            n_exp = int(exposed.sum())
            if n_exp < self.min_exposed:
                self.weights_[c] = priors[c]
                self.calibration_[c] = {"exposed": n_exp, "beta": priors[c], "source": 0.0}
                continue
            rate = float(y[exposed].mean())
            mean_e = float(e[exposed].mean())
            beta = (rate - base_rate) / max((1.0 - base_rate) * mean_e, 1e-12)
            self.weights_[c] = float(np.clip(beta, 0.0, 1.0))
            self.calibration_[c] = {
                "exposed": n_exp,
                "rate_exposed": rate,
                "rate_unexposed": base_rate,
                "mean_exposure": mean_e,
                "beta": self.weights_[c],
                "source": 1.0,
            }
        return self

    def contagion_pd(self, graph: RelationGraph, own_pd: np.ndarray) -> np.ndarray:
        """Contagion PD over all nodes (own PD included: ``p ≥ p_own``)."""
        p, self.n_iter_, self.converged_ = propagate(
            graph, own_pd, self.effective_weights, tol=self.tol, max_iter=self.max_iter
        )
        return p

    def predict_proba(self, graph: RelationGraph, own_pd: np.ndarray) -> np.ndarray:
        """``(n_enterprises, 2)``: probability of no default and of default, with contagion."""
        p = self.contagion_pd(graph, own_pd)[: graph.n_enterprises]
        return np.column_stack([1.0 - p, p])


def node_own_pd(graph: RelationGraph, enterprise_pd: np.ndarray) -> np.ndarray:
    """Extend a per-enterprise own PD to all nodes (persons start no risk: 0)."""
    out = np.zeros(graph.n_nodes)
    out[: graph.n_enterprises] = enterprise_pd
    return out

"""Why risk reaches a firm: the strongest contagion paths and the legal representative's record.

A path ``v → u1 → … → uk`` says that ``v`` is exposed to ``u1`` through one channel, ``u1`` to
``u2`` and so on, and ``uk`` carries risk of its own. Its strength is the product of the
calibrated edge weights times ``p_own(uk)``: the first-order share of ``v``'s contagion PD that
comes along that path. Paths are found by a bounded depth-first search from ``v`` that follows
only the edges of the as-of graph, so an explanation never cites a tie that did not exist then.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from firmscore.graph.build import RelationGraph
from firmscore.graph.contagion import Term, build_terms
from firmscore.graph.distress import DISTRESS_SIGNALS
from firmscore.graph.features import GraphAnalysis
from firmscore.graph.types import EdgeType


@dataclass(frozen=True)
class Hop:
    """One step of a path: ``src`` is exposed to ``dst`` through ``channel`` with weight ``w``."""

    src: int
    dst: int
    channel: str
    edge_type: EdgeType
    raw: float
    w: float


@dataclass(frozen=True)
class RiskPath:
    """A contagion path and its first-order contribution to the start firm's PD."""

    hops: tuple[Hop, ...]
    score: float

    @property
    def nodes(self) -> tuple[int, ...]:
        return (self.hops[0].src, *(h.dst for h in self.hops))


@dataclass(frozen=True)
class Statement:
    """One explanation sentence in both languages with its strength (for ordering)."""

    zh: str
    en: str
    score: float


class _Neighbours:
    """Exposure neighbours of a node across channel terms (rows for forward, columns for reverse)."""

    def __init__(self, graph: RelationGraph, terms: list[Term], weights: dict[str, float]) -> None:
        self.graph = graph
        self.items: list[tuple[Term, sp.csr_array, float]] = []
        for term in terms:
            beta = weights.get(term.channel, 0.0)
            if beta <= 0:
                continue
            m = term.edge_set.matrix
            raw = sp.csr_array((term.raw, m.indices, m.indptr), shape=m.shape)
            if term.direction == "reverse":
                raw = raw.T.tocsr()  # enterprises × sources
            self.items.append((term, raw, beta))

    def of(self, node: int) -> list[Hop]:
        out = []
        n_e = self.graph.n_enterprises
        for term, raw, beta in self.items:
            off = term.edge_set.row_offset
            if term.direction == "forward":
                row = node - off
                if not 0 <= row < raw.shape[0]:
                    continue
                to_global = 0
            else:
                if node >= n_e:
                    continue
                row = node
                to_global = off
            lo, hi = raw.indptr[row], raw.indptr[row + 1]
            for j, r in zip(raw.indices[lo:hi].tolist(), raw.data[lo:hi].tolist(), strict=True):
                out.append(Hop(node, int(j) + to_global, term.channel, term.edge_set.edge_type, r, beta * r))
        return out


def risk_paths(analysis: GraphAnalysis, node: int, max_depth: int = 3, top: int = 5,
               min_score: float = 1e-4) -> list[RiskPath]:
    """The ``top`` strongest paths through which risk reaches ``node`` (enterprise index)."""
    graph = analysis.graph
    weights = analysis.model.effective_weights
    nb = _Neighbours(graph, build_terms(graph, tuple(weights)), weights)
    p_own = analysis.own_pd
    best: list[tuple[float, int, RiskPath]] = []
    counter = 0

    def visit(path: tuple[Hop, ...], strength: float, seen: frozenset[int]) -> None:
        nonlocal counter
        end = path[-1].dst
        score = strength * float(p_own[end])
        if score >= min_score and end < graph.n_enterprises:
            counter += 1
            item = (score, counter, RiskPath(path, score))
            if len(best) < top:
                heapq.heappush(best, item)
            elif score > best[0][0]:
                heapq.heapreplace(best, item)
        if len(path) >= max_depth:
            return
        for hop in nb.of(end):
            if hop.dst in seen:
                continue
            s = strength * hop.w
            if s < min_score:
                continue
            visit((*path, hop), s, seen | {hop.dst})

    for hop in nb.of(node):
        if hop.w >= min_score and hop.dst != node:
            visit((hop,), hop.w, frozenset({node, hop.dst}))
    return [p for _, _, p in sorted(best, key=lambda x: (-x[0], x[1]))]


_HOP_TEXT: dict[str, tuple[str, str]] = {
    "guarantor": ("为 {u} 提供担保", "guarantees {u}"),
    "borrower": ("由 {u} 提供担保", "is guaranteed by {u}"),
    "owner": ("持有 {u} {share} 的股权", "holds {share} of {u}"),
    "subsidiary": ("被 {u} 持股 {share}", "is {share} owned by {u}"),
    "head_office": ("是 {u} 的总公司", "is the head office of {u}"),
    "branch": ("是 {u} 的分支机构", "is a branch of {u}"),
}

_SIGNAL_TEXT: dict[str, tuple[str, str]] = {
    "dishonest": ("被列为失信被执行人", "was listed as a dishonest debtor"),
    "enforced": ("被强制执行", "is under court enforcement"),
    "delinquent": ("逾期90天以上", "was 90+ days past due"),
    "exited": ("已退出市场（吊销/注销）", "left the market (revoked or cancelled)"),
}


def _label(graph: RelationGraph, idx: int, lang: str) -> str:
    if idx >= graph.n_enterprises:
        return "一名自然人" if lang == "zh" else "a person"
    return graph.node_id(idx)


def _end_state(analysis: GraphAnalysis, idx: int) -> tuple[str, str]:
    sig = analysis.signals
    zh_parts, en_parts = [], []
    for s in DISTRESS_SIGNALS:
        if sig.flags[s][idx]:
            since = sig.since[s][idx]
            when = "" if np.isnat(since) else str(since.astype("datetime64[M]"))
            zh, en = _SIGNAL_TEXT[s]
            zh_parts.append(zh + (f"（{when}）" if when else ""))
            en_parts.append(en + (f" ({when})" if when else ""))
    if not zh_parts:
        p = float(analysis.own_pd[idx])
        return f"自身违约概率 {p:.1%}", f"whose own PD is {p:.1%}"
    return "、".join(zh_parts), "which " + " and ".join(en_parts)


def describe_path(analysis: GraphAnalysis, path: RiskPath) -> Statement:
    """A path as one sentence in Chinese and English."""
    g = analysis.graph
    zh_bits, en_bits = [], []
    for k, hop in enumerate(path.hops):
        share = f"{hop.raw:.0%}"
        zh_t, en_t = _HOP_TEXT[hop.channel]
        zh_bits.append(("" if k == 0 else "，该方") + zh_t.format(u=_label(g, hop.dst, "zh"), share=share))
        en_bits.append(("" if k == 0 else ", which ") + en_t.format(u=_label(g, hop.dst, "en"), share=share))
    zh_end, en_end = _end_state(analysis, path.hops[-1].dst)
    return Statement(
        "".join(zh_bits) + f"，后者{zh_end}（路径贡献约 {path.score:.2%}）",
        "".join(en_bits) + f", {en_end} (path contributes about {path.score:.2%})",
        path.score,
    )


def legal_rep_statement(analysis: GraphAnalysis, node: int) -> Statement | None:
    """"Shares its legal representative with N failed firms", when it does."""
    g = analysis.graph
    lr = g.edge_set(EdgeType.LEGAL_REPRESENTATIVE).matrix
    reps = np.flatnonzero(lr[:, [node]].toarray().ravel())
    if reps.size == 0:
        return None
    firms = np.unique(np.concatenate([lr.indices[lr.indptr[r] : lr.indptr[r + 1]] for r in reps]))
    others = firms[firms != node]
    if others.size == 0:
        return None
    sig = analysis.signals
    exited = int(sig.flags["exited"][others].sum())
    distressed = int(sig.distressed[others].sum())
    if distressed == 0:
        return Statement(f"法定代表人另有 {others.size} 家企业，均无困境记录",
                         f"its legal representative runs {others.size} other firms, none in distress", 0.0)
    return Statement(
        f"与 {distressed} 家困境企业（其中 {exited} 家已吊销/注销）共用法定代表人（共 {others.size} 家）",
        f"shares its legal representative with {distressed} distressed firms ({exited} revoked or cancelled) "
        f"out of {others.size}",
        distressed / others.size,
    )


_CHANNEL_TEXT: dict[str, tuple[str, str]] = {
    "guarantor": ("为 {n} 家企业提供担保", "guarantees {n} firms"),
    "borrower": ("获 {n} 家企业担保", "is guaranteed by {n} firms"),
    "owner": ("持有 {n} 家企业股权", "holds shares in {n} firms"),
    "subsidiary": ("有 {n} 个股东", "has {n} shareholders"),
    "head_office": ("有 {n} 家分支机构", "has {n} branches"),
    "branch": ("隶属 {n} 家总公司", "belongs to {n} head offices"),
}


def channel_statements(analysis: GraphAnalysis, node: int) -> list[Statement]:
    """Per channel of direct ties: how many, how many distressed, and their joint first-order share.

    Single paths understate risk that arrives through many small ties; this adds them up with the
    neighbours' contagion PD: ``1 − Π(1 − w · p(u))``.
    """
    weights = analysis.model.effective_weights
    nb = _Neighbours(analysis.graph, build_terms(analysis.graph, tuple(weights)), weights)
    by_channel: dict[str, list[Hop]] = {}
    for hop in nb.of(node):
        by_channel.setdefault(hop.channel, []).append(hop)
    distressed = analysis.signals.distressed
    out = []
    for ch, hops in by_channel.items():
        dst = np.array([h.dst for h in hops])
        w = np.array([h.w for h in hops])
        share = 1.0 - float(np.prod(1.0 - w * analysis.contagion_pd[dst]))
        n_bad = int(sum(bool(distressed[d]) for d in dst if d < analysis.graph.n_enterprises))
        zh, en = _CHANNEL_TEXT[ch]
        out.append(Statement(
            zh.format(n=len(hops)) + f"，其中 {n_bad} 家处于困境，合计传导违约概率约 {share:.2%}",
            en.format(n=len(hops)) + f", {n_bad} of them distressed; together they pass on about {share:.2%}",
            share,
        ))
    return sorted(out, key=lambda s: -s.score)


def explain(analysis: GraphAnalysis, enterprise_id: str, top: int = 5) -> tuple[float, float, list[Statement]]:
    """(own PD, contagion PD, statements) for one enterprise; ``KeyError`` if it is not in the graph.

    Statements: the ``top`` strongest paths, then a summary per channel of direct ties, then the
    legal representative's record.
    """
    idx = int(analysis.graph.index_of([enterprise_id])[0])
    if idx < 0:
        raise KeyError(enterprise_id)
    statements = [describe_path(analysis, p) for p in risk_paths(analysis, idx, top=top)]
    statements += [s for s in channel_statements(analysis, idx) if s.score > 0]
    lr = legal_rep_statement(analysis, idx)
    if lr is not None:
        statements.append(lr)
    return float(analysis.own_pd[idx]), float(analysis.contagion_pd[idx]), statements

"""Relationship features: one row per enterprise, one float64 column per catalog entry.

:data:`ARTIFACT_COLUMNS` are the columns the graph stage's artifact (:mod:`.artifact`) holds; the
feature catalog declares each of them (``firmscore.features.catalog.relationship_graph``) and the
feature stage reads them from the artifact, never by recomputing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from firmscore.graph.affiliates import affiliate_distress, legal_rep_portfolio, person_max_firms
from firmscore.graph.build import Progress, RelationGraph, build_graph
from firmscore.graph.circles import CircleResult, find_circles
from firmscore.graph.contagion import ContagionModel, node_own_pd
from firmscore.graph.distress import DistressSignals, distress_signals
from firmscore.graph.shell import group_sizes, registration_bursts, ring_flag, shell_clusters
from firmscore.graph.types import EdgeType

__all__ = ["ARTIFACT_COLUMNS", "GraphAnalysis", "analyse", "analyse_home", "compute_relationship_features"]

#: The relationship features the graph computes, in the artifact's column order.
ARTIFACT_COLUMNS: tuple[str, ...] = (
    "rel_affiliate_distress_1hop", "rel_affiliate_distress_2hop", "rel_affiliate_count", "rel_guarantee_out_ratio",
    "rel_guarantee_distressed_ratio", "rel_guarantee_circle_member", "rel_guarantee_circle_size",
    "rel_guarantee_cycles", "rel_legal_rep_firms", "rel_legal_rep_failed_share", "rel_trade_hhi",
    "rel_trade_counterparty_distress", "rel_trade_cycle_member", "rel_address_firms", "rel_phone_firms",
    "rel_person_max_firms", "rel_registration_burst", "rel_ring_cluster_size", "rel_fraud_ring_flag", "rel_own_pd",
    "rel_contagion_pd", "rel_contagion_excess",
)

#: Longest guarantee loop and circular-invoicing loop listed.
MAX_GUARANTEE_CYCLE = 6
MAX_TRADE_CYCLE = 4


@dataclass
class GraphAnalysis:
    """Everything computed on one as-of graph: reused by features, explain and benchmarks."""

    graph: RelationGraph
    signals: DistressSignals
    own_pd: np.ndarray  # per node
    contagion_pd: np.ndarray  # per node
    model: ContagionModel
    guarantee_circles: CircleResult
    trade_circles: CircleResult
    features: dict[str, np.ndarray]

    def table(self) -> pa.Table:
        """The features as an Arrow table (``enterprise_id`` + one float64 column per feature)."""
        cols: dict[str, pa.Array] = {"enterprise_id": self.graph.enterprise_ids}
        for fid in ARTIFACT_COLUMNS:
            cols[fid] = pa.array(self.features[fid].astype(np.float64), type=pa.float64())
        return pa.table(cols)


def _ratio_nan(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=np.isfinite(den) & (den > 0))
    return out


def _guarantee_features(graph: RelationGraph, distressed: np.ndarray) -> dict[str, np.ndarray]:
    g = graph.edge_set(EdgeType.GUARANTEE).weights()
    cap = graph.enterprises.column("registered_capital").to_numpy(zero_copy_only=False).astype(np.float64)
    out_amt = g @ np.ones(graph.n_enterprises)
    bad_amt = g @ distressed.astype(np.float64)
    ratio = _ratio_nan(out_amt, cap)
    bad = _ratio_nan(bad_amt, cap)
    no_guarantee = out_amt == 0
    ratio[no_guarantee] = 0.0
    bad[no_guarantee | (bad_amt == 0)] = 0.0
    return {"rel_guarantee_out_ratio": ratio, "rel_guarantee_distressed_ratio": bad}


def _trade_features(graph: RelationGraph, distressed: np.ndarray) -> dict[str, np.ndarray]:
    t = graph.edge_set(EdgeType.TRADE).weights()
    flows = (t + t.T).tocsr()
    flows.data = np.abs(flows.data)
    total = flows @ np.ones(graph.n_enterprises)
    sq = flows.multiply(flows).tocsr() @ np.ones(graph.n_enterprises)
    hhi = _ratio_nan(sq, total * total)
    bad = _ratio_nan(flows @ distressed.astype(np.float64), total)
    return {"rel_trade_hhi": hhi, "rel_trade_counterparty_distress": bad}


def analyse(
    graph: RelationGraph,
    signals: DistressSignals,
    own_pd: np.ndarray | None = None,
    model: ContagionModel | None = None,
    progress: Progress | None = None,
) -> GraphAnalysis:
    """Compute every relationship feature on a built graph.

    Parameters
    ----------
    graph, signals : the as-of graph and its distress signals.
    own_pd : array, optional
        Own PD per enterprise (e.g. a scorecard's); default the signal prior.
    model : ContagionModel, optional
        A calibrated contagion model; default one with the prior channel weights.
    """
    say: Callable[[str], None] = progress or (lambda _s: None)
    n_e = graph.n_enterprises
    distressed = signals.distressed
    feats: dict[str, np.ndarray] = {}
    say("affiliates")
    feats.update(affiliate_distress(graph, distressed))
    feats.update(legal_rep_portfolio(graph, distressed))
    feats["rel_person_max_firms"] = person_max_firms(graph)
    say("guarantees")
    feats.update(_guarantee_features(graph, distressed))
    g_circles = find_circles(graph.edge_set(EdgeType.GUARANTEE).matrix, max_length=MAX_GUARANTEE_CYCLE)
    feats["rel_guarantee_circle_member"] = (g_circles.scc_size > 0).astype(np.float64)
    feats["rel_guarantee_circle_size"] = g_circles.scc_size.astype(np.float64)
    feats["rel_guarantee_cycles"] = g_circles.n_cycles.astype(np.float64)
    say("trade")
    feats.update(_trade_features(graph, distressed))
    t_circles = find_circles(graph.edge_set(EdgeType.TRADE).matrix, max_length=MAX_TRADE_CYCLE)
    feats["rel_trade_cycle_member"] = (t_circles.n_cycles > 0).astype(np.float64)
    say("shell")
    ent = graph.enterprises
    feats["rel_address_firms"] = group_sizes(ent.column("address_group").to_numpy(zero_copy_only=False))
    feats["rel_phone_firms"] = group_sizes(ent.column("phone_group").to_numpy(zero_copy_only=False))
    feats["rel_registration_burst"] = registration_bursts(graph)
    feats["rel_ring_cluster_size"] = shell_clusters(graph)
    feats["rel_fraud_ring_flag"] = ring_flag(
        feats["rel_ring_cluster_size"], feats["rel_registration_burst"], feats["rel_trade_cycle_member"]
    )
    say("contagion")
    own = signals.own_pd() if own_pd is None else np.asarray(own_pd, dtype=np.float64)
    p_own = node_own_pd(graph, own)
    model = model or ContagionModel()
    p = model.contagion_pd(graph, p_own)
    feats["rel_own_pd"] = own
    feats["rel_contagion_pd"] = p[:n_e]
    feats["rel_contagion_excess"] = np.maximum(p[:n_e] - own, 0.0)
    return GraphAnalysis(graph, signals, p_own, p, model, g_circles, t_circles, feats)


def compute_relationship_features(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    own_pd: np.ndarray | None = None,
    model: ContagionModel | None = None,
    progress: Progress | None = None,
) -> pa.Table:
    """Relationship features of every enterprise as of ``as_of``, computed now (the artifact's content).

    Returns a table with ``enterprise_id`` and one ``float64`` column per entry of
    :data:`ARTIFACT_COLUMNS`, one row per enterprise known on ``as_of``.
    """
    return analyse_home(con, as_of, own_pd=own_pd, model=model, progress=progress).table()


def analyse_home(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    own_pd: np.ndarray | None = None,
    model: ContagionModel | None = None,
    progress: Progress | None = None,
) -> GraphAnalysis:
    """Build the graph from the data home connection and :func:`analyse` it."""
    graph = build_graph(con, as_of, progress=progress)
    signals = distress_signals(con, as_of)
    return analyse(graph, signals, own_pd=own_pd, model=model, progress=progress)

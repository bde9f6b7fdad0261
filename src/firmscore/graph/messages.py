"""Bilingual messages of the graph stage (registered with :mod:`firmscore.i18n`)."""

from __future__ import annotations

from firmscore.i18n import register

MESSAGES: dict[str, tuple[str, str]] = {
    "graph.title": ("关联关系图谱", "Relationship graph"),
    "graph.building": ("构建图谱", "building graph"),
    "graph.nodes": ("节点", "nodes"),
    "graph.edges": ("边", "edges"),
    "graph.bytes_per_edge": ("每条边字节数", "bytes per edge"),
    "graph.written": ("已写出关联特征: {path}", "relationship features written: {path}"),
    "graph.circles": ("担保圈", "guarantee circles"),
    "graph.rings": ("疑似欺诈团伙企业", "firms flagged as fraud ring"),
    "graph.contagion": ("传染迭代 {n} 次，收敛: {ok}", "contagion fixed point: {n} iterations, converged: {ok}"),
    "graph.explain_title": ("风险传导路径: {eid}", "How risk reaches {eid}"),
    "graph.own_pd": ("自身违约概率", "own PD"),
    "graph.contagion_pd": ("传染违约概率", "contagion PD"),
    "graph.no_paths": ("没有发现风险传导路径", "no path carries risk to this firm"),
    "graph.unknown_enterprise": ("图谱中没有企业 {eid}", "enterprise {eid} is not in the graph"),
    "graph.no_home": ("数据目录不存在: {path}", "no data home at {path}"),
    "graph.calibrated": ("传染权重已按 {d} 起的违约校准", "contagion weights calibrated on defaults after {d}"),
}

register(MESSAGES)

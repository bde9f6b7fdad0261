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
    "graph.artifact_id": ("图谱产物编号 {id}（特征、评分与验证均读取此产物）",
                          "graph artifact {id} (features, scores and verify-score read this one)"),
    "graph.circles": ("担保圈", "guarantee circles"),
    "graph.rings": ("疑似欺诈团伙企业", "firms flagged as fraud ring"),
    "graph.contagion": ("传染迭代 {n} 次，收敛: {ok}", "contagion fixed point: {n} iterations, converged: {ok}"),
    "graph.explain_title": ("风险传导路径: {eid}", "How risk reaches {eid}"),
    "graph.own_pd": ("自身违约概率", "own PD"),
    "graph.contagion_pd": ("传染违约概率", "contagion PD"),
    "graph.no_paths": ("没有发现风险传导路径", "no path carries risk to this firm"),
    "graph.unknown_enterprise": ("图谱中没有企业 {eid}", "enterprise {eid} is not in the graph"),
    "graph.no_home": ("数据目录不存在: {path}", "no data home at {path}"),
    "graph.artifact.missing": ("{as_of} 的图谱产物不存在: {path}（运行: firmscore graph --as-of {as_of}）",
                               "no graph artifact for {as_of} at {path} (run: firmscore graph --as-of {as_of})"),
    "graph.artifact.stale": ("图谱产物 {path} 构建后数据目录的记录已变化，按其原传染模型重建一次",
                             "graph artifact {path} was built from other records than the home holds now: "
                             "rebuilding it once with its own contagion model"),
    "graph.artifact.stale_refused": ("图谱产物 {path} 构建后数据目录的记录已变化"
                                     "（运行: firmscore graph --as-of {as_of}）",
                                     "graph artifact {path} was built from other records than the home holds now "
                                     "(run: firmscore graph --as-of {as_of})"),
    "graph.artifact.altered": ("图谱产物 {path} 与其封存的哈希不符（已被改动），拒绝读取",
                               "graph artifact {path} does not match its sealed hash (altered): refused"),
    "graph.artifact.unexpected": ("图谱产物 {path} 是 {found}，收据要求 {expected}",
                                  "graph artifact {path} is {found}, the receipt requires {expected}"),
    "graph.artifact.building": ("构建 {as_of} 的图谱产物", "building the graph artifact of {as_of}"),
    "graph.calibrated": ("传染权重已按 {d} 起的违约校准", "contagion weights calibrated on defaults after {d}"),
}

register(MESSAGES)

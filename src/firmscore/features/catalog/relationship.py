"""Relationship features (关联关系) that need no graph algorithm: direct ties and shared contacts.

Multi-hop measures (contagion, guarantee circles, shell clusters) are columns of the graph stage's
artifact, declared in :mod:`firmscore.features.catalog.relationship_graph`.
"""

from __future__ import annotations

from firmscore.features.spec import Dimension, FeatureSpec

D = Dimension.RELATIONSHIP
REL = ("relation",)
ENT = ("enterprise",)


def _rel(fid: str, zh: str, en: str, dzh: str, den: str, unit: str, direction: int, expr: str, where: str,
         types: tuple[str, ...], fill: float | None) -> FeatureSpec:
    return FeatureSpec(
        id=fid, dimension=D, name_zh=zh, name_en=en, description_zh=dzh, description_en=den, unit=unit,
        direction=direction, record_types=REL, event_types=(), window="as of", block="relation", expr=expr,
        where=where, relation_types=types, fill=fill,
    )


def _in(types: tuple[str, ...], direction: str) -> str:
    quoted = ", ".join(f"'{t}'" for t in types)
    return f"direction = '{direction}' AND relation_type IN ({quoted})"


HOLD = ("shareholding",)
INVEST = ("shareholding", "investment")
GUAR = ("guarantee",)

RELATIONSHIP_SQL_FEATURES: list[FeatureSpec] = [
    _rel("rel_shareholders", "股东数", "Shareholders", "评估日有效的股东数", "Shareholders on the as-of date",
         "count", 0, "count(DISTINCT other_id) FILTER (WHERE {w})", _in(HOLD, "in"), HOLD, 0.0),
    _rel("rel_corporate_shareholders", "法人股东数", "Corporate shareholders", "评估日为企业的股东数",
         "Shareholders that are enterprises", "count", 0,
         "count(DISTINCT other_id) FILTER (WHERE {w})", _in(HOLD, "in") + " AND other_type = 'enterprise'", HOLD, 0.0),
    _rel("rel_max_shareholding", "第一大股东持股比例", "Largest shareholding", "最大单一股东持股比例",
         "Share held by the largest shareholder", "ratio", 0, "max(share) FILTER (WHERE {w})", _in(HOLD, "in"),
         HOLD, None),
    _rel("rel_investees", "对外投资企业数", "Investees", "评估日持股或投资的企业数",
         "Enterprises the firm holds shares in or has invested in", "count", 0,
         "count(DISTINCT other_id) FILTER (WHERE {w})", _in(INVEST, "out"), INVEST, 0.0),
    _rel("rel_investee_distress_share", "对外投资企业困境比例", "Distressed investees share",
         "对外投资企业中处于困境(吊销注销、失信在列、未结执行、破产或退出)的比例",
         "Share of investees in distress (revoked or cancelled, listed dishonest, open enforcement, bankrupt, exited)",
         "ratio", 1, "avg(other_distressed) FILTER (WHERE {w})", _in(INVEST, "out") + " AND other_type = 'enterprise'",
         INVEST, None),
    _rel("rel_shareholder_distress", "困境法人股东数", "Distressed corporate shareholders",
         "处于困境的企业股东数", "Shareholders that are enterprises in distress", "count", 1,
         "coalesce(sum(other_distressed) FILTER (WHERE {w}), 0)", _in(HOLD, "in") + " AND other_type = 'enterprise'",
         HOLD, 0.0),
    _rel("rel_guarantees_given", "对外担保笔数", "Guarantees given", "评估日有效的对外担保笔数",
         "Guarantees given by the enterprise valid on the as-of date", "count", 1,
         "count(*) FILTER (WHERE {w})", _in(GUAR, "out"), GUAR, 0.0),
    _rel("rel_guarantee_given_to_capital", "对外担保额/注册资本", "Guarantees given to capital",
         "有效对外担保金额合计除以注册资本", "Amount of guarantees given over registered capital", "ratio", 1,
         "coalesce(sum(amount) FILTER (WHERE {w}), 0) / nullif(max(reg_capital), 0)", _in(GUAR, "out"), GUAR, None),
    _rel("rel_guarantees_received", "获得担保笔数", "Guarantees received", "评估日有效的被担保笔数",
         "Guarantees received by the enterprise", "count", 0, "count(*) FILTER (WHERE {w})", _in(GUAR, "in"),
         GUAR, 0.0),
    _rel("rel_guaranteed_distress", "被担保方困境数", "Distressed guaranteed parties",
         "本企业担保的借款人中处于困境的数量", "Borrowers guaranteed by the enterprise that are in distress",
         "count", 1, "coalesce(sum(other_distressed) FILTER (WHERE {w}), 0)", _in(GUAR, "out"), GUAR, 0.0),
    _rel("rel_branches", "分支机构数", "Branches", "评估日有效的分支机构数", "Branches of the enterprise",
         "count", -1, "count(*) FILTER (WHERE {w})", _in(("branch",), "out"), ("branch",), 0.0),
    _rel("rel_trade_partner_distress_share", "交易对手困境比例", "Distressed trade partners share",
         "交易关系对手方中处于困境的比例", "Share of trade counterparties in distress", "ratio", 1,
         "avg(other_distressed) FILTER (WHERE {w})", "relation_type = 'trade' AND other_type = 'enterprise'",
         ("trade",), None),
    _rel("rel_shared_contact_links", "共享地址电话关联数", "Shared address or phone links",
         "与本企业登记地址或电话相同的关联记录数", "Shared-address and shared-phone ties of the enterprise",
         "count", 1, "count(*) FILTER (WHERE {w})", "relation_type IN ('shared_address', 'shared_phone')",
         ("shared_address", "shared_phone"), 0.0),
    _rel("rel_officers", "高管人数", "Officers", "评估日登记的高管人数", "Officers registered on the as-of date",
         "count", 0, "count(DISTINCT other_id) FILTER (WHERE {w})", _in(("officer",), "in"), ("officer",), 0.0),
    FeatureSpec(
        id="rel_shared_address_firms", dimension=D, name_zh="同地址企业数", name_en="Firms at the same address",
        description_zh="登记地址相同的其他企业数(空壳集群信号)",
        description_en="Other enterprises registered at the same address (shell-cluster "
        "signal)",
        unit="count", direction=1, record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="CASE WHEN address IS NULL OR address = '' THEN NULL ELSE count(*) OVER (PARTITION BY address) - 1 END",
    ),
    FeatureSpec(
        id="rel_shared_phone_firms", dimension=D, name_zh="同电话企业数", name_en="Firms sharing the phone",
        description_zh="登记电话相同的其他企业数",
        description_en="Other enterprises registered with the same phone number", unit="count", direction=1,
        record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="CASE WHEN phone IS NULL OR phone = '' THEN NULL ELSE count(*) OVER (PARTITION BY phone) - 1 END",
    ),
]

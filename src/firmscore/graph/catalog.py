"""Catalog entries of the relationship features: the contract with the feature engine.

Each entry is a plain dict with the feature engine's catalog keys (see
``firmscore.features.spec.ENTRY_KEYS``) plus ``sources``. The ``sql`` of a graph feature is the
query that reads the column from the Parquet file the graph stage writes, because the values are
computed by sparse-matrix code, not by SQL.
"""

from __future__ import annotations

from typing import Any

_REL = ["relation", "enterprise"]
_DISTRESS_EVENTS = ["repayment", "default", "enforcement", "dishonest_listing", "status_change", "market_exit",
                    "bankruptcy"]


def _entry(
    fid: str,
    name_zh: str,
    name_en: str,
    desc_zh: str,
    desc_en: str,
    unit: str,
    direction: int,
    record_types: list[str],
    event_types: list[str],
    window: str = "as of",
) -> dict[str, Any]:
    return {
        "id": fid,
        "dimension": "relationship",
        "name_zh": name_zh,
        "name_en": name_en,
        "description_zh": desc_zh,
        "description_en": desc_en,
        "unit": unit,
        "direction": direction,
        "sources": sorted({*record_types, *event_types}),
        "record_types": record_types,
        "event_types": event_types,
        "window": window,
        "sql": (
            f"SELECT enterprise_id, {fid} FROM read_parquet('{{home}}/features/graph/as_of={{as_of_iso}}/"
            "relationship.parquet')"
        ),
    }


RELATIONSHIP_FEATURES: list[dict[str, Any]] = [
    _entry("rel_affiliate_distress_1hop", "一度关联方困境占比", "distressed 1-hop affiliates",
           "直接关联企业（持股、投资、担保、分支、共同法人/高管经由人员）中处于困境（逾期90天以上、被执行、失信、退出）的比例，按关联强度加权。",
           "Tie-strength-weighted share of directly tied enterprises (shareholding, investment, guarantee, branch) "
           "that are distressed: 90+ days past due, enforced, dishonest-listed or exited.",
           "ratio", 1, [*_REL, "event"], _DISTRESS_EVENTS),
    _entry("rel_affiliate_distress_2hop", "二度关联方困境占比", "distressed 2-hop affiliates",
           "两步可达的关联企业（含经由共同法定代表人、高管、股东）中处于困境的比例，按路径强度加权。",
           "Walk-weighted share of enterprises two ties away (including through a shared legal representative, "
           "officer or shareholder) that are distressed.",
           "ratio", 1, [*_REL, "event"], _DISTRESS_EVENTS),
    _entry("rel_affiliate_count", "一度关联企业数", "1-hop affiliated enterprises",
           "直接持股、投资、担保或分支关系连接的企业数。", "Number of enterprises tied directly by shareholding, "
           "investment, guarantee or branch.", "count", 0, _REL, []),
    _entry("rel_guarantee_out_ratio", "对外担保/注册资本", "outgoing guarantees over capital",
           "对外担保总额与注册资本之比。", "Total amount guaranteed for others divided by registered capital.",
           "ratio", 1, _REL, []),
    _entry("rel_guarantee_distressed_ratio", "为困境企业担保/注册资本", "guarantees for distressed firms over capital",
           "为处于困境的企业提供的担保金额与注册资本之比。",
           "Amount guaranteed for distressed borrowers divided by registered capital.", "ratio", 1, [*_REL, "event"],
           _DISTRESS_EVENTS),
    _entry("rel_guarantee_circle_member", "是否处于担保圈", "in a guarantee circle",
           "企业是否属于互保/联保形成的担保圈（担保关系的强连通分量）。",
           "Whether the firm belongs to a guarantee circle (a strongly connected component of guarantees).",
           "flag", 1, _REL, []),
    _entry("rel_guarantee_circle_size", "担保圈规模", "guarantee circle size",
           "所在担保圈（强连通分量）的企业数，不在圈中为0。",
           "Number of firms in the firm's guarantee circle (0 when in none).", "count", 1, _REL, []),
    _entry("rel_guarantee_cycles", "经过企业的担保环数", "guarantee loops through the firm",
           "经过该企业、长度不超过6的担保环数量（有上限的枚举）。",
           "Number of guarantee loops of length ≤ 6 through the firm (bounded listing).", "count", 1, _REL, []),
    _entry("rel_legal_rep_firms", "法定代表人名下企业数", "firms run by the legal representative",
           "法定代表人担任法定代表人的企业数（含本企业）。",
           "Number of enterprises the legal representative represents (this one included).", "count", 1, _REL, []),
    _entry("rel_legal_rep_failed_share", "法定代表人名下企业失败比例", "legal representative's failed firms",
           "法定代表人名下其他企业中处于困境或已退出的比例。",
           "Share of the legal representative's other enterprises that are distressed or exited.", "ratio", 1,
           [*_REL, "event"], _DISTRESS_EVENTS),
    _entry("rel_trade_hhi", "交易对手集中度", "counterparty concentration (HHI)",
           "近12个月开票交易额按交易对手计算的赫芬达尔指数。",
           "Herfindahl index of invoiced trade over counterparties in the last 12 months.", "HHI", 1, [*_REL, "event"],
           ["invoice_out", "invoice_in"], "12m"),
    _entry("rel_trade_counterparty_distress", "交易对手困境占比", "distressed counterparties",
           "近12个月交易额中流向或来自困境企业的比例。",
           "Share of the last 12 months' invoiced trade with distressed counterparties.", "ratio", 1,
           [*_REL, "event"], ["invoice_out", "invoice_in", *_DISTRESS_EVENTS], "12m"),
    _entry("rel_trade_cycle_member", "是否处于循环开票环", "on a circular invoicing loop",
           "企业是否处于长度不超过4的循环开票（交易）环上。",
           "Whether the firm lies on a circular invoicing loop of length ≤ 4.", "flag", 1, [*_REL, "event"],
           ["invoice_out", "invoice_in"], "12m"),
    _entry("rel_address_firms", "同地址企业数", "firms on the same address",
           "登记在同一地址的企业数（含本企业）。", "Number of enterprises registered at the same address.", "count", 1,
           ["enterprise"], []),
    _entry("rel_phone_firms", "同电话企业数", "firms with the same phone",
           "登记同一电话的企业数（含本企业）。", "Number of enterprises registered with the same phone.", "count", 1,
           ["enterprise"], []),
    _entry("rel_person_max_firms", "关联自然人最多关联企业数", "most firms held by one tied person",
           "与企业相关的自然人（法定代表人、高管、股东）中，关联企业数最多者的企业数。",
           "Largest number of enterprises tied to one of the firm's persons (legal representative, officer, "
           "shareholder).", "count", 1, _REL, []),
    _entry("rel_registration_burst", "集中注册企业数", "registrations in a burst",
           "同地址或同法定代表人、成立日期相差90天以内的其他企业数（取较大者）。",
           "Other enterprises on the same address or with the same legal representative established within 90 days "
           "of this one (the larger count).", "count", 1, ["enterprise", "relation"], []),
    _entry("rel_ring_cluster_size", "空壳关联簇规模", "shell cluster size",
           "经共同地址、电话或人员连通的企业簇的企业数。",
           "Enterprises in the cluster connected by shared addresses, phones or persons.", "count", 1, _REL, []),
    _entry("rel_fraud_ring_flag", "疑似欺诈团伙", "suspected fraud ring",
           "所在空壳簇（3至500家）存在集中注册或循环开票时为1。",
           "1 when the firm's shell cluster (3 to 500 firms) shows burst registrations or circular invoicing.",
           "flag", 1, [*_REL, "event"], ["invoice_out", "invoice_in"]),
    _entry("rel_own_pd", "自身违约概率（信号先验）", "own PD (signal prior)",
           "仅由企业自身困境信号得到的违约概率先验（或外部评分卡PD）。",
           "Default probability from the firm's own distress signals (or a supplied scorecard PD).", "probability", 1,
           ["enterprise", "event"], [*_DISTRESS_EVENTS, "abnormal_operation", "tax_arrears"]),
    _entry("rel_contagion_pd", "传染违约概率", "contagion PD",
           "经担保、股权和分支关系传导后的违约概率（含自身风险）。",
           "Default probability after contagion through guarantees, ownership and branches (own risk included).",
           "probability", 1, [*_REL, "event"], _DISTRESS_EVENTS),
    _entry("rel_contagion_excess", "传染增量违约概率", "contagion PD excess",
           "传染违约概率减去自身违约概率：纯粹来自关联方的风险。",
           "Contagion PD minus own PD: the risk that comes from tied firms only.", "probability", 1,
           [*_REL, "event"], _DISTRESS_EVENTS),
]

FEATURE_IDS: tuple[str, ...] = tuple(e["id"] for e in RELATIONSHIP_FEATURES)

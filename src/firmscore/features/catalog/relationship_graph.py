"""Relationship features computed by the graph stage (关联关系, multi-hop): columns of its artifact.

The values are computed by sparse-matrix code in :mod:`firmscore.graph` and stored in the graph
stage's point-in-time artifact (:mod:`firmscore.graph.artifact`); each declaration names its column.
The feature stage reads the artifact with the SQL of :func:`firmscore.features.compile.feature_sql_template`.
"""

from __future__ import annotations

from firmscore.features.spec import Dimension, FeatureSpec

D = Dimension.RELATIONSHIP
REL = ("relation", "enterprise")
REL_EVENT = ("relation", "enterprise", "event")
DISTRESS_EVENTS = ("repayment", "default", "enforcement", "dishonest_listing", "status_change", "market_exit",
                   "bankruptcy")
TRADE_EVENTS = ("invoice_out", "invoice_in")

GRAPH_FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        id="rel_affiliate_distress_1hop", dimension=D, graph_column="rel_affiliate_distress_1hop",
        name_zh="一度关联方困境占比", name_en="distressed 1-hop affiliates",
        description_zh=(
            "直接关联企业（持股、投资、担保、分支、共同法人/高管经由人员）中处于困境（逾期90天以上、被执行、"
            "失信、退出）的比例，按关联强度加权。"
        ),
        description_en=(
            "Tie-strength-weighted share of directly tied enterprises (shareholding, investment, guarantee, "
            "branch) that are distressed: 90+ days past due, enforced, dishonest-listed or exited."
        ),
        unit="ratio", direction=1, window="as of", record_types=REL_EVENT,
        event_types=DISTRESS_EVENTS,
    ),
    FeatureSpec(
        id="rel_affiliate_distress_2hop", dimension=D, graph_column="rel_affiliate_distress_2hop",
        name_zh="二度关联方困境占比", name_en="distressed 2-hop affiliates",
        description_zh="两步可达的关联企业（含经由共同法定代表人、高管、股东）中处于困境的比例，按路径强度加权。",
        description_en=(
            "Walk-weighted share of enterprises two ties away (including through a shared legal "
            "representative, officer or shareholder) that are distressed."
        ),
        unit="ratio", direction=1, window="as of", record_types=REL_EVENT,
        event_types=DISTRESS_EVENTS,
    ),
    FeatureSpec(
        id="rel_affiliate_count", dimension=D, graph_column="rel_affiliate_count",
        name_zh="一度关联企业数", name_en="1-hop affiliated enterprises",
        description_zh="直接持股、投资、担保或分支关系连接的企业数。",
        description_en="Number of enterprises tied directly by shareholding, investment, guarantee or branch.",
        unit="count", direction=0, window="as of", record_types=REL,
        event_types=(),
    ),
    FeatureSpec(
        id="rel_guarantee_out_ratio", dimension=D, graph_column="rel_guarantee_out_ratio",
        name_zh="对外担保/注册资本", name_en="outgoing guarantees over capital",
        description_zh="对外担保总额与注册资本之比。",
        description_en="Total amount guaranteed for others divided by registered capital.",
        unit="ratio", direction=1, window="as of", record_types=REL,
        event_types=(),
    ),
    FeatureSpec(
        id="rel_guarantee_distressed_ratio", dimension=D, graph_column="rel_guarantee_distressed_ratio",
        name_zh="为困境企业担保/注册资本", name_en="guarantees for distressed firms over capital",
        description_zh="为处于困境的企业提供的担保金额与注册资本之比。",
        description_en="Amount guaranteed for distressed borrowers divided by registered capital.",
        unit="ratio", direction=1, window="as of", record_types=REL_EVENT,
        event_types=DISTRESS_EVENTS,
    ),
    FeatureSpec(
        id="rel_guarantee_circle_member", dimension=D, graph_column="rel_guarantee_circle_member",
        name_zh="是否处于担保圈", name_en="in a guarantee circle",
        description_zh="企业是否属于互保/联保形成的担保圈（担保关系的强连通分量）。",
        description_en=(
            "Whether the firm belongs to a guarantee circle (a strongly connected component of guarantees)."
        ),
        unit="flag", direction=1, window="as of", record_types=REL,
        event_types=(),
    ),
    FeatureSpec(
        id="rel_guarantee_circle_size", dimension=D, graph_column="rel_guarantee_circle_size",
        name_zh="担保圈规模", name_en="guarantee circle size",
        description_zh="所在担保圈（强连通分量）的企业数，不在圈中为0。",
        description_en="Number of firms in the firm's guarantee circle (0 when in none).",
        unit="count", direction=1, window="as of", record_types=REL,
        event_types=(),
    ),
    FeatureSpec(
        id="rel_guarantee_cycles", dimension=D, graph_column="rel_guarantee_cycles",
        name_zh="经过企业的担保环数", name_en="guarantee loops through the firm",
        description_zh="经过该企业、长度不超过6的担保环数量（有上限的枚举）。",
        description_en="Number of guarantee loops of length ≤ 6 through the firm (bounded listing).",
        unit="count", direction=1, window="as of", record_types=REL,
        event_types=(),
    ),
    FeatureSpec(
        id="rel_legal_rep_firms", dimension=D, graph_column="rel_legal_rep_firms",
        name_zh="法定代表人名下企业数", name_en="firms run by the legal representative",
        description_zh="法定代表人担任法定代表人的企业数（含本企业）。",
        description_en="Number of enterprises the legal representative represents (this one included).",
        unit="count", direction=1, window="as of", record_types=REL,
        event_types=(),
    ),
    FeatureSpec(
        id="rel_legal_rep_failed_share", dimension=D, graph_column="rel_legal_rep_failed_share",
        name_zh="法定代表人名下企业失败比例", name_en="legal representative's failed firms",
        description_zh="法定代表人名下其他企业中处于困境或已退出的比例。",
        description_en="Share of the legal representative's other enterprises that are distressed or exited.",
        unit="ratio", direction=1, window="as of", record_types=REL_EVENT,
        event_types=DISTRESS_EVENTS,
    ),
    FeatureSpec(
        id="rel_trade_hhi", dimension=D, graph_column="rel_trade_hhi",
        name_zh="交易对手集中度", name_en="counterparty concentration (HHI)",
        description_zh="近12个月开票交易额按交易对手计算的赫芬达尔指数。",
        description_en="Herfindahl index of invoiced trade over counterparties in the last 12 months.",
        unit="HHI", direction=1, window="12m", record_types=REL_EVENT,
        event_types=TRADE_EVENTS,
    ),
    FeatureSpec(
        id="rel_trade_counterparty_distress", dimension=D, graph_column="rel_trade_counterparty_distress",
        name_zh="交易对手困境占比", name_en="distressed counterparties",
        description_zh="近12个月交易额中流向或来自困境企业的比例。",
        description_en="Share of the last 12 months' invoiced trade with distressed counterparties.",
        unit="ratio", direction=1, window="12m", record_types=REL_EVENT,
        event_types=(*TRADE_EVENTS, *DISTRESS_EVENTS),
    ),
    FeatureSpec(
        id="rel_trade_cycle_member", dimension=D, graph_column="rel_trade_cycle_member",
        name_zh="是否处于循环开票环", name_en="on a circular invoicing loop",
        description_zh="企业是否处于长度不超过4的循环开票（交易）环上。",
        description_en="Whether the firm lies on a circular invoicing loop of length ≤ 4.",
        unit="flag", direction=1, window="12m", record_types=REL_EVENT,
        event_types=TRADE_EVENTS,
    ),
    FeatureSpec(
        id="rel_address_firms", dimension=D, graph_column="rel_address_firms",
        name_zh="同地址企业数", name_en="firms on the same address",
        description_zh="登记在同一地址的企业数（含本企业）。",
        description_en="Number of enterprises registered at the same address.",
        unit="count", direction=1, window="as of", record_types=("enterprise",),
        event_types=(),
    ),
    FeatureSpec(
        id="rel_phone_firms", dimension=D, graph_column="rel_phone_firms",
        name_zh="同电话企业数", name_en="firms with the same phone",
        description_zh="登记同一电话的企业数（含本企业）。",
        description_en="Number of enterprises registered with the same phone.",
        unit="count", direction=1, window="as of", record_types=("enterprise",),
        event_types=(),
    ),
    FeatureSpec(
        id="rel_person_max_firms", dimension=D, graph_column="rel_person_max_firms",
        name_zh="关联自然人最多关联企业数", name_en="most firms held by one tied person",
        description_zh="与企业相关的自然人（法定代表人、高管、股东）中，关联企业数最多者的企业数。",
        description_en=(
            "Largest number of enterprises tied to one of the firm's persons (legal representative, "
            "officer, shareholder)."
        ),
        unit="count", direction=1, window="as of", record_types=REL,
        event_types=(),
    ),
    FeatureSpec(
        id="rel_registration_burst", dimension=D, graph_column="rel_registration_burst",
        name_zh="集中注册企业数", name_en="registrations in a burst",
        description_zh="同地址或同法定代表人、成立日期相差90天以内的其他企业数（取较大者）。",
        description_en=(
            "Other enterprises on the same address or with the same legal representative established within "
            "90 days of this one (the larger count)."
        ),
        unit="count", direction=1, window="as of", record_types=("enterprise", "relation"),
        event_types=(),
    ),
    FeatureSpec(
        id="rel_ring_cluster_size", dimension=D, graph_column="rel_ring_cluster_size",
        name_zh="空壳关联簇规模", name_en="shell cluster size",
        description_zh="经共同地址、电话或人员连通的企业簇的企业数。",
        description_en="Enterprises in the cluster connected by shared addresses, phones or persons.",
        unit="count", direction=1, window="as of", record_types=REL,
        event_types=(),
    ),
    FeatureSpec(
        id="rel_fraud_ring_flag", dimension=D, graph_column="rel_fraud_ring_flag",
        name_zh="疑似欺诈团伙", name_en="suspected fraud ring",
        description_zh="所在空壳簇（3至500家）存在集中注册或循环开票时为1。",
        description_en=(
            "1 when the firm's shell cluster (3 to 500 firms) shows burst registrations or circular "
            "invoicing."
        ),
        unit="flag", direction=1, window="as of", record_types=REL_EVENT,
        event_types=TRADE_EVENTS,
    ),
    FeatureSpec(
        id="rel_own_pd", dimension=D, graph_column="rel_own_pd",
        name_zh="自身违约概率（信号先验）", name_en="own PD (signal prior)",
        description_zh="仅由企业自身困境信号得到的违约概率先验（或外部评分卡PD）。",
        description_en="Default probability from the firm's own distress signals (or a supplied scorecard PD).",
        unit="probability", direction=1, window="as of", record_types=("enterprise", "event"),
        event_types=(*DISTRESS_EVENTS, "abnormal_operation", "tax_arrears"),
    ),
    FeatureSpec(
        id="rel_contagion_pd", dimension=D, graph_column="rel_contagion_pd",
        name_zh="传染违约概率", name_en="contagion PD",
        description_zh="经担保、股权和分支关系传导后的违约概率（含自身风险）。",
        description_en=(
            "Default probability after contagion through guarantees, ownership and branches (own risk "
            "included)."
        ),
        unit="probability", direction=1, window="as of", record_types=REL_EVENT,
        event_types=DISTRESS_EVENTS,
    ),
    FeatureSpec(
        id="rel_contagion_excess", dimension=D, graph_column="rel_contagion_excess",
        name_zh="传染增量违约概率", name_en="contagion PD excess",
        description_zh="传染违约概率减去自身违约概率：纯粹来自关联方的风险。",
        description_en="Contagion PD minus own PD: the risk that comes from tied firms only.",
        unit="probability", direction=1, window="as of", record_types=REL_EVENT,
        event_types=DISTRESS_EVENTS,
    ),
)

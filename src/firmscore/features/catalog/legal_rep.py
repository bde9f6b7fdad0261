"""Legal-representative features (法定代表人资信).

Personal-credit features are ``personal=True``: the block reads a person's credit file only
through ``lr_credit``, which joins the valid authorizations, and the expression returns
:data:`firmscore.datamodel.specials.NOT_AUTHORIZED` when the gate is closed.
"""

from __future__ import annotations

from firmscore.features.blocks import NOT_AUTHORIZED_SQL
from firmscore.features.spec import Dimension, FeatureSpec

D = Dimension.LEGAL_REP
PEV = ("person", "event", "authorization_grant")


def _gated(value: str) -> str:
    return (f"CASE WHEN legal_rep_id IS NULL THEN NULL WHEN authorized = 0 THEN {NOT_AUTHORIZED_SQL} "
            f"ELSE {value} END")


def _known(value: str) -> str:
    return f"CASE WHEN legal_rep_id IS NULL THEN NULL ELSE {value} END"


LEGAL_REP_FEATURES: list[FeatureSpec] = [
    FeatureSpec(
        id="lr_personal_credit_band", dimension=D, name_zh="法人个人信用等级",
        name_en="Legal representative's credit band",
        description_zh="经授权查询的法定代表人个人征信等级:A=1 … E=5;未授权为特殊值",
        description_en="Personal credit band of the legal representative, read under authorization: A=1 … E=5; "
        "special value when not authorized",
        unit="grade 1-5", direction=1, record_types=PEV, event_types=("personal_credit",), window="latest",
        block="legal_rep",
        expr=_gated("CASE band WHEN 'A' THEN 1.0 WHEN 'B' THEN 2.0 WHEN 'C' THEN 3.0 WHEN 'D' THEN 4.0 "
               "WHEN 'E' THEN 5.0 END"),
        evidence_where="kind IN ('credit', 'grant')", personal=True,
    ),
    FeatureSpec(
        id="lr_personal_overdue_count", dimension=D, name_zh="法人个人逾期次数",
        name_en="Legal representative's overdue count",
        description_zh="经授权查询的法定代表人个人征信逾期次数;未授权为特殊值",
        description_en="Overdue count on the legal representative's personal credit file, read under authorization",
        unit="count", direction=1, record_types=PEV, event_types=("personal_credit",), window="latest",
        block="legal_rep", expr=_gated("overdue"), evidence_where="kind IN ('credit', 'grant')", personal=True,
    ),
    FeatureSpec(
        id="lr_dishonest_now", dimension=D, name_zh="法人失信在列", name_en="Legal representative listed dishonest",
        description_zh="法定代表人评估日仍在失信被执行人名单中时为1",
        description_en="1 when the legal representative is a listed dishonest debtor", unit="flag", direction=1,
        record_types=("person", "event"), event_types=("dishonest_listing",), window="as of", block="legal_rep",
        expr=_known("coalesce(dishonest_now, 0.0)"), evidence_where="kind = 'person_event_dishonest_listing'",
    ),
    FeatureSpec(
        id="lr_consumption_restricted_now", dimension=D, name_zh="法人限制高消费",
        name_en="Legal representative restricted", description_zh="法定代表人评估日受限制高消费令时为1",
        description_en="1 when a consumption-restriction order binds the legal representative", unit="flag",
        direction=1, record_types=("person", "event"), event_types=("consumption_restriction",), window="as of",
        block="legal_rep", expr=_known("coalesce(restricted_now, 0.0)"),
        evidence_where="kind = 'person_event_consumption_restriction'",
    ),
    FeatureSpec(
        id="lr_enforcements", dimension=D, name_zh="法人被执行次数",
        name_en="Enforcement cases against the legal representative",
        description_zh="法定代表人个人作为被执行人的案件数",
        description_en="Enforcement cases against the legal representative personally", unit="count", direction=1,
        record_types=("person", "event"), event_types=("enforcement",), window="legal expiry", block="legal_rep",
        expr=_known("coalesce(enforcements, 0.0)"), evidence_where="kind = 'person_event_enforcement'",
    ),
    FeatureSpec(
        id="lr_other_firms", dimension=D, name_zh="法人兼任企业数",
        name_en="Other firms run by the legal representative",
        description_zh="法定代表人同时担任法定代表人的其他企业数",
        description_en="Other enterprises with the same legal representative", unit="count", direction=0,
        record_types=("enterprise",), event_types=(), window="as of", block="legal_rep",
        expr=_known("coalesce(firms, 1) - 1"), evidence_where="kind = 'firm'",
    ),
    FeatureSpec(
        id="lr_other_firms_failed_share", dimension=D, name_zh="法人其他企业失败比例",
        name_en="Failed share of the representative's other firms",
        description_zh="法定代表人其他企业中已吊销或注销的比例",
        description_en="Share of the legal representative's other firms revoked or cancelled", unit="ratio",
        direction=1, record_types=("enterprise",), event_types=(), window="as of", block="legal_rep",
        expr="(failed - CASE WHEN self_failed THEN 1.0 ELSE 0.0 END) / nullif(firms - 1, 0)",
        evidence_where="kind = 'firm'",
    ),
    FeatureSpec(
        id="lr_other_firms_distressed", dimension=D, name_zh="法人其他企业困境数",
        name_en="Distressed firms of the representative",
        description_zh="法定代表人其他企业中处于困境(吊销注销、失信、未结执行、破产退出)的数量",
        description_en="Other firms of the legal representative in distress (failed, dishonest, open "
        "enforcement, exit)",
        unit="count", direction=1, record_types=("enterprise", "event"), event_types=(), window="as of",
        block="legal_rep", expr=_known("coalesce(distressed, 0.0) - CASE WHEN self_distressed THEN 1.0 ELSE 0.0 END"),
        evidence_where="kind = 'firm'",
    ),
    FeatureSpec(
        id="lr_age_years", dimension=D, name_zh="法人年龄", name_en="Legal representative's age",
        description_zh="评估年份减出生年份", description_en="As-of year minus the legal representative's birth year",
        unit="years", direction=0, record_types=("person",), event_types=(), window="as of", block="legal_rep",
        expr="year({as_of}) - birth_year", evidence_where="kind = 'person'",
    ),
    FeatureSpec(
        id="lr_tenure_years", dimension=D, name_zh="法人任职年限", name_en="Legal representative's tenure",
        description_zh="最近一次法定代表人变更(无则成立日)至评估日的年数",
        description_en="Years since the last change of legal representative (or since establishment)", unit="years",
        direction=-1, record_types=("enterprise", "event"), event_types=(), window="all", block="legal_rep",
        expr=_known("date_diff('day', coalesce(last_change, established_date), {as_of}) / 365.25"),
        evidence_where="kind = 'legal_rep_change'",
    ),
]

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
        "lr_personal_credit_band", D, "法人个人信用等级", "Legal representative's credit band",
        "经授权查询的法定代表人个人征信等级:A=1 … E=5;未授权为特殊值",
        "Personal credit band of the legal representative, read under authorization: A=1 … E=5; "
        "special value when not authorized", "grade 1-5", 1, PEV, ("personal_credit",), "latest", "legal_rep",
        _gated("CASE band WHEN 'A' THEN 1.0 WHEN 'B' THEN 2.0 WHEN 'C' THEN 3.0 WHEN 'D' THEN 4.0 "
               "WHEN 'E' THEN 5.0 END"),
        evidence_where="kind IN ('credit', 'grant')", personal=True,
    ),
    FeatureSpec(
        "lr_personal_overdue_count", D, "法人个人逾期次数", "Legal representative's overdue count",
        "经授权查询的法定代表人个人征信逾期次数;未授权为特殊值",
        "Overdue count on the legal representative's personal credit file, read under authorization",
        "count", 1, PEV, ("personal_credit",), "latest", "legal_rep", _gated("overdue"),
        evidence_where="kind IN ('credit', 'grant')", personal=True,
    ),
    FeatureSpec(
        "lr_dishonest_now", D, "法人失信在列", "Legal representative listed dishonest",
        "法定代表人评估日仍在失信被执行人名单中时为1", "1 when the legal representative is a listed dishonest debtor",
        "flag", 1, ("person", "event"), ("dishonest_listing",), "as of", "legal_rep",
        _known("coalesce(dishonest_now, 0.0)"), evidence_where="kind = 'person_event_dishonest_listing'",
    ),
    FeatureSpec(
        "lr_consumption_restricted_now", D, "法人限制高消费", "Legal representative restricted",
        "法定代表人评估日受限制高消费令时为1", "1 when a consumption-restriction order binds the legal representative",
        "flag", 1, ("person", "event"), ("consumption_restriction",), "as of", "legal_rep",
        _known("coalesce(restricted_now, 0.0)"), evidence_where="kind = 'person_event_consumption_restriction'",
    ),
    FeatureSpec(
        "lr_enforcements", D, "法人被执行次数", "Enforcement cases against the legal representative",
        "法定代表人个人作为被执行人的案件数", "Enforcement cases against the legal representative personally",
        "count", 1, ("person", "event"), ("enforcement",), "legal expiry", "legal_rep",
        _known("coalesce(enforcements, 0.0)"), evidence_where="kind = 'person_event_enforcement'",
    ),
    FeatureSpec(
        "lr_other_firms", D, "法人兼任企业数", "Other firms run by the legal representative",
        "法定代表人同时担任法定代表人的其他企业数", "Other enterprises with the same legal representative",
        "count", 0, ("enterprise",), (), "as of", "legal_rep", _known("coalesce(firms, 1) - 1"),
        evidence_where="kind = 'firm'",
    ),
    FeatureSpec(
        "lr_other_firms_failed_share", D, "法人其他企业失败比例", "Failed share of the representative's other firms",
        "法定代表人其他企业中已吊销或注销的比例",
        "Share of the legal representative's other firms revoked or cancelled",
        "ratio", 1, ("enterprise",), (), "as of", "legal_rep",
        "(failed - CASE WHEN self_failed THEN 1.0 ELSE 0.0 END) / nullif(firms - 1, 0)",
        evidence_where="kind = 'firm'",
    ),
    FeatureSpec(
        "lr_other_firms_distressed", D, "法人其他企业困境数", "Distressed firms of the representative",
        "法定代表人其他企业中处于困境(吊销注销、失信、未结执行、破产退出)的数量",
        "Other firms of the legal representative in distress (failed, dishonest, open enforcement, exit)",
        "count", 1, ("enterprise", "event"), (), "as of", "legal_rep",
        _known("coalesce(distressed, 0.0) - CASE WHEN self_distressed THEN 1.0 ELSE 0.0 END"),
        evidence_where="kind = 'firm'",
    ),
    FeatureSpec(
        "lr_age_years", D, "法人年龄", "Legal representative's age",
        "评估年份减出生年份", "As-of year minus the legal representative's birth year",
        "years", 0, ("person",), (), "as of", "legal_rep", "year({as_of}) - birth_year",
        evidence_where="kind = 'person'",
    ),
    FeatureSpec(
        "lr_tenure_years", D, "法人任职年限", "Legal representative's tenure",
        "最近一次法定代表人变更(无则成立日)至评估日的年数",
        "Years since the last change of legal representative (or since establishment)",
        "years", -1, ("enterprise", "event"), (), "all", "legal_rep",
        _known("date_diff('day', coalesce(last_change, established_date), {as_of}) / 365.25"),
        evidence_where="kind = 'legal_rep_change'",
    ),
]

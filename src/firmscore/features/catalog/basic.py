"""Basic-information features (基本信息): who the enterprise is and how established."""

from __future__ import annotations

from firmscore.features.blocks import FAILED_STATUSES as FAILED
from firmscore.features.catalog.common import EV
from firmscore.features.spec import Dimension, FeatureSpec

D = Dimension.BASIC
ENT = ("enterprise",)

BASIC_FEATURES: list[FeatureSpec] = [
    FeatureSpec(
        id="basic_age_years", dimension=D, name_zh="成立年限", name_en="Age", description_zh="自成立日至评估日的年数",
        description_en="Years from establishment to the as-of date", unit="years", direction=-1, record_types=ENT,
        event_types=(), window="as of", block="enterprise",
        expr="date_diff('day', established_date, {as_of}) / 365.25",
    ),
    FeatureSpec(
        id="basic_registered_capital_log", dimension=D, name_zh="注册资本(对数)", name_en="Registered capital (log)",
        description_zh="注册资本(元)加一后取常用对数", description_en="log10 of 1 + registered capital in CNY",
        unit="log10 CNY", direction=-1, record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="log10(1 + CASE WHEN registered_capital < 0 THEN 0 ELSE registered_capital END)",
    ),
    FeatureSpec(
        id="basic_paid_in_ratio", dimension=D, name_zh="实缴比例", name_en="Paid-in capital ratio",
        description_zh="实缴资本占注册资本的比例", description_en="Paid-in capital divided by registered capital",
        unit="ratio", direction=-1, record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="paid_in_capital / nullif(registered_capital, 0)",
    ),
    FeatureSpec(
        id="basic_insured_employees_log", dimension=D, name_zh="参保人数(对数)", name_en="Insured employees (log)",
        description_zh="登记的社保参保人数加一后取自然对数",
        description_en="Natural log of 1 + insured employees on the registry", unit="ln persons", direction=-1,
        record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="ln(1 + CASE WHEN insured_employees < 0 THEN 0 ELSE insured_employees END)",
    ),
    FeatureSpec(
        id="basic_status_failed", dimension=D, name_zh="吊销或注销", name_en="Revoked or cancelled",
        description_zh="登记状态为吊销或注销时为1",
        description_en="1 when the registry status is revoked or cancelled", unit="flag", direction=1,
        record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr=f"CASE WHEN status IS NULL THEN NULL WHEN status IN {FAILED} THEN 1.0 ELSE 0.0 END",
    ),
    FeatureSpec(
        id="basic_status_not_in_business", dimension=D, name_zh="非存续状态", name_en="Not in business",
        description_zh="登记状态不是存续/在业时为1(含迁出)",
        description_en="1 when the registry status is anything but in business", unit="flag", direction=1,
        record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="CASE WHEN status IS NULL OR status = 'unknown' THEN NULL "
        "WHEN status = 'in_business' THEN 0.0 ELSE 1.0 END",
    ),
    FeatureSpec(
        id="basic_individual_form", dimension=D, name_zh="个体/独资/合伙形态", name_en="Unincorporated legal form",
        description_zh="企业类型为个体工商户、个人独资或合伙企业时为1(无限责任)",
        description_en="1 for individual businesses, sole proprietorships and partnerships (unlimited liability)",
        unit="flag", direction=1, record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="CASE WHEN enterprise_type IS NULL THEN NULL WHEN enterprise_type IN "
        "('individual_business', 'sole_proprietorship', 'partnership') THEN 1.0 ELSE 0.0 END",
    ),
    FeatureSpec(
        id="basic_industry_failure_rate", dimension=D, name_zh="行业失败率", name_en="Industry failure rate",
        description_zh="同一行业大类(GB/T 4754 前两位)中评估日已吊销或注销企业的占比",
        description_en="Share of enterprises in the same industry division (first two GB/T 4754 digits) revoked or "
        "cancelled on the as-of date",
        unit="ratio", direction=1, record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr=f"CASE WHEN industry IS NULL THEN NULL ELSE avg(CASE WHEN status IN {FAILED} THEN 1.0 ELSE 0.0 END) "
        "OVER (PARTITION BY substr(industry, 1, 2)) END",
    ),
    FeatureSpec(
        id="basic_region_failure_rate", dimension=D, name_zh="地区失败率", name_en="Region failure rate",
        description_zh="同一地级行政区(区划代码前四位)中评估日已吊销或注销企业的占比",
        description_en="Share of enterprises in the same prefecture (first four division-code digits) revoked or "
        "cancelled",
        unit="ratio", direction=1, record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr=f"CASE WHEN region IS NULL THEN NULL ELSE avg(CASE WHEN status IN {FAILED} THEN 1.0 ELSE 0.0 END) "
        "OVER (PARTITION BY substr(region, 1, 4)) END",
    ),
    FeatureSpec(
        id="basic_industry_peers_log", dimension=D, name_zh="同业企业数(对数)", name_en="Industry peers (log)",
        description_zh="同一行业大类企业数的自然对数",
        description_en="Natural log of the number of enterprises in the same industry division", unit="ln count",
        direction=0, record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="CASE WHEN industry IS NULL THEN NULL ELSE ln(count(*) OVER (PARTITION BY substr(industry, 1, 2))) END",
    ),
    FeatureSpec(
        id="basic_platform_member_years", dimension=D, name_zh="平台会员年限", name_en="Platform membership tenure",
        description_zh="成为交易平台诚信会员至评估日的年数",
        description_en="Years since the enterprise joined the B2B platform's membership", unit="years", direction=-1,
        record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="CASE WHEN platform_member_since <= {as_of} "
        "THEN date_diff('day', platform_member_since, {as_of}) / 365.25 END",
    ),
    FeatureSpec(
        id="basic_has_uscc", dimension=D, name_zh="有统一社会信用代码", name_en="Has a unified social credit code",
        description_zh="登记有统一社会信用代码时为1",
        description_en="1 when a unified social credit code is registered", unit="flag", direction=-1,
        record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="CASE WHEN uscc IS NULL OR uscc = '' THEN 0.0 ELSE 1.0 END",
    ),
    FeatureSpec(
        id="basic_contact_completeness", dimension=D, name_zh="联系信息完整度", name_en="Contact completeness",
        description_zh="登记地址与电话中已填写的项数(0-2)",
        description_en="How many of registered address and phone are present (0-2)", unit="count", direction=-1,
        record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="CASE WHEN address IS NULL OR address = '' THEN 0.0 ELSE 1.0 END "
        "+ CASE WHEN phone IS NULL OR phone = '' THEN 0.0 ELSE 1.0 END",
    ),
    FeatureSpec(
        id="basic_capital_per_employee_log", dimension=D, name_zh="人均注册资本(对数)",
        name_en="Capital per employee (log)", description_zh="注册资本除以参保人数后取常用对数",
        description_en="log10 of registered capital per insured employee", unit="log10 CNY", direction=0,
        record_types=ENT, event_types=(), window="as of", block="enterprise",
        expr="log10(1 + CASE WHEN registered_capital < 0 THEN 0 ELSE registered_capital END / "
        "nullif(insured_employees, 0))",
    ),
    FeatureSpec(
        id="basic_headcount_latest_log", dimension=D, name_zh="最近社保人数(对数)",
        name_en="Latest social-insurance headcount (log)", description_zh="最近一次社保缴纳人数加一后取自然对数",
        description_en="Natural log of 1 + the latest social-insurance headcount", unit="ln persons", direction=-1,
        record_types=EV, event_types=("social_insurance",), window="all", block="event",
        expr="ln(1 + abs(arg_max(value, event_date) FILTER (WHERE {w})))", where="event_type = 'social_insurance'",
    ),
    FeatureSpec(
        id="basic_headcount_change_12m", dimension=D, name_zh="社保人数年变化",
        name_en="Headcount change over 12 months", description_zh="最近社保人数相对12个月前的变化率",
        description_en="Relative change of the social-insurance headcount over 12 months", unit="ratio", direction=-1,
        record_types=EV, event_types=("social_insurance",), window="12m", block="event",
        expr="arg_max(value, event_date) FILTER (WHERE {w}) / nullif(arg_max(value, event_date) "
        "FILTER (WHERE {w} AND event_date <= {as_of} - INTERVAL 12 MONTH), 0) - 1",
        where="event_type = 'social_insurance'",
    ),
    FeatureSpec(
        id="basic_valid_qualifications", dimension=D, name_zh="有效资质数", name_en="Valid qualifications",
        description_zh="评估日仍在有效期内的资质/许可数量",
        description_en="Licences and qualifications still valid on the as-of date", unit="count", direction=-1,
        record_types=EV, event_types=("qualification",), window="as of", block="event",
        expr="count(*) FILTER (WHERE {w})",
        where="event_type = 'qualification' AND (end_date IS NULL OR end_date > {as_of})", fill=0.0,
    ),
]
